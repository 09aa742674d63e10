package com.bedrockcost.pricing;

import com.bedrockcost.model.EndOfInput;
import com.bedrockcost.model.Invocation;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Gives every priced invocation its own event time as record timestamp again. Invocations that
 * waited for the price table leave the pricing operator from a broadcast element or a timer, which
 * would stamp them with no time or the timer's; event-time consumers downstream need the real one.
 * Watermarks pass through unchanged. Chained to the pricing operator, it costs nothing measurable.
 * At the end of a bounded input it tells a local run that pricing has ended ({@link EndOfInput}).
 */
public final class EventTimeStamps extends AbstractStreamOperator<Invocation>
        implements OneInputStreamOperator<Invocation, Invocation>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    public EventTimeStamps() {
        chainingStrategy = ChainingStrategy.ALWAYS;
    }

    @Override
    public void processElement(StreamRecord<Invocation> record) {
        Invocation inv = record.getValue();
        output.collect(inv.eventTime == null ? record : record.replace(inv, inv.eventTime.toEpochMilli()));
    }

    @Override
    public void endInput() {
        EndOfInput.reached(getRuntimeContext());
    }
}
