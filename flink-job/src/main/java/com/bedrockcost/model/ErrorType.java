package com.bedrockcost.model;

/** Stable codes of the {@code failed} table's {@code error_type} column. Extend, never rename. */
public enum ErrorType {
    /** The payload is not JSON (or a line is not one JSON object). */
    NOT_JSON,
    /** JSON that ends early: a cut record or envelope. */
    TRUNCATED,
    /** A Kinesis payload that is not gzip. */
    NOT_GZIP,
    /** A gzip stream that ends early or is damaged; complete records before the damage still count. */
    TRUNCATED_GZIP,
    /** A CloudWatch Logs envelope with an unexpected shape. */
    BAD_ENVELOPE,
    /** Valid JSON that is not a Bedrock model invocation log record. */
    NOT_INVOCATION_LOG,
    MISSING_REQUEST_ID,
    MISSING_TIMESTAMP,
    BAD_TIMESTAMP,
    MISSING_MODEL_ID,
    BAD_TOKEN_COUNT,
    /** A single record (line or log event) larger than the job accepts. */
    RECORD_TOO_LARGE,
    /** A file that could not be read at all. */
    UNREADABLE_FILE,
    /**
     * An input the decoder failed on in a way it does not expect (a bug in the job): kept here so
     * that the job keeps running and nothing is lost silently. Please report it.
     */
    DECODE_ERROR,
    /** A file in none of the shapes the job reads (binary, or text that is not a log): one row for the whole file. */
    NOT_A_LOG_FILE,
    /** A line of batch inference output with an {@code error} instead of {@code modelOutput}: Bedrock did not answer that record. */
    BATCH_RECORD_ERROR
}
