package com.bedrockcost.sink;

import com.bedrockcost.model.Invocation;
import com.bedrockcost.testutil.DuckLake;
import com.bedrockcost.testutil.InvocationFiles;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The writer's cache of encoded metadata strings never changes what is written, also past its size. */
class RowWriteSupportTest {
    @TempDir Path lake;

    @Test
    void metadataReadsBackExactlyThroughAndBeyondTheStringCache() throws Exception {
        List<Invocation> rows = new ArrayList<>();
        Set<List<String>> expected = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            Invocation inv = row(i);
            if (i % 100 == 7) {
                inv.requestMetadata = null;
            } else if (i % 100 == 8) {
                inv.requestMetadata = new HashMap<>();
            } else {
                Map<String, String> m = new HashMap<>();
                m.put("tenantId", "tenant-" + (i % 50));                 // repeats: served from the cache
                m.put("unique", "value-" + i);                           // 10,000 distinct: the cache starts over
                m.put("long", "ä".repeat(100 + i % 3) + i);              // longer than the cache keeps
                m.put("department", i % 11 == 0 ? null : "dept-ü-" + (i % 4));
                inv.requestMetadata = m;
            }
            if (inv.requestMetadata != null) {
                inv.requestMetadata.forEach((k, v) -> expected.add(Arrays.asList(inv.requestId, k, v)));
            }
            rows.add(inv);
        }
        Path file = lake.resolve("invocations/year=2026/month=11/day=01/part-0.parquet");
        InvocationFiles.write(file, rows);

        try (DuckLake db = new DuckLake(lake)) {
            Set<List<String>> read = new HashSet<>();
            for (Map<String, Object> r : db.rows("SELECT request_id, unnest(map_keys(request_metadata)) AS k, "
                    + "unnest(map_values(request_metadata)) AS v FROM invocations")) {
                read.add(Arrays.asList((String) r.get("request_id"), (String) r.get("k"), (String) r.get("v")));
            }
            assertThat(read).hasSize(expected.size()).isEqualTo(expected);
            assertThat(db.count("SELECT count(*) FROM invocations WHERE request_metadata IS NULL")).isEqualTo(100);
            assertThat(db.count("SELECT count(*) FROM invocations WHERE cardinality(request_metadata) = 0")).isEqualTo(100);
        }
    }

    private static Invocation row(int i) {
        return InvocationFiles.row("req-" + i, Instant.parse("2026-11-01T10:00:00Z"), i);
    }
}
