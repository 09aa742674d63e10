package com.bedrockcost.parse;

import com.bedrockcost.model.ErrorType;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;

import java.util.EnumMap;
import java.util.Map;

/**
 * Counters of the decode stage. Registered on the operator's metric group (Flink UI, reporters) and
 * again under {@code kinesisanalytics}, the group Managed Service for Apache Flink forwards to
 * CloudWatch (AWS: "Use custom metrics with Amazon Managed Service for Apache Flink"), with the error
 * type as a dimension.
 */
public final class DecodeMetrics {
    public static final String RECORDS_IN = "decodeRecordsIn";
    public static final String BYTES_IN = "decodeBytesIn";
    public static final String LOG_EVENTS_IN = "decodeLogEventsIn";
    public static final String PARSED = "decodeParsed";
    public static final String FAILED = "decodeFailed";
    public static final String SKIPPED = "decodeSkipped";
    public static final String CONTROL_MESSAGES = "decodeControlMessages";
    public static final String FILES_DONE = "decodeFilesDone";

    /** Inputs (log lines, Kinesis records, reader notes). */
    public final Counter recordsIn = new SimpleCounter();
    /** Their bytes as received (compressed for Kinesis records). */
    public final Counter bytesIn = new SimpleCounter();
    /** Log events found in CloudWatch envelopes. */
    public final Counter logEventsIn = new SimpleCounter();
    /** Invocation rows emitted. */
    public final Counter parsed = new SimpleCounter();
    /** Rows sent to the failed output, all types. */
    public final Counter failed = new SimpleCounter();
    /** Expected non-records: permission checks, /data/ objects, empty batches. */
    public final Counter skipped = new SimpleCounter();
    public final Counter controlMessages = new SimpleCounter();
    /** Input files read to their end (file inputs only): the local run's progress line shows them. */
    public final Counter filesDone = new SimpleCounter();
    private final Map<ErrorType, Counter> failedByType = new EnumMap<>(ErrorType.class);

    public DecodeMetrics() {
        for (ErrorType t : ErrorType.values()) {
            failedByType.put(t, new SimpleCounter());
        }
    }

    /** Name of the per-type failure counter on the operator group. */
    public static String failedName(ErrorType t) {
        return FAILED + "_" + t.name();
    }

    public Counter failed(ErrorType t) {
        return failedByType.get(t);
    }

    /** Counts one failure of {@code errorType} (a name of {@link ErrorType}). */
    void countFailed(String errorType) {
        failed.inc();
        try {
            failedByType.get(ErrorType.valueOf(errorType)).inc();
        } catch (RuntimeException e) {
            failedByType.get(ErrorType.DECODE_ERROR).inc();
        }
    }

    public DecodeMetrics register(MetricGroup operator) {
        MetricGroup cloudWatch = operator.addGroup("kinesisanalytics").addGroup("Stage", "decode");
        for (MetricGroup g : new MetricGroup[] {operator, cloudWatch}) {
            g.counter(RECORDS_IN, recordsIn);
            g.counter(BYTES_IN, bytesIn);
            g.counter(LOG_EVENTS_IN, logEventsIn);
            g.counter(PARSED, parsed);
            g.counter(FAILED, failed);
            g.counter(SKIPPED, skipped);
            g.counter(CONTROL_MESSAGES, controlMessages);
        }
        operator.counter(FILES_DONE, filesDone);
        for (Map.Entry<ErrorType, Counter> e : failedByType.entrySet()) {
            operator.counter(failedName(e.getKey()), e.getValue());
            cloudWatch.addGroup("ErrorType", e.getKey().name()).counter(FAILED, e.getValue());
        }
        return this;
    }
}
