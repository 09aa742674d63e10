package com.bedrockcost.parse;

import com.bedrockcost.model.ErrorType;
import com.bedrockcost.model.FailedRecord;
import com.bedrockcost.model.FileShape;
import com.bedrockcost.model.FileSkip;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.RawInput;

import com.fasterxml.jackson.core.JsonFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Raw input to outcomes, without Flink: every {@link RawInput} ends as invocation rows, failed
 * records or a counted skip or control message, and nothing is thrown. A log line is one record; a
 * CloudWatch envelope (gzip from Kinesis, or JSON text from a Firehose archive file: one decoder for
 * both) gives one record per log event. Each invocation gets its
 * canonical model and scope (the application-profile mapping first, then {@link ModelIds}), its
 * tenant ({@link TenantResolver}), source and ingest time. Not thread-safe: one per operator instance.
 */
public final class InvocationDecoder {
    /** The plain-text event Bedrock writes into a log group when logging is switched on. */
    public static final String PERMISSION_LINE = "Permissions are correctly set for Amazon Bedrock logs.";
    private static final int MODEL_CACHE_SIZE = 10_000;

    /** Where outcomes go. */
    public interface Output {
        void invocation(Invocation invocation);

        void failed(FailedRecord failed);

        /** An input that is expected and is not an invocation record. */
        void skipped(String source, String reason);

        /** A CloudWatch {@code CONTROL_MESSAGE}. */
        void control(String source);

        /** Called once per log event found in an envelope (before its outcome). */
        default void logEvent() {}

        /** A file is read as {@code shape} (a {@code FileShape} name). */
        default void file(String source, String shape) {}

        /** A whole file is not read, for {@code reason} (a {@code FileSkip} name). */
        default void fileSkipped(String source, String reason) {}
    }

    private final ParseOptions options;
    private final InvocationLogParser parser;
    private final CloudWatchEnvelope envelopes;
    private final Redaction redaction;
    private final TenantResolver tenants;
    private final Map<String, ModelIds.Resolved> models = new HashMap<>();
    private final EnvelopeEvents events = new EnvelopeEvents();
    private final BatchOutputParser batch;

    public InvocationDecoder(ParseOptions options) {
        this.options = options;
        JsonFactory json = InvocationLogParser.newJsonFactory(options.maxEnvelopeBytes);
        this.parser = new InvocationLogParser(json);
        this.envelopes = new CloudWatchEnvelope(json, options.maxEnvelopeBytes);
        this.redaction = new Redaction(json);
        this.tenants = options.tenantResolver();
        this.batch = new BatchOutputParser(json);
    }

    /** Decodes one input; {@code nowMillis} is the processing time stamped on every outcome. */
    public void decode(RawInput in, long nowMillis, Output out) {
        Instant now = Instant.ofEpochMilli(nowMillis);
        String source = in == null || in.source == null ? "(unknown source)" : in.source;
        try {
            if (in == null || in.kind == null) {
                out.failed(FailedRecord.of(source, ErrorType.DECODE_ERROR, "an input without a kind at " + source, "", 0, now));
                return;
            }
            byte[] payload = in.payload == null ? new byte[0] : in.payload;
            switch (in.kind) {
                case SKIPPED:
                    out.skipped(source, in.note);
                    if (in.errorType != null) {
                        out.fileSkipped(source, in.errorType);
                    }
                    return;
                case DAMAGED:
                    damaged(in, source, payload, now, out);
                    if (ErrorType.NOT_A_LOG_FILE.name().equals(in.errorType)) {
                        out.fileSkipped(source, in.errorType);
                    }
                    return;
                case FILE:
                    if (FileShape.BATCH_OUTPUT.name().equals(in.note) && options.batchJobs.get(BatchJobs.jobOfFile(source)) == null) {
                        // Without its job the output names no model and no time: skipped whole, counted, the job named.
                        out.skipped(source, FileSkip.BATCH_OUTPUT.label);
                        out.fileSkipped(source + " (job " + BatchJobs.jobOfFile(source) + ")", FileSkip.BATCH_OUTPUT.name());
                        return;
                    }
                    out.file(source, in.note);
                    return;
                case BATCH_RECORD:
                    batchRecord(in.note, source, payload, now, out);
                    return;
                case LOG_LINE:
                    line(source, payload, now, out);
                    return;
                case CLOUDWATCH_ENVELOPE:
                    events.start(now, out);
                    envelopes.decode(source, payload, events);
                    return;
                case ENVELOPE_JSON:
                    events.start(now, out);
                    envelopes.decodeJson(source, payload, events);
                    return;
                default:
                    out.failed(FailedRecord.of(source, ErrorType.DECODE_ERROR, "an input of unknown kind " + in.kind
                            + " at " + source, "", payload.length, now));
            }
        } catch (RuntimeException e) {
            // A bug must not stop the job on one input (it would fail again after every restart).
            out.failed(FailedRecord.of(source, ErrorType.DECODE_ERROR, "the decoder failed on the input at " + source
                    + " with " + e.getClass().getName() + "; please report this", "", in == null ? 0 : in.size, now));
        }
    }

    private static void damaged(RawInput in, String source, byte[] payload, Instant now, Output out) {
        ErrorType type;
        String note = in.note == null ? "damaged input at " + source : in.note;
        try {
            type = ErrorType.valueOf(in.errorType);
        } catch (RuntimeException e) {
            type = ErrorType.DECODE_ERROR;
            note = note + " (the reader gave no known error type: " + in.errorType + ")";
        }
        String raw = Redaction.fragment(new String(payload, 0, Math.min(payload.length, 4 * FailedRecord.MAX_RAW_CHARS),
                StandardCharsets.UTF_8));
        out.failed(FailedRecord.of(source, type, note, raw, Math.max(in.size, payload.length), now));
    }

    private void line(String source, byte[] b, Instant now, Output out) {
        int len = b.length;
        if (len > options.maxRecordBytes) {
            out.failed(FailedRecord.of(source, ErrorType.RECORD_TOO_LARGE, "the record at " + source + " has " + len
                    + " bytes, more than the limit of " + options.maxRecordBytes,
                    Redaction.fragment(new String(b, 0, Math.min(len, 4 * FailedRecord.MAX_RAW_CHARS), StandardCharsets.UTF_8)),
                    len, now));
            return;
        }
        if (isPermissionLine(b, len)) {
            out.skipped(source, "Bedrock's permission-check line");
            return;
        }
        Invocation inv;
        try {
            inv = parser.parse(b, 0, len);
        } catch (RecordException e) {
            out.failed(FailedRecord.of(source, e.type(), e.getMessage() + " (record at " + source + ")",
                    redaction.record(new String(b, 0, len, StandardCharsets.UTF_8)), len, now));
            return;
        }
        out.invocation(complete(inv, source, now));
    }

    /** A line of batch inference output of job {@code jobId}: an invocation at batch rates, or a failed row. */
    private void batchRecord(String jobId, String source, byte[] b, Instant now, Output out) {
        BatchJobs.Job job = options.batchJobs.get(jobId);
        if (job == null) {
            out.skipped(source, FileSkip.BATCH_OUTPUT.label); // its file is counted as skipped, naming the job
            return;
        }
        BatchOutputParser.Line l;
        try {
            if (b.length > options.maxRecordBytes) {
                throw new RecordException(ErrorType.RECORD_TOO_LARGE, "the batch record has " + b.length
                        + " bytes, more than the limit of " + options.maxRecordBytes);
            }
            l = batch.parse(b);
            if (l.recordId == null) {
                throw new RecordException(ErrorType.MISSING_REQUEST_ID, "no recordId");
            }
            if (l.error != null) {
                throw new RecordException(ErrorType.BATCH_RECORD_ERROR, "Bedrock answered record " + l.recordId + " of batch job "
                        + jobId + " with an error (" + l.error.trim() + "); it has no tokens to price");
            }
            if (!l.output) {
                throw new RecordException(ErrorType.NOT_INVOCATION_LOG, "record " + l.recordId + " has neither modelOutput nor error");
            }
            if (l.in < 0 && l.out < 0) {
                throw new RecordException(ErrorType.BAD_TOKEN_COUNT, "the modelOutput of record " + l.recordId + " has no token usage"
                        + " the job reads (usage.input_tokens, usage.inputTokens, inputTextTokenCount, prompt_token_count ...)");
            }
        } catch (RecordException e) {
            // The raw line is never kept: its modelInput and modelOutput are a prompt and a completion.
            out.failed(FailedRecord.of(source, e.type(), e.getMessage() + " (batch record at " + source + ")", "", b.length, now));
            return;
        }
        Invocation inv = new Invocation();
        inv.requestId = jobId + ":" + l.recordId; // stable: a re-run or a second copy of the file is deduplicated
        inv.eventTime = job.eventTime;
        inv.accountId = job.accountId;
        inv.region = job.region;
        inv.operation = BatchJobs.OPERATION;
        inv.modelId = job.modelId;
        inv.inputTokens = Math.max(l.in, 0);
        inv.outputTokens = Math.max(l.out, 0);
        inv.cacheReadTokens = Math.max(l.cacheRead, 0);
        inv.cacheWriteTokens = Math.max(l.cacheWrite, 0);
        inv.serviceTier = BatchJobs.SERVICE_TIER;
        complete(inv, source, now);
        if (job.tenant != null) {
            inv.tenantId = job.tenant;
        }
        out.invocation(inv);
    }

    private void event(String source, char[] c, int off, int len, Instant now, Output out) {
        out.logEvent();
        if (len > options.maxRecordBytes) {
            out.failed(FailedRecord.of(source, ErrorType.RECORD_TOO_LARGE, "the log event at " + source + " has " + len
                    + " characters, more than the limit of " + options.maxRecordBytes,
                    Redaction.fragment(new String(c, off, Math.min(len, 4 * FailedRecord.MAX_RAW_CHARS))), utf8Length(c, off, len), now));
            return;
        }
        if (isPermissionLine(c, off, len)) {
            out.skipped(source, "Bedrock's permission-check line");
            return;
        }
        Invocation inv;
        try {
            inv = complete(parser.parse(c, off, len), source, now);
        } catch (RecordException e) {
            out.failed(FailedRecord.of(source, e.type(), e.getMessage() + " (log event at " + source + ")",
                    redaction.record(new String(c, off, len)), utf8Length(c, off, len), now));
            return;
        } catch (RuntimeException e) {
            // As in decode(): one event's bug must not lose its siblings.
            out.failed(FailedRecord.of(source, ErrorType.DECODE_ERROR, "the decoder failed on the log event at " + source
                    + " with " + e.getClass().getName() + "; please report this", "", utf8Length(c, off, len), now));
            return;
        }
        out.invocation(inv);
    }

    private Invocation complete(Invocation inv, String source, Instant now) {
        ProfileMapping.Entry mapped = options.mapping.get(inv.modelId);
        if (mapped != null && mapped.model != null) {
            inv.model = mapped.model;
            inv.profileScope = mapped.profileScope;
        } else {
            ModelIds.Resolved r = resolve(inv.modelId);
            inv.model = r.model;
            inv.profileScope = r.profileScope;
        }
        inv.tenantId = tenants.resolve(inv.requestMetadata, mapped, inv.identityArn);
        inv.source = source;
        inv.ingestTime = now;
        return inv;
    }

    private ModelIds.Resolved resolve(String modelId) {
        ModelIds.Resolved r = models.get(modelId);
        if (r == null) {
            if (models.size() >= MODEL_CACHE_SIZE) {
                models.clear(); // model ids are few; this only guards against a flood of junk ids
            }
            r = ModelIds.resolve(modelId);
            models.put(modelId, r);
        }
        return r;
    }

    static boolean isPermissionLine(byte[] b, int len) {
        int s = 0;
        while (s < len && b[s] <= ' ' && b[s] >= 0) {
            s++;
        }
        if (s >= len || b[s] != 'P' || len - s > PERMISSION_LINE.length() + 8) {
            return false;
        }
        return isPermissionText(new String(b, s, len - s, StandardCharsets.UTF_8));
    }

    static boolean isPermissionLine(char[] c, int off, int len) {
        int s = off;
        int end = off + len;
        while (s < end && c[s] <= ' ') {
            s++;
        }
        if (s >= end || c[s] != 'P' || end - s > PERMISSION_LINE.length() + 8) {
            return false;
        }
        return isPermissionText(new String(c, s, end - s));
    }

    private static boolean isPermissionText(String s) {
        String t = s.trim();
        return t.equals(PERMISSION_LINE) || t.equals(PERMISSION_LINE.substring(0, PERMISSION_LINE.length() - 1));
    }

    private static long utf8Length(char[] c, int off, int len) {
        long n = 0;
        for (int i = off; i < off + len; i++) {
            char ch = c[i];
            if (ch < 0x80) {
                n++;
            } else if (ch < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(ch) && i + 1 < off + len && Character.isLowSurrogate(c[i + 1])) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** Forwards an envelope's parts to the current output; reused across inputs. */
    private final class EnvelopeEvents implements CloudWatchEnvelope.Handler {
        private Instant now;
        private Output out;

        void start(Instant now, Output out) {
            this.now = now;
            this.out = out;
        }

        @Override
        public void logEvent(String source, char[] text, int offset, int length) {
            event(source, text, offset, length, now, out);
        }

        @Override
        public void control(String source) {
            out.control(source);
        }

        @Override
        public void empty(String source) {
            out.skipped(source, "DATA_MESSAGE with no log events");
        }

        @Override
        public void failed(String source, ErrorType type, String message, String raw, long rawBytes) {
            out.failed(FailedRecord.of(source, type, message, raw, rawBytes, now));
        }
    }
}
