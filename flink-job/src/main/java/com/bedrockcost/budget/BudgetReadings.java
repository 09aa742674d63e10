package com.bedrockcost.budget;

import com.bedrockcost.csvtable.TableReading;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Budget readings carry no event time: with its first reading (an empty one too: the reader always
 * emits its first reading) the budget side releases event time for good, so that the budget
 * operator's timers (periods expiring) follow the invocations alone. The watching source would
 * otherwise hold event time back for as long as the budget folder is empty.
 */
public final class BudgetReadings extends AbstractStreamOperator<TableReading> implements OneInputStreamOperator<TableReading, TableReading> {
    private static final long serialVersionUID = 1L;
    private transient boolean released;

    public BudgetReadings() {
        chainingStrategy = ChainingStrategy.ALWAYS;
    }

    @Override
    public void processElement(StreamRecord<TableReading> record) {
        output.collect(record);
        if (!released) {
            released = true;
            output.emitWatermark(new Watermark(Long.MAX_VALUE));
        }
    }

    @Override
    public void processWatermark(Watermark mark) {
        // The source's own watermarks are superseded by the one released above.
    }
}
