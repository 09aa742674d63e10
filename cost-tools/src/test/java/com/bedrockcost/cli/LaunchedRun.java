package com.bedrockcost.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code bedrock-cost-stream run} (or another command) in a JVM of its own, as the launcher starts it. */
final class LaunchedRun {
    final Process process;
    final Path log;
    final Instant started = Instant.now();

    private LaunchedRun(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code run <args>} with {@code tmp} as its temporary folder; its output goes to {@code <dir>/<name>-….log}. */
    static LaunchedRun start(Path dir, Path tmp, String name, List<String> args) throws IOException {
        return start(dir, tmp, name, "run", args);
    }

    /** Starts {@code <command> <args>} (run, restate, …) as {@link #start(Path, Path, String, List)} does. */
    static LaunchedRun start(Path dir, Path tmp, String name, String command, List<String> args) throws IOException {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        // A process started with SIGINT ignored (a background job of a shell, as Maven may be) passes that on, and
        // a JVM cannot catch a signal ignored at its start: perl restores the default, as a terminal's foreground has.
        List<String> cmd = new ArrayList<>(List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die $!",
                java.toString(), "-Xmx1g", "-Djava.io.tmpdir=" + tmp,
                "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "--add-opens=java.base/java.time=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), command));
        cmd.addAll(args);
        Path log = dir.resolve(name + "-" + System.nanoTime() + ".log");
        Process p = new ProcessBuilder(cmd).directory(Files.createDirectories(dir.resolve("cwd")).toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new LaunchedRun(p, log);
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
