package com.bedrockcost.model;

/** Why a whole file is not read as invocation records; each is counted and named in the run summary. */
public enum FileSkip {
    /** A body Bedrock moved out of a record ({@code …/HH/data/…}, {@code <id>_input.json.gz}): the record itself is elsewhere. */
    LARGE_BODY("Bedrock large-body object (a prompt or completion, not a record)"),
    /** The object Bedrock writes to check that it may write to the bucket. */
    PERMISSION_CHECK("Bedrock permission-check object"),
    /**
     * Output of a Bedrock batch inference job ({@code *.jsonl.out}) whose job is not in {@code batch.jobs.path}:
     * its lines name neither the model nor the time of a call, so they cannot be priced without the job (docs/decoding.md).
     */
    BATCH_OUTPUT("Bedrock batch inference output of a job not in batch.jobs.path (set batch.jobs.path to the JSON of"
            + " aws bedrock list-model-invocation-jobs)"),
    /** A batch inference job's {@code manifest.json.out}: totals only; the job's records are read from its {@code *.jsonl.out} files. */
    BATCH_MANIFEST("Bedrock batch job manifest (totals; the records are read from the job's .jsonl.out files)"),
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
