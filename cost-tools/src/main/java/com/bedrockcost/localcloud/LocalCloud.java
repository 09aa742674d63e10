package com.bedrockcost.localcloud;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.LogRecords;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.KinesisConnection;
import com.bedrockcost.ingest.KinesisReplay;
import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.lake.CommittedRows;
import com.bedrockcost.report.LakeSummary;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.KinesisClient;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.CreateStreamRequest;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * {@code bin/bedrock-cost-stream run --local-cloud}: the whole cloud path on one machine. Starts a
 * Kinesis API server (kinesalite) and an S3 API server (S3Mock) on free loopback ports, creates a
 * multi-shard stream, replays generated invocation logs into it as CloudWatch Logs would, runs the
 * job reading Kinesis and writing the lake to {@code s3://} on S3Mock, and stops the job with a
 * savepoint once every replayed invocation is committed there. Prints the summary read back from
 * S3, then stops everything it started (also on Ctrl-C or failure).
 */
public final class LocalCloud {
    public static final String STREAM = "bedrock-invocation-logs";
    public static final String BUCKET = "bedrock-cost-lake";
    public static final int SHARDS = 4;

    private final Path home;
    private final PrintStream out;
    private volatile Kinesalite kinesis;
    private volatile S3MockServer s3;
    private volatile JobClient job;
    private volatile boolean interrupted;
    private Path work;

    public LocalCloud(Path home, PrintStream out) {
        this.home = home;
        this.out = out;
    }

    /** Runs it; returns the exit code. {@code user} holds the user's options (generator.*, job.*, ...). */
    public int run(JobConfig user) throws Exception {
        Thread hook = new Thread(() -> {
            interrupted = true;
            stopAll();
        }, "local-cloud-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return runInside(user);
        } catch (Exception e) {
            if (interrupted) {
                // Ctrl-C: what failed is only the job being torn down under us.
                out.println("local-cloud: interrupted; the job, kinesalite and S3Mock are stopped");
                return 130;
            }
            throw e;
        } finally {
            stopAll();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs (and finds everything stopped)
            }
        }
    }

    private int runInside(JobConfig user) throws Exception {
        long t0 = System.nanoTime();
        work = Files.createTempDirectory("bedrock-cost-local-cloud-");
        s3 = S3MockServer.launch(S3MockServer.jar(home, out), work.resolve("s3"), List.of(BUCKET));
        kinesis = Kinesalite.start(home.resolve("tools/local-cloud"), out);
        KinesisConnection stream = new KinesisConnection(Kinesalite.streamArn(STREAM), Kinesalite.REGION,
                kinesis.endpoint(), "local", "local");
        try (KinesisClient client = stream.client(Duration.ofSeconds(30))) {
            createStream(client, STREAM, SHARDS);
        }
        out.printf("local-cloud: kinesalite at %s, stream %s with %d shards%n", kinesis.endpoint(), STREAM, SHARDS);
        s3.awaitReady(Duration.ofSeconds(120));
        out.printf("local-cloud: S3Mock at %s, bucket %s (servers up in %.1f s)%n", s3.endpoint(), BUCKET, seconds(t0));

        String root = "s3://" + BUCKET + "/lake";
        Map<String, String> cloud = new LinkedHashMap<>();
        cloud.put("input.source", "kinesis");
        cloud.put("kinesis.stream.arn", stream.streamArn());
        cloud.put("kinesis.endpoint", kinesis.endpoint());
        cloud.put("kinesis.access.key", "local");
        cloud.put("kinesis.secret.key", "local");
        cloud.put("output.path", root);
        cloud.put("s3.endpoint", s3.endpoint());
        cloud.put("s3.access.key", S3MockServer.ACCESS_KEY);
        cloud.put("s3.secret.key", S3MockServer.SECRET_KEY);
        cloud.put("s3.path.style.access", "true");
        if (!user.asMap().containsKey("checkpoint.interval")) {
            cloud.put("checkpoint.interval", "2s");
        }
        if (!user.asMap().containsKey("job.parallelism")) {
            cloud.put("job.parallelism", "2");
        }
        if (!user.asMap().containsKey("checkpoint.dir")) {
            cloud.put("checkpoint.dir", work.resolve("checkpoints").toString());
        }
        JobConfig config = user.with(cloud);

        LogGenerator generator = new LogGenerator(config.get(JobConfig.GENERATOR_SEED), config.get(JobConfig.GENERATOR_COUNT),
                Math.toIntExact(config.get(JobConfig.GENERATOR_TENANTS)), config.get(JobConfig.GENERATOR_START),
                config.get(JobConfig.GENERATOR_SPAN));
        KinesisReplay.Options options = new KinesisReplay.Options();
        options.rate = config.get(JobConfig.GENERATOR_RATE);
        options.owner = LogGenerator.ACCOUNT;
        out.printf("local-cloud: replaying %,d generated invocation logs into the stream%s while the job reads it;"
                        + " lake at %s on S3Mock%n", generator.count(),
                options.rate > 0 ? String.format(" at %,d/s", options.rate) : "", root);

        CompletableFuture<KinesisReplay.Stats> replay = CompletableFuture.supplyAsync(() -> {
            try (KinesisClient client = stream.client(Duration.ofSeconds(30)); LogRecords records = LogRecords.generator(generator)) {
                return new KinesisReplay(client, stream.streamArn(), options, out).replay(records);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        long jobStart = System.nanoTime();
        job = LocalRunner.start(config);
        out.printf("local-cloud: job submitted to a local MiniCluster (built and started in %.1f s)%n", seconds(jobStart));
        long submitted = System.nanoTime();
        CommittedRows committed = new CommittedRows(root, "invocations");
        Duration timeout = Duration.ofSeconds(180 + generator.count() / 200);
        KinesisReplay.Stats stats;
        try {
            stats = awaitCommitted(job, replay, committed::count, timeout, out);
        } catch (TimeoutException e) {
            out.println("local-cloud: " + e.getMessage());
            return 1;
        }
        out.printf("local-cloud: replayed %,d invocations in %,d Kinesis records (+%,d control messages) in %.1f s;"
                        + " all committed to S3 %.1f s after the job was submitted%n",
                stats.invocations, stats.dataRecords, stats.controlMessages, stats.seconds(), seconds(submitted));
        String savepoint = stopWithSavepoint(job, work.resolve("savepoints"));
        out.printf("local-cloud: job stopped with savepoint %s%n", savepoint);
        job = null;
        LakeSummary.read(root).print(out, root, 10);
        out.printf("%nlocal-cloud: done in %.1f s; stopping kinesalite and S3Mock (the lake lived in S3Mock and goes with it)%n",
                seconds(t0));
        return 0;
    }

    /** Creates a stream and waits until it is ACTIVE. */
    public static void createStream(KinesisClient client, String name, int shards) throws InterruptedException {
        client.createStream(CreateStreamRequest.builder().streamName(name).shardCount(shards).build());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (client.describeStreamSummary(DescribeStreamSummaryRequest.builder().streamName(name).build())
                .streamDescriptionSummary().streamStatus() != StreamStatus.ACTIVE) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Stream " + name + " did not become ACTIVE within 30 s");
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /**
     * Waits until the replay is done and {@code committed} reaches the number of invocations it put;
     * fails at once if the job or the replay fails, and with a {@link TimeoutException} after {@code timeout}.
     */
    public static KinesisReplay.Stats awaitCommitted(JobClient job, CompletableFuture<KinesisReplay.Stats> replay,
                                                     LongSupplierIO committed, Duration timeout, PrintStream out)
            throws Exception {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long lastCount = -1;
        while (true) {
            JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
            if (status.isGloballyTerminalState()) {
                job.getJobExecutionResult().get(); // throws the job's failure
                throw new IllegalStateException("The job ended (" + status + ") before every replayed invocation was committed");
            }
            if (replay.isCompletedExceptionally()) {
                replay.get(); // throws the replay's failure
            }
            long count = committed.getAsLong();
            if (count != lastCount && out != null) {
                lastCount = count;
                out.printf("local-cloud: %,d invocations committed to the lake (%.1f s)%n", count, seconds(start));
            }
            if (replay.isDone() && count >= replay.get().invocations) {
                return replay.get();
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("not every replayed invocation was committed within " + timeout.getSeconds()
                        + " s (" + count + " committed, " + (replay.isDone() ? replay.get().invocations + " replayed" : "replay still running") + ")");
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    /** Like {@link LongSupplier}, but may read files. */
    @FunctionalInterface
    public interface LongSupplierIO {
        long getAsLong() throws IOException;
    }

    /** Stops the job with a final savepoint (its sinks commit what they hold); returns the savepoint's path. */
    public static String stopWithSavepoint(JobClient job, Path dir) throws Exception {
        String path = job.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL).get(2, TimeUnit.MINUTES);
        try {
            job.getJobExecutionResult().get(1, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            // a stopped job may report itself as finished or as cancelled; the savepoint is what matters
        }
        return path;
    }

    private synchronized void stopAll() {
        JobClient j = job;
        job = null;
        if (j != null) {
            try {
                j.cancel().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // it may be gone already
            }
        }
        if (kinesis != null) {
            kinesis.close();
            kinesis = null;
        }
        if (s3 != null) {
            s3.close();
            s3 = null;
        }
        if (work != null) {
            deleteTree(work);
            work = null;
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind is harmless
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** The checkout this runs from: {@code -Dbedrock.home} (the launcher sets it), else found from the class files. */
    public static Path home() {
        String h = System.getProperty("bedrock.home", System.getProperty("project.root"));
        if (h != null) {
            return Paths.get(h).toAbsolutePath().normalize();
        }
        try {
            // cost-tools/target/classes -> the checkout
            Path classes = Paths.get(LocalCloud.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return classes.getParent().getParent().getParent();
        } catch (Exception e) {
            return Paths.get("").toAbsolutePath();
        }
    }
}
