package com.bedrockcost.parse;

import com.bedrockcost.model.FailedRecord;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.model.SideOutputs;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The decode stage: every {@link RawInput} ends as invocation rows, rows of the {@link
 * SideOutputs#FAILED} output, or a counted skip (permission checks, large-body objects, CloudWatch
 * control messages). Log lines are one record each; CloudWatch envelopes are inflated and give one
 * record per log event. Never throws on bad input. See {@link InvocationDecoder}.
 */
public class DecodeFunction extends ProcessFunction<RawInput, Invocation> {
    private static final long serialVersionUID = 1L;

    private final ParseOptions options;
    private transient InvocationDecoder decoder;
    private transient DecodeMetrics metrics;
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
        outcomes = new Outcomes(metrics);
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

    /** The counters (for tests and the run summary). */
    public DecodeMetrics metrics() {
        return metrics;
    }

    /** Routes the decoder's outcomes to Flink's outputs and counts them. */
    private static final class Outcomes implements InvocationDecoder.Output {
        private final DecodeMetrics metrics;
        private Context ctx;
        private Collector<Invocation> out;

        Outcomes(DecodeMetrics metrics) {
            this.metrics = metrics;
        }

        void set(Context ctx, Collector<Invocation> out) {
            this.ctx = ctx;
            this.out = out;
        }

        @Override
        public void invocation(Invocation invocation) {
            metrics.parsed.inc();
            out.collect(invocation);
        }

        @Override
        public void failed(FailedRecord failed) {
            metrics.countFailed(failed.errorType);
            ctx.output(SideOutputs.FAILED, failed);
        }

        @Override
        public void skipped(String source, String reason) {
            metrics.skipped.inc();
        }

        @Override
        public void control(String source) {
            metrics.controlMessages.inc();
        }

        @Override
        public void logEvent() {
            metrics.logEventsIn.inc();
        }
    }
}
