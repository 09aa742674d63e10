package com.bedrockcost.it;

import com.bedrockcost.CostPipeline;
import com.bedrockcost.LocalRunner;
import com.bedrockcost.StreamFactory;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.pricing.PriceFeed;
import com.bedrockcost.sink.LakeSinks;
import com.bedrockcost.testutil.DuckLake;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Late data is billed like any other: an invocation whose timestamp is weeks behind the watermark
 * (a backfill, a redelivery after an outage) passes de-duplication and pricing and lands in the
 * partition of its own day. Nothing in the pipeline drops records behind the watermark.
 */
@Timeout(120)
class LateDataTest {
    static final int COUNT = 3000;
    static final long LATE_INDEX = 2500;
    static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    static final String LATE_TIME = "2026-09-15T12:00:00Z";
    /** Per request id: how far (ms) the watermark was ahead of the record's timestamp after pricing. */
    static final Map<String, Long> BEHIND_WATERMARK = new ConcurrentHashMap<>();

    @TempDir Path dir;

    @Test
    void aRecordFarBehindTheWatermarkIsWrittenToItsOwnDay() throws Exception {
        LogGenerator gen = new LogGenerator(5, COUNT, 20, START, Duration.ofDays(1));
        String lateId = requestId(gen.recordText(LATE_INDEX));
        Path lake = dir.resolve("lake");
        JobConfig config = JobConfig.defaults().with(Map.of(
                "output.path", lake.toString(), "checkpoint.dir", dir.resolve("checkpoints").toString(),
                "checkpoint.interval", "1s", "job.parallelism", "1"));
        StreamExecutionEnvironment env = LocalRunner.environment(config);
        // Slow enough that the periodic watermark has long passed the late record's time when it comes.
        StreamFactory<RawInput> input = e -> e.fromSource(
                new DataGeneratorSource<>(new OneLate(gen), COUNT, RateLimiterStrategy.perSecond(1000), TypeInformation.of(RawInput.class)),
                WatermarkStrategy.noWatermarks(), "generator-one-late").uid("source-generator");
        new CostPipeline(config, input, PriceFeed.fromConfig(config),
                LakeSinks.invocations(lake.toString(), "SNAPPY"), LakeSinks.failed(lake.toString(), "SNAPPY"))
                .build(env)
                .process(new WatermarkProbe()).uid("probe").name("probe")
                .sinkTo(new DiscardingSink<>()).uid("probe-sink");
        env.execute("late-data");

        assertThat(BEHIND_WATERMARK.get(lateId)).as("ms the watermark was ahead of the late record")
                .isGreaterThan(Duration.ofDays(40).toMillis());
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(DISTINCT request_id) FROM invocations")).isEqualTo(COUNT);
            List<Map<String, Object>> late = db.rows("SELECT year, month, day, epoch_ms(event_time) AS t, pricing_status "
                    + "FROM invocations WHERE request_id = '" + lateId + "'");
            assertThat(late).singleElement().satisfies(r -> {
                assertThat(String.valueOf(r.get("year")) + "-" + r.get("month") + "-" + r.get("day")).isEqualTo("2026-09-15");
                assertThat(((Number) r.get("t")).longValue()).isEqualTo(Instant.parse(LATE_TIME).toEpochMilli());
                assertThat(r.get("pricing_status")).isEqualTo("PRICED");
            });
        }
    }

    private static String requestId(String record) {
        int i = record.indexOf("\"requestId\":\"") + "\"requestId\":\"".length();
        return record.substring(i, record.indexOf('"', i));
    }

    /** The generator's records in order, but record {@value #LATE_INDEX} carries a timestamp weeks before the others. */
    static final class OneLate implements GeneratorFunction<Long, RawInput> {
        private static final long serialVersionUID = 1L;
        private final LogGenerator gen;

        OneLate(LogGenerator gen) {
            this.gen = gen;
        }

        @Override
        public RawInput map(Long index) {
            String text = gen.recordText(index);
            if (index == LATE_INDEX) {
                text = text.replaceFirst("\"timestamp\":\"[^\"]+\"", "\"timestamp\":\"" + LATE_TIME + "\"");
            }
            return RawInput.logLine("late-test:" + index, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Notes, for each priced invocation, how far behind the current watermark its timestamp is. */
    static final class WatermarkProbe extends ProcessFunction<Invocation, Invocation> {
        @Override
        public void processElement(Invocation inv, Context ctx, Collector<Invocation> out) {
            BEHIND_WATERMARK.put(inv.requestId, ctx.timerService().currentWatermark() - ctx.timestamp());
            out.collect(inv);
        }
    }
}
