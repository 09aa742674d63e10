package com.bedrockcost.sink;

import com.bedrockcost.CostPipeline;
import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.Inputs;
import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.lake.DatePartitioner;
import com.bedrockcost.lake.LakeTables;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.pricing.PriceFeed;
import com.bedrockcost.testutil.ContractPricer;
import com.bedrockcost.testutil.DuckLake;
import com.bedrockcost.testutil.ExactlyOnce;
import com.bedrockcost.testutil.ExpectedTotals;

import org.apache.flink.api.common.JobID;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.sink.compactor.RecordWiseFileCompactor;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fewer, bigger files: a job with 1 s checkpoints over ~30 s of traffic, its small files merged every
 * 10 checkpoints, leaves a handful of files per table and partition instead of one per checkpoint and
 * parallel instance, with every invocation exactly once: while it runs (read with DuckDB at any
 * moment), after a failure in the middle of a compaction (restart from the last checkpoint), and for
 * exactly-once per lake (the request-id indexes are built from the compacted files).
 */
@Timeout(600)
class CompactionTest {
    static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    static final int COMPACT_EVERY = 10;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir java.nio.file.Path dir;

    @Test
    void oneSecondCheckpointsLeaveAHandfulOfFilesPerPartitionWithEveryRowOnce(@InjectMiniCluster MiniCluster cluster) throws Exception {
        LogGenerator gen = new LogGenerator(25, 60_000, 200, START, Duration.ofDays(2));
        java.nio.file.Path lake = dir.resolve("lake");
        JobConfig config = config(lake);
        StreamExecutionEnvironment env = env(config);
        Compaction compaction = Compaction.fromConfig(config);
        String root = lake.toString();
        new CostPipeline(config, Inputs.generator(gen, 2_000), PriceFeed.fromConfig(config),
                LakeSinks.invocations(root, "SNAPPY", compaction), LakeSinks.failed(root, "SNAPPY", compaction),
                LakeSinks.tenantHourly(root, "SNAPPY", compaction)).build(env);
        JobClient job = env.executeAsync("compaction");

        // A reader at any moment sees each invocation at most once: never a small file and its merged copy.
        int reads = 0;
        while (!job.getJobStatus().get().isGloballyTerminalState()) {
            if (hasVisibleParquet(lake.resolve("invocations"))) {
                try (DuckLake db = new DuckLake(lake)) {
                    Map<String, Object> r = db.rows("SELECT count(*) AS n, count(DISTINCT request_id) AS ids FROM invocations").get(0);
                    assertThat(((Number) r.get("n")).longValue()).as("rows seen while compacting").isEqualTo(((Number) r.get("ids")).longValue());
                    reads++;
                }
            }
            Thread.sleep(1000);
        }
        job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        long checkpoints = completedCheckpoints(cluster, job.getJobID());

        ExpectedTotals expected = ExpectedTotals.of(gen, ContractPricer.builtIn());
        ExactlyOnce.assertLakeHolds(lake, expected);
        ExactlyOnce.assertRollupHolds(lake, expected);
        assertThat(reads).as("reads of the lake while the job ran").isPositive();

        Map<String, Long> invocationFiles = filesPerPartition(lake.resolve("invocations"));
        Map<String, Long> hourlyFiles = filesPerPartition(lake.resolve("tenant_hourly"));
        System.out.printf("compaction: %d checkpoints of 1 s, parallelism 2; visible files per partition: invocations %s, tenant_hourly %s%n",
                checkpoints, invocationFiles, hourlyFiles);
        try (DuckLake db = new DuckLake(lake)) {
            System.out.println("compaction: compressed bytes per column of invocations " + db.rows("SELECT path_in_schema AS col, sum(total_compressed_size) AS bytes FROM parquet_metadata('"
                    + lake + "/invocations/**/[!.]*.parquet') GROUP BY 1 ORDER BY 2 DESC"));
        }
        // Without compaction: a file per checkpoint, parallel instance and partition (2 x checkpoints here).
        long bound = checkpoints / COMPACT_EVERY + 2;
        assertThat(checkpoints).as("checkpoints completed").isGreaterThanOrEqualTo(2L * COMPACT_EVERY);
        assertThat(invocationFiles).as("invocations partitions").hasSize(2);
        assertThat(invocationFiles.values()).as("invocations files per partition (at most %d)", bound).allMatch(n -> n <= bound);
        assertThat(hourlyFiles.values()).as("tenant_hourly files per partition (at most %d)", bound).allMatch(n -> n <= bound);
        assertThat(hidden(lake)).as("small files left after their compaction").isEmpty();
    }

    @Test
    void aFailureInTheMiddleOfACompactionRestartsFromTheLastCheckpointAndEachInvocationStaysOnce() throws Exception {
        LogGenerator gen = new LogGenerator(26, 24_000, 100, START, Duration.ofDays(2));
        java.nio.file.Path lake = dir.resolve("lake");
        JobConfig config = config(lake);
        String root = lake.toString();
        Compaction compaction = Compaction.fromConfig(config);
        FailingCompactor.CALLS.set(0);
        FailingCompactor.FAILED.set(0);
        FileSink<Invocation> invocations = LakeSinks.sink(root, LakeTables.INVOCATIONS, "SNAPPY", LakeTables::invocationColumns,
                new DatePartitioner<>(r -> r.eventTime), "part", compaction,
                new FailingCompactor(new ParquetRows<>(LakeTables.INVOCATIONS)));
        StreamExecutionEnvironment env = env(config);
        new CostPipeline(config, Inputs.generator(gen, 2_000), PriceFeed.fromConfig(config), invocations,
                LakeSinks.failed(root, "SNAPPY", compaction), LakeSinks.tenantHourly(root, "SNAPPY", compaction)).build(env);
        env.execute("compaction-failure");

        assertThat(FailingCompactor.FAILED.get()).as("compactions failed half-way").isEqualTo(1);
        assertThat(FailingCompactor.CALLS.get()).as("compactions, the failed one retried after the restart").isGreaterThan(FailingCompactor.FAIL_ON);
        ExpectedTotals expected = ExpectedTotals.of(gen, ContractPricer.builtIn());
        ExactlyOnce.assertLakeHolds(lake, expected);
        ExactlyOnce.assertRollupHolds(lake, expected);

        // Exactly once per lake over compacted files: the same input again writes no invocation.
        StreamExecutionEnvironment again = env(config);
        new CostPipeline(config, Inputs.generator(gen, 0), PriceFeed.fromConfig(config), LakeSinks.invocations(root, "SNAPPY", compaction),
                LakeSinks.failed(root, "SNAPPY", compaction)).build(again);
        again.execute("compaction-rerun");
        ExactlyOnce.assertLakeHolds(lake, expected);
        try (Stream<java.nio.file.Path> s = Files.walk(lake.resolve("_request_ids"))) {
            assertThat(s.filter(p -> p.getFileName().toString().endsWith(".rid")).map(p -> p.getFileName().toString()))
                    .as("request-id indexes, one per compacted invocations file")
                    .isNotEmpty().allMatch(n -> n.startsWith("compacted-part-"));
        }
    }

    private static JobConfig config(java.nio.file.Path lake) {
        return JobConfig.defaults().with(Map.of(
                "output.path", lake.toString(), "checkpoint.dir", lake.resolveSibling("checkpoints").toString(),
                "checkpoint.interval", "1s", "checkpoint.min.pause", "0", "job.parallelism", "2",
                "output.compaction.checkpoints", String.valueOf(COMPACT_EVERY)));
    }

    private static StreamExecutionEnvironment env(JobConfig config) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(LocalRunner.flinkConfiguration(config));
        env.setParallelism(2);
        return env;
    }

    private static long completedCheckpoints(MiniCluster cluster, JobID id) throws Exception {
        return cluster.getArchivedExecutionGraph(id).get().getCheckpointStatsSnapshot().getCounts().getNumberOfCompletedCheckpoints();
    }

    private static boolean hasVisibleParquet(java.nio.file.Path table) throws Exception {
        if (!Files.isDirectory(table)) {
            return false;
        }
        try (Stream<java.nio.file.Path> s = Files.walk(table)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".parquet") && !p.getFileName().toString().startsWith("."));
        }
    }

    /** Visible Parquet files per partition folder, e.g. {@code year=2026/month=11/day=01 -> 4}. */
    static Map<String, Long> filesPerPartition(java.nio.file.Path table) throws Exception {
        try (Stream<java.nio.file.Path> s = Files.walk(table)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet") && !p.getFileName().toString().startsWith("."))
                    .collect(Collectors.groupingBy(p -> table.relativize(p.getParent()).toString(), TreeMap::new, Collectors.counting()));
        }
    }

    private static List<String> hidden(java.nio.file.Path lake) throws Exception {
        try (Stream<java.nio.file.Path> s = Files.walk(lake)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".part-") && n.endsWith(".parquet")).collect(Collectors.toList());
        }
    }

    /** The real compaction, except that its {@value #FAIL_ON}th writes half of its first file's rows and fails. */
    static final class FailingCompactor extends RecordWiseFileCompactor<Invocation> {
        private static final long serialVersionUID = 1L;
        static final int FAIL_ON = 3;
        static final AtomicInteger CALLS = new AtomicInteger();
        static final AtomicInteger FAILED = new AtomicInteger();
        private final ParquetRows<Invocation> rows;

        FailingCompactor(ParquetRows<Invocation> rows) {
            super(rows);
            this.rows = rows;
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public void compact(List<Path> inputFiles, Writer<Invocation> writer) throws Exception {
            if (CALLS.incrementAndGet() == FAIL_ON) {
                // Rows are Parquet records, typed as the sink's only by erasure: kept as Objects here.
                List<Object> first = new ArrayList<>();
                try (Reader r = rows.createFor(inputFiles.get(0))) {
                    for (Object row = r.read(); row != null; row = r.read()) {
                        first.add(row);
                    }
                }
                Writer untyped = writer;
                for (Object row : first.subList(0, first.size() / 2)) {
                    untyped.write(row);
                }
                FAILED.incrementAndGet();
                throw new IllegalStateException("injected: compaction of " + inputFiles.size() + " files failed half-way");
            }
            super.compact(inputFiles, writer);
        }
    }
}
