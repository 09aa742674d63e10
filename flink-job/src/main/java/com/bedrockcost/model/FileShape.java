package com.bedrockcost.model;

/** The shapes of log file the job reads, detected from each file's content (ingest.ShapeSniffer), never from its name. */
public enum FileShape {
    /** Bedrock's own S3 delivery: one record per line (also a Firehose archive with the CloudWatch Logs processors). */
    JSON_LINES("one record per line"),
    /** CloudWatch Logs subscription envelopes, one per line or glued with no delimiter, as Firehose archives them. */
    SUBSCRIPTION_ENVELOPES("CloudWatch Logs subscription envelopes"),
    /** A CloudWatch Logs export ({@code CreateExportTask}): {@code <ISO time>Z <message>} lines. */
    CLOUDWATCH_EXPORT("CloudWatch Logs export lines"),
    /** A JSON array of records. */
    JSON_ARRAY("JSON array of records"),
    /** A CloudWatch Logs Insights download: a JSON array of rows whose {@code @message} string is the record. */
    INSIGHTS_DOWNLOAD("Logs Insights download (@message rows)"),
    /** Records pretty-printed over many lines (one or several, one after the other). */
    PRETTY_JSON("records pretty-printed over many lines"),
    /**
     * Output of a Bedrock batch inference job ({@code <output uri>/<job id>/<input>.jsonl.out}, lines
     * {@code {recordId, modelInput, modelOutput}}): read as invocations of the job named by its folder,
     * given {@code batch.jobs.path} (parse.BatchJobs); without it the file is skipped as {@link FileSkip#BATCH_OUTPUT}.
     */
    BATCH_OUTPUT("Bedrock batch inference output (*.jsonl.out)");

    /** What the run summary calls it. */
    public final String label;

    FileShape(String label) {
        this.label = label;
    }
}
