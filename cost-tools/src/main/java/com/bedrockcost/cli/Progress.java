package com.bedrockcost.cli;

import com.bedrockcost.LocalRunner;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The progress of a local run: records read, priced, unpriced, failed, records per second, elapsed
 * time and, for file inputs, files done of all. On a terminal one line is rewritten in place twice a
 * second; otherwise (a pipe, a log file) a plain line is printed every {@code interval}: always for
 * an input that ends, only when something changed (or as a heartbeat) for a stream that may stay
 * quiet for hours. Counts come from the job's own counters ({@link ProgressReporter}).
 */
final class Progress implements LocalRunner.Listener, AutoCloseable {
    /** The terminal line's refresh; plain lines come at most this often too, when something changed. */
    static final long TERMINAL_INTERVAL_MS = 500;
    static final long PLAIN_INTERVAL_MS = 2000;
    /** A plain line also when nothing changed for this long (a quiet stream): the run is still alive. */
    static final long PLAIN_HEARTBEAT_MS = 30_000;
    /** Records per second over this window. */
    private static final long RATE_WINDOW_MS = 5000;

    private final PrintStream out;
    private final boolean terminal;
    private final long filesTotal;
    /** A plain line even when nothing changed, after this long: 0 (every tick) for a bounded input or a step, a heartbeat for a stream. */
    private final long unchangedEvery;
    private final LongSupplier clock;
    private final long start;
    private final ScheduledExecutorService timer;
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();
    private volatile JobID job;
    private volatile String phase = "starting Flink";
    private String lastShown = "";
    private long lastShownAt;
    private int lastWidth;
    private boolean closed;

    Progress(PrintStream out, boolean terminal, long intervalMs, boolean bounded, long filesTotal, LongSupplier clock) {
        this(out, terminal, intervalMs, bounded ? 0 : PLAIN_HEARTBEAT_MS, filesTotal, clock, "starting Flink");
    }

    private Progress(PrintStream out, boolean terminal, long intervalMs, long unchangedEvery, long filesTotal, LongSupplier clock,
                     String phase) {
        this.phase = phase;
        this.unchangedEvery = unchangedEvery;
        this.out = out;
        this.terminal = terminal;
        this.filesTotal = filesTotal;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bedrock-cost-stream progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::tick, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** For the launcher's run: a live line when {@code out} is this process's terminal, plain lines otherwise. */
    static Progress of(PrintStream out, boolean bounded, String inputPath) {
        boolean terminal = isTerminal(out);
        return new Progress(out, terminal, terminal ? TERMINAL_INTERVAL_MS : PLAIN_INTERVAL_MS, bounded, countFiles(inputPath),
                () -> System.nanoTime() / 1_000_000);
    }

    /**
     * A step without counts (reading the lake, writing the dashboard): on a terminal the step and its
     * elapsed time, cleared when it closes; elsewhere one line when it starts and one every
     * {@link #PLAIN_INTERVAL_MS} while it lasts, so a log never goes quiet for long.
     */
    static Progress step(PrintStream out, String what) {
        boolean terminal = isTerminal(out);
        if (!terminal) {
            out.println(what + "...");
        }
        return new Progress(out, terminal, terminal ? TERMINAL_INTERVAL_MS : PLAIN_INTERVAL_MS, 0, -1,
                () -> System.nanoTime() / 1_000_000, what);
    }

    private static boolean isTerminal(PrintStream out) {
        return out == System.out && System.console() != null;
    }

    @Override
    public void configure(Configuration conf) {
        ProgressReporter.configure(conf);
    }

    @Override
    public void jobStarting(JobID id, String name) {
        JobID before = job;
        if (name.equals("tenant_hourly")) {
            phase = "input done; writing tenant_hourly";
            return; // the counts stay those of the run's job
        }
        if (before != null) {
            ProgressReporter.forget(before);
        }
        job = id;
        phase = null;
    }

    private synchronized void tick() {
        if (closed) {
            return;
        }
        try {
            show(line(), false);
        } catch (RuntimeException e) {
            // A progress line is never worth failing the run for.
        }
    }

    /** The line as it would be printed now. */
    synchronized String line() {
        return line(false);
    }

    private String line(boolean last) {
        long now = clock.getAsLong();
        StringBuilder b = new StringBuilder();
        JobID j = job;
        if (j != null) {
            ProgressReporter.Counts c = ProgressReporter.counts(j);
            samples.addLast(new long[] {now, c.read});
            while (samples.size() > 2 && now - samples.peekFirst()[0] > RATE_WINDOW_MS) {
                samples.removeFirst();
            }
            long[] first = samples.peekFirst();
            // The last line: the mean rate of the whole run; before: of the last few seconds.
            long rate = last ? (now > start ? c.read * 1000 / (now - start) : 0)
                    : now > first[0] ? (c.read - first[1]) * 1000 / (now - first[0]) : 0;
            b.append(String.format(Locale.ROOT, "%,d read, %,d priced, %,d unpriced, %,d failed", c.read, c.priced, c.unpriced, c.failed));
            if (c.duplicates > 0) {
                b.append(String.format(Locale.ROOT, ", %,d duplicates dropped", c.duplicates));
            }
            b.append(String.format(Locale.ROOT, " | %,d rec/s | %s", rate, elapsed(now)));
            if (filesTotal >= 0) {
                b.append(String.format(Locale.ROOT, " | files %,d/%,d", Math.min(c.filesDone, filesTotal), filesTotal));
            }
        } else {
            b.append(elapsed(now));
        }
        String p = phase;
        if (p != null) {
            b.append(" | ").append(p).append("...");
        }
        return b.toString();
    }

    private void show(String line, boolean last) {
        long now = clock.getAsLong();
        if (terminal) {
            String padded = line.length() < lastWidth ? line + " ".repeat(lastWidth - line.length()) : line;
            out.print("\r" + padded + (last ? System.lineSeparator() : ""));
            out.flush();
            lastWidth = line.length();
            return;
        }
        // Plain lines: when the counts moved (elapsed time aside), or when unchangedEvery has passed.
        String counts = line.replaceAll(" \\| \\d+:\\d{2}(:\\d{2})?", "").replaceAll(" \\| [\\d,]+ rec/s", "");
        if (last || !counts.equals(lastShown) || now - lastShownAt >= unchangedEvery) {
            out.println("progress: " + line);
            lastShown = counts;
            lastShownAt = now;
        }
    }

    /** Stops the updates; a run's progress ends with its final counts as one last line, a step's line is cleared. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        JobID j = job;
        if (j == null) {
            if (terminal && lastWidth > 0) {
                out.print("\r" + " ".repeat(lastWidth) + "\r");
                out.flush();
            }
            return;
        }
        phase = null;
        show(line(true), true);
        ProgressReporter.forget(j);
    }

    private String elapsed(long now) {
        long s = (now - start) / 1000;
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** Files a file input reads (as the file source lists them: no hidden ones); -1 when not a local folder or file. */
    static long countFiles(String input) {
        if (input == null || input.contains("://")) {
            return -1;
        }
        Path root = Paths.get(input);
        if (Files.isRegularFile(root)) {
            return 1;
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(f -> visible(root.relativize(f))).count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static boolean visible(Path relative) {
        for (Path part : relative) {
            String n = part.toString();
            if (n.startsWith(".") || n.startsWith("_")) {
                return false;
            }
        }
        return true;
    }
}
