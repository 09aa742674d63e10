package com.bedrockcost.rollup;

import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.TenantHourly;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TimeZone;

import static org.assertj.core.api.Assertions.assertThat;

/** The hourly rollup on its own: exact sums, UTC hours, and what happens to rows behind the watermark. */
class TenantHourlyRollupTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    private static final String M1 = "anthropic.claude-sonnet-4-5-20250929-v1:0";

    @Test
    void sumsAreExactToTwelveDecimalsPerUtcHourTenantAndModel() throws Exception {
        TimeZone zone = TimeZone.getDefault();
        // A half-hour zone: hours aligned on the JVM's zone instead of UTC would split these rows differently.
        TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata"));
        try {
            Invocation a = priced("2026-11-01T10:00:00Z", "t1", M1, "0.000000000001", 100L);
            a.errorCode = null;
            Invocation b = priced("2026-11-01T10:59:59.999Z", "t1", M1, "123456789.123456789012", 201L);
            b.errorCode = "ThrottlingException";
            Invocation c = unpriced("2026-11-01T11:00:00Z", "t1", M1, null);
            Invocation d = priced("2026-11-01T10:30:00Z", null, M1, "0.5", 7L);
            Invocation e = unpriced("2026-11-01T10:31:00Z", "t2", null, 9L);

            List<TenantHourly> rows = rollup(boundedOutOfOrderness(), a, b, d, e, c);

            assertThat(rows).hasSize(4);
            TenantHourly t1At10 = find(rows, "2026-11-01T10:00:00Z", "t1", M1);
            assertThat(t1At10.windowEnd).isEqualTo(Instant.parse("2026-11-01T11:00:00Z"));
            assertThat(t1At10.invocations).isEqualTo(2);
            assertThat(t1At10.inputTokens).isEqualTo(a.inputTokens + b.inputTokens);
            assertThat(t1At10.outputTokens).isEqualTo(a.outputTokens + b.outputTokens);
            assertThat(t1At10.cacheReadTokens).isEqualTo(a.cacheReadTokens + b.cacheReadTokens);
            assertThat(t1At10.cacheWriteTokens).isEqualTo(a.cacheWriteTokens + b.cacheWriteTokens);
            assertThat(t1At10.cacheWrite1hTokens).isEqualTo(a.cacheWrite1hTokens + b.cacheWrite1hTokens);
            // 0.000000000001 + 123456789.123456789012, at scale 12, not one digit lost.
            assertThat(t1At10.inputCost).isEqualTo(new BigDecimal("123456789.123456789013"));
            assertThat(t1At10.outputCost).isEqualTo(new BigDecimal("246913578.246913578026"));
            assertThat(t1At10.cacheReadCost).isEqualTo(new BigDecimal("370370367.370370367039"));
            assertThat(t1At10.cacheWriteCost).isEqualTo(new BigDecimal("493827156.493827156052"));
            assertThat(t1At10.totalCost).isEqualTo(new BigDecimal("1234567891.234567890130"));
            assertThat(t1At10.unpriced).isZero();
            assertThat(t1At10.errors).isEqualTo(1);
            assertThat(t1At10.latencyCount).isEqualTo(2);
            assertThat(t1At10.latencyMsSum).isEqualTo(301L);
            assertThat(t1At10.latencyMsMax).isEqualTo(201L);
            assertThat(t1At10.latencyMsAvg).isEqualTo(new BigDecimal("150.500"));

            TenantHourly t1At11 = find(rows, "2026-11-01T11:00:00Z", "t1", M1);
            assertThat(t1At11.invocations).isEqualTo(1);
            assertThat(t1At11.unpriced).isEqualTo(1);
            assertThat(t1At11.totalCost).isNull();
            assertThat(t1At11.inputCost).isNull();
            assertThat(t1At11.latencyCount).isZero();
            assertThat(t1At11.latencyMsSum).isNull();
            assertThat(t1At11.latencyMsAvg).isNull();
            assertThat(t1At11.latencyMsMax).isNull();

            TenantHourly noTenant = find(rows, "2026-11-01T10:00:00Z", null, M1);
            assertThat(noTenant.totalCost).isEqualTo(new BigDecimal("5.000000000000"));
            TenantHourly noModel = find(rows, "2026-11-01T10:00:00Z", "t2", null);
            assertThat(noModel.unpriced).isEqualTo(1);
            assertThat(noModel.latencyMsAvg).isEqualTo(new BigDecimal("9.000"));
        } finally {
            TimeZone.setDefault(zone);
        }
    }

    @Test
    void rowsArrivingAfterTheirHourClosedBecomeLateRowsAndLaterOnesInTimeAreKept() throws Exception {
        // Watermark = largest event time so far - 5 min, emitted with every record: deterministic lateness.
        Invocation first = unpriced("2026-11-01T10:00:00Z", "t1", M1, null);
        Invocation ahead = unpriced("2026-11-01T12:00:00Z", "t1", M1, null);       // watermark -> 11:54:59.999
        Invocation lateOldHour = unpriced("2026-11-01T09:30:00Z", "t1", M1, null); // hour 09 closed: a LATE row
        Invocation lateClosed = unpriced("2026-11-01T10:59:00Z", "t1", M1, null);  // hour 10 closed: a LATE row
        Invocation outOfOrderButOpen = unpriced("2026-11-01T11:57:00Z", "t1", M1, null); // hour 11 still open: in its window

        List<TenantHourly> rows = rollup(punctuated(Duration.ofMinutes(5)), first, ahead, lateOldHour, lateClosed, outOfOrderButOpen);

        // Nothing is left out: the hours already written get correction rows, and every invocation is counted once.
        assertThat(rows).extracting(r -> r.windowStart.toString() + "=" + r.invocations + " " + r.rowKind)
                .containsExactlyInAnyOrder("2026-11-01T10:00:00Z=1 ON_TIME", "2026-11-01T11:00:00Z=1 ON_TIME",
                        "2026-11-01T12:00:00Z=1 ON_TIME", "2026-11-01T09:00:00Z=1 LATE", "2026-11-01T10:00:00Z=1 LATE");
    }

    private static List<TenantHourly> rollup(WatermarkStrategy<Invocation> watermarks, Invocation... in) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.getConfig().disableGenericTypes();
        DataStream<Invocation> priced = env.fromData(Arrays.asList(in), TypeInformation.of(Invocation.class))
                .assignTimestampsAndWatermarks(watermarks);
        List<TenantHourly> out = new ArrayList<>();
        try (CloseableIterator<TenantHourly> it = TenantHourlyRollup.of(priced).executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    private static WatermarkStrategy<Invocation> boundedOutOfOrderness() {
        return WatermarkStrategy.<Invocation>forBoundedOutOfOrderness(Duration.ofMinutes(5))
                .withTimestampAssigner((inv, ts) -> inv.eventTime.toEpochMilli());
    }

    private static WatermarkStrategy<Invocation> punctuated(Duration outOfOrderness) {
        return WatermarkStrategy.<Invocation>forGenerator(ctx -> new WatermarkGenerator<Invocation>() {
            private long max = Long.MIN_VALUE;

            @Override
            public void onEvent(Invocation event, long timestamp, WatermarkOutput output) {
                max = Math.max(max, timestamp);
                output.emitWatermark(new Watermark(max - outOfOrderness.toMillis() - 1));
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {}
        }).withTimestampAssigner((inv, ts) -> inv.eventTime.toEpochMilli());
    }

    private static TenantHourly find(List<TenantHourly> rows, String start, String tenant, String model) {
        return rows.stream()
                .filter(r -> r.windowStart.equals(Instant.parse(start)) && java.util.Objects.equals(r.tenantId, tenant)
                        && java.util.Objects.equals(r.model, model))
                .findFirst().orElseThrow(() -> new AssertionError("no row " + start + " " + tenant + " " + model + " in " + rows));
    }

    private static int seq;

    private static Invocation base(String time, String tenant, String model, Long latency) {
        Invocation i = new Invocation();
        i.requestId = "req-" + (++seq);
        i.eventTime = Instant.parse(time);
        i.tenantId = tenant;
        i.model = model;
        i.modelId = model;
        i.inputTokens = 1000 + seq;
        i.outputTokens = 200 + seq;
        i.cacheReadTokens = 30 + seq;
        i.cacheWriteTokens = 4 + seq;
        i.cacheWrite1hTokens = seq;
        i.latencyMs = latency;
        i.ingestTime = Instant.parse("2026-11-02T00:00:00Z");
        return i;
    }

    /** Priced with input = {@code unit}, output = 2, cache read = 3, cache write = 4 and total = 10 times it. */
    static Invocation priced(String time, String tenant, String model, String unit, Long latency) {
        Invocation i = base(time, tenant, model, latency);
        BigDecimal u = new BigDecimal(unit).setScale(12);
        i.inputCost = u;
        i.outputCost = u.multiply(BigDecimal.valueOf(2));
        i.cacheReadCost = u.multiply(BigDecimal.valueOf(3));
        i.cacheWriteCost = u.multiply(BigDecimal.valueOf(4));
        i.totalCost = u.multiply(BigDecimal.TEN);
        i.pricingStatus = Invocation.PRICED;
        i.priceSource = "test";
        return i;
    }

    static Invocation unpriced(String time, String tenant, String model, Long latency) {
        Invocation i = base(time, tenant, model, latency);
        i.pricingStatus = Invocation.UNPRICED;
        return i;
    }
}
