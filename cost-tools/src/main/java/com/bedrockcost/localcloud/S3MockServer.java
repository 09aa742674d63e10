package com.bedrockcost.localcloud;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A local S3 API server: Adobe's S3Mock executable jar (Maven Central,
 * {@code com.adobe.testing:s3mock:<version>:jar:exec}) in its own Java 17 process, on free
 * loopback ports, storing objects under a folder of ours. It accepts any credentials.
 */
public final class S3MockServer implements AutoCloseable {
    /** Any values do; S3Mock does not check signatures. */
    public static final String ACCESS_KEY = "local";
    public static final String SECRET_KEY = "local-secret";

    private final Process process;
    private final int port;
    private final Path logFile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private S3MockServer(Process process, int port, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
    }

    /**
     * Launches S3Mock from {@code jar}, keeping its objects under {@code storeRoot}, with
     * {@code buckets} created at start; returns at once (see {@link #awaitReady}).
     */
    public static S3MockServer launch(Path jar, Path storeRoot, List<String> buckets) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException("The S3Mock jar " + jar + " is missing");
        }
        Files.createDirectories(storeRoot);
        int httpPort = Processes.freePort();
        int httpsPort = Processes.freePort();
        Path log = storeRoot.resolveSibling(storeRoot.getFileName() + ".log");
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(),
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dhttp.port=" + httpPort,
                "-Dserver.port=" + httpsPort,
                "-Dserver.address=127.0.0.1",
                "-Dcom.adobe.testing.s3mock.store.root=" + storeRoot.toAbsolutePath(),
                "-Dcom.adobe.testing.s3mock.store.initial-buckets=" + String.join(",", buckets),
                "-Dspring.main.banner-mode=off",
                "-jar", jar.toAbsolutePath().toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        return new S3MockServer(pb.start(), httpPort, log);
    }

    /** Waits until the server answers (it takes 10–20 s to start); fails with the end of its log if it does not. */
    public S3MockServer awaitReady(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("S3Mock stopped while starting (S3Mock 5 needs Java 17 or newer): " + logTail());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for S3Mock");
            }
            sleep(250);
        }
        throw new IOException("S3Mock did not answer within " + timeout.getSeconds() + " s: " + logTail());
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Creates a bucket (an unsigned PUT, which S3Mock accepts). */
    public void createBucket(String bucket) throws IOException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/" + bucket))
                    .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("S3Mock refused to create bucket " + bucket + ": HTTP " + r.statusCode() + " " + r.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log at " + logFile + ")";
        }
    }

    private static void sleep(long ms) {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        Processes.stop(process, false);
    }

    /** Where the S3Mock jar of this checkout is, fetching it with Maven on first use. */
    public static Path jar(Path home, PrintStream log) throws IOException {
        Path jar = home.resolve("cost-tools/target/s3mock/s3mock-exec.jar");
        if (!Files.isRegularFile(jar)) {
            log.println("local-cloud: fetching the S3Mock server jar with Maven (first use only)...");
            Processes.runOrFail(home, log, "mvn dependency:copy@s3mock",
                    "mvn", "-q", "-B", "-f", "cost-tools/pom.xml", "-Dmaven.test.skip=false", "dependency:copy@s3mock");
        }
        return jar;
    }
}
