package com.bedrockcost.parse;

import com.bedrockcost.model.FailedRecord;
import com.bedrockcost.model.FileShape;
import com.bedrockcost.model.FileSkip;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.model.SideOutputs;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import java.util.List;

/**
 * The decode stage: every {@link RawInput} ends as invocation rows, rows of the {@link
 * SideOutputs#FAILED} output, or a counted skip (permission checks, large-body objects, CloudWatch
 * control messages). Log lines are one record each; CloudWatch envelopes are inflated and give one
 * record per log event. Never throws on bad input. See {@link InvocationDecoder}.
 */
public class DecodeFunction extends ProcessFunction<RawInput, Invocation> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    /** Operator state: the run's input accounting (one entry per instance; entries are summed on restore). */
    static final ListStateDescriptor<byte[]> ACCOUNTING =
            new ListStateDescriptor<>("input-accounting", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    private final ParseOptions options;
    private transient InvocationDecoder decoder;
    private transient DecodeMetrics metrics;
    private transient InputAccounting accounting;
    private transient ListState<byte[]> accountingState;
    private transient Outcomes outcomes;
    /** The file this subtask's input is now from: a reader emits a file's lines in order, one file after the other. */
    private transient String currentFile;

    public DecodeFunction(ParseOptions options) {
        this.options = options;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        decoder = new InvocationDecoder(options);
        metrics = new DecodeMetrics().register(getRuntimeContext().getMetricGroup());
        getRuntimeContext().addAccumulator(InputAccounting.ACCUMULATOR, accounting);
        outcomes = new Outcomes(metrics, accounting);
    }

    @Override
    public void processElement(RawInput in, Context ctx, Collector<Invocation> out) {
        metrics.recordsIn.inc();
        if (in != null) {
            metrics.bytesIn.inc(in.payload == null ? 0 : in.payload.length);
        }
        outcomes.set(ctx, out);
        decoder.decode(in, ctx.timerService().currentProcessingTime(), outcomes);
        countFiles(in);
    }

    /** A line of another file means the one before has been read to its end. */
    private void countFiles(RawInput in) {
        String file = in == null ? null : fileOf(in);
        if (file != null && !file.equals(currentFile)) {
            if (currentFile != null) {
                metrics.filesDone.inc();
            }
            currentFile = file;
        }
    }

    @Override
    public void close() throws Exception {
        super.close();
        // The end of the input (or of this attempt): the last file is done.
        if (currentFile != null) {
            metrics.filesDone.inc();
            currentFile = null;
        }
    }

    /** The file of an input from the file reader ({@code path:line}, or the path alone for notes); null for other inputs. */
    static String fileOf(RawInput in) {
        if (in.kind == RawInput.Kind.CLOUDWATCH_ENVELOPE || in.source == null || in.source.startsWith("generator:")) {
            return null;
        }
        int colon = in.source.lastIndexOf(':');
        boolean line = colon > 0 && colon < in.source.length() - 1
                && in.source.substring(colon + 1).chars().allMatch(Character::isDigit);
        return line ? in.source.substring(0, colon) : in.source;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        accountingState = context.getOperatorStateStore().getListState(ACCOUNTING);
        accounting = new InputAccounting();
        for (byte[] counted : accountingState.get()) {
            accounting.merge(InputAccounting.fromBytes(counted));
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        accountingState.update(List.of(accounting.toBytes()));
    }

    /** The counters (for tests and the run summary). */
    public DecodeMetrics metrics() {
        return metrics;
    }

    /** The run's input accounting so far, restored counts included (the accumulator's value). */
    InputAccounting accounting() {
        return accounting;
    }

    /** Routes the decoder's outcomes to Flink's outputs and counts them (metrics, and the run summary's accounting). */
    private static final class Outcomes implements InvocationDecoder.Output {
        private final DecodeMetrics metrics;
        private final InputAccounting accounting;
        private Context ctx;
        private Collector<Invocation> out;

        Outcomes(DecodeMetrics metrics, InputAccounting accounting) {
            this.metrics = metrics;
            this.accounting = accounting;
        }

        void set(Context ctx, Collector<Invocation> out) {
            this.ctx = ctx;
            this.out = out;
        }

        @Override
        public void invocation(Invocation invocation) {
            metrics.parsed.inc();
            accounting.record();
            out.collect(invocation);
        }

        @Override
        public void failed(FailedRecord failed) {
            metrics.countFailed(failed.errorType);
            accounting.failed();
            ctx.output(SideOutputs.FAILED, failed);
        }

        @Override
        public void skipped(String source, String reason) {
            metrics.skipped.inc();
        }

        @Override
        public void control(String source) {
            metrics.controlMessages.inc();
            accounting.controlMessage();
        }

        @Override
        public void file(String source, String shape) {
            FileShape s = FileShape.valueOf(shape);
            metrics.filesRead(s).inc();
            accounting.fileRead(s.name());
        }

        @Override
        public void fileSkipped(String source, String reason) {
            FileSkip s = FileSkip.valueOf(reason);
            metrics.filesSkipped(s).inc();
            accounting.fileSkipped(s.name(), source);
        }

        @Override
        public void logEvent() {
            metrics.logEventsIn.inc();
        }
    }
}
