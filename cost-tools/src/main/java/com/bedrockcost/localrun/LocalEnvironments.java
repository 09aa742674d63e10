package com.bedrockcost.localrun;

import com.bedrockcost.config.ConfigException;
import com.bedrockcost.config.ConfigKey;
import com.bedrockcost.config.JobConfig;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigConstants;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.contrib.streaming.state.RocksDBConfigurableOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.UnsupportedFileSystemSchemeException;
import org.apache.flink.core.plugin.PluginUtils;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;

/**
 * The Flink configuration and environments of a local run (the launcher's MiniCluster, the tests,
 * the tools' batch jobs): state backend, checkpoints, restarts, file systems, parallelism. Running
 * the job on them is {@code LocalRunner}'s.
 */
public final class LocalEnvironments {
    /** Flink's lower bound for the checkpoint interval. */
    private static final long MIN_CHECKPOINT_INTERVAL_MS = 10;
    /** MSF's default minimum pause between checkpoints; the local default never exceeds it. */
    private static final Duration DEFAULT_MAX_MIN_PAUSE = Duration.ofSeconds(5);
    /**
     * Managed (native) memory of the local TaskManager: RocksDB's block cache and write buffers, and
     * batch sorts of the report. Flink's local default (128 MB, shared by every stateful operator)
     * left RocksDB flushing and compacting tiny files (measured: docs/performance.md, Measured
     * settings). Allocated only when used: the heap backend does not use it.
     */
    private static final MemorySize LOCAL_MANAGED_MEMORY = MemorySize.ofMebiBytes(512);

    private LocalEnvironments() {}

    /** A local environment configured as the job expects: checkpoints (files commit on them), bounded restarts. */
    public static StreamExecutionEnvironment environment(JobConfig config) {
        Configuration conf = flinkConfiguration(config);
        initFileSystems(conf);
        checkFileSystems(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        env.setParallelism(parallelism(config));
        return env;
    }

    /**
     * A local environment for batch jobs over the lake (a bounded run's rollup, restate): file systems
     * and parallelism as for the job, no checkpoints.
     */
    public static StreamExecutionEnvironment batchEnvironment(JobConfig config) {
        Configuration conf = flinkConfiguration(config);
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        // restore.path is the streaming job's: a batch job has no state to restore.
        conf.removeConfig(StateRecoveryOptions.SAVEPOINT_PATH);
        initFileSystems(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        env.setParallelism(parallelism(config));
        return env;
    }

    /** The parallelism of a local run: {@code job.parallelism}, or 1 when it leaves it to the environment. */
    public static int parallelism(JobConfig config) {
        return config.parallelism().orElse(1);
    }

    /** The Flink configuration of a local run: state backend, checkpoints, restarts, file systems. */
    public static Configuration flinkConfiguration(JobConfig config) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, config.get(JobConfig.STATE_BACKEND));
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, LOCAL_MANAGED_MEMORY);
        // RocksDB: nearly every de-duplication lookup is of a request id not seen before, which
        // without bloom filters reads the index of every file that could hold it (measured:
        // docs/performance.md, What made it faster).
        conf.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
        // Dedup and pricing state outgrow the JobManager's in-memory checkpoint storage: keep checkpoints in files.
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir(config));
        checkpointOptions(config, conf);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        s3Options(config, conf);
        return conf;
    }

    /**
     * Options of Flink's S3 file system (flink-s3-fs-hadoop, which mirrors {@code s3.*} to Hadoop's
     * {@code fs.s3a.*}). Without keys it uses the default AWS credentials chain. MSF configures S3
     * itself; these matter for local runs against AWS or a local S3 server.
     */
    private static void s3Options(JobConfig config, Configuration conf) {
        if (config.isSet(JobConfig.S3_ENDPOINT)) {
            conf.setString("s3.endpoint", config.get(JobConfig.S3_ENDPOINT));
        }
        if (config.isSet(JobConfig.S3_ACCESS_KEY)) {
            conf.setString("s3.access-key", config.get(JobConfig.S3_ACCESS_KEY));
            conf.setString("s3.secret-key", config.get(JobConfig.S3_SECRET_KEY));
        }
        conf.setString("s3.path.style.access", String.valueOf(config.get(JobConfig.S3_PATH_STYLE_ACCESS)));
    }

    /**
     * Exactly-once end to end: sources, de-duplication and pricing state snapshot together with the
     * sink's pending files, which are committed only when the checkpoint completes (two-phase).
     * Aligned checkpoints: they carry no in-flight records, stay small and rescale freely; this job
     * is rarely back-pressured long enough for unaligned ones to pay off. A cancelled or failed run
     * keeps its last checkpoint to restart from ({@code restore.path}); a finished one removes it.
     */
    private static void checkpointOptions(JobConfig config, Configuration conf) {
        Duration interval = config.get(JobConfig.CHECKPOINT_INTERVAL);
        if (interval.toMillis() < MIN_CHECKPOINT_INTERVAL_MS) {
            throw new ConfigException("Configuration key 'checkpoint.interval' (property group Job) must be at least "
                    + MIN_CHECKPOINT_INTERVAL_MS + "ms: files are committed only on checkpoints");
        }
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, interval);
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        conf.set(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, minPause(config, interval));
        conf.set(CheckpointingOptions.ENABLE_UNALIGNED, false);
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        // RocksDB uploads only new files per checkpoint: de-duplication state is large and mostly unchanged.
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        if (config.isSet(JobConfig.RESTORE_PATH)) {
            String restore = uri(config.get(JobConfig.RESTORE_PATH));
            if (restore.startsWith("file:") && !Files.exists(Paths.get(URI.create(restore)))) {
                throw new ConfigException("Configuration key 'restore.path' (property group Job): no savepoint or checkpoint at " + restore);
            }
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restore);
            // State in the snapshot that no operator claims fails the start rather than being dropped.
            conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
        }
    }

    private static Duration minPause(JobConfig config, Duration interval) {
        if (config.isSet(JobConfig.CHECKPOINT_MIN_PAUSE)) {
            return config.get(JobConfig.CHECKPOINT_MIN_PAUSE);
        }
        Duration half = interval.dividedBy(2);
        return half.compareTo(DEFAULT_MAX_MIN_PAUSE) < 0 ? half : DEFAULT_MAX_MIN_PAUSE;
    }

    /** A URI for a location given as a local path or as a URI (as Flink prints them, e.g. {@code file:/tmp/sp-1}). */
    private static String uri(String location) {
        return location.matches("[a-zA-Z][a-zA-Z0-9+.-]+:/.*") ? location : Paths.get(location).toAbsolutePath().toUri().toString();
    }

    /** Where a local run keeps its checkpoints ({@code checkpoint.dir}, or a folder under the system temp dir), as a URI. */
    public static String checkpointDir(JobConfig config) {
        if (config.isSet(JobConfig.CHECKPOINT_DIR)) {
            String dir = config.get(JobConfig.CHECKPOINT_DIR);
            return dir.contains("://") ? dir : Paths.get(dir).toAbsolutePath().toUri().toString();
        }
        return Paths.get(System.getProperty("java.io.tmpdir"), "bedrock-cost-stream", "checkpoints").toUri().toString();
    }

    /**
     * A MiniCluster does not set up file systems from the job's configuration; do it here, with the
     * plugins folder as on MSF ({@code FLINK_PLUGINS_DIR}; the launcher and the tests point it at
     * {@code cost-tools/target/plugins}, where the build puts flink-s3-fs-hadoop).
     */
    public static void initFileSystems(Configuration conf) {
        // The S3 plugin's AWS SDK v1 prints a deprecation banner with a stack trace; it says nothing about the job.
        if (System.getProperty("aws.java.v1.disableDeprecationAnnouncement") == null) {
            System.setProperty("aws.java.v1.disableDeprecationAnnouncement", "true");
        }
        FileSystem.initialize(conf, PluginUtils.createPluginManagerFromRootFolder(conf));
    }

    /** Sets up the file systems (s3:// through the plugin) for tools that read or write outside a job. */
    public static void initFileSystems(JobConfig config) {
        initFileSystems(flinkConfiguration(config));
        checkFileSystems(config);
    }

    /** Every configured s3:// location needs the S3 file system plugin: say so before the job starts, naming the key. */
    private static void checkFileSystems(JobConfig config) {
        for (ConfigKey<String> key : Arrays.asList(JobConfig.OUTPUT_PATH, JobConfig.INPUT_PATH, JobConfig.PRICING_PATH,
                JobConfig.BUDGETS_PATH, JobConfig.TENANT_MAPPING_PATH, JobConfig.CHECKPOINT_DIR, JobConfig.RESTORE_PATH)) {
            if (!config.isSet(key) || !config.get(key).contains("://")) {
                continue;
            }
            URI uri = URI.create(config.get(key));
            try {
                FileSystem.get(uri);
            } catch (UnsupportedFileSystemSchemeException e) {
                String dir = System.getenv(ConfigConstants.ENV_FLINK_PLUGINS_DIR);
                throw new ConfigException(key.name() + " is " + uri + ", but Flink's S3 file system is not available: "
                        + "put flink-s3-fs-hadoop-1.20.1.jar into <plugins>/s3-fs-hadoop/ and point FLINK_PLUGINS_DIR at <plugins> "
                        + "(now " + (dir == null ? "unset" : dir) + "; bin/bedrock-cost-stream uses cost-tools/target/plugins, which the build fills)");
            } catch (IOException e) {
                throw new ConfigException("Cannot open the file system of " + key.name() + " (" + uri + "): " + e.getMessage());
            }
        }
    }
}
