package com.bedrockcost.rollup;

import com.bedrockcost.model.Invocation;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

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
 */
public final class HourlyCombiner extends AbstractStreamOperator<HourlyUsage>
        implements OneInputStreamOperator<Invocation, HourlyUsage>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    /** Most partials held at once. */
    static final int MAX_OPEN = 100_000;
    private static final long HOUR_MS = 3_600_000L;

    private transient Map<Key, HourlyUsage> open;

    public HourlyCombiner() {
        chainingStrategy = ChainingStrategy.ALWAYS;
    }

    @Override
    public void open() throws Exception {
        super.open();
        open = new HashMap<>();
    }

    @Override
    public void processElement(StreamRecord<Invocation> record) {
        Invocation inv = record.getValue();
        long hour = Math.floorDiv(inv.eventTime.toEpochMilli(), HOUR_MS) * HOUR_MS;
        Key key = new Key(hour, inv.tenantId, inv.model);
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
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        emitUpTo(Long.MAX_VALUE);
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() {
        emitUpTo(Long.MAX_VALUE);
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

    /** Hour, tenant and model; tenant and model may be null. */
    private static final class Key {
        final long hour;
        final String tenant;
        final String model;
        final int hash;

        Key(long hour, String tenant, String model) {
            this.hour = hour;
            this.tenant = tenant;
            this.model = model;
            this.hash = (Long.hashCode(hour) * 31 + Objects.hashCode(tenant)) * 31 + Objects.hashCode(model);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key)) {
                return false;
            }
            Key k = (Key) o;
            return hour == k.hour && Objects.equals(tenant, k.tenant) && Objects.equals(model, k.model);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
