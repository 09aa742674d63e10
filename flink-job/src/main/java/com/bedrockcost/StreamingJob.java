package com.bedrockcost;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import com.bedrockcost.config.ClusterConfig;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.rollup.RetiredRollupState;

import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
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
    private static final Logger LOG = LoggerFactory.getLogger(StreamingJob.class);
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
        restoreAcrossRollupVersions(env.getStreamGraph(false));
        env.execute("bedrock-cost-stream");
    }

    /**
     * With {@code allow_non_restored_state} on, MSF drops whatever state of the snapshot no operator
     * claims: only an older version of the hourly rollup's state may go (and is said so in the log);
     * any other refuses the start ({@link RetiredRollupState}). A snapshot that cannot be read here is
     * left to Flink's restore.
     */
    public static void restoreAcrossRollupVersions(StreamGraph graph) {
        RetiredRollupState.Dropped dropped;
        try {
            dropped = RetiredRollupState.refuseOtherThanRetired(graph, StreamingJob.class.getClassLoader());
        } catch (RetiredRollupState.RefusedRestoreException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not read the snapshot {} to check which of its state the restore drops: {}",
                    graph.getSavepointRestoreSettings().getRestorePath(), e.toString());
            return;
        }
        if (dropped != null) {
            LOG.warn("Restore of {}: {}", graph.getSavepointRestoreSettings().getRestorePath(), dropped.describe());
        }
    }
}
