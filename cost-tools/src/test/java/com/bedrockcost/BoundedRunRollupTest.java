package com.bedrockcost;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.rollup.RunRollup;
import com.bedrockcost.testutil.DuckLake;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded run writes {@code tenant_hourly} after its input, from the invocation files of its own
 * runs: not from other runs' files in the same lake, and, when resumed from a savepoint, from the
 * files the first part wrote as well.
 */
class BoundedRunRollupTest {
    @TempDir Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aRunResumedFromASavepointRollsUpWhatBothPartsWrote() throws Exception {
        Path lake = dir.resolve("lake");
        JobConfig config = JobConfig.defaults().with(Map.of(
                "output.path", lake.toString(), "generator.count", "8000", "generator.rate", "1000",
                "checkpoint.interval", "300ms", "checkpoint.dir", dir.resolve("checkpoints").toString()));
        StreamExecutionEnvironment env = LocalRunner.environment(config);
        LocalRunner.pipeline(config, "0123456789abcdef").build(env);
        JobClient first = env.executeAsync("first part");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (invocationFiles(lake).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        String savepoint = first.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                .get(60, TimeUnit.SECONDS);
        long firstPart;
        try (DuckLake db = new DuckLake(lake)) {
            firstPart = db.count("SELECT count(*) FROM invocations");
        }
        assertThat(firstPart).as("invocations written before the savepoint").isBetween(1L, 7999L);
        assertThat(lake.resolve("tenant_hourly")).as("no rollup before the input has ended").doesNotExist();

        LocalRunner.run(config.with(Map.of("restore.path", savepoint, "generator.rate", "0")));

        assertThat(invocationFiles(lake).stream().map(BoundedRunRollupTest::runOf).collect(Collectors.toSet()))
                .as("runs that wrote invocation files").hasSize(2).contains("0123456789abcdef");
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(*) FROM invocations")).isEqualTo(8000);
            assertThat(db.count("SELECT sum(invocations) FROM tenant_hourly")).isEqualTo(8000);
            assertThat((BigDecimal) db.value("SELECT sum(total_cost) FROM tenant_hourly"))
                    .isEqualTo((BigDecimal) db.value("SELECT sum(total_cost) FROM invocations"));
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aSecondRunIntoTheSameLakeRollsUpOnlyItsOwnInvocations() throws Exception {
        Path lake = dir.resolve("lake");
        // Seeds far apart: the generator's records of adjacent seeds share request ids (seeds 1 and 2: 135 of
        // 700), which the lake, rightly, keeps once.
        for (String seed : new String[] {"1", "1001"}) {
            LocalRunner.run(JobConfig.defaults().with(Map.of("output.path", lake.toString(), "generator.count", "700",
                    "generator.seed", seed, "checkpoint.interval", "1s", "checkpoint.dir", dir.resolve("checkpoints").toString())));
        }
        Set<String> runs = invocationFiles(lake).stream().map(BoundedRunRollupTest::runOf).collect(Collectors.toSet());
        assertThat(runs).hasSize(2);
        try (DuckLake db = new DuckLake(lake)) {
            // The generator's hours are the same in both runs: each run's rollup has a row per hour of
            // its own, and together they count every invocation once.
            assertThat(db.count("SELECT count(*) FROM invocations")).isEqualTo(1400);
            assertThat(db.count("SELECT sum(invocations) FROM tenant_hourly")).isEqualTo(1400);
            assertThat((BigDecimal) db.value("SELECT sum(total_cost) FROM tenant_hourly"))
                    .isEqualTo((BigDecimal) db.value("SELECT sum(total_cost) FROM invocations"));
        }
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aCompactedBoundedRunLeavesFewFilesAndItsRollupCountsEveryInvocationOnce() throws Exception {
        Path lake = dir.resolve("lake");
        // ~10 s of input in one partition (2 hours of event time), a checkpoint every 200 ms: without
        // compaction about 50 invocation files, one per checkpoint.
        JobConfig config = JobConfig.defaults().with(Map.of(
                "output.path", lake.toString(), "generator.count", "20000", "generator.rate", "2000", "generator.span", "2h",
                "checkpoint.interval", "200ms", "checkpoint.min.pause", "0", "checkpoint.dir", dir.resolve("checkpoints").toString(),
                "output.compaction.checkpoints", "10"));
        LocalRunner.run(config);

        Set<Path> files = invocationFiles(lake);
        assertThat(files).as("visible invocation files of the one partition, merged every 10 checkpoints").hasSizeBetween(1, 7);
        assertThat(files).allSatisfy(f -> assertThat(f.getParent().toString()).endsWith("day=01"));
        assertThat(files.stream().map(f -> f.getFileName().toString())).allMatch(n -> n.startsWith("compacted-part-"));
        assertThat(hiddenParquet(lake)).as("small files left unmerged").isEmpty();
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(*) FROM invocations")).isEqualTo(20000);
            assertThat(db.count("SELECT count(DISTINCT request_id) FROM invocations")).isEqualTo(20000);
            assertThat(db.count("SELECT sum(invocations) FROM tenant_hourly")).isEqualTo(20000);
            assertThat((BigDecimal) db.value("SELECT sum(total_cost) FROM tenant_hourly"))
                    .isEqualTo((BigDecimal) db.value("SELECT sum(total_cost) FROM invocations"));
        }

        LocalRunner.run(config);

        assertThat(invocationFiles(lake)).as("a re-run writes no invocation file").isEqualTo(files);
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(*) FROM invocations")).isEqualTo(20000);
            assertThat(db.count("SELECT sum(invocations) FROM tenant_hourly")).isEqualTo(20000);
        }
    }

    /** An application upgraded to compaction (the Terraform module deploys it) restores from a savepoint taken without it. */
    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void compactionTurnedOnForARunRestoredFromASavepointTakenWithoutItKeepsEveryInvocationOnce() throws Exception {
        Path lake = dir.resolve("lake");
        JobConfig config = JobConfig.defaults().with(Map.of(
                "output.path", lake.toString(), "generator.count", "8000", "generator.rate", "1000",
                "checkpoint.interval", "300ms", "checkpoint.dir", dir.resolve("checkpoints").toString()));
        StreamExecutionEnvironment env = LocalRunner.environment(config);
        LocalRunner.pipeline(config, "0123456789abcdef").build(env);
        JobClient first = env.executeAsync("without compaction");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (invocationFiles(lake).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        String savepoint = first.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                .get(60, TimeUnit.SECONDS);
        assertThat(invocationFiles(lake)).as("written before the savepoint").isNotEmpty()
                .allSatisfy(f -> assertThat(f.getFileName().toString()).startsWith("part-"));

        LocalRunner.run(config.with(Map.of("restore.path", savepoint, "generator.rate", "0", "output.compaction.checkpoints", "3")));

        assertThat(invocationFiles(lake).stream().map(f -> f.getFileName().toString()))
                .as("files merged after the restore").anyMatch(n -> n.startsWith("compacted-part-"));
        assertThat(hiddenParquet(lake)).isEmpty();
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(*) FROM invocations")).isEqualTo(8000);
            assertThat(db.count("SELECT count(DISTINCT request_id) FROM invocations")).isEqualTo(8000);
            assertThat(db.count("SELECT sum(invocations) FROM tenant_hourly")).isEqualTo(8000);
            assertThat((BigDecimal) db.value("SELECT sum(total_cost) FROM tenant_hourly"))
                    .isEqualTo((BigDecimal) db.value("SELECT sum(total_cost) FROM invocations"));
        }
    }

    private static Set<Path> hiddenParquet(Path lake) throws IOException {
        try (Stream<Path> files = Files.walk(lake)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".") && p.getFileName().toString().endsWith(".parquet"))
                    .collect(Collectors.toSet());
        }
    }

    private static Set<Path> invocationFiles(Path lake) throws IOException {
        Path dir = lake.resolve("invocations");
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("part-")
                    || p.getFileName().toString().startsWith("compacted-part-")).collect(Collectors.toSet());
        }
    }

    /** The run id in {@code part-<run id>-<uuid>-<n>.parquet}. */
    private static String runOf(Path file) {
        String name = file.getFileName().toString().replaceFirst("^compacted-", "");
        assertThat(name).startsWith(RunRollup.partPrefix(""));
        return name.substring("part-".length(), "part-".length() + 16);
    }
}
