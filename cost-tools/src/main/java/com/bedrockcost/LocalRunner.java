package com.bedrockcost;

import com.bedrockcost.config.ConfigException;
import com.bedrockcost.config.ConfigKey;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.Inputs;
import com.bedrockcost.localrun.RunMarkers;
import com.bedrockcost.localrun.RunStoppedException;
import com.bedrockcost.localrun.StopSignals;
import com.bedrockcost.localrun.StopWithSavepoint;
import com.bedrockcost.model.EndOfInput;
import com.bedrockcost.pricing.PriceFeed;
import com.bedrockcost.rollup.RunLineage;
import com.bedrockcost.rollup.RunRollup;
import com.bedrockcost.sink.Compaction;
import com.bedrockcost.sink.LakeSinks;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.ConfigConstants;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.contrib.streaming.state.RocksDBConfigurableOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.UnsupportedFileSystemSchemeException;
import org.apache.flink.core.plugin.PluginUtils;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.util.OptionalFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/** Runs the job on a local MiniCluster, as the launcher and the tests do. */
public final class LocalRunner {
    private static final Logger LOG = LoggerFactory.getLogger(LocalRunner.class);
    static final String JOB_NAME = "bedrock-cost-stream";
    /** Flink's lower bound for the checkpoint interval. */
    static final long MIN_CHECKPOINT_INTERVAL_MS = 10;
    /** MSF's default minimum pause between checkpoints; the local default never exceeds it. */
    static final Duration DEFAULT_MAX_MIN_PAUSE = Duration.ofSeconds(5);
    /**
     * Managed (native) memory of the local TaskManager: RocksDB's block cache and write buffers, and
     * batch sorts of the report. Flink's local default (128 MB, shared by every stateful operator)
     * left RocksDB flushing and compacting tiny files (measured: docs/performance.md, Measured
     * settings). Allocated only when used: the heap backend does not use it.
     */
    static final MemorySize LOCAL_MANAGED_MEMORY = MemorySize.ofMebiBytes(512);

    private LocalRunner() {}

    /** Follows a local run from outside, e.g. to show its progress: its Flink configuration and the jobs it submits. */
    public interface Listener {
        Listener NONE = new Listener() {};

        /** Adds to the MiniCluster's configuration (e.g. a metric reporter) before it starts. */
        default void configure(Configuration conf) {}

        /** A job is about to be submitted: the run's job, then for a bounded run its {@code tenant_hourly} batch job. */
        default void jobStarting(JobID id, String name) {}
    }

    /**
     * Runs the whole job and returns when a bounded input is processed (an unbounded one runs until
     * cancelled). The MiniCluster starts while the job is built, and the last checkpoint of a
     * bounded run is taken as soon as the input has ended ({@link EndOfInput}), not at the next
     * periodic one. A bounded run then writes {@code tenant_hourly} in a batch job over the
     * invocations it wrote ({@link RunRollup}): its heap does not grow with the number of (hour,
     * tenant, model) groups of the input, as a window held open to the end of the input would.
     */
    public static JobExecutionResult run(JobConfig config) throws Exception {
        return run(config, Listener.NONE);
    }

    /** As {@link #run(JobConfig)}, told to a {@link Listener}. */
    public static JobExecutionResult run(JobConfig config, Listener listener) throws Exception {
        String runId = config.get(JobConfig.OUTPUT_TENANT_HOURLY) && config.boundedInput()
                ? RunRollup.newRunId() : null;
        // Runs interrupted before their tenant_hourly was written: this run writes theirs too.
        Collection<String> unfinished = runId == null ? List.of() : RunMarkers.begin(config.get(JobConfig.OUTPUT_PATH), runId);
        StopSignals stop = StopSignals.install(System.err);
        JobID stoppedJob = null;
        Configuration conf = flinkConfiguration(config);
        // Any free port for the cluster's REST endpoint, as Flink's local environment does: 8081 may be taken.
        conf.set(RestOptions.BIND_PORT, "0");
        listener.configure(conf);
        long parallelism = config.get(JobConfig.PARALLELISM);
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(parallelism > 0 ? (int) parallelism : 1).build());
        CompletableFuture<Void> started = CompletableFuture.runAsync(() -> {
            try {
                cluster.start();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        try {
            StreamExecutionEnvironment env = environment(config);
            CostPipeline pipeline = pipeline(config, runId);
            pipeline.build(env);
            StreamGraph graph = env.getStreamGraph();
            graph.setJobName(JOB_NAME);
            JobGraph job = graph.getJobGraph();
            started.get();
            JobID id = job.getJobID();
            stoppedJob = id;
            stop.onStop(new StopWithSavepoint(cluster, id, checkpointDir(config) + "/stopped"));
            EndOfInput.listen(id, () -> cluster.triggerCheckpoint(id));
            listener.jobStarting(id, JOB_NAME);
            JobExecutionResult result;
            try {
                if (stop.requested()) {
                    throw stopped(stop);
                }
                result = execute(cluster, job);
            } catch (Exception e) {
                if (stop.requested()) {
                    throw stopped(stop);
                }
                throw e;
            } finally {
                EndOfInput.forget(id);
            }
            if (stop.requested()) {
                throw new RunStoppedException("stopped (" + stop.signalName() + ")", result);
            }
            // The input is done: a stop requested now lets the short rollup finish.
            stop.onStop(() -> { });
            return runId == null ? result : rollupAfterInput(cluster, config, result, runId, unfinished, listener);
        } finally {
            stop.close();
            // A job that failed to build: let the cluster finish starting before it is shut down.
            started.exceptionally(e -> null).join();
            cluster.close();
            if (stop.requested() && stoppedJob != null) {
                StopWithSavepoint.removeCheckpointFolder(checkpointDir(config), stoppedJob);
            }
        }
    }

    private static RunStoppedException stopped(StopSignals stop) {
        return new RunStoppedException("stopped (" + stop.signalName() + ")");
    }

    private static JobExecutionResult execute(MiniCluster cluster, JobGraph job) throws Exception {
        cluster.submitJob(job).get();
        return cluster.requestJobResult(job.getJobID()).get().toJobExecutionResult(LocalRunner.class.getClassLoader());
    }

    /**
     * Writes {@code tenant_hourly} for the invocations of a bounded run that has ended, and of the
     * runs it was restored from, in a batch job on the same cluster. Returns the run's result with
     * the batch job's net run time added.
     */
    private static JobExecutionResult rollupAfterInput(MiniCluster cluster, JobConfig config, JobExecutionResult run,
                                                       String runId, Collection<String> unfinished,
                                                       Listener listener) throws Exception {
        List<String> lineage = run.getAccumulatorResult(RunLineage.ACCUMULATOR);
        Collection<String> runs = new TreeSet<>(lineage == null ? List.of(runId) : lineage);
        runs.addAll(unfinished);
        StreamExecutionEnvironment env = batchEnvironment(config);
        long parallelism = config.get(JobConfig.PARALLELISM);
        env.setParallelism(parallelism > 0 ? (int) parallelism : 1);
        if (!RunRollup.build(env, config, runs)) {
            RunMarkers.finish(config.get(JobConfig.OUTPUT_PATH), runs);
            return run;
        }
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(JOB_NAME + " tenant_hourly");
        JobExecutionResult rollup;
        long start = System.nanoTime();
        try {
            JobGraph rollupJob = graph.getJobGraph();
            listener.jobStarting(rollupJob.getJobID(), "tenant_hourly");
            rollup = execute(cluster, rollupJob);
            LOG.info("tenant_hourly of this run written in {} ms (a batch job over the invocation files of runs {})",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), runs);
        } catch (Exception e) {
            throw new IllegalStateException("The run's invocations are committed, but writing its tenant_hourly failed"
                    + " (recompute it from invocations: see docs/lake.md, tenant_hourly): " + e.getMessage(), e);
        }
        RunMarkers.finish(config.get(JobConfig.OUTPUT_PATH), runs);
        Map<String, OptionalFailure<Object>> accumulators = new HashMap<>();
        run.getAllAccumulatorResults().forEach((k, v) -> accumulators.put(k, OptionalFailure.of(v)));
        return new JobExecutionResult(run.getJobID(), run.getNetRuntime() + rollup.getNetRuntime(), accumulators);
    }

    /** Starts the whole job and returns at once; the caller watches, stops or cancels it (e.g. over an unbounded Kinesis input). */
    public static JobClient start(JobConfig config) throws Exception {
        StreamExecutionEnvironment env = environment(config);
        pipeline(config, null).build(env);
        return env.executeAsync(JOB_NAME);
    }

    /** The job; with a {@code runId}, without the rollup, which is written after the input ({@link #rollupAfterInput}). */
    static CostPipeline pipeline(JobConfig config, String runId) {
        String root = config.get(JobConfig.OUTPUT_PATH);
        String codec = config.get(JobConfig.OUTPUT_COMPRESSION);
        Compaction compaction = Compaction.fromConfig(config);
        if (runId == null) {
            return new CostPipeline(config, Inputs.fromConfig(config), PriceFeed.fromConfig(config), LakeSinks.invocations(root, codec, compaction),
                    LakeSinks.failed(root, codec, compaction), LakeSinks.tenantHourly(root, codec, compaction))
                    .withBudgets(BudgetAlerts.fromConfig(config)).withAdjustments(LakeSinks.adjustments(root, codec));
        }
        // The rollup after the input finds the run's invocation files by name (part-<run id>-…, merged: compacted-part-<run id>-…).
        return new CostPipeline(config, Inputs.fromConfig(config), PriceFeed.fromConfig(config),
                LakeSinks.invocations(root, codec, RunRollup.partPrefix(runId), compaction), LakeSinks.failed(root, codec, compaction))
                .withRunLineage(runId).withBudgets(BudgetAlerts.fromConfig(config));
    }

    /** A local environment configured as the job expects: checkpoints (files commit on them), bounded restarts. */
    public static StreamExecutionEnvironment environment(JobConfig config) {
        Configuration conf = flinkConfiguration(config);
        initFileSystems(conf);
        checkFileSystems(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        long parallelism = config.get(JobConfig.PARALLELISM);
        env.setParallelism(parallelism > 0 ? (int) parallelism : 1);
        return env;
    }

    /** A local environment for batch jobs over the lake (the report, a bounded run's rollup): file systems as for the job, no checkpoints. */
    public static StreamExecutionEnvironment batchEnvironment(JobConfig config) {
        Configuration conf = flinkConfiguration(config);
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        // restore.path is the streaming job's: a batch job has no state to restore.
        conf.removeConfig(StateRecoveryOptions.SAVEPOINT_PATH);
        initFileSystems(conf);
        return StreamExecutionEnvironment.createLocalEnvironment(conf);
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
    static void s3Options(JobConfig config, Configuration conf) {
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
    static void checkpointOptions(JobConfig config, Configuration conf) {
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

    private static String checkpointDir(JobConfig config) {
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
    static void checkFileSystems(JobConfig config) {
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
