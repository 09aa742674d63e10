package com.bedrockcost.cli;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.lake.LiveWriters;
import com.bedrockcost.testutil.DuckLake;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run into a lake that a streaming job (MSF) is writing right now (its live marker is fresh) is
 * refused, naming the job and its days, unless forced: the two would find each other's invocations
 * only once committed.
 */
class LiveWriterRefusalTest {
    @TempDir Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aRunBesideALiveStreamingJobIsRefusedUnlessForced() throws Exception {
        Path lake = dir.resolve("lake");
        Instant at = Instant.now().minusSeconds(30);
        LiveWriters.write(LiveWriters.path(lake.toString(), "5c0ffee5c0ffee5c0ffee5c0ffee5c0f", 0), "5c0ffee5c0ffee5c0ffee5c0ffee5c0f",
                LocalDate.parse("2026-12-06"), LocalDate.parse("2026-12-07"), at);
        JobConfig config = Main.config(List.of("--generator.count", "200", "--output", lake.toString(),
                "--checkpoint.dir", dir.resolve("checkpoints").toString()));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.runJob(config, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), dir.resolve("report"), Verbosity.NORMAL, false);
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("bedrock-cost-stream: a streaming job is writing to " + lake
                + " now (job 5c0ffee5c0ffee5c0ffee5c0ffee5c0f writing invocations of 2026-12-06..2026-12-07, last at " + at
                + "): an invocation that it and this run both process within minutes of each other could be written twice"
                + " (docs/guarantees.md, Writers at the same time). For days it is not writing add --force, or write to another --output."
                + System.lineSeparator());
        assertThat(lake.resolve("invocations")).as("nothing written").doesNotExist();
        assertThat(Files.readString(lake.resolve(".bedrock-cost-stream.lock"))).as("the lock released").isEmpty();

        ByteArrayOutputStream forced = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(forced, true, StandardCharsets.UTF_8);
        assertThat(Main.runJob(config, print, print, dir.resolve("report"), Verbosity.NORMAL, true))
                .as(forced.toString(StandardCharsets.UTF_8)).isZero();
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(*) FROM invocations")).isEqualTo(200);
        }
    }
}
