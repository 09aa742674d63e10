package com.bedrockcost.cli;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.dedup.LakeRequestIds;
import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.testutil.ContractPricer;
import com.bedrockcost.testutil.DuckLake;
import com.bedrockcost.testutil.ExactlyOnce;
import com.bedrockcost.testutil.ExpectedTotals;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lake is the unit of exactly-once: the same command run again, after a clean stop (SIGINT,
 * as Ctrl-C sends) or a kill -9 at a random point, and a second run started while one writes, all leave
 * each request id once in the lake, with the totals of a single clean run to the digit (read back
 * with DuckDB), and every summary true about what its run wrote.
 */
class RerunExactlyOnceTest {
    private static final int COUNT = 3000;
    private static ExpectedTotals expected;

    @TempDir Path dir;

    @BeforeAll
    static void expectedTotals() throws Exception {
        JobConfig d = JobConfig.defaults();
        expected = ExpectedTotals.of(new LogGenerator(d.get(JobConfig.GENERATOR_SEED), COUNT, d.get(JobConfig.GENERATOR_TENANTS).intValue(),
                d.get(JobConfig.GENERATOR_START), d.get(JobConfig.GENERATOR_SPAN)), ContractPricer.builtIn());
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void theSameInputTwiceIntoOneLakeWritesEachInvocationOnce() throws Exception {
        Path lake = dir.resolve("lake");
        // The first run as the tests run the job (no dashboard); the second as the launcher does, with its summary.
        assertThat(LocalRunner.run(config(lake, 0)).<Long>getAccumulatorResult(LakeRequestIds.ACCUMULATOR)).isZero();
        String second = runInProcess(lake, 0);
        assertThat(second).contains("0 invocations written by this run")
                .contains(String.format("%,d invocations already in the lake, not written again", COUNT));
        ExactlyOnce.assertLakeHolds(lake, expected);
        ExactlyOnce.assertRollupHolds(lake, expected);
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void killedAndStoppedRunsCompletedByTheSameCommandGiveTheExactResult() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path lake = dir.resolve("lake");
        // Two kills at random points (the first while a second run is refused), one clean stop, then the run to its end.
        for (int round = 0; round < 3; round++) {
            Path tmp = Files.createDirectories(dir.resolve("tmp-" + round));
            Launched run = Launched.start(dir, lake, tmp, round);
            run.awaitOutput("pricing ", Duration.ofSeconds(90));
            long delay = 1000 + random.nextInt(4000);
            if (round == 0) {
                awaitCommittedFile(lake, Duration.ofSeconds(60));
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                int code = Main.runJob(config(lake, 0), new PrintStream(new ByteArrayOutputStream(), true),
                        new PrintStream(err, true, StandardCharsets.UTF_8), dir.resolve("report-refused"));
                assertThat(code).as("a second run into a lake being written").isEqualTo(1);
                assertThat(err.toString(StandardCharsets.UTF_8)).as("why it is refused (seed %d)", seed)
                        .contains("Another run is writing to " + lake).contains("pid " + run.process.pid());
            } else {
                Thread.sleep(delay);
            }
            if (round < 2) {
                run.process.destroyForcibly(); // kill -9
                assertThat(run.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
                continue;
            }
            // Ctrl-C in a terminal sends SIGINT to the run.
            assertThat(new ProcessBuilder("kill", "-INT", String.valueOf(run.process.pid())).start().waitFor()).isZero();
            assertThat(run.process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String out = run.output();
            assertThat(run.process.exitValue()).as("exit code after a stop (seed %d): %s", seed, out).isEqualTo(130);
            assertThat(out).as("the status line").containsPattern(
                    "stopped \\(SIGINT\\); [0-9,]+ invocations \\(0 failed inputs\\) of this run are committed to " + lake
                            + "\\. Run the same command again to complete it");
            assertThat(hiddenOrEmpty(lake)).as("in-progress files and empty folders after a clean stop").isEmpty();
            // Flink's REST endpoint leaves its (empty) upload folder, shared by every Flink process on the machine.
            assertThat(listAll(tmp)).as("temporary files of the stopped run").allMatch(p -> p.getFileName().toString().equals("flink-web-upload")
                    && emptyFolder(p));
        }
        Launched last = Launched.start(dir, lake, Files.createDirectories(dir.resolve("tmp-last")), 0);
        assertThat(last.process.waitFor(180, TimeUnit.SECONDS)).isTrue();
        String out = last.output();
        assertThat(last.process.exitValue()).as("the last run (seed %d): %s", seed, out).isEqualTo(0);
        long before = Long.parseLong(out.replaceAll("(?s).*\\n([0-9,]+) invocations already in the lake, not written again.*", "$1")
                .replace(",", ""));
        long written = Long.parseLong(out.replaceAll("(?s).*\\n([0-9,]+) invocations written by this run.*", "$1").replace(",", ""));
        assertThat(before + written).as("already in the lake + written by the last run (seed %d)", seed).isEqualTo(COUNT);
        ExactlyOnce.assertLakeHolds(lake, expected);
        ExactlyOnce.assertRollupHolds(lake, expected);
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(*) FROM invocations WHERE ingest_time >= TIMESTAMPTZ '" + last.started + "'"))
                    .as("rows the last run wrote, as its summary says").isEqualTo(written);
        }
    }

    private JobConfig config(Path lake, long rate) {
        return Main.config(List.of("--generator.count", String.valueOf(COUNT), "--generator.rate", String.valueOf(rate),
                "--output", lake.toString(), "--checkpoint.interval", "500ms",
                "--checkpoint.dir", dir.resolve("checkpoints").toString()));
    }

    private String runInProcess(Path lake, long rate) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        int code = Main.runJob(config(lake, rate), print, print, dir.resolve("report"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isZero();
        return text;
    }

    private static void awaitCommittedFile(Path lake, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(lake.resolve("invocations")) && !listAll(lake.resolve("invocations")).stream()
                    .filter(p -> p.getFileName().toString().endsWith(".parquet") && !p.getFileName().toString().startsWith("."))
                    .collect(Collectors.toList()).isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no committed invocation file within " + timeout);
    }

    /** Hidden files (other than the lock file) and empty folders under the lake. */
    private static List<Path> hiddenOrEmpty(Path lake) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(lake)) {
            for (Path p : s.collect(Collectors.toList())) {
                boolean hidden = p.getFileName().toString().startsWith(".") && !p.getFileName().toString().equals(".bedrock-cost-stream.lock");
                boolean emptyDir = Files.isDirectory(p) && emptyFolder(p);
                if ((Files.isRegularFile(p) && hidden) || emptyDir) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    private static boolean emptyFolder(Path p) {
        try (Stream<Path> s = Files.list(p)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Path> listAll(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).collect(Collectors.toList());
        }
    }

    /** {@code bedrock-cost-stream run} in a JVM of its own, as the launcher starts it. */
    private static final class Launched {
        final Process process;
        final Path log;
        final Instant started = Instant.now();

        private Launched(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        static Launched start(Path dir, Path lake, Path tmp, int round) throws IOException {
            Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
            // A process started with SIGINT ignored (a background job of a shell, as Maven may be) passes that on, and
            // a JVM cannot catch a signal ignored at its start: perl restores the default, as a terminal's foreground has.
            List<String> cmd = new ArrayList<>(List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die $!",
                    java.toString(), "-Xmx1g", "-Djava.io.tmpdir=" + tmp,
                    "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run",
                    "--generator.count", String.valueOf(COUNT), "--generator.rate", "600", "--output", lake.toString(),
                    "--checkpoint.interval", "500ms", "--checkpoint.dir", dir.resolve("checkpoints").toString()));
            Path log = dir.resolve("run-" + round + "-" + System.nanoTime() + ".log");
            Process p = new ProcessBuilder(cmd).directory(Files.createDirectories(dir.resolve("cwd")).toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new Launched(p, log);
        }

        void awaitOutput(String text, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && process.isAlive()) {
                if (output().contains(text)) {
                    return;
                }
                Thread.sleep(50);
            }
            throw new AssertionError("the run did not print '" + text + "': " + output());
        }

        String output() throws IOException {
            return Files.readString(log, StandardCharsets.UTF_8);
        }
    }
}
