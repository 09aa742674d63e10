package com.bedrockcost.rollup;

import com.bedrockcost.model.Invocation;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Adds up priced invocations per UTC hour, tenant and model in memory before they reach the
 * rollup's SQL window, which then sums a few partial rows instead of converting every invocation
 * into a table row (the Table API's per-record conversion and local aggregation cost more CPU than
 * pricing and writing the invocation itself).
 *
 * <p>Holds no state across checkpoints: every partial is emitted before a checkpoint barrier
 * passes, so a restore neither loses nor repeats one. A watermark first emits the partials of the
 * hours it closes, then passes on, so an hour's window fires with all its rows and lateness is as
 * without this step (a row for an hour already closed is late either way). At most
 * {@value #MAX_OPEN} partials (a few hundred bytes each) are held; beyond that all are emitted, so
 * this step's memory does not grow with the number of tenants. Emitted rows carry their hour's
 * start as timestamp.
 *
 * <p>Late invocations: an invocation whose hour this step has already closed (the watermark it
 * passed on has reached the hour's end) would be dropped by the window. It goes to
 * {@link TenantHourlyCorrections#late()} instead, and its sums leave as {@link TenantHourly#LATE}
 * rows on the side output {@link #LATE} before the next checkpoint barrier (or at the end of the
 * input, or when {@value #MAX_OPEN} groups are held): each late invocation is in exactly one row, and
 * a restore repeats none, as for the on-time partials. The window's watermark is never ahead of this
 * step's (it is the minimum over its inputs), so a row this step passes on is never late there.
 * Counted: metric {@code lateInvocations} and the accumulator {@link #LATE_ACCUMULATOR}.
 */
public final class HourlyCombiner extends AbstractStreamOperator<HourlyUsage>
        implements OneInputStreamOperator<Invocation, HourlyUsage>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    /** Most partials held at once. */
    static final int MAX_OPEN = 100_000;
    private static final long HOUR_MS = HourlyUsage.HOUR_MS;
    /** Managed Service for Apache Flink sends custom metrics to CloudWatch only from this group. */
    private static final String CLOUDWATCH_GROUP = "kinesisanalytics";

    /** Rows of late invocations. */
    public static final OutputTag<TenantHourly> LATE = new OutputTag<>("tenant-hourly-late", TypeInformation.of(TenantHourly.class));
    /** Invocations that reached {@code tenant_hourly} in a LATE row (the job's accumulator). */
    public static final String LATE_ACCUMULATOR = "tenant-hourly-late-invocations";

    private transient Map<HourlyUsage.Key, HourlyUsage> open;
    private transient TenantHourlyCorrections late;
    /** The last watermark passed on: hours ending at or before it are closed. */
    private transient long watermark;
    private transient Counter lateInvocations;
    private transient LongCounter lateAccumulator;

    public HourlyCombiner() {
        chainingStrategy = ChainingStrategy.ALWAYS;
    }

    @Override
    public void open() throws Exception {
        super.open();
        open = new HashMap<>();
        late = TenantHourlyCorrections.late();
        watermark = Long.MIN_VALUE;
        lateInvocations = getMetricGroup().counter("lateInvocations");
        getMetricGroup().addGroup(CLOUDWATCH_GROUP).counter("lateInvocations", lateInvocations);
        lateAccumulator = new LongCounter();
        getRuntimeContext().addAccumulator(LATE_ACCUMULATOR, lateAccumulator);
    }

    @Override
    public void processElement(StreamRecord<Invocation> record) {
        Invocation inv = record.getValue();
        long hour = HourlyUsage.hourOf(inv.eventTime.toEpochMilli());
        if (hour + HOUR_MS - 1 <= watermark) {
            late.add(inv);
            lateInvocations.inc();
            lateAccumulator.add(1L);
            if (late.size() >= MAX_OPEN) {
                emitLate();
            }
            return;
        }
        HourlyUsage.Key key = new HourlyUsage.Key(hour, inv.tenantId, inv.model);
        if (open.size() >= MAX_OPEN && !open.containsKey(key)) {
            emitUpTo(Long.MAX_VALUE);
        }
        open.computeIfAbsent(key, k -> new HourlyUsage(k.hour, k.tenant, k.model)).add(inv);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        // An hour's window fires once the watermark reaches its last millisecond (no hour before Long.MIN_VALUE + 1 h).
        long t = mark.getTimestamp();
        if (t == Long.MAX_VALUE || t >= Long.MIN_VALUE + HOUR_MS) {
            emitUpTo(t == Long.MAX_VALUE ? Long.MAX_VALUE : t - HOUR_MS + 1);
        }
        watermark = Math.max(watermark, t);
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        emitUpTo(Long.MAX_VALUE);
        emitLate();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() {
        emitUpTo(Long.MAX_VALUE);
        emitLate();
    }

    private void emitLate() {
        for (TenantHourly row : late.drain()) {
            output.collect(LATE, new StreamRecord<>(row, row.windowStart.toEpochMilli()));
        }
    }

    /** Emits and forgets the partials of hours starting at or before {@code lastHourStart}. */
    private void emitUpTo(long lastHourStart) {
        Iterator<HourlyUsage> it = open.values().iterator();
        while (it.hasNext()) {
            HourlyUsage partial = it.next();
            if (partial.hourStart <= lastHourStart) {
                output.collect(new StreamRecord<>(partial, partial.hourStart));
                it.remove();
            }
        }
    }
}
