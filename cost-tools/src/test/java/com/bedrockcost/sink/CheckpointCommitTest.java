package com.bedrockcost.sink;

import com.bedrockcost.CostPipeline;
import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.Inputs;
import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.pricing.PriceFeed;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Checkpointing is on, and Parquet files become visible only when a checkpoint completes. */
class CheckpointCommitTest {
    @TempDir Path lake;

    @Test
    void filesAppearOnlyAfterACheckpointCompletes() throws Exception {
        JobConfig config = JobConfig.defaults().with(Map.of(
                "output.path", lake.toString(), "checkpoint.interval", "6s"));
        StreamExecutionEnvironment env = LocalRunner.environment(config);
        assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isTrue();
        // A slow, long input: records are written into in-progress files well before the first checkpoint.
        LogGenerator gen = new LogGenerator(7, 100_000, 50, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofHours(1));
        new CostPipeline(config, Inputs.generator(gen, 500), PriceFeed.fromConfig(config),
                LakeSinks.invocations(lake.toString(), "SNAPPY"), LakeSinks.failed(lake.toString(), "SNAPPY")).build(env);
        JobClient job = env.executeAsync("checkpoint-commit-test");
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (inProgress() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(inProgress()).as("in-progress part files exist before the first checkpoint").isPositive();
            assertThat(committed()).as("no committed file before the first checkpoint").isZero();
            while (committed() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(committed()).as("committed files after a checkpoint").isPositive();
        } finally {
            job.cancel().get();
        }
    }

    private long inProgress() throws Exception {
        return files().filter(n -> n.startsWith(".part-") && n.contains(".inprogress")).count();
    }

    private long committed() throws Exception {
        return files().filter(n -> n.startsWith("part-") && n.endsWith(".parquet")).count();
    }

    private Stream<String> files() throws Exception {
        if (!Files.exists(lake.resolve("invocations"))) {
            return Stream.empty();
        }
        try (Stream<Path> s = Files.walk(lake.resolve("invocations"))) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toList()).stream();
        }
    }
}
