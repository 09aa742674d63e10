package com.bedrockcost.sink;

import com.bedrockcost.CostPipeline;
import com.bedrockcost.LocalRunner;
import com.bedrockcost.cli.Main;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.Inputs;
import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.lake.DatePartitioner;
import com.bedrockcost.lake.LakeTables;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.pricing.PriceFeed;
import com.bedrockcost.testutil.DuckLake;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A run with compaction on that dies in the middle of a merge and is not restored (as after kill -9)
 * leaves hidden {@code .part-*.parquet} files that no reader sees: the next run into the lake says how
 * many and where, and how to remove them; after the documented command it says nothing.
 */
class UnmergedFilesTest {
    @TempDir Path dir;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void theNextRunCountsTheHiddenFilesADeadRunLeftAndTellsHowToRemoveThem() throws Exception {
        Path lake = dir.resolve("lake");
        String root = lake.toString();
        JobConfig config = JobConfig.defaults().with(Map.of(
                "output.path", root, "checkpoint.dir", dir.resolve("checkpoints").toString(),
                "checkpoint.interval", "1s", "checkpoint.min.pause", "0", "output.compaction.checkpoints", "2"));
        Compaction compaction = Compaction.fromConfig(config);
        CompactionTest.FailingCompactor.CALLS.set(0);
        CompactionTest.FailingCompactor.FAILED.set(0);
        FileSink<Invocation> invocations = LakeSinks.sink(root, LakeTables.INVOCATIONS, "ZSTD", LakeTables::invocationColumns,
                new DatePartitioner<>(r -> r.eventTime), "part", compaction,
                new CompactionTest.FailingCompactor(new ParquetRows<>(LakeTables.INVOCATIONS)));
        Configuration conf = LocalRunner.flinkConfiguration(config);
        // No restart: the job dies with the failed merge, and nothing restores it.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        LogGenerator gen = new LogGenerator(26, 24_000, 100, CompactionTest.START, Duration.ofDays(2));
        new CostPipeline(config, Inputs.generator(gen, 2_000), PriceFeed.fromConfig(config), invocations,
                LakeSinks.failed(root, "ZSTD", compaction)).build(env);
        assertThatThrownBy(() -> env.execute("dies in a merge")).hasStackTraceContaining("injected");
        List<Path> left = unmerged(lake);
        assertThat(left).as("hidden files the dead job had committed for its merge").isNotEmpty();
        long visible = visibleInvocations(lake);

        // The next run into the lake (other records; the dead job's live marker may still be fresh: --force).
        String[] next = {"run", "--generator.count", "500", "--generator.seed", "100001", "--output", root, "--checkpoint.interval", "1s",
            "--checkpoint.dir", dir.resolve("checkpoints").toString(), "--force", "--quiet"};
        String text = run(next);
        TreeSet<String> folders = left.stream().map(p -> p.getParent().toString()).collect(Collectors.toCollection(TreeSet::new));
        assertThat(text).contains(String.format(Locale.ROOT, "%,d hidden file(s) (.part-*.parquet, in %s", left.size(), folders.first()))
                .contains("find " + root + " -name '.part-*.parquet' -delete");
        assertThat(unmerged(lake)).as("kept: restoring the dead run from its checkpoint merges them").containsExactlyInAnyOrderElementsOf(left);
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(*) FROM invocations")).as("readers see the visible rows and the new run's").isEqualTo(visible + 500);
        }

        Process find = new ProcessBuilder("find", root, "-name", ".part-*.parquet", "-delete").inheritIO().start();
        assertThat(find.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(find.exitValue()).isZero();
        assertThat(run(next)).doesNotContain("hidden file");
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(*) FROM invocations")).isEqualTo(visible + 500);
        }
    }

    /** Invocations a reader sees (none when the dead job merged nothing yet). */
    private static long visibleInvocations(Path lake) throws Exception {
        try (Stream<Path> s = Files.walk(lake.resolve(LakeTables.INVOCATIONS))) {
            if (s.noneMatch(p -> p.getFileName().toString().endsWith(".parquet") && !p.getFileName().toString().startsWith("."))) {
                return 0;
            }
        }
        try (DuckLake db = new DuckLake(lake)) {
            return db.count("SELECT count(*) FROM invocations");
        }
    }

    private String run(String[] args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        int code = Main.run(args, print, print);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isZero();
        return text;
    }

    private static List<Path> unmerged(Path lake) throws IOException {
        try (Stream<Path> s = Files.walk(lake)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".part-") && p.getFileName().toString().endsWith(".parquet"))
                    .collect(Collectors.toList());
        }
    }
}
