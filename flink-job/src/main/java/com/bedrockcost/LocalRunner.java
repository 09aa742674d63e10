package com.bedrockcost;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.Inputs;
import com.bedrockcost.pricing.PriceFeed;
import com.bedrockcost.sink.LakeSinks;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.PluginUtils;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Paths;
import java.time.Duration;

/** Runs the job on a local MiniCluster, as the launcher and the tests do. */
public final class LocalRunner {
    private LocalRunner() {}

    /** Runs the whole job and returns when a bounded input is processed (an unbounded one runs until cancelled). */
    public static JobExecutionResult run(JobConfig config) throws Exception {
        StreamExecutionEnvironment env = environment(config);
        CostPipeline pipeline = new CostPipeline(config, Inputs.fromConfig(config), PriceFeed.fromConfig(config),
                LakeSinks.invocations(config.get(JobConfig.OUTPUT_PATH), config.get(JobConfig.OUTPUT_COMPRESSION)),
                LakeSinks.failed(config.get(JobConfig.OUTPUT_PATH), config.get(JobConfig.OUTPUT_COMPRESSION)),
                LakeSinks.tenantHourly(config.get(JobConfig.OUTPUT_PATH), config.get(JobConfig.OUTPUT_COMPRESSION)));
        pipeline.build(env);
        return env.execute("bedrock-cost-stream");
    }

    /** A local environment configured as the job expects: checkpoints (files commit on them), bounded restarts. */
    public static StreamExecutionEnvironment environment(JobConfig config) {
        Configuration conf = flinkConfiguration(config);
        initFileSystems(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        long parallelism = config.get(JobConfig.PARALLELISM);
        env.setParallelism(parallelism > 0 ? (int) parallelism : 1);
        env.enableCheckpointing(config.get(JobConfig.CHECKPOINT_INTERVAL).toMillis(), CheckpointingMode.EXACTLY_ONCE);
        return env;
    }

    /** A local environment for batch queries over the lake (the report): file systems as for the job, no checkpoints. */
    public static StreamExecutionEnvironment batchEnvironment(JobConfig config) {
        Configuration conf = flinkConfiguration(config);
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        initFileSystems(conf);
        return StreamExecutionEnvironment.createLocalEnvironment(conf);
    }

    static Configuration flinkConfiguration(JobConfig config) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, config.get(JobConfig.STATE_BACKEND));
        // Dedup and pricing state outgrow the JobManager's in-memory checkpoint storage: keep checkpoints in files.
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir(config));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        if (config.isSet(JobConfig.S3_ENDPOINT)) {
            conf.setString("s3.endpoint", config.get(JobConfig.S3_ENDPOINT));
        }
        if (config.isSet(JobConfig.S3_ACCESS_KEY)) {
            conf.setString("s3.access-key", config.get(JobConfig.S3_ACCESS_KEY));
            conf.setString("s3.secret-key", config.get(JobConfig.S3_SECRET_KEY));
        }
        conf.setString("s3.path.style.access", String.valueOf(config.get(JobConfig.S3_PATH_STYLE_ACCESS)));
        return conf;
    }

    private static String checkpointDir(JobConfig config) {
        if (config.isSet(JobConfig.CHECKPOINT_DIR)) {
            String dir = config.get(JobConfig.CHECKPOINT_DIR);
            return dir.contains("://") ? dir : Paths.get(dir).toAbsolutePath().toUri().toString();
        }
        return Paths.get(System.getProperty("java.io.tmpdir"), "bedrock-cost-stream", "checkpoints").toUri().toString();
    }

    /** A MiniCluster does not set up file systems from the job's configuration; do it here (plugins folder as on MSF). */
    static void initFileSystems(Configuration conf) {
        FileSystem.initialize(conf, PluginUtils.createPluginManagerFromRootFolder(conf));
    }
}
