package com.bedrockcost.it;

import com.bedrockcost.CostPipeline;
import com.bedrockcost.LocalRunner;
import com.bedrockcost.StreamFactory;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.pricing.PriceFeed;
import com.bedrockcost.rollup.HourlyCombiner;
import com.bedrockcost.sink.LakeSinks;
import com.bedrockcost.testutil.DuckLake;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two shards read at different speeds: one is three hours of event time behind the other (a
 * backlog being caught up), interleaved in one stream, so the watermark (driven by the fast shard)
 * has long closed the hours of the slow shard's invocations when they come. The streaming rollup
 * writes them as LATE rows of their hours: per tenant, model and hour, the sum over tenant_hourly's
 * rows equals the sum over invocations, to the digit, and every invocation is counted once.
 */
@Timeout(180)
class LateHourlyRollupTest {
    static final int PER_SHARD = 3000;
    static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

    private static final String SUMS_OF_INVOCATIONS = String.join(", ",
            "count(*)", "sum(input_tokens)", "sum(output_tokens)", "sum(cache_read_tokens)", "sum(cache_write_tokens)",
            "sum(input_cost)", "sum(output_cost)", "sum(cache_read_cost)", "sum(cache_write_cost)", "sum(total_cost)",
            "count(*) FILTER (WHERE pricing_status = 'UNPRICED')", "count(error_code)", "count(latency_ms)", "sum(latency_ms)");
    private static final String SUMS_OF_HOURLY = String.join(", ",
            "sum(invocations)", "sum(input_tokens)", "sum(output_tokens)", "sum(cache_read_tokens)", "sum(cache_write_tokens)",
            "sum(input_cost)", "sum(output_cost)", "sum(cache_read_cost)", "sum(cache_write_cost)", "sum(total_cost)",
            "sum(unpriced)", "sum(errors)", "sum(latency_count)", "sum(latency_ms_sum)");

    @TempDir Path dir;

    @Test
    void invocationsHoursBehindTheWatermarkReachTenantHourlyAsLateRows() throws Exception {
        Path lake = dir.resolve("lake");
        // A watched folder: an unbounded input as far as the job is concerned, so the rollup closes hours by the watermark.
        JobConfig config = JobConfig.defaults().with(Map.of(
                "input.path", dir.resolve("unused").toString(), "input.monitor.interval", "1s",
                "output.path", lake.toString(), "checkpoint.dir", dir.resolve("checkpoints").toString(),
                "checkpoint.interval", "1s", "job.parallelism", "2"));
        StreamExecutionEnvironment env = LocalRunner.environment(config);
        // Slow enough that periodic watermarks pass between the fast shard's hours.
        StreamFactory<RawInput> input = e -> e.fromSource(
                new DataGeneratorSource<>(new TwoShards(), 2L * PER_SHARD, RateLimiterStrategy.perSecond(2000),
                        TypeInformation.of(RawInput.class)),
                WatermarkStrategy.noWatermarks(), "two-shards").uid("source-generator");
        String root = lake.toString();
        new CostPipeline(config, input, PriceFeed.fromConfig(config), LakeSinks.invocations(root, "SNAPPY"),
                LakeSinks.failed(root, "SNAPPY"), LakeSinks.tenantHourly(root, "SNAPPY")).build(env);
        JobExecutionResult result = env.execute("late-hourly");
        long lateCounted = result.<Long>getAccumulatorResult(HourlyCombiner.LATE_ACCUMULATOR);

        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(DISTINCT request_id) FROM invocations")).isEqualTo(2L * PER_SHARD);
            String key = "epoch_ms(%s) // 3600000 AS h, tenant_id, model";
            Map<List<Object>, List<Object>> invocations = keyed(db.rows(
                    "SELECT " + String.format(key, "event_time") + ", " + SUMS_OF_INVOCATIONS + " FROM invocations GROUP BY ALL"));
            Map<List<Object>, List<Object>> hourly = keyed(db.rows(
                    "SELECT " + String.format(key, "window_start") + ", " + SUMS_OF_HOURLY + " FROM tenant_hourly GROUP BY ALL"));
            assertThat(hourly).isEqualTo(invocations);
            assertThat(invocations.size()).isGreaterThan(100);

            long lateInLake = db.count("SELECT coalesce(sum(invocations), 0) FROM tenant_hourly WHERE row_kind = 'LATE'");
            assertThat(lateInLake).as("invocations in LATE rows").isPositive().isEqualTo(lateCounted);
            assertThat(db.count("SELECT sum(invocations) FROM tenant_hourly WHERE row_kind = 'ON_TIME'") + lateInLake)
                    .isEqualTo(2L * PER_SHARD);
            assertThat(db.count("SELECT count(*) FROM tenant_hourly WHERE row_kind NOT IN ('ON_TIME', 'LATE') OR row_kind IS NULL")).isZero();
        }
    }

    /** Rows as (h, tenant, model) -> the other values, with decimals at scale 12 so that equal sums compare equal. */
    private static Map<List<Object>, List<Object>> keyed(List<Map<String, Object>> rows) {
        Map<List<Object>, List<Object>> out = new HashMap<>();
        for (Map<String, Object> r : rows) {
            List<Object> values = new ArrayList<>();
            for (Object v : r.values()) {
                values.add(v instanceof BigDecimal ? ((BigDecimal) v).setScale(12).toPlainString()
                        : v instanceof Number ? (Object) ((Number) v).longValue() : v);
            }
            out.put(new ArrayList<>(values.subList(0, 3)), new ArrayList<>(values.subList(3, values.size())));
        }
        return out;
    }

    /** Even indices: the fast shard, 03:00 to 09:00; odd: the slow one, 00:00 to 06:00, three hours behind. */
    static final class TwoShards implements GeneratorFunction<Long, RawInput> {
        private static final long serialVersionUID = 1L;
        private final LogGenerator fast = new LogGenerator(11, PER_SHARD, 12, START.plus(Duration.ofHours(3)), Duration.ofHours(6));
        private final LogGenerator slow = new LogGenerator(23, PER_SHARD, 12, START, Duration.ofHours(6));

        @Override
        public RawInput map(Long index) {
            String text = (index % 2 == 0 ? fast : slow).recordText(index / 2);
            return RawInput.logLine("shard-" + (index % 2) + ":" + index / 2, text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
