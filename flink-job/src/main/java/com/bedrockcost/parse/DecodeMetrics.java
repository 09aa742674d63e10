package com.bedrockcost.parse;

import com.bedrockcost.config.ClusterConfig;
import com.bedrockcost.model.ErrorType;
import com.bedrockcost.model.FileShape;
import com.bedrockcost.model.FileSkip;

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
    /** Files read, per detected shape: {@code decodeFilesRead_<SHAPE>}; under kinesisanalytics with dimension FileShape. */
    public static final String FILES_READ = "decodeFilesRead";
    /** Files not read, per reason: {@code decodeFilesSkipped_<REASON>}; under kinesisanalytics with dimension SkipReason. */
    public static final String FILES_SKIPPED = "decodeFilesSkipped";

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
    /** Expected non-records: permission checks, large-body objects, empty files and batches (not unknown files: those fail). */
    public final Counter skipped = new SimpleCounter();
    public final Counter controlMessages = new SimpleCounter();
    /** Input files read to their end (file inputs only): the local run's progress line shows them. */
    public final Counter filesDone = new SimpleCounter();
    private final Map<ErrorType, Counter> failedByType = new EnumMap<>(ErrorType.class);
    private final Map<FileShape, Counter> filesRead = new EnumMap<>(FileShape.class);
    private final Map<FileSkip, Counter> filesSkipped = new EnumMap<>(FileSkip.class);

    public DecodeMetrics() {
        for (ErrorType t : ErrorType.values()) {
            failedByType.put(t, new SimpleCounter());
        }
        for (FileShape s : FileShape.values()) {
            filesRead.put(s, new SimpleCounter());
        }
        for (FileSkip s : FileSkip.values()) {
            filesSkipped.put(s, new SimpleCounter());
        }
    }

    public Counter filesRead(FileShape shape) {
        return filesRead.get(shape);
    }

    public Counter filesSkipped(FileSkip reason) {
        return filesSkipped.get(reason);
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
        MetricGroup cloudWatch = operator.addGroup(ClusterConfig.CLOUDWATCH_METRIC_GROUP).addGroup("Stage", "decode");
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
        for (Map.Entry<FileShape, Counter> e : filesRead.entrySet()) {
            operator.counter(FILES_READ + "_" + e.getKey().name(), e.getValue());
            cloudWatch.addGroup("FileShape", e.getKey().name()).counter(FILES_READ, e.getValue());
        }
        for (Map.Entry<FileSkip, Counter> e : filesSkipped.entrySet()) {
            operator.counter(FILES_SKIPPED + "_" + e.getKey().name(), e.getValue());
            cloudWatch.addGroup("SkipReason", e.getKey().name()).counter(FILES_SKIPPED, e.getValue());
        }
        return this;
    }
}
