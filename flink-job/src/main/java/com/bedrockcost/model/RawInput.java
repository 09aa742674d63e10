package com.bedrockcost.model;

/**
 * One unit of input before decoding: a log line from a file, a Kinesis record holding a CloudWatch
 * Logs envelope, or a note from a reader (a skipped object, damage in a file).
 */
public class RawInput {
    /** What {@link #payload} holds. */
    public enum Kind {
        /** One invocation log record as JSON text: a line, an export line's message, an array element or a pretty-printed record. */
        LOG_LINE,
        /** A gzip-compressed CloudWatch Logs subscription payload (Kinesis record data). */
        CLOUDWATCH_ENVELOPE,
        /** An input that is expected and not an invocation record (permission check, large body object). */
        SKIPPED,
        /** A reader found damage it could not read past; {@link #note} says what. */
        DAMAGED,
        /** One CloudWatch Logs subscription envelope as JSON text, not compressed (from a Firehose archive file). */
        ENVELOPE_JSON,
        /** A file was opened and is read; {@link #note} is the name of its detected {@code FileShape}. */
        FILE,
        /** One line of a batch inference job's output ({@code *.jsonl.out}); {@link #note} is the job id (the file's folder). */
        BATCH_RECORD
    }

    public Kind kind;
    /** Where it came from: {@code file:line}, or {@code stream/shard/sequence}. */
    public String source;
    public byte[] payload;
    /** The reason, for {@link Kind#SKIPPED} and {@link Kind#DAMAGED}. */
    public String note;
    /**
     * For {@link Kind#DAMAGED}: the {@link ErrorType} name the damage is reported under; for a
     * {@link Kind#SKIPPED} file: the name of its {@code FileSkip} reason.
     */
    public String errorType;
    /** Full size of the input in bytes (payload may be a prefix for DAMAGED). */
    public long size;

    public RawInput() {}

    public static RawInput of(Kind kind, String source, byte[] payload, String note, long size) {
        RawInput r = new RawInput();
        r.kind = kind;
        r.source = source;
        r.payload = payload;
        r.note = note;
        r.size = size;
        return r;
    }

    public static RawInput damaged(String source, ErrorType type, String message, byte[] partial, long size) {
        RawInput r = of(Kind.DAMAGED, source, partial, message, size);
        r.errorType = type.name();
        return r;
    }

    public static RawInput skipped(String source, String reason) {
        return of(Kind.SKIPPED, source, new byte[0], reason, 0);
    }

    /** A whole file not read, for {@code reason} (a {@code FileSkip} name) described by {@code note}. */
    public static RawInput skippedFile(String source, String reason, String note) {
        RawInput r = skipped(source, note);
        r.errorType = reason;
        return r;
    }

    /** The note that file {@code source} is read as {@code shape} (a {@code FileShape} name). */
    public static RawInput file(String source, String shape) {
        return of(Kind.FILE, source, new byte[0], shape, 0);
    }

    public static RawInput logLine(String source, byte[] line) {
        return of(Kind.LOG_LINE, source, line, null, line.length);
    }

    /** A line of batch inference output of job {@code jobId}. */
    public static RawInput batchRecord(String source, String jobId, byte[] line) {
        return of(Kind.BATCH_RECORD, source, line, jobId, line.length);
    }

    public static RawInput envelope(String source, byte[] data) {
        return of(Kind.CLOUDWATCH_ENVELOPE, source, data, null, data.length);
    }

    @Override
    public String toString() {
        return "RawInput{" + kind + " " + source + " " + size + " bytes" + (note == null ? "" : " " + note) + "}";
    }
}
