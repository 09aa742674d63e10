package com.bedrockcost.cli;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.LogGenerator;

import org.junit.jupiter.api.Test;
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
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** A local run's progress lines show what the job's own counters count, while it runs and exactly at its end. */
class ProgressTest {
    @TempDir Path tmp;

    private static final Pattern COUNTS = Pattern.compile("progress: ([\\d,]+) read, ([\\d,]+) priced, ([\\d,]+) unpriced, ([\\d,]+) failed");

    /** Writing a dashboard of a large lake takes a while: a log (not a terminal) keeps hearing that the step is alive. */
    @Test
    void aLongStepKeepsPrintingPlainLinesUntilItCloses() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Progress step = Progress.step(out, "Writing the dashboard")) {
            Thread.sleep(2 * Progress.PLAIN_INTERVAL_MS + 700);
        }
        int before = bytes.size();
        Thread.sleep(Progress.PLAIN_INTERVAL_MS + 500);
        List<String> lines = List.of(bytes.toString(StandardCharsets.UTF_8).split("\\R"));
        assertThat(lines.get(0)).isEqualTo("Writing the dashboard...");
        assertThat(lines.subList(1, lines.size())).isNotEmpty()
                .allSatisfy(l -> assertThat(l).matches("progress: \\d+:\\d{2} \\| Writing the dashboard\\.\\.\\."));
        assertThat(bytes.size()).as("no line after the step closed").isEqualTo(before);
    }

    @Test
    void plainLinesFollowARunningJobAndTheLastOneHasItsExactCounts() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        // 3,000 records at 1,000 per second: about three seconds of running job to watch.
        JobConfig config = JobConfig.defaults().with(Map.of("output.path", tmp.resolve("lake").toString(),
                "generator.count", "3000", "generator.rate", "1000", "checkpoint.interval", "1s"));
        try (Progress progress = new Progress(out, false, 100, true, -1, () -> System.nanoTime() / 1_000_000)) {
            LocalRunner.run(config, progress);
        }

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().collect(Collectors.toList());
        List<Long> read = new ArrayList<>();
        for (String l : lines) {
            Matcher m = COUNTS.matcher(l);
            if (m.find()) {
                read.add(Long.parseLong(m.group(1).replace(",", "")));
            }
        }
        assertThat(read).as(String.join("\n", lines)).isSorted();
        assertThat(read.stream().filter(r -> r > 0 && r < 3000).count()).as("lines while records were flowing:\n" + String.join("\n", lines))
                .isGreaterThanOrEqualTo(2);
        // Every record read is priced or unpriced (the generator calls a few models without a price).
        Matcher last = COUNTS.matcher(lines.get(lines.size() - 1));
        assertThat(last.find()).as(lines.get(lines.size() - 1)).isTrue();
        assertThat(last.group(1)).isEqualTo("3,000");
        assertThat(number(last.group(2)) + number(last.group(3))).isEqualTo(3000);
        assertThat(last.group(4)).isEqualTo("0");
        assertThat(lines.get(lines.size() - 1)).contains(" rec/s | ").doesNotContain("files");
    }

    @Test
    void aTerminalLineIsRewrittenInPlaceAndCountsFilesAndFailures() throws Exception {
        Path logs = Files.createDirectories(tmp.resolve("logs").resolve("AWSLogs"));
        LogGenerator gen = new LogGenerator(3, 300, 20, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofDays(1));
        for (int f = 0; f < 3; f++) {
            StringBuilder b = new StringBuilder();
            for (int i = f * 100; i < (f + 1) * 100; i++) {
                b.append(gen.recordText(i)).append('\n');
            }
            b.append("not json\n");
            Files.writeString(logs.resolve("part-" + f + ".json"), b.toString());
        }
        Files.writeString(logs.resolve(".hidden.json"), "not read by the file source\n");
        assertThat(Progress.countFiles(tmp.resolve("logs").toString())).isEqualTo(3);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        JobConfig config = JobConfig.defaults().with(Map.of("input.path", tmp.resolve("logs").toString(),
                "output.path", tmp.resolve("lake").toString(), "checkpoint.interval", "1s"));
        try (Progress progress = new Progress(out, true, 100, true, Progress.countFiles(config.get(JobConfig.INPUT_PATH)),
                () -> System.nanoTime() / 1_000_000)) {
            LocalRunner.run(config, progress);
        }

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(printed).startsWith("\r").endsWith(System.lineSeparator());
        String last = printed.substring(printed.lastIndexOf('\r') + 1).trim();
        // 300 invocations and 3 unreadable lines read, each invocation priced or unpriced; every file to its end.
        Matcher m = COUNTS.matcher("progress: " + last);
        assertThat(m.find()).as(last).isTrue();
        assertThat(m.group(1)).isEqualTo("303");
        assertThat(number(m.group(2)) + number(m.group(3))).isEqualTo(300);
        assertThat(m.group(4)).isEqualTo("3");
        assertThat(last).endsWith(" | files 3/3");
    }

    private static long number(String grouped) {
        return Long.parseLong(grouped.replace(",", ""));
    }
}
