package com.bedrockcost.it;

import com.bedrockcost.CostPipeline;
import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.Inputs;
import com.bedrockcost.pricing.PriceFeed;
import com.bedrockcost.sink.LakeSinks;
import com.bedrockcost.testutil.DuckLake;

import org.apache.flink.core.execution.JobClient;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real pipeline on a MiniCluster, reading a watched log folder and a watched price folder. While
 * it runs, a new price file (a model that had no price) and a price change (the old row closed, a new
 * row from 2026-12-01) are written into the price folder: invocations written before keep their
 * status and cost; later ones use the new table, each by its own event time.
 */
@Timeout(120)
class PriceChangeWhileRunningTest {
    static final String HEADER = "model_id,region,effective_from,effective_to,input_per_mtok,output_per_mtok,"
            + "cache_read_per_mtok,cache_write_per_mtok,min_prompt_tokens,profile_scope,cache_write_1h_per_mtok\n";
    static final String LITE = "amazon.nova-lite-v1:0";
    static final String PRO = "amazon.nova-pro-v1:0";

    @TempDir Path dir;
    private int seq;

    @Test
    void laterInvocationsUseANewPriceFileAndEarlierOnesKeepTheirs() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path prices = Files.createDirectories(dir.resolve("prices"));
        Path lake = dir.resolve("lake");
        write(prices.resolve("base.csv"), HEADER + LITE + ",us-east-1,2024-01-01,,0.06,0.24,,,,*,\n");
        JobConfig config = JobConfig.defaults().with(Map.of(
                "input.path", logs.toString(), "input.monitor.interval", "500ms",
                "pricing.path", prices.toString(), "pricing.watch.interval", "500ms",
                "output.path", lake.toString(), "checkpoint.interval", "1s", "job.parallelism", "2",
                "checkpoint.dir", dir.resolve("checkpoints").toString()));
        StreamExecutionEnvironment env = LocalRunner.environment(config);
        new CostPipeline(config, Inputs.fromConfig(config), PriceFeed.fromConfig(config),
                LakeSinks.invocations(lake.toString(), "SNAPPY"), LakeSinks.failed(lake.toString(), "SNAPPY")).build(env);
        JobClient job = env.executeAsync("price-change-while-running");
        try {
            Instant nov10 = Instant.parse("2026-11-10T08:00:00Z");
            Instant nov20 = Instant.parse("2026-11-20T08:00:00Z");
            Instant dec2 = Instant.parse("2026-12-02T08:00:00Z");
            List<String> before = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                before.add(record("before-lite-" + i, LITE, nov10, 1_000_000, 100_000));
                before.add(record("before-pro-" + i, PRO, nov10, 1_000_000, 100_000));
            }
            write(logs.resolve("batch-1.jsonl"), String.join("\n", before) + "\n");
            Map<String, Map<String, Object>> rows = awaitRows(lake, 20);
            assertThat(rows.get("before-pro-0").get("pricing_status")).isEqualTo("UNPRICED");

            // A price change for Nova Lite from 2026-12-01 (old row closed, new row appended), and a new file for Nova Pro.
            write(prices.resolve("base.csv"), HEADER
                    + LITE + ",us-east-1,2024-01-01,2026-12-01,0.06,0.24,,,,*,\n"
                    + LITE + ",us-east-1,2026-12-01,,0.05,0.2,,,,*,\n");
            write(prices.resolve("nova-pro.csv"), HEADER + PRO + ",us-east-1,2024-01-01,,0.8,3.2,0.2,,,*,\n");
            long written = System.nanoTime();
            // Canaries until the new table shows in the lake: how long a running job takes to use a new file.
            int canaries = 0;
            while (true) {
                write(logs.resolve("canary-" + canaries + ".jsonl"), record("canary-" + canaries, PRO, nov20, 1000, 10) + "\n");
                canaries++;
                rows = awaitRows(lake, 20 + canaries);
                if (rows.values().stream().anyMatch(r -> ((String) r.get("request_id")).startsWith("canary") && "PRICED".equals(r.get("pricing_status")))) {
                    break;
                }
                assertThat(Duration.ofNanos(System.nanoTime() - written)).isLessThan(Duration.ofSeconds(60));
            }
            System.out.printf("New price file in use (as seen in the lake, incl. the 1 s checkpoint) after %.1f s%n",
                    (System.nanoTime() - written) / 1e9);

            List<String> after = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                after.add(record("after-pro-" + i, PRO, nov20, 1_000_000, 100_000));
                after.add(record("after-lite-nov-" + i, LITE, nov20, 1_000_000, 100_000));
                after.add(record("after-lite-dec-" + i, LITE, dec2, 1_000_000, 100_000));
            }
            write(logs.resolve("batch-2.jsonl"), String.join("\n", after) + "\n");
            rows = awaitRows(lake, 20 + canaries + 30);

            for (int i = 0; i < 10; i++) {
                // Written before the change: unchanged.
                assertThat(rows.get("before-pro-" + i).get("pricing_status")).isEqualTo("UNPRICED");
                assertThat(rows.get("before-pro-" + i).get("total_cost")).isNull();
                assertPriced(rows.get("before-lite-" + i), "prices/base.csv:2", "0.084");
                // After: the new file, the old Nova Lite price before 2026-12-01, the new one after.
                assertPriced(rows.get("after-pro-" + i), "prices/nova-pro.csv:2", "1.12");
                assertPriced(rows.get("after-lite-nov-" + i), "prices/base.csv:2", "0.084");
                assertPriced(rows.get("after-lite-dec-" + i), "prices/base.csv:3", "0.07");
            }
        } finally {
            job.cancel().get();
        }
    }

    private static void assertPriced(Map<String, Object> row, String source, String total) {
        assertThat(row.get("pricing_status")).isEqualTo("PRICED");
        assertThat(row.get("price_source")).isEqualTo(source);
        assertThat(row.get("total_cost")).isEqualTo(new BigDecimal(total).setScale(12));
    }

    /** Waits until the lake has at least {@code n} committed invocation rows; returns them by request id. */
    private static Map<String, Map<String, Object>> awaitRows(Path lake, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Map<String, Map<String, Object>> rows = new HashMap<>();
            if (Files.isDirectory(lake.resolve("invocations"))) {
                try (DuckLake db = new DuckLake(lake)) {
                    for (Map<String, Object> r : db.rows("SELECT request_id, pricing_status, price_source, total_cost FROM invocations")) {
                        rows.put((String) r.get("request_id"), r);
                    }
                } catch (java.sql.SQLException e) {
                    // No committed file yet.
                }
            }
            if (rows.size() >= n) {
                return rows;
            }
            assertThat(System.nanoTime()).as("waiting for " + n + " rows, have " + rows.size()).isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    /** Writes under a hidden name and renames, so that neither watcher reads a half-written file. */
    private static void write(Path file, String content) throws Exception {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(tmp, content.getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private String record(String requestId, String modelId, Instant at, long in, long out) {
        seq++;
        return "{\"schemaType\":\"ModelInvocationLog\",\"schemaVersion\":\"1.0\",\"timestamp\":\"" + at.plusMillis(seq)
                + "\",\"accountId\":\"111122223333\",\"identity\":{\"arn\":\"arn:aws:sts::111122223333:assumed-role/app/s\"},"
                + "\"region\":\"us-east-1\",\"requestId\":\"" + requestId + "\",\"operation\":\"Converse\",\"modelId\":\"" + modelId
                + "\",\"input\":{\"inputContentType\":\"application/json\",\"inputTokenCount\":" + in + "},"
                + "\"output\":{\"outputContentType\":\"application/json\",\"outputTokenCount\":" + out + "},"
                + "\"requestMetadata\":{\"tenantId\":\"t1\"}}";
    }
}
