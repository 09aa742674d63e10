package com.bedrockcost.it;

import com.bedrockcost.CostPipeline;
import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.Inputs;
import com.bedrockcost.pricing.PriceFeed;
import com.bedrockcost.sink.LakeSinks;
import com.bedrockcost.testutil.DuckLake;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 23, done when: invocations of a model without a price are written UNPRICED; the job is
 * stopped with a savepoint and restored; then the model's price file appears in the watched price
 * folder, and each of those invocations gets exactly one PRICED_LATE adjustment. Invocations plus
 * adjustments then add up, to the digit, to the total priced with the full table from the start, per
 * tenant too, and tenant_hourly (ON_TIME rows plus ADJUSTMENT rows) to the same per tenant and hour.
 */
@Timeout(300)
class PricedLateTest {
    static final String HEADER = "model_id,region,effective_from,effective_to,input_per_mtok,output_per_mtok,"
            + "cache_read_per_mtok,cache_write_per_mtok,min_prompt_tokens,profile_scope,cache_write_1h_per_mtok\n";
    static final String LITE = "amazon.nova-lite-v1:0";
    static final String PRO = "amazon.nova-pro-v1:0";
    static final int PRO_CALLS = 12;
    static final Instant NOV10 = Instant.parse("2026-11-10T08:00:00Z");

    @TempDir Path dir;

    @Test
    void unpricedInvocationsGetOnePricedLateAdjustmentEachWhenTheirPriceArrivesAfterARestart() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path prices = Files.createDirectories(dir.resolve("prices"));
        Path lake = dir.resolve("lake");
        write(prices.resolve("base.csv"), HEADER + LITE + ",us-east-1,2024-01-01,,0.06,0.24,,,,*,\n");
        JobConfig config = JobConfig.defaults().with(Map.of(
                "input.path", logs.toString(), "input.monitor.interval", "500ms",
                "pricing.path", prices.toString(), "pricing.watch.interval", "500ms",
                "output.path", lake.toString(), "checkpoint.interval", "1s", "job.parallelism", "2",
                "watermark.idle.timeout", "1s", "checkpoint.dir", dir.resolve("checkpoints").toString()));

        // Expected totals priced with the full table (Nova Pro 0.8 / 3.2 USD per million tokens), per tenant.
        Map<String, BigDecimal> expected = new TreeMap<>();
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < PRO_CALLS; i++) {
            String tenant = "t" + (i % 3);
            long in = 1_000 + 37L * i;
            long out = 100 + 11L * i;
            batch.add(record("pro-" + i, PRO, NOV10.plus(Duration.ofMinutes(9L * i)), tenant, in, out));
            expected.merge(tenant, perMillion(in, "0.8").add(perMillion(out, "3.2")), BigDecimal::add);
            batch.add(record("lite-" + i, LITE, NOV10.plus(Duration.ofMinutes(9L * i)), tenant, in, out));
            expected.merge(tenant, perMillion(in, "0.06").add(perMillion(out, "0.24")), BigDecimal::add);
        }
        write(logs.resolve("batch-1.jsonl"), String.join("\n", batch) + "\n");

        JobClient first = start(config, lake);
        String savepoint;
        try {
            await(lake, "SELECT count(*) FROM invocations", 2 * PRO_CALLS);
            try (DuckLake db = new DuckLake(lake)) {
                assertThat(db.count("SELECT count(*) FROM invocations WHERE model = '" + PRO + "' AND pricing_status = 'UNPRICED'"))
                        .isEqualTo(PRO_CALLS);
            }
        } finally {
            savepoint = first.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(120, TimeUnit.SECONDS);
        }
        assertThat(lake.resolve("adjustments")).doesNotExist();

        // Restored (at another parallelism): the remembered invocations travelled in the savepoint.
        JobClient second = start(config.with(Map.of("restore.path", savepoint, "job.parallelism", "3")), lake);
        try {
            write(prices.resolve("nova-pro.csv"), HEADER + PRO + ",us-east-1,2024-01-01,,0.8,3.2,,,,*,\n");
            await(lake, "SELECT count(*) FROM adjustments", PRO_CALLS);
            // A day later: the watermark passes the hours of batch 1, whose rows are then written.
            write(logs.resolve("batch-2.jsonl"), record("lite-next-day", LITE, NOV10.plus(Duration.ofDays(1)), "t0", 1000, 100) + "\n");
            await(lake, "SELECT coalesce(sum(invocations), 0) FROM tenant_hourly WHERE window_start < TIMESTAMPTZ '2026-11-11 00:00:00+00'",
                    2 * PRO_CALLS);
            // A further table change prices nothing again.
            write(prices.resolve("base.csv"), HEADER + LITE + ",us-east-1,2024-01-01,,0.06,0.24,,,,*,\n"
                    + "amazon.nova-micro-v1:0,us-east-1,2024-01-01,,0.035,0.14,,,,*,\n");
            write(logs.resolve("batch-3.jsonl"), record("lite-after", LITE, NOV10.plus(Duration.ofDays(1)), "t0", 1000, 100) + "\n");
            await(lake, "SELECT count(*) FROM invocations", 2 * PRO_CALLS + 2);
        } finally {
            second.cancel().get(60, TimeUnit.SECONDS);
        }

        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(*) FROM adjustments")).isEqualTo(PRO_CALLS);
            assertThat(db.count("SELECT count(DISTINCT request_id) FROM adjustments")).isEqualTo(PRO_CALLS);
            assertThat(db.count("SELECT count(*) FROM adjustments WHERE reason = 'PRICED_LATE' AND old_pricing_status = 'UNPRICED'"
                    + " AND new_pricing_status = 'PRICED' AND new_price_source = 'prices/nova-pro.csv:2' AND request_id LIKE 'pro-%'"))
                    .isEqualTo(PRO_CALLS);
            String current = "SELECT tenant_id, sum(c) AS total FROM ("
                    + " SELECT tenant_id, total_cost AS c FROM invocations WHERE request_id NOT IN ('lite-next-day', 'lite-after')"
                    + " UNION ALL SELECT tenant_id, total_cost_delta FROM adjustments) GROUP BY tenant_id ORDER BY tenant_id";
            Map<String, BigDecimal> actual = new TreeMap<>();
            for (Map<String, Object> r : db.rows(current)) {
                actual.put((String) r.get("tenant_id"), ((BigDecimal) r.get("total")).setScale(12));
            }
            Map<String, BigDecimal> exp = new TreeMap<>();
            expected.forEach((k, v) -> exp.put(k, v.setScale(12)));
            assertThat(actual).isEqualTo(exp);

            // tenant_hourly: the sum of an hour's rows is invocations plus adjustments, and nothing is left unpriced.
            String byHour = "SELECT tenant_id, epoch_ms(%s) // 3600000 AS h, sum(%s) AS total, sum(%s) AS unpriced FROM %s"
                    + " WHERE %s < TIMESTAMPTZ '2026-11-11 00:00:00+00' GROUP BY ALL";
            Map<List<Object>, List<Object>> hourly = keyed(db.rows(String.format(byHour, "window_start", "total_cost", "unpriced",
                    "tenant_hourly", "window_start")));
            Map<List<Object>, List<Object>> fromLake = keyed(db.rows("SELECT tenant_id, h, sum(total) AS total, sum(unpriced) AS unpriced FROM ("
                    + String.format(byHour, "event_time", "total_cost", "CASE WHEN pricing_status = 'UNPRICED' THEN 1 ELSE 0 END",
                            "invocations", "event_time")
                    + " UNION ALL " + String.format(byHour, "event_time", "total_cost_delta", "-1", "adjustments", "event_time")
                    + ") GROUP BY ALL"));
            assertThat(hourly).isEqualTo(fromLake);
            assertThat(db.count("SELECT sum(unpriced) FROM tenant_hourly")).isZero();
            assertThat(db.count("SELECT sum(invocations) FROM tenant_hourly WHERE window_start < TIMESTAMPTZ '2026-11-11 00:00:00+00'"))
                    .isEqualTo(2 * PRO_CALLS);
            System.out.println("tenant_hourly rows by kind: " + db.rows("SELECT row_kind, count(*) AS n, sum(invocations) AS invocations"
                    + " FROM tenant_hourly GROUP BY ALL ORDER BY ALL"));
            assertThat(db.count("SELECT count(*) FROM tenant_hourly WHERE row_kind = 'ADJUSTMENT'")).isPositive();
            assertThat(db.count("SELECT sum(invocations) FROM tenant_hourly WHERE row_kind = 'ADJUSTMENT'")).isZero();
        }
    }

    private static JobClient start(JobConfig config, Path lake) throws Exception {
        StreamExecutionEnvironment env = LocalRunner.environment(config);
        String root = lake.toString();
        new CostPipeline(config, Inputs.fromConfig(config), PriceFeed.fromConfig(config), LakeSinks.invocations(root, "SNAPPY"),
                LakeSinks.failed(root, "SNAPPY"), LakeSinks.tenantHourly(root, "SNAPPY"))
                .withAdjustments(LakeSinks.adjustments(root, "SNAPPY")).build(env);
        return env.executeAsync("priced-late");
    }

    private static BigDecimal perMillion(long quantity, String usdPerMillion) {
        return BigDecimal.valueOf(quantity).multiply(new BigDecimal(usdPerMillion)).movePointLeft(6);
    }

    /** Rows as (first two values) -> the others, decimals at scale 12, numbers as long. */
    private static Map<List<Object>, List<Object>> keyed(List<Map<String, Object>> rows) {
        Map<List<Object>, List<Object>> out = new HashMap<>();
        for (Map<String, Object> r : rows) {
            List<Object> values = new ArrayList<>();
            for (Object v : r.values()) {
                values.add(v instanceof BigDecimal ? ((BigDecimal) v).setScale(12).toPlainString()
                        : v instanceof Number ? (Object) ((Number) v).longValue() : v);
            }
            out.put(new ArrayList<>(values.subList(0, 2)), new ArrayList<>(values.subList(2, values.size())));
        }
        return out;
    }

    /** Waits until {@code countQuery} over the committed lake gives at least {@code n}. */
    private static void await(Path lake, String countQuery, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        long have = 0;
        while (true) {
            try (DuckLake db = new DuckLake(lake)) {
                have = db.count(countQuery);
            } catch (java.sql.SQLException e) {
                have = 0; // the table has no committed file yet
            }
            if (have >= n) {
                return;
            }
            assertThat(System.nanoTime()).as("waiting for " + n + " from " + countQuery + ", have " + have).isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    /** Writes under a hidden name and renames, so that neither watcher reads a half-written file. */
    private static void write(Path file, String content) throws Exception {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(tmp, content.getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String record(String requestId, String modelId, Instant at, String tenant, long in, long out) {
        return "{\"schemaType\":\"ModelInvocationLog\",\"schemaVersion\":\"1.0\",\"timestamp\":\"" + at
                + "\",\"accountId\":\"111122223333\",\"identity\":{\"arn\":\"arn:aws:sts::111122223333:assumed-role/app/s\"},"
                + "\"region\":\"us-east-1\",\"requestId\":\"" + requestId + "\",\"operation\":\"Converse\",\"modelId\":\"" + modelId
                + "\",\"input\":{\"inputContentType\":\"application/json\",\"inputTokenCount\":" + in + "},"
                + "\"output\":{\"outputContentType\":\"application/json\",\"outputTokenCount\":" + out + "},"
                + "\"requestMetadata\":{\"tenantId\":\"" + tenant + "\"}}";
    }
}
