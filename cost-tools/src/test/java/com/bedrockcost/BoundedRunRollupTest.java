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

    private static Set<Path> invocationFiles(Path lake) throws IOException {
        Path dir = lake.resolve("invocations");
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("part-")).collect(Collectors.toSet());
        }
    }

    /** The run id in {@code part-<run id>-<uuid>-<n>.parquet}. */
    private static String runOf(Path file) {
        String name = file.getFileName().toString();
        assertThat(name).startsWith(RunRollup.partPrefix(""));
        return name.substring("part-".length(), "part-".length() + 16);
    }
}
