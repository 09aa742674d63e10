package com.bedrockcost.budget;

import com.bedrockcost.csvtable.TableReading;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Budget readings carry no event time. Until the first reading (an empty one too: the reader always
 * emits its first reading) the budget side holds event time back, so that invocations are not
 * overtaken by the watermark before the budgets are known; with it the budget side is marked idle
 * for good, so that the budget operator's timers (periods expiring) follow the invocations alone and
 * an idle invocation input leaves the operator idle, its event time standing still. The watching
 * source's own watermarks and watermark statuses are not passed on: no watermark (not even the
 * end-of-time one of a source that finished) and no status makes the budget side active again.
 * Before, the first reading released the end-of-time watermark, which took over the budget operator
 * whenever the invocation input was idle: every period expired and every later invocation was too late.
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
            output.emitWatermarkStatus(WatermarkStatus.IDLE);
        }
    }

    @Override
    public void processWatermark(Watermark mark) {
        // The source's own watermarks never move event time (see above).
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) {
        // Idle from the first reading on, whatever the source announces (see above).
    }
}
