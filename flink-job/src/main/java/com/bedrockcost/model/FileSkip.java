package com.bedrockcost.model;

/** Why a whole file is not read as invocation records; each is counted and named in the run summary. */
public enum FileSkip {
    /** A body Bedrock moved out of a record ({@code …/HH/data/…}, {@code <id>_input.json.gz}): the record itself is elsewhere. */
    LARGE_BODY("Bedrock large-body object (a prompt or completion, not a record)"),
    /** The object Bedrock writes to check that it may write to the bucket. */
    PERMISSION_CHECK("Bedrock permission-check object"),
    /**
     * Output of a Bedrock batch inference job ({@code *.jsonl.out} lines {@code {recordId, modelInput,
     * modelOutput}}, {@code manifest.json.out}): it names neither the model nor the time of a call, and
     * batch calls are not in the invocation logs, so it is not priced by this job (docs/input.md).
     */
    BATCH_OUTPUT("Bedrock batch inference output (not an invocation log; not priced by this job)"),
    /** A file with no bytes, or only white space. */
    EMPTY("empty file"),
    /** A file in none of the known shapes; it also gets one row in {@code failed}. */
    NOT_A_LOG_FILE("not a log file (no known shape)");

    /** What the run summary calls it. */
    public final String label;

    FileSkip(String label) {
        this.label = label;
    }
}
