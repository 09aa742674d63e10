package com.bedrockcost.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The two measured processes: DuckDB's pipeline in a JVM of its own, and the job as a user runs it. */
final class Processes {
    private static final Path TIME = Paths.get("/usr/bin/time");
    private static final Pattern JOB_FINISHED = Pattern.compile("Job finished in ([0-9.]+) s");
    private static final Pattern DASHBOARD = Pattern.compile("Dashboard .* written in ([0-9.]+) s");

    private Processes() {}

    /** One measured run. CPU and peak RSS are -1 when they could not be measured. */
    static final class Measurement {
        final long wallNanos;
        final long cpuNanos;
        final long peakRssKb;
        final long records;
        final BigDecimal total;
        /** The job's own "Job finished in" and dashboard times (seconds), -1 for DuckDB or when not printed. */
        final double jobSeconds;
        final double dashboardSeconds;

        Measurement(long wallNanos, long cpuNanos, long peakRssKb, long records, BigDecimal total, double jobSeconds, double dashboardSeconds) {
            this.wallNanos = wallNanos;
            this.cpuNanos = cpuNanos;
            this.peakRssKb = peakRssKb;
            this.records = records;
            this.total = total;
            this.jobSeconds = jobSeconds;
            this.dashboardSeconds = dashboardSeconds;
        }
    }

    /**
     * {@link DuckDbPipeline} with {@code threads} threads in a JVM of its own (so its peak RSS is
     * DuckDB's plus a small heap); wall and CPU time of the SQL alone, without the JVM's start.
     */
    static Measurement duckDb(Path corpus, Path pricing, Path out, int threads, Path log) throws Exception {
        List<String> cmd = List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), DuckDbPipeline.class.getName(),
                corpus.toString(), pricing.toString(), out.toString(), Integer.toString(threads));
        String output = run(cmd, null, log);
        Matcher m = Pattern.compile("records=(\\d+) total=(\\S+) wall_ns=(\\d+) cpu_ns=(-?\\d+) peak_rss_kb=(-?\\d+)").matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("DuckDB's run printed no result; its output is in " + log);
        }
        return new Measurement(Long.parseLong(m.group(3)), Long.parseLong(m.group(4)), Long.parseLong(m.group(5)),
                Long.parseLong(m.group(1)), m.group(2).equals("null") ? null : new BigDecimal(m.group(2)), -1, -1);
    }

    /**
     * {@code bin/bedrock-cost-stream run --input <corpus> --output <dir>/lake-p<N> --job.parallelism N}
     * in a fresh folder (its dashboard goes there), under {@code /usr/bin/time} when present (CPU
     * user+sys and peak RSS of the process and its children); wall clock of the whole process.
     */
    static Measurement job(Path home, Path corpus, Path dir, int parallelism, Map<String, String> jobKeys) throws Exception {
        Path lake = dir.resolve("lake-p" + parallelism);
        Path cwd = dir.resolve("run-p" + parallelism);
        Corpus.deleteTree(lake);
        Corpus.deleteTree(cwd);
        Files.createDirectories(cwd);
        Path times = cwd.resolve("time.txt");
        List<String> cmd = new ArrayList<>();
        boolean timed = Files.isExecutable(TIME);
        if (timed) {
            cmd.addAll(List.of(TIME.toString(), "-f", "%e %U %S %M", "-o", times.toString()));
        }
        cmd.addAll(List.of(home.resolve("bin/bedrock-cost-stream").toString(), "run", "--input", corpus.toString(),
                "--output", lake.toString(), "--job.parallelism", Integer.toString(parallelism)));
        for (Map.Entry<String, String> e : jobKeys.entrySet()) {
            cmd.add("--" + e.getKey());
            cmd.add(e.getValue());
        }
        long t0 = System.nanoTime();
        String output = run(cmd, cwd, dir.resolve("run-p" + parallelism + ".log"));
        long wall = System.nanoTime() - t0;
        long cpu = -1;
        long rss = -1;
        if (timed) {
            String[] f = Files.readString(times).trim().split("\\s+");
            cpu = Math.round((Double.parseDouble(f[1]) + Double.parseDouble(f[2])) * 1e9);
            rss = Long.parseLong(f[3]);
        }
        DuckDbPipeline.Outcome o = DuckDbPipeline.totals(lake.resolve("invocations"));
        return new Measurement(wall, cpu, rss, o.records, o.total, seconds(JOB_FINISHED, output), seconds(DASHBOARD, output));
    }

    private static double seconds(Pattern p, String output) {
        Matcher m = p.matcher(output);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    /** Runs {@code cmd}, its output (both streams) into {@code log}; returns the output; fails on a non-zero exit. */
    private static String run(List<String> cmd, Path cwd, Path log) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        if (cwd != null) {
            pb.directory(cwd.toFile());
        }
        int status = pb.start().waitFor();
        String output = Files.readString(log);
        if (status != 0) {
            throw new IllegalStateException("exit " + status + " from " + String.join(" ", cmd) + "; its output is in " + log);
        }
        return output;
    }
}
