package com.bedrockcost.it;

import com.bedrockcost.CostPipeline;
import com.bedrockcost.LocalRunner;
import com.bedrockcost.cli.RestateCommandTest;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.model.StreamFactory;
import com.bedrockcost.pricing.PriceFeed;
import com.bedrockcost.rollup.HourlyCombiner;
import com.bedrockcost.sink.LakeSinks;
import com.bedrockcost.testutil.DuckLake;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A streaming job whose log input pauses for longer than {@code watermark.idle.timeout} in the middle
 * of an hour and then goes on with the same hour; prices from a source that has ended (built-in
 * table, read once) or from a watched folder (a source that never ends). The price side carries no event time: the idle log input leaves the pricing operator idle,
 * its watermark stands still, and the hour is written once, when it really ends — one ON_TIME row
 * per tenant and model, no LATE rows — instead of being closed by the price side's watermark during
 * the pause and followed by LATE rows.
 */
@Timeout(240)
class IdleInputHourTest {
    static final int COUNT = 400;
    static final Instant START = Instant.parse("2026-11-01T10:00:00Z");
    /** The source stops this long after half of its records: many times the idle timeout (1 s). */
    static final long PAUSE_SECONDS = 6;

    @TempDir Path dir;

    /** Built-in prices: the price source reads once and finishes, with the end-of-time watermark of a finished source. */
    @Test
    void anIdleLogInputDoesNotCloseItsHourEarlyWhenThePriceSourceHasEnded() throws Exception {
        Path lake = dir.resolve("lake");
        JobExecutionResult result = pipeline(config(lake)).execute("idle-log-input");
        assertThat(result.<Long>getAccumulatorResult(HourlyCombiner.LATE_ACCUMULATOR)).as("late invocations").isZero();
        assertOneRowPerTenantAndModel(lake);
    }

    /** A watched price folder: the price source never ends; the job is cancelled once the hour is in the lake. */
    @Test
    void anIdleLogInputDoesNotCloseItsHourEarlyWhileThePriceFolderIsWatched() throws Exception {
        Path lake = dir.resolve("lake");
        Path prices = dir.resolve("prices/pricing");
        RestateCommandTest.copyBuiltInTable(prices);
        JobClient job = pipeline(config(lake).with(Map.of("pricing.path", prices.toString(), "pricing.watch.interval", "1s")))
                .executeAsync("idle-log-input-watched-prices");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            while (hourlyInvocations(lake) < COUNT) {
                assertThat(System.nanoTime()).as("all invocations in tenant_hourly").isLessThan(deadline);
                Thread.sleep(500);
            }
            Thread.sleep(3000); // a few more checkpoints: any further row would be committed now
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
        assertOneRowPerTenantAndModel(lake);
    }

    private JobConfig config(Path lake) {
        // A watched input folder: unbounded as far as the job is concerned, so the rollup closes hours by the watermark.
        return JobConfig.defaults().with(Map.of(
                "input.path", dir.resolve("unused").toString(), "input.monitor.interval", "1s",
                "watermark.idle.timeout", "1s",
                "output.path", lake.toString(), "checkpoint.dir", dir.resolve("checkpoints").toString(),
                "checkpoint.interval", "1s", "job.parallelism", "1"));
    }

    private static StreamExecutionEnvironment pipeline(JobConfig config) {
        StreamExecutionEnvironment env = LocalRunner.environment(config);
        StreamFactory<RawInput> input = e -> e.fromSource(
                new DataGeneratorSource<>(new OneHour(), COUNT, new PauseOnce(), TypeInformation.of(RawInput.class)),
                WatermarkStrategy.noWatermarks(), "pausing-logs").uid("source-generator");
        String root = config.get(JobConfig.OUTPUT_PATH);
        new CostPipeline(config, input, PriceFeed.fromConfig(config), LakeSinks.invocations(root, "SNAPPY"),
                LakeSinks.failed(root, "SNAPPY"), LakeSinks.tenantHourly(root, "SNAPPY")).build(env);
        return env;
    }

    private static long hourlyInvocations(Path lake) throws Exception {
        if (!Files.isDirectory(lake.resolve("tenant_hourly"))) {
            return 0;
        }
        try (DuckLake db = new DuckLake(lake)) {
            return db.rows("SELECT 1 FROM duckdb_views() WHERE view_name = 'tenant_hourly'").isEmpty() ? 0
                    : db.count("SELECT coalesce(sum(invocations), 0) FROM tenant_hourly");
        }
    }

    private static void assertOneRowPerTenantAndModel(Path lake) throws Exception {
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(DISTINCT request_id) FROM invocations")).isEqualTo(COUNT);
            assertThat(db.count("SELECT count(*) FROM tenant_hourly WHERE row_kind <> 'ON_TIME'")).as("LATE rows").isZero();
            long groups = db.count("SELECT count(*) FROM (SELECT DISTINCT tenant_id, model FROM invocations)");
            assertThat(groups).isGreaterThan(5);
            assertThat(db.count("SELECT count(*) FROM tenant_hourly")).as("one row per tenant and model of the hour").isEqualTo(groups);
            assertThat(db.count("SELECT count(DISTINCT window_start) FROM tenant_hourly")).isEqualTo(1);
            List<Map<String, Object>> hourly = db.rows("SELECT tenant_id, model, sum(invocations) AS n, sum(input_tokens) AS i,"
                    + " sum(output_tokens) AS o, sum(total_cost) AS c, sum(unpriced) AS u FROM tenant_hourly GROUP BY ALL ORDER BY ALL");
            List<Map<String, Object>> invocations = db.rows("SELECT tenant_id, model, count(*) AS n, sum(input_tokens) AS i,"
                    + " sum(output_tokens) AS o, sum(total_cost) AS c, count(*) FILTER (WHERE pricing_status = 'UNPRICED') AS u"
                    + " FROM invocations GROUP BY ALL ORDER BY ALL");
            assertThat(normalized(hourly)).isEqualTo(normalized(invocations));
        }
    }

    /** Values comparable across tables: decimals at scale 12, integers as longs. */
    private static List<List<Object>> normalized(List<Map<String, Object>> rows) {
        List<List<Object>> out = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            List<Object> values = new ArrayList<>();
            for (Object v : r.values()) {
                values.add(v instanceof BigDecimal ? ((BigDecimal) v).setScale(12).toPlainString()
                        : v instanceof Number ? (Object) ((Number) v).longValue() : v);
            }
            out.add(values);
        }
        return out;
    }

    /** Invocations of 10:00 to 10:50: the hour does not end before the input does. */
    static final class OneHour implements GeneratorFunction<Long, RawInput> {
        private static final long serialVersionUID = 1L;
        private final LogGenerator logs = new LogGenerator(7, COUNT, 6, START, Duration.ofMinutes(50));

        @Override
        public RawInput map(Long index) {
            return RawInput.logLine("pausing:" + index, logs.recordText(index).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** No limit, except one pause of {@link #PAUSE_SECONDS} before the second half (the reader waits without blocking). */
    static final class PauseOnce implements RateLimiterStrategy {
        private static final long serialVersionUID = 1L;

        @Override
        public RateLimiter createRateLimiter(int parallelism) {
            return new RateLimiter() {
                private long acquired;

                @Override
                public CompletionStage<Void> acquire() {
                    if (++acquired == COUNT / 2 + 1) {
                        return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(PAUSE_SECONDS, TimeUnit.SECONDS));
                    }
                    return CompletableFuture.completedFuture(null);
                }
            };
        }
    }
}
