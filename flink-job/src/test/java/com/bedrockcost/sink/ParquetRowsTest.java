package com.bedrockcost.sink;

import com.bedrockcost.lake.LakeTables;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.testutil.DuckLake;
import com.bedrockcost.testutil.InvocationFiles;

import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.connector.file.sink.compactor.RecordWiseFileCompactor;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.fs.local.LocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A compaction merges a partition's small files into one holding exactly their rows (ParquetRows read them, the sink's writer writes them), as DuckDB reads them. */
class ParquetRowsTest {
    @TempDir java.nio.file.Path lake;

    @Test
    void theMergedFileHoldsEveryRowOfItsInputsOnce() throws Exception {
        java.nio.file.Path day = lake.resolve("small").resolve("invocations/year=2026/month=11/day=01");
        List<Path> inputs = new ArrayList<>();
        BigDecimal cost = BigDecimal.ZERO;
        for (int f = 0; f < 3; f++) {
            List<Invocation> rows = new ArrayList<>();
            for (int i = 1; i <= 1000; i++) {
                Invocation inv = InvocationFiles.row("req-" + f + "-" + i, Instant.parse("2026-11-01T00:00:00Z"), i);
                inv.tenantId = "tenant-" + (i % 7);
                inv.requestMetadata = i % 3 == 0 ? Map.of() : Map.of("tenantId", inv.tenantId, "team", "t" + (i % 2));
                rows.add(inv);
                cost = cost.add(inv.totalCost);
            }
            java.nio.file.Path file = day.resolve("part-" + f + ".parquet");
            InvocationFiles.write(file, rows);
            inputs.add(new Path(file.toUri()));
        }
        java.nio.file.Path merged = lake.resolve("merged").resolve("invocations/year=2026/month=11/day=01/compacted-part-0.parquet");
        Files.createDirectories(merged.getParent());
        try (FSDataOutputStream out = LocalFileSystem.getSharedInstance().create(new Path(merged.toUri()), FileSystem.WriteMode.OVERWRITE)) {
            BulkWriter<Invocation> writer = LakeSinks.parquet(LakeTables.INVOCATIONS, "SNAPPY", LakeTables::invocationColumns).create(out);
            // As Flink's compaction does: rows go to the sink's writer untyped (they are Parquet records, not Invocations).
            @SuppressWarnings({"rawtypes", "unchecked"})
            RecordWiseFileCompactor.Writer<Invocation> untyped = new RecordWiseFileCompactor.Writer() {
                @Override
                public void write(Object row) throws java.io.IOException {
                    ((BulkWriter) writer).addElement(row);
                }
            };
            new RecordWiseFileCompactor<>(new ParquetRows<Invocation>(LakeTables.INVOCATIONS)).compact(inputs, untyped);
            writer.finish();
        }

        try (DuckLake small = new DuckLake(lake.resolve("small")); DuckLake big = new DuckLake(lake.resolve("merged"))) {
            String q = "SELECT count(*) AS n, count(DISTINCT request_id) AS ids, sum(total_cost) AS cost, "
                    + "count(*) FILTER (WHERE request_metadata['team'][1] = 't1') AS team1, count(DISTINCT tenant_id) AS tenants FROM invocations";
            Map<String, Object> expected = small.rows(q).get(0);
            assertThat(((Number) expected.get("n")).longValue()).isEqualTo(3000);
            assertThat(big.rows(q).get(0)).isEqualTo(expected);
            assertThat(big.rows(q).get(0).get("cost")).isEqualTo(cost.setScale(12));
            assertThat(big.rows("SELECT * FROM invocations ORDER BY request_id"))
                    .isEqualTo(small.rows("SELECT * FROM invocations ORDER BY request_id"));
        }
    }
}
