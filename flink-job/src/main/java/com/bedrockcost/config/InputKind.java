package com.bedrockcost.config;

/**
 * Where the job's invocation logs come from, and whether that input ends by itself: decided once,
 * from {@code input.source} (with {@code auto}: {@code kinesis.stream.arn}, then {@code input.path})
 * and {@code input.monitor.interval}, when the configuration is read ({@link JobConfig#input()}).
 * A bounded input reads its price and budget tables once, holds its hours to its end, and lets a
 * local run end; an unbounded one watches them and runs until stopped.
 */
public enum InputKind {
    /** The built-in generator: {@code generator.count} invocation logs, then the input ends. */
    GENERATOR(true),
    /** The files under {@code input.path}, read once ({@code input.monitor.interval} 0). */
    FILES(true),
    /** The files under {@code input.path}, and new ones every {@code input.monitor.interval}: never ends. */
    WATCHED_FILES(false),
    /** A Kinesis data stream ({@code kinesis.stream.arn}): never ends. */
    KINESIS(false);

    private final boolean bounded;

    InputKind(boolean bounded) {
        this.bounded = bounded;
    }

    /** True when the input ends by itself. */
    public boolean bounded() {
        return bounded;
    }

    /** True for the files under {@code input.path}, read once or watched. */
    public boolean readsFiles() {
        return this == FILES || this == WATCHED_FILES;
    }

    /** The input {@code config} names; its keys are already parsed. */
    static InputKind of(JobConfig config) {
        String source = config.get(JobConfig.INPUT_SOURCE);
        if (source.equals("auto")) {
            source = config.isSet(JobConfig.KINESIS_STREAM_ARN) ? "kinesis" : config.isSet(JobConfig.INPUT_PATH) ? "files" : "generator";
        }
        switch (source) {
            case "kinesis":
                return KINESIS;
            case "files":
                return config.get(JobConfig.INPUT_MONITOR_INTERVAL).isZero() ? FILES : WATCHED_FILES;
            default:
                return GENERATOR;
        }
    }
}
