package com.bedrockcost.localrun;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.localcloud.S3MockServer;
import com.bedrockcost.testutil.AtomicS3Proxy;
import com.bedrockcost.testutil.S3Objects;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lock of an s3:// lake on S3Mock: created only if absent ({@code If-None-Match: *}), taken
 * over from a killed run and released only if still this run's ({@code If-Match}). Runs racing for
 * one lake at the same moment: exactly one gets it, every time. S3Mock checks a condition and then
 * writes, in two steps (two racing creates both succeeded within 4 races here), where AWS S3 lets
 * exactly one of concurrent conditional writes succeed: the requests go through {@link AtomicS3Proxy},
 * which forwards writes one at a time, as S3 applies them.
 */
class S3LakeLockTest {
    private static final String BUCKET = "lock-lake";
    private static final int RACES = 200;

    @TempDir static Path dir;
    static S3MockServer s3;
    static AtomicS3Proxy proxy;
    static S3Objects objects;
    static JobConfig config;

    @BeforeAll
    static void startS3Mock() throws IOException {
        s3 = S3MockServer.launch(Paths.get(System.getProperty("s3mock.jar")), dir.resolve("s3"), List.of(BUCKET))
                .awaitReady(Duration.ofSeconds(120));
        proxy = new AtomicS3Proxy(s3.endpoint());
        objects = new S3Objects(s3.endpoint(), BUCKET);
        config = JobConfig.defaults().with(s3Access(proxy.endpoint()));
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

    static Map<String, String> s3Access(String endpoint) {
        return Map.of("s3.endpoint", endpoint, "s3.access.key", S3MockServer.ACCESS_KEY,
                "s3.secret.key", S3MockServer.SECRET_KEY, "s3.path.style.access", "true");
    }

    private static String root(String name) {
        return "s3://" + BUCKET + "/" + name;
    }

    private static String lockKey(String name) {
        return name + "/" + LakeLock.S3_NAME;
    }

    /** The locks and refusals of two runs that ask for the lock of {@code root} at the same moment. */
    private static final class Race {
        final List<LakeLock> won = new ArrayList<>();
        final List<Throwable> refused = new ArrayList<>();

        Race(ExecutorService pool, String root) throws Exception {
            CyclicBarrier start = new CyclicBarrier(2);
            List<Future<LakeLock>> runs = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                runs.add(pool.submit(() -> {
                    start.await();
                    return LakeLock.acquire(root, config);
                }));
            }
            for (Future<LakeLock> f : runs) {
                try {
                    won.add(f.get(60, TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    refused.add(e.getCause());
                }
            }
        }
    }

    @Test
    void twoRunsRacingForOneLakeExactlyOneGetsItAndTheOtherIsRefusedNamingIt() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int race = 0; race < RACES; race++) {
                String root = root("race-" + race);
                Race r = new Race(pool, root);
                assertThat(r.won).as("runs that got the lock of %s", root).hasSize(1);
                assertThat(r.refused).as("race %d", race).singleElement()
                        .isInstanceOf(LakeLock.HeldException.class)
                        .extracting(Throwable::getMessage).asString()
                        .startsWith("Another run is writing to " + root + " (pid " + ProcessHandle.current().pid() + " on "
                                + InetAddress.getLocalHost().getHostName() + ", started 20")
                        .endsWith("If that run is gone, delete " + root + "/" + LakeLock.S3_NAME);
                assertThat(r.won.get(0).staleHolder).isNull();
                r.won.get(0).close();
                assertThat(objects.keys(lockKey("race-" + race))).as("released").isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLockLeftByAKilledRunIsTakenOverByExactlyOneOfTwoRuns() throws Exception {
        Process holder = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldLock.class.getName(), root("killed"), proxy.endpoint())
                .redirectErrorStream(true).redirectOutput(dir.resolve("holder.log").toFile()).start();
        awaitLine(dir.resolve("holder.log"), "locked", holder);
        assertThatThrownBy(() -> LakeLock.acquire(root("killed"), config)).as("while the holder runs")
                .isInstanceOf(LakeLock.HeldException.class).hasMessageContaining("(pid " + holder.pid() + " on ");
        holder.destroyForcibly(); // kill -9: the lock object stays
        assertThat(holder.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String left = objects.text(lockKey("killed"));
        assertThat(left).startsWith("pid " + holder.pid() + " on ").contains(", started 20");

        // Two runs find it at the same moment: one takes it over, the other is refused naming the one that did.
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Race r = new Race(pool, root("killed"));
            assertThat(r.won).hasSize(1);
            assertThat(r.won.get(0).staleHolder).as("the killed run, named").isEqualTo(left);
            assertThat(r.refused).singleElement().isInstanceOf(LakeLock.HeldException.class)
                    .extracting(Throwable::getMessage).asString().contains("(pid " + ProcessHandle.current().pid() + " on ");
            r.won.get(0).close();
        } finally {
            pool.shutdownNow();
        }
        assertThat(objects.keys(lockKey("killed"))).isEmpty();
    }

    @Test
    void aLockOfAnotherHostIsNotTakenOverAndARunNeverDeletesALockNotItsOwn() throws Exception {
        String other = "pid 4711 on build-7, started 2026-12-07T14:02:11Z";
        objects.put(lockKey("elsewhere"), other.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> LakeLock.acquire(root("elsewhere"), config)).isInstanceOf(LakeLock.HeldException.class)
                .hasMessage("Another run is writing to " + root("elsewhere") + " (" + other + "); wait for it to finish, or write to "
                        + "another --output. If that run is gone, delete " + root("elsewhere") + "/" + LakeLock.S3_NAME);
        assertThat(objects.text(lockKey("elsewhere"))).isEqualTo(other);

        LakeLock mine = LakeLock.acquire(root("replaced"), config);
        // Someone deletes this run's lock by hand and another run takes the lake: this run's release leaves that lock alone.
        objects.put(lockKey("replaced"), other.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(mine::close).isInstanceOf(IOException.class)
                .hasMessage(root("replaced") + "/" + LakeLock.S3_NAME + " is no longer this run's lock (another run replaced it); left as it is");
        assertThat(objects.text(lockKey("replaced"))).isEqualTo(other);
    }

    private static void awaitLine(Path log, String text, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the holder did not print '" + text + "': " + (Files.exists(log) ? Files.readString(log) : ""));
    }

    /** A run that takes the lock of {@code args[0]} on the S3 server {@code args[1]} and holds it until killed. */
    public static final class HoldLock {
        public static void main(String[] args) throws Exception {
            LakeLock lock = LakeLock.acquire(args[0], JobConfig.defaults().with(s3Access(args[1])));
            System.out.println("locked " + lock);
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(10));
        }
    }
}
