package com.bedrockcost.rollup;

import com.bedrockcost.model.Adjustment;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Adjustments → {@code tenant_hourly} {@link TenantHourly#ADJUSTMENT} rows, summed per UTC hour of
 * the adjusted invocation's event time, tenant and model ({@link TenantHourlyCorrections}). Usage:
 * {@code adjustments.transform("adjustment-rows", TypeInformation.of(TenantHourly.class), new AdjustmentRows())}
 * then {@code LakeSinks.tenantHourly}, in a streaming job or a bounded one.
 *
 * <p>Holds no state across checkpoints: every sum is emitted before a checkpoint barrier passes (and
 * at the end of the input, or when {@value #MAX_OPEN} groups are held), so each adjustment is in
 * exactly one row, and a restore repeats none.
 */
public final class AdjustmentRows extends AbstractStreamOperator<TenantHourly>
        implements OneInputStreamOperator<Adjustment, TenantHourly>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    static final int MAX_OPEN = 100_000;

    private transient TenantHourlyCorrections open;

    @Override
    public void open() throws Exception {
        super.open();
        open = TenantHourlyCorrections.adjustments();
    }

    @Override
    public void processElement(StreamRecord<Adjustment> record) {
        open.add(record.getValue());
        if (open.size() >= MAX_OPEN) {
            emit();
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        emit();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() {
        emit();
    }

    private void emit() {
        for (TenantHourly row : open.drain()) {
            output.collect(new StreamRecord<>(row, row.windowStart.toEpochMilli()));
        }
    }
}
