package com.bedrockcost.pricing;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Price readings carry no event time. Until the first reading that holds price files, the price side
 * holds event time back (its watermark stays at the start of time): invocations waiting for a first
 * table are not overtaken by the watermark, and a run whose table never comes is flushed only when
 * the price source ends. With that reading the price side turns idle, for good: from then on the
 * pricing operator's event time is the invocations' alone. An idle invocation input then leaves the
 * whole operator idle, so its event time stands still and no hour of {@code tenant_hourly} closes
 * early. The price side never passes a watermark on after that — in particular not the end-of-time
 * watermark of a price source that finishes (one that reads once) — which would otherwise take over
 * whenever the invocation input is idle ({@code watermark.idle.timeout}).
 */
public final class PriceReadings extends AbstractStreamOperator<PriceUpdate> implements OneInputStreamOperator<PriceUpdate, PriceUpdate> {
    private static final long serialVersionUID = 1L;
    private transient boolean released;

    public PriceReadings() {
        chainingStrategy = ChainingStrategy.ALWAYS;
    }

    @Override
    public void processElement(StreamRecord<PriceUpdate> record) {
        output.collect(record);
        if (!released && record.getValue().files != null && !record.getValue().files.isEmpty()) {
            released = true;
            output.emitWatermarkStatus(WatermarkStatus.IDLE);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (!released) {
            super.processWatermark(mark);
        }
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        if (!released) {
            super.processWatermarkStatus(status);
        }
    }
}
