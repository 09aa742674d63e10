package com.bedrockcost.cli;

import com.bedrockcost.pricing.SeenRequests;
import com.bedrockcost.parse.DecodeMetrics;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Flink metric reporter for local runs: the MiniCluster runs in this JVM, so the job's own
 * counters (records decoded, priced, failed ...) are read live from the objects the operators
 * count with, not guessed and not delayed by heartbeats. Registered by {@link #configure}.
 */
public final class ProgressReporter implements MetricReporter {
    static final String NAME = "bedrock-progress";

    /** Counters by job id, then by metric identifier (operator and subtask: a restarted task's counter replaces its predecessor's). */
    private static final Map<String, Map<String, Counter>> JOBS = new ConcurrentHashMap<>();

    /** What a run has done so far. */
    static final class Counts {
        long read;
        long priced;
        long unpriced;
        long failed;
        long duplicates;
        long filesDone;
    }

    /** Adds the reporter to a MiniCluster's configuration. */
    static void configure(Configuration conf) {
        conf.setString("metrics.reporter." + NAME + ".factory.class", Factory.class.getName());
    }

    /** The counts of a job now (zero before its tasks start). */
    static Counts counts(JobID job) {
        Counts c = new Counts();
        Map<String, Counter> counters = JOBS.get(job.toHexString());
        if (counters == null) {
            return c;
        }
        Set<Counter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Map.Entry<String, Counter> e : counters.entrySet()) {
            Counter counter = e.getValue();
            if (!seen.add(counter)) {
                continue; // the same counter under a second group (the CloudWatch one)
            }
            String id = e.getKey();
            long v = counter.getCount();
            String name = id.substring(id.lastIndexOf('.') + 1);
            switch (name) {
                // Read: every record decoded, into an invocation or a failed row (reader notes such as a file's start are not records).
                case DecodeMetrics.PARSED: c.read += v; break;
                case DecodeMetrics.FAILED: c.failed += v; c.read += v; break;
                case DecodeMetrics.FILES_DONE: c.filesDone += v; break;
                case "pricedInvocations": c.priced += v; break;
                case "unpricedInvocations": c.unpriced += v; break;
                case SeenRequests.DUPLICATES_METRIC: c.duplicates += v; break;
                default: break;
            }
        }
        return c;
    }

    /** Drops a job's counters once its run is over. */
    static void forget(JobID job) {
        JOBS.remove(job.toHexString());
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        Map<String, String> vars = group.getAllVariables();
        String job = vars.get("<job_id>");
        // Per error type, per unpriced model and per stage (CloudWatch dimensions) are breakdowns of totals counted elsewhere.
        if (job == null || !(metric instanceof Counter) || vars.containsKey("<ErrorType>") || vars.containsKey("<UnpricedModel>")
                || vars.containsKey("<Stage>")) {
            return;
        }
        JOBS.computeIfAbsent(job, k -> new ConcurrentHashMap<>()).put(group.getMetricIdentifier(metricName), (Counter) metric);
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        // Kept: a finished task's counter holds its final count, which the run's last progress line shows.
    }

    /** Creates the reporter (Flink finds it through META-INF/services). */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new ProgressReporter();
        }
    }
}
