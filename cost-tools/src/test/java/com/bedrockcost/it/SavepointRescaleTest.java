package com.bedrockcost.it;

import com.bedrockcost.CostPipeline;
import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.pricing.PriceFeed;
import com.bedrockcost.sink.LakeSinks;
import com.bedrockcost.testutil.ContractPricer;
import com.bedrockcost.testutil.DuckLake;
import com.bedrockcost.testutil.DuplicatingLogs;
import com.bedrockcost.testutil.ExactlyOnce;
import com.bedrockcost.testutil.ExpectedTotals;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job upgrade as an operator does it: stop with a savepoint, start again from it with another
 * parallelism (1 → 2) and another state backend (heap → RocksDB, as on MSF), the job built anew
 * (with its SQL rollup) in the same JVM. The source resumes where it stopped, the de-duplication
 * state comes along (split over twice the instances), and the lake ends with every invocation exactly
 * once, including duplicates whose first copy was written before the savepoint; the hourly rollup's
 * open hours come along too.
 */
@Timeout(240)
class SavepointRescaleTest {
    static final int DISTINCT = 12_000;
    /** Records per second before the savepoint, so that it comes part-way; unlimited after it. */
    static final long RATE = 1_500;
    private static final Pattern REQUEST_ID = Pattern.compile("\"requestId\":\"([^\"]+)\"");

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir Path dir;

    @Test
    void stopWithSavepointRescaleAndResumeLosesAndRepeatsNothing() throws Exception {
        DuplicatingLogs logs = new DuplicatingLogs(
                new LogGenerator(99, DISTINCT, 100, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofDays(1)));
        Path lake = dir.resolve("lake");
        JobConfig base = JobConfig.defaults().with(Map.of(
                "output.path", lake.toString(), "checkpoint.dir", dir.resolve("checkpoints").toString(),
                "checkpoint.interval", "500ms"));

        JobClient first = start(base.with(Map.of("job.parallelism", "1", "state.backend", "hashmap")), logs, RATE, lake);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (committedRows(lake) < 2_000 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        String savepoint = first.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get(120, TimeUnit.SECONDS);
        while (!first.getJobStatus().get().isGloballyTerminalState()) {
            Thread.sleep(50);
        }

        // One source split read in order at parallelism 1: the first copies written so far are a prefix of the records.
        Set<String> before = requestIds(lake);
        int m = before.size();
        assertThat(m).as("stopped part-way").isPositive().isLessThan(DISTINCT);
        assertThat(before).isEqualTo(requestIdsOf(logs, m));
        long crossing = 0;
        for (long p = positionOf(m); p < logs.positions(); p++) {
            if (p % DuplicatingLogs.BLOCK == DuplicatingLogs.NEW_PER_BLOCK && logs.indexAt(p) < m) {
                crossing++;
            }
        }
        assertThat(crossing).as("duplicates arriving after the savepoint of records written before it").isGreaterThan(50);

        JobClient second = start(base.with(Map.of("job.parallelism", "2", "state.backend", "rocksdb", "restore.path", savepoint)),
                logs, 0, lake);
        second.getJobExecutionResult().get(180, TimeUnit.SECONDS);

        ExpectedTotals expected = ExpectedTotals.of(logs.generator(), ContractPricer.builtIn());
        ExactlyOnce.assertLakeHolds(lake, expected);
        // The hourly rollup's open hours travelled in the savepoint too: it counts every invocation once.
        ExactlyOnce.assertRollupHolds(lake, expected);
    }

    private static JobClient start(JobConfig config, DuplicatingLogs logs, long rate, Path lake) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(LocalRunner.flinkConfiguration(config));
        env.setParallelism(Math.toIntExact(config.get(JobConfig.PARALLELISM)));
        new CostPipeline(config, logs.stream(rate), PriceFeed.fromConfig(config), LakeSinks.invocations(lake.toString(), "SNAPPY"),
                LakeSinks.failed(lake.toString(), "SNAPPY"), LakeSinks.tenantHourly(lake.toString(), "SNAPPY")).build(env);
        return env.executeAsync("savepoint-rescale");
    }

    /** Position of the first copy of record {@code index}. */
    private static long positionOf(long index) {
        return index / DuplicatingLogs.NEW_PER_BLOCK * DuplicatingLogs.BLOCK + index % DuplicatingLogs.NEW_PER_BLOCK;
    }

    private static Set<String> requestIdsOf(DuplicatingLogs logs, int count) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < count; i++) {
            Matcher matcher = REQUEST_ID.matcher(logs.generator().recordText(i));
            assertThat(matcher.find()).isTrue();
            ids.add(matcher.group(1));
        }
        return ids;
    }

    private static Set<String> requestIds(Path lake) throws Exception {
        try (DuckLake db = new DuckLake(lake)) {
            return db.rows("SELECT request_id FROM invocations").stream()
                    .map(r -> (String) r.get("request_id")).collect(Collectors.toSet());
        }
    }

    private static long committedRows(Path lake) throws Exception {
        Path table = lake.resolve("invocations");
        if (!Files.exists(table)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(table)) {
            if (s.noneMatch(p -> p.getFileName().toString().startsWith("part-"))) {
                return 0;
            }
        }
        try (DuckLake db = new DuckLake(lake)) {
            return db.count("SELECT count(*) FROM invocations");
        }
    }
}
