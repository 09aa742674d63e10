package com.bedrockcost.rollup;

import com.bedrockcost.model.Invocation;

import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static com.bedrockcost.rollup.TenantHourlyRollupTest.priced;
import static com.bedrockcost.rollup.TenantHourlyRollupTest.unpriced;
import static org.assertj.core.api.Assertions.assertThat;

/** The rollup's pre-aggregation: what it holds, when it lets go, and that partial sums are exact. */
class HourlyCombinerTest {
    private static final String M = "amazon.nova-pro-v1:0";

    @Test
    void partialSumsAreExactAndKeepSqlNulls() throws Exception {
        try (OneInputStreamOperatorTestHarness<Invocation, HourlyUsage> h = harness()) {
            Invocation a = priced("2026-11-01T10:00:00Z", "t1", M, "0.000000000001", 5L);
            Invocation b = priced("2026-11-01T10:59:59.999Z", "t1", M, "2.5", null);
            Invocation c = unpriced("2026-11-01T10:10:00Z", "t1", M, 9L);
            c.errorCode = "ModelErrorException";
            add(h, a, b, c);
            h.endInput();

            List<HourlyUsage> out = emitted(h);
            assertThat(out).hasSize(1);
            HourlyUsage u = out.get(0);
            assertThat(u.hourStart).isEqualTo(Instant.parse("2026-11-01T10:00:00Z").toEpochMilli());
            assertThat(u.invocations).isEqualTo(3);
            assertThat(u.inputTokens).isEqualTo(a.inputTokens + b.inputTokens + c.inputTokens);
            assertThat(u.cacheWrite1hTokens).isEqualTo(a.cacheWrite1hTokens + b.cacheWrite1hTokens + c.cacheWrite1hTokens);
            assertThat(u.inputCost).isEqualTo(new BigDecimal("2.500000000001"));
            assertThat(u.totalCost).isEqualTo(new BigDecimal("25.000000000010"));
            assertThat(u.unpriced).isEqualTo(1);
            assertThat(u.errors).isEqualTo(1);
            assertThat(u.latencyCount).isEqualTo(2);
            assertThat(u.latencyMsSum).isEqualTo(14L);
            assertThat(u.latencyMsMax).isEqualTo(9L);
            // The row's timestamp is its hour's start, inside the hour's window.
            assertThat(((StreamRecord<?>) h.getOutput().peek()).getTimestamp()).isEqualTo(u.hourStart);
        }
    }

    @Test
    void anHourWithoutPricesOrLatenciesSumsToNulls() throws Exception {
        try (OneInputStreamOperatorTestHarness<Invocation, HourlyUsage> h = harness()) {
            add(h, unpriced("2026-11-01T10:00:00Z", "t1", M, null));
            h.endInput();
            HourlyUsage u = emitted(h).get(0);
            assertThat(u.totalCost).isNull();
            assertThat(u.inputCost).isNull();
            assertThat(u.latencyCount).isZero();
            assertThat(u.latencyMsSum).isNull();
            assertThat(u.latencyMsMax).isNull();
        }
    }

    @Test
    void aWatermarkFirstReleasesTheHoursItClosesAndKeepsTheOpenOnes() throws Exception {
        try (OneInputStreamOperatorTestHarness<Invocation, HourlyUsage> h = harness()) {
            add(h, unpriced("2026-11-01T10:20:00Z", "t1", M, null), unpriced("2026-11-01T11:05:00Z", "t1", M, null),
                    unpriced("2026-11-01T10:40:00Z", "t2", M, null));
            // Not yet the hour's last millisecond: nothing is released.
            h.processWatermark(new Watermark(Instant.parse("2026-11-01T10:59:59.998Z").toEpochMilli()));
            assertThat(h.getOutput()).containsExactly(new Watermark(Instant.parse("2026-11-01T10:59:59.998Z").toEpochMilli()));
            h.getOutput().clear();

            h.processWatermark(new Watermark(Instant.parse("2026-11-01T10:59:59.999Z").toEpochMilli()));
            List<Object> out = new ArrayList<>(h.getOutput());
            assertThat(out).hasSize(3);
            assertThat(out.subList(0, 2)).allSatisfy(o -> assertThat(((StreamRecord<HourlyUsage>) o).getValue().hourStart)
                    .isEqualTo(Instant.parse("2026-11-01T10:00:00Z").toEpochMilli()));
            // The watermark passes only after the rows of the hours it closes.
            assertThat(out.get(2)).isInstanceOf(Watermark.class);
            h.getOutput().clear();

            h.processWatermark(new Watermark(Long.MAX_VALUE));
            assertThat(emitted(h)).extracting(u -> u.hourStart).containsExactly(Instant.parse("2026-11-01T11:00:00Z").toEpochMilli());
        }
    }

    @Test
    void nothingIsHeldAcrossACheckpointBarrier() throws Exception {
        try (OneInputStreamOperatorTestHarness<Invocation, HourlyUsage> h = harness()) {
            add(h, unpriced("2026-11-01T10:00:00Z", "t1", M, null), unpriced("2026-11-02T10:00:00Z", "t2", M, null));
            h.prepareSnapshotPreBarrier(1);
            assertThat(emitted(h)).hasSize(2);
            h.getOutput().clear();
            // The snapshot holds no rollup data: a restore from it cannot count a row twice.
            h.snapshot(1, 1);
            add(h, unpriced("2026-11-01T10:00:01Z", "t1", M, null));
            h.endInput();
            assertThat(emitted(h)).extracting(u -> u.invocations).containsExactly(1L);
        }
    }

    @Test
    void manyDistinctGroupsAreReleasedInsteadOfHeld() throws Exception {
        try (OneInputStreamOperatorTestHarness<Invocation, HourlyUsage> h = harness()) {
            for (int t = 0; t < HourlyCombiner.MAX_OPEN + 5; t++) {
                add(h, unpriced("2026-11-01T10:00:00Z", "tenant-" + t, M, null));
            }
            assertThat(emitted(h)).hasSize(HourlyCombiner.MAX_OPEN);
            h.getOutput().clear();
            h.endInput();
            assertThat(emitted(h)).hasSize(5);
        }
    }

    private static OneInputStreamOperatorTestHarness<Invocation, HourlyUsage> harness() throws Exception {
        OneInputStreamOperatorTestHarness<Invocation, HourlyUsage> h = new OneInputStreamOperatorTestHarness<>(new HourlyCombiner());
        h.open();
        return h;
    }

    private static void add(OneInputStreamOperatorTestHarness<Invocation, HourlyUsage> h, Invocation... in) throws Exception {
        for (Invocation inv : in) {
            h.processElement(new StreamRecord<>(inv, inv.eventTime.toEpochMilli()));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<HourlyUsage> emitted(OneInputStreamOperatorTestHarness<Invocation, HourlyUsage> h) {
        List<HourlyUsage> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                out.add(((StreamRecord<HourlyUsage>) o).getValue());
            }
        }
        return out;
    }
}
