package com.bedrockcost;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.lake.RunMarkers;
import com.bedrockcost.localrun.LocalEnvironments;
import com.bedrockcost.localrun.RunStoppedException;
import com.bedrockcost.localrun.StopSignals;
import com.bedrockcost.localrun.StopWithSavepoint;
import com.bedrockcost.model.EndOfInput;
import com.bedrockcost.rollup.RollupPlacement;
import com.bedrockcost.rollup.RunLineage;
import com.bedrockcost.rollup.RunRollup;
import com.bedrockcost.sink.LakeSinks;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.util.OptionalFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs the job on a local MiniCluster, as the launcher and the tests do: the job as configured
 * ({@link CostPipeline#fromConfig}), with a local run's extras (its run id and lineage, Ctrl-C, the
 * end of input, progress) and, after a bounded input, its {@code tenant_hourly} batch job. The
 * cluster's configuration and environments are {@link LocalEnvironments}'.
 */
public final class LocalRunner {
    private static final Logger LOG = LoggerFactory.getLogger(LocalRunner.class);
    static final String JOB_NAME = "bedrock-cost-stream";

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
        String runId = RollupPlacement.of(config, true) == RollupPlacement.AFTER_INPUT ? RunRollup.newRunId() : null;
        // Runs interrupted before their tenant_hourly was written: this run writes theirs too.
        Collection<String> unfinished = runId == null ? List.of() : RunMarkers.begin(config.get(JobConfig.OUTPUT_PATH), runId);
        StopSignals stop = StopSignals.install(System.err);
        JobID stoppedJob = null;
        Configuration conf = LocalEnvironments.flinkConfiguration(config);
        // Any free port for the cluster's REST endpoint, as Flink's local environment does: 8081 may be taken.
        conf.set(RestOptions.BIND_PORT, "0");
        listener.configure(conf);
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(LocalEnvironments.parallelism(config)).build());
        CompletableFuture<Void> started = CompletableFuture.runAsync(() -> {
            try {
                cluster.start();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        try {
            StreamExecutionEnvironment env = LocalEnvironments.environment(config);
            CostPipeline pipeline = pipeline(config, runId);
            pipeline.build(env);
            StreamGraph graph = env.getStreamGraph();
            graph.setJobName(JOB_NAME);
            JobGraph job = graph.getJobGraph();
            started.get();
            JobID id = job.getJobID();
            stoppedJob = id;
            stop.onStop(new StopWithSavepoint(cluster, id, LocalEnvironments.checkpointDir(config) + "/stopped"));
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
                StopWithSavepoint.removeCheckpointFolder(LocalEnvironments.checkpointDir(config), stoppedJob);
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
        StreamExecutionEnvironment env = LocalEnvironments.batchEnvironment(config);
        if (!RunRollup.build(env, config, runs,
                LakeSinks.tenantHourly(config.get(JobConfig.OUTPUT_PATH), config.get(JobConfig.OUTPUT_COMPRESSION)))) {
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
        StreamExecutionEnvironment env = LocalEnvironments.environment(config);
        CostPipeline.fromConfig(config).build(env);
        return env.executeAsync(JOB_NAME);
    }

    /** The job; with a {@code runId}, without the rollup, which is written after the input ({@link #rollupAfterInput}). */
    static CostPipeline pipeline(JobConfig config, String runId) {
        return runId == null ? CostPipeline.fromConfig(config) : CostPipeline.rollupAfterInput(config, runId, RunRollup.partPrefix(runId));
    }

    /** A local environment configured as the job expects ({@link LocalEnvironments#environment}). */
    public static StreamExecutionEnvironment environment(JobConfig config) {
        return LocalEnvironments.environment(config);
    }

    /** The Flink configuration of a local run ({@link LocalEnvironments#flinkConfiguration}). */
    public static Configuration flinkConfiguration(JobConfig config) {
        return LocalEnvironments.flinkConfiguration(config);
    }

    /** Sets up the file systems for tools that read or write outside a job ({@link LocalEnvironments#initFileSystems(JobConfig)}). */
    public static void initFileSystems(JobConfig config) {
        LocalEnvironments.initFileSystems(config);
    }
}
