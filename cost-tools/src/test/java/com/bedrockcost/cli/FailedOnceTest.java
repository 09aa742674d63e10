package com.bedrockcost.cli;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.lake.LakeFailedRecords;
import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.testutil.DuckLake;

import org.apache.flink.api.common.JobExecutionResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code failed} is exactly once per lake too: the same input with malformed records run twice into
 * one lake has each malformed record's row once, and the second run says how many it did not write
 * again. The same malformed text at another place (another line) is another record, written.
 */
class FailedOnceTest {
    private static final int GOOD = 300;

    @TempDir Path dir;

    private JobConfig config(Path input, Path lake) {
        return Main.config(List.of("--input", input.toString(), "--output", lake.toString(),
                "--checkpoint.interval", "500ms", "--checkpoint.dir", dir.resolve("checkpoints").toString()));
    }

    /** The launcher's run, with its summary. */
    private String run(Path input, Path lake) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        int code = Main.runJob(config(input, lake), print, print, dir.resolve("report"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isZero();
        return text;
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void theSameMalformedRecordsRunTwiceAreInFailedOnce() throws Exception {
        LogGenerator gen = new LogGenerator(31, GOOD, 20, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofDays(1));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < GOOD; i++) {
            lines.add(gen.recordText(i));
            if (i % 100 == 50) {
                lines.add("this is not JSON, line " + i);
                lines.add("{\"schemaType\":\"ModelInvocationLog\",\"requestId\":"); // cut short
            }
        }
        lines.add("this is not JSON, line 50"); // the same text as an earlier line, at another place: another record
        int malformed = 7;
        Path input = Files.createDirectories(dir.resolve("logs")).resolve("part.jsonl");
        Files.write(input, lines, StandardCharsets.UTF_8);
        Path lake = dir.resolve("lake");

        // The first run as the tests run the job (no dashboard); the second as the launcher does, with its summary.
        JobExecutionResult first = LocalRunner.run(config(input, lake));
        assertThat(first.<Long>getAccumulatorResult(LakeFailedRecords.ACCUMULATOR)).isZero();
        String second = run(input, lake);
        assertThat(second).contains("0 invocations written by this run").contains(" 0 failed inputs")
                .contains(String.format("%,d invocations already in the lake, not written again", GOOD))
                .contains(malformed + " failed records already in the lake, not written again");

        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(*) FROM failed")).as("failed rows after two runs").isEqualTo(malformed);
            assertThat(db.count("SELECT count(DISTINCT source) FROM failed")).isEqualTo(malformed);
            assertThat(db.count("SELECT count(*) FROM invocations")).isEqualTo(GOOD);
        }

        // The input grows by one malformed line: only that one is written.
        lines.add("one more broken line");
        Files.write(input, lines, StandardCharsets.UTF_8);
        JobExecutionResult third = LocalRunner.run(config(input, lake));
        assertThat(third.<Long>getAccumulatorResult(LakeFailedRecords.ACCUMULATOR)).isEqualTo(malformed);
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(*) FROM failed")).isEqualTo(malformed + 1);
        }
    }
}
