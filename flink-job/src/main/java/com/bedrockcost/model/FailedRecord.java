package com.bedrockcost.model;

import java.time.Instant;
import java.util.Objects;

/** One input that could not become an invocation row: one row of the {@code failed} table. */
public class FailedRecord {
    /** Longest prefix of the offending input that is kept in {@link #raw}. */
    public static final int MAX_RAW_CHARS = 4096;

    public Instant ingestTime;
    /** Where it came from: file and line, or stream, shard and sequence (and log event id). */
    public String source;
    /** A stable code, one of {@link ErrorType}. */
    public String errorType;
    public String errorMessage;
    /** The offending input, truncated to {@link #MAX_RAW_CHARS}; never a prompt or completion body. */
    public String raw;
    /** Full size of the offending input in bytes. */
    public long rawBytes;

    public FailedRecord() {}

    public static FailedRecord of(
            String source, ErrorType type, String message, String raw, long rawBytes, Instant ingestTime) {
        FailedRecord f = new FailedRecord();
        f.ingestTime = ingestTime;
        f.source = source;
        f.errorType = type.name();
        f.errorMessage = message;
        f.raw = raw == null ? null : (raw.length() > MAX_RAW_CHARS ? raw.substring(0, MAX_RAW_CHARS) : raw);
        f.rawBytes = rawBytes;
        return f;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof FailedRecord)) {
            return false;
        }
        FailedRecord that = (FailedRecord) o;
        return rawBytes == that.rawBytes
                && Objects.equals(ingestTime, that.ingestTime)
                && Objects.equals(source, that.source)
                && Objects.equals(errorType, that.errorType)
                && Objects.equals(errorMessage, that.errorMessage)
                && Objects.equals(raw, that.raw);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, errorType, errorMessage);
    }

    @Override
    public String toString() {
        return "FailedRecord{" + errorType + " at " + source + ": " + errorMessage + "}";
    }
}
