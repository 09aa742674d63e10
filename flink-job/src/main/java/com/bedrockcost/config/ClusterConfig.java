package com.bedrockcost.config;

import java.util.ArrayList;
import java.util.List;

/**
 * What a job submitted to a cluster (Managed Service for Apache Flink or any other) must be told:
 * where to read and where to write. The built-in generator and the {@code lake} folder are defaults
 * for the local launcher; on a cluster they would quietly run a demo into a TaskManager's disk.
 */
public final class ClusterConfig {
    /**
     * The metric group Managed Service for Apache Flink publishes to CloudWatch: a counter or gauge
     * registered under it reaches CloudWatch (terraform's alarms read them); one place for its name.
     */
    public static final String CLOUDWATCH_METRIC_GROUP = "kinesisanalytics";
    private ClusterConfig() {}

    /** Fails, naming every missing property group and key, unless input and output are set explicitly. */
    public static JobConfig requireInputAndOutput(JobConfig config, String where) {
        List<String> missing = new ArrayList<>();
        if (!explicit(config, JobConfig.KINESIS_STREAM_ARN) && !explicit(config, JobConfig.INPUT_PATH)
                && !config.raw(JobConfig.INPUT_SOURCE).trim().equals("generator")) {
            missing.add("property group " + JobConfig.KINESIS_STREAM_ARN.group() + " key " + JobConfig.KINESIS_STREAM_ARN.name()
                    + " (Kinesis input) or property group " + JobConfig.INPUT_PATH.group() + " key " + JobConfig.INPUT_PATH.name()
                    + " (file input)");
        }
        if (!explicit(config, JobConfig.OUTPUT_PATH)) {
            missing.add("property group " + JobConfig.OUTPUT_PATH.group() + " key " + JobConfig.OUTPUT_PATH.name()
                    + " (the lake root, e.g. s3://bucket/prefix)");
        }
        if (!missing.isEmpty()) {
            throw new ConfigException("The job needs its input and output configured in its runtime properties ("
                    + where + "); missing: " + String.join("; ", missing)
                    + ". On a cluster the job never falls back to the built-in generator or a local lake folder"
                    + " (set input.source=generator explicitly for a demo run).");
        }
        return config;
    }

    private static boolean explicit(JobConfig config, ConfigKey<?> key) {
        String v = config.asMap().get(key.name());
        return v != null && !v.trim().isEmpty();
    }
}
