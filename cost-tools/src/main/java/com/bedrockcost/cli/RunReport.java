package com.bedrockcost.cli;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.lake.LakeFailedRecords;
import com.bedrockcost.lake.LakeRequestIds;
import com.bedrockcost.report.LakeSummary;
import com.bedrockcost.report.Report;
import com.bedrockcost.report.ReportOptions;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What {@code run} shows after its job: the summary of the rows the run wrote and the dashboard of
 * them, read from the lake and rendered on a thread of their own. Both read only tables the run's
 * job writes (invocations, failed, alerts), never {@code tenant_hourly}, so for a local lake they are
 * read as soon as the job has committed its output, while the run writes its {@code tenant_hourly}
 * in a batch job; the run prints and writes them when it is done (measured: docs/performance.md,
 * The report). A lake on another file system is read after the run, when its file systems are free.
 */
final class RunReport implements LocalRunner.Listener {
    private final LocalRunner.Listener progress;
    private final JobConfig config;
    private final String root;
    private final Path reportDir;
    private final Instant since;
    private final boolean local;
    private final AtomicBoolean reading = new AtomicBoolean();
    private final CompletableFuture<LakeSummary> summary = new CompletableFuture<>();
    private final CompletableFuture<Report.Rendered> dashboard = new CompletableFuture<>();
    /** The dashboard's slice, set once the summary is read. */
    private volatile ReportOptions options;

    /** For a run into {@code root} that started at {@code since}, its dashboard going to {@code reportDir}; tells {@code progress} too. */
    RunReport(LocalRunner.Listener progress, JobConfig config, String root, Path reportDir, Instant since) {
        this.progress = progress;
        this.config = config;
        this.root = root;
        this.reportDir = reportDir;
        this.since = since;
        // A lake given as a URI (s3://, file://) has the report set Flink's file systems up again
        // (Main.reportLake), which must not happen under the run's batch job.
        this.local = !root.contains("://");
    }

    @Override
    public void configure(Configuration conf) {
        progress.configure(conf);
    }

    @Override
    public void jobStarting(JobID id, String name) {
        progress.jobStarting(id, name);
    }

    @Override
    public void jobFinished(JobExecutionResult result) {
        progress.jobFinished(result);
        if (local) {
            start(result);
        }
    }

    /** The run is over: reads the lake now if that did not start while the run went on. */
    void runFinished(JobExecutionResult result) {
        start(result);
    }

    /** The summary of the run's rows (waits for it). */
    LakeSummary summary() throws IOException {
        return get(summary);
    }

    /** What the dashboard shows (known once {@link #summary} returned). */
    ReportOptions options() {
        return options;
    }

    /** The dashboard and its CSV files, rendered, not yet written (waits for them). */
    Report.Rendered dashboard() throws IOException {
        return get(dashboard);
    }

    private void start(JobExecutionResult result) {
        if (!reading.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> read(result), "run-report");
        t.setDaemon(true);
        t.start();
    }

    private void read(JobExecutionResult result) {
        LakeSummary s;
        try {
            s = LakeSummary.read(root, since);
        } catch (Throwable e) {
            summary.completeExceptionally(e);
            dashboard.completeExceptionally(e);
            return;
        }
        Long alreadyInLake = result.getAccumulatorResult(LakeRequestIds.ACCUMULATOR);
        s.alreadyInLake = alreadyInLake == null && config.get(JobConfig.DEDUP_LAKE) ? Long.valueOf(0) : alreadyInLake;
        s.failedAlreadyInLake = result.getAccumulatorResult(LakeFailedRecords.ACCUMULATOR);
        // The dashboard of this run: the rows the job wrote since it started, whatever else the lake holds.
        ReportOptions o = new ReportOptions();
        o.lake = root;
        o.out = reportDir;
        o.ingestedSince = since;
        if (s.invocations == 0 && s.alreadyInLake != null && s.alreadyInLake > 0) {
            // Nothing new (the same input again): an empty dashboard would hide the costs the user came for.
            o.ingestedSince = null;
            o.note = String.format("This run wrote no new invocations: all %,d it read were already in the lake"
                    + " (exactly once per lake). This dashboard shows the whole lake.", s.alreadyInLake);
        }
        options = o;
        summary.complete(s);
        try {
            Main.reportLake(o, config);
            dashboard.complete(Report.render(o, config));
        } catch (Throwable e) {
            dashboard.completeExceptionally(e);
        }
    }

    /** The value, or what the reading thread threw (an IOException as itself, other exceptions and errors unchecked). */
    private static <T> T get(CompletableFuture<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while reading the lake", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IllegalStateException(cause);
        }
    }
}
