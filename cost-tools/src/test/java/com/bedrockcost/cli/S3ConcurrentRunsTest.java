package com.bedrockcost.cli;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.localcloud.S3MockServer;
import com.bedrockcost.testutil.AtomicS3Proxy;
import com.bedrockcost.testutil.ContractPricer;
import com.bedrockcost.testutil.ExactlyOnce;
import com.bedrockcost.testutil.ExpectedTotals;
import com.bedrockcost.testutil.S3Objects;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two {@code run} commands started together into one s3:// lake (S3Mock, behind {@link AtomicS3Proxy}
 * so that conditional writes are atomic as on S3): exactly one runs, the other is refused at once
 * naming it; the one that runs is killed with kill -9; the same command again takes over its lock,
 * says so, and completes the lake to the exact totals of one clean run.
 */
class S3ConcurrentRunsTest {
    private static final String BUCKET = "runs-lake";
    private static final int COUNT = 3000;

    @TempDir static Path dir;
    static S3MockServer s3;
    static AtomicS3Proxy proxy;
    static ExpectedTotals expected;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3MockServer.launch(Paths.get(System.getProperty("s3mock.jar")), dir.resolve("s3"), List.of(BUCKET))
                .awaitReady(Duration.ofSeconds(120));
        proxy = new AtomicS3Proxy(s3.endpoint());
        JobConfig d = JobConfig.defaults();
        expected = ExpectedTotals.of(new LogGenerator(d.get(JobConfig.GENERATOR_SEED), COUNT, d.get(JobConfig.GENERATOR_TENANTS).intValue(),
                d.get(JobConfig.GENERATOR_START), d.get(JobConfig.GENERATOR_SPAN)), ContractPricer.builtIn());
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    private static List<String> args(String root) {
        return List.of("--generator.count", String.valueOf(COUNT), "--generator.rate", "600", "--output", root,
                "--s3.endpoint", proxy.endpoint(), "--s3.access.key", S3MockServer.ACCESS_KEY, "--s3.secret.key", S3MockServer.SECRET_KEY,
                "--s3.path.style.access", "true", "--checkpoint.interval", "500ms", "--checkpoint.dir", dir.resolve("checkpoints").toString());
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void twoRunsStartedTogetherOneRunsTheOtherIsRefusedAndAKilledRunIsCompletedByTheSameCommand() throws Exception {
        String root = "s3://" + BUCKET + "/lake";
        LaunchedRun a = LaunchedRun.start(dir, Files.createDirectories(dir.resolve("tmp-a")), "run-a", args(root));
        LaunchedRun b = LaunchedRun.start(dir, Files.createDirectories(dir.resolve("tmp-b")), "run-b", args(root));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (a.process.isAlive() && b.process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        LaunchedRun refused = a.process.isAlive() ? b : a;
        LaunchedRun running = refused == a ? b : a;
        assertThat(refused.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(refused.process.exitValue()).as("the refused run: %s", refused.output()).isEqualTo(1);
        String host = InetAddress.getLocalHost().getHostName();
        assertThat(refused.output()).as("why it is refused").contains("bedrock-cost-stream: Another run is writing to " + root
                + " (pid " + running.process.pid() + " on " + host + ", started 20")
                .contains("If that run is gone, delete " + root + "/_bedrock-cost-stream.lock");
        assertThat(running.process.isAlive()).as("the other run goes on: %s", running.output()).isTrue();

        running.awaitOutput("pricing ", Duration.ofSeconds(90));
        Thread.sleep(2000);
        running.process.destroyForcibly(); // kill -9: its lock object stays
        assertThat(running.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        S3Objects objects = new S3Objects(s3.endpoint(), BUCKET);
        assertThat(objects.keys("lake/_bedrock-cost-stream.lock")).as("the killed run's lock").hasSize(1);

        LaunchedRun again = LaunchedRun.start(dir, Files.createDirectories(dir.resolve("tmp-again")), "run-again", args(root));
        assertThat(again.process.waitFor(180, TimeUnit.SECONDS)).isTrue();
        String out = again.output();
        assertThat(again.process.exitValue()).as(out).isZero();
        assertThat(out).contains("bedrock-cost-stream: the previous run into this lake (pid " + running.process.pid() + " on " + host
                + ", started 20").contains(") ended without finishing; its committed invocations are kept and not written again");
        assertThat(objects.keys("lake/_bedrock-cost-stream.lock")).as("released at the end").isEmpty();
        Path lake = dir.resolve("downloaded");
        objects.download("lake/", lake);
        ExactlyOnce.assertLakeHolds(lake, expected);
        ExactlyOnce.assertRollupHolds(lake, expected);
    }
}
