package com.bedrockcost;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import com.bedrockcost.config.ClusterConfig;
import com.bedrockcost.config.JobConfig;

import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.InputStream;
import java.util.Map;
import java.util.Properties;

/**
 * Entry point on Managed Service for Apache Flink: configuration from the application's runtime
 * property groups (checkpointing, parallelism and state backend are the service's). Run inside a
 * local environment it reads {@code flink-application-properties-dev.json} from the classpath. Without
 * an input and an output it refuses to start (see {@link ClusterConfig}).
 */
public final class StreamingJob {
    static final String LOCAL_PROPERTIES = "flink-application-properties-dev.json";

    private StreamingJob() {}

    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Map<String, Properties> groups;
        String where;
        if (env instanceof LocalStreamEnvironment) {
            where = LOCAL_PROPERTIES + " on the classpath";
            try (InputStream in = StreamingJob.class.getClassLoader().getResourceAsStream(LOCAL_PROPERTIES)) {
                groups = in == null ? Map.of() : JobConfig.readGroups(in, LOCAL_PROPERTIES);
            }
        } else {
            where = "the application's property groups, read with KinesisAnalyticsRuntime";
            groups = KinesisAnalyticsRuntime.getApplicationProperties();
        }
        JobConfig config = ClusterConfig.requireInputAndOutput(JobConfig.fromGroups(groups, Map.of()), where);
        config.parallelism().ifPresent(env::setParallelism);
        CostPipeline.fromConfig(config).build(env);
        env.execute("bedrock-cost-stream");
    }
}
