package com.bedrockcost.testutil;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The check the guarantees come down to: the lake, read with DuckDB, holds every invocation exactly once. */
public final class ExactlyOnce {
    private ExactlyOnce() {}

    public static void assertLakeHolds(Path lake, ExpectedTotals expected) throws Exception {
        try (DuckLake db = new DuckLake(lake)) {
            Map<String, Object> t = db.rows("SELECT count(*) AS n, count(DISTINCT request_id) AS ids, "
                    + "sum(input_tokens) AS input, sum(output_tokens) AS output, sum(cache_read_tokens) AS cache_read, "
                    + "sum(cache_write_tokens) AS cache_write, sum(total_cost) AS cost, "
                    + "count(*) FILTER (WHERE pricing_status = 'UNPRICED') AS unpriced FROM invocations").get(0);
            long n = ((Number) t.get("n")).longValue();
            assertThat(((Number) t.get("ids")).longValue()).as("distinct request ids").isEqualTo(expected.requestIds.size());
            assertThat(n).as("rows (a difference to distinct ids means duplicates)").isEqualTo(expected.requestIds.size());
            Set<String> ids = db.rows("SELECT request_id FROM invocations").stream()
                    .map(r -> (String) r.get("request_id")).collect(Collectors.toSet());
            assertThat(ids).as("request ids").isEqualTo(expected.requestIds);
            assertThat(((Number) t.get("input")).longValue()).as("input tokens").isEqualTo(expected.inputTokens);
            assertThat(((Number) t.get("output")).longValue()).as("output tokens").isEqualTo(expected.outputTokens);
            assertThat(((Number) t.get("cache_read")).longValue()).as("cache read tokens").isEqualTo(expected.cacheReadTokens);
            assertThat(((Number) t.get("cache_write")).longValue()).as("cache write tokens").isEqualTo(expected.cacheWriteTokens);
            assertThat(((Number) t.get("unpriced")).longValue()).as("unpriced rows").isEqualTo(expected.unpriced);
            assertThat((BigDecimal) t.get("cost")).as("cost total, USD").isEqualTo(expected.totalCost);
            boolean anyFailed = db.count("SELECT count(*) FROM information_schema.tables WHERE table_name = 'failed'") > 0;
            List<Map<String, Object>> failed = anyFailed ? db.rows("SELECT source, error_type FROM failed LIMIT 5") : List.of();
            assertThat(failed).as("failed rows").isEmpty();
        }
    }
}
