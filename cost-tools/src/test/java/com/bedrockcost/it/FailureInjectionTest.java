package com.bedrockcost.it;

import com.bedrockcost.CostPipeline;
import com.bedrockcost.LocalRunner;
import com.bedrockcost.StreamFactory;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.pricing.PriceFeed;
import com.bedrockcost.sink.LakeSinks;
import com.bedrockcost.testutil.ContractPricer;
import com.bedrockcost.testutil.DuplicatingLogs;
import com.bedrockcost.testutil.ExactlyOnce;
import com.bedrockcost.testutil.ExpectedTotals;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Billing-grade: 100,000 invocations delivered with 5% duplicates (often far apart) through the real
 * pipeline on RocksDB, while the job fails three times mid-stream and loses a TaskManager, each time
 * restarting from its last checkpoint. The lake then holds every request id exactly once, and its
 * token and cost totals equal a calculation made from the raw records and the price CSVs alone, and
 * so do the hourly rollup's (its partial sums are emitted before every barrier, its SQL window state
 * is restored).
 */
@Timeout(240)
class FailureInjectionTest {
    static final int DISTINCT = 100_000;
    /** Records per second over both source instances: slow enough that many checkpoints complete between failures. */
    static final long RATE = 8_000;
    /** Fail once when this many records (replays included) have passed, each after a checkpoint of the current attempt. */
    static final long[] FAIL_AT = {15_000, 40_000, 65_000};
    /** Then stop a TaskManager. */
    static final long KILL_TASK_MANAGER_AT = 85_000;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(2).setNumberSlotsPerTaskManager(1).build());

    @TempDir Path dir;

    @Test
    void everyInvocationIsWrittenExactlyOnceThroughFailuresAndATaskManagerLoss(@InjectMiniCluster MiniCluster cluster) throws Exception {
        DuplicatingLogs logs = new DuplicatingLogs(
                new LogGenerator(2026, DISTINCT, 200, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofDays(2)));
        Path lake = dir.resolve("lake");
        JobConfig config = JobConfig.defaults().with(Map.of(
                "output.path", lake.toString(), "checkpoint.dir", dir.resolve("checkpoints").toString(),
                "checkpoint.interval", "500ms", "state.backend", "rocksdb", "job.parallelism", "2"));
        Configuration flink = LocalRunner.flinkConfiguration(config);
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(2);

        String run = UUID.randomUUID().toString();
        Progress progress = Progress.start(run);
        StreamFactory<RawInput> input = e -> logs.stream(RATE).create(e)
                .map(new FailAfter(run, FAIL_AT)).uid("inject-failures").name("inject-failures");
        new CostPipeline(config, input, PriceFeed.fromConfig(config),
                LakeSinks.invocations(lake.toString(), "SNAPPY"), LakeSinks.failed(lake.toString(), "SNAPPY"),
                LakeSinks.tenantHourly(lake.toString(), "SNAPPY")).build(env);
        JobClient job = env.executeAsync("failure-injection");

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while ((progress.thrown.size() < FAIL_AT.length || progress.seen.get() < KILL_TASK_MANAGER_AT)
                && !job.getJobStatus().get().isGloballyTerminalState() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("job still running when the TaskManager goes").isFalse();
        cluster.terminateTaskManager(0).get();
        cluster.startTaskManager();
        job.getJobExecutionResult().get(150, TimeUnit.SECONDS);

        assertThat(progress.thrown).as("injected failures").hasSize(FAIL_AT.length);
        assertThat(progress.maxAttempt.get()).as("restarts: the injected failures and the TaskManager loss")
                .isGreaterThanOrEqualTo(FAIL_AT.length + 1);
        assertThat(progress.seen.get()).as("records replayed from checkpoints after the failures")
                .isGreaterThan(logs.positions());
        assertThat(logs.positions() - logs.distinct()).as("duplicates delivered").isEqualTo(DISTINCT / 20);

        ExpectedTotals expected = ExpectedTotals.of(logs.generator(), ContractPricer.builtIn());
        ExactlyOnce.assertLakeHolds(lake, expected);
        ExactlyOnce.assertRollupHolds(lake, expected);
    }

    /** What the injector saw in one run: shared through a static map, as the MiniCluster runs in this JVM. */
    static final class Progress {
        static final Map<String, Progress> RUNS = new ConcurrentHashMap<>();
        final AtomicLong seen = new AtomicLong();
        final Set<Integer> thrown = ConcurrentHashMap.newKeySet();
        final AtomicInteger maxAttempt = new AtomicInteger();

        static Progress start(String run) {
            Progress p = new Progress();
            RUNS.put(run, p);
            return p;
        }
    }

    /**
     * Passes records through; throws once per threshold when that many records have passed in the run
     * and the current attempt has completed a checkpoint, so the restart is from a checkpoint taken
     * mid-stream, with uncommitted output to throw away and records to replay.
     */
    static final class FailAfter extends RichMapFunction<RawInput, RawInput> implements CheckpointListener {
        private static final long serialVersionUID = 1L;
        private final String run;
        private final long[] thresholds;
        private transient Progress progress;
        private transient volatile boolean checkpointedInThisAttempt;

        FailAfter(String run, long[] thresholds) {
            this.run = run;
            this.thresholds = thresholds;
        }

        @Override
        public void open(OpenContext context) {
            progress = Progress.RUNS.get(run);
            progress.maxAttempt.accumulateAndGet(getRuntimeContext().getTaskInfo().getAttemptNumber(), Math::max);
        }

        @Override
        public RawInput map(RawInput in) {
            long n = progress.seen.incrementAndGet();
            if (checkpointedInThisAttempt) {
                for (int i = 0; i < thresholds.length; i++) {
                    if (n >= thresholds[i] && progress.thrown.add(i)) {
                        throw new IllegalStateException("Injected failure " + (i + 1) + " after " + n + " records, at " + in.source);
                    }
                }
            }
            return in;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointedInThisAttempt = true;
        }
    }
}
