package com.bedrockcost.clustertest;

import com.bedrockcost.LogRecords;
import com.bedrockcost.ingest.KinesisConnection;
import com.bedrockcost.ingest.KinesisReplay;
import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.localcloud.Kinesalite;
import com.bedrockcost.localcloud.LocalCloud;
import com.bedrockcost.testutil.DuckLake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.KinesisClient;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * bin/cluster-test: the MSF jar on a real Flink 1.20.1 session cluster assembled from Maven
 * artifacts (JobManager and TaskManager as separate JVMs), submitted over the REST API as MSF does,
 * configured the MSF way (KinesisAnalyticsRuntime reads an application properties JSON). Checks:
 * the jar refuses to start without properties; a bounded file input; a Kinesis input on kinesalite
 * with the TaskManager killed once mid-stream, a stop with a savepoint, records put while stopped, a
 * restore rescaled from 2 to 1; every lake read back with DuckDB: exact counts, no duplicates.
 * Usage: ClusterRun <work dir> <MSF jar> <cluster classpath file> <plugins dir> <tools/local-cloud>
 */
public final class ClusterRun {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PrintStream out = System.out;
    private static final String STREAM = "cluster-test-logs";
    private static final int FILE_INVOCATIONS = 20_000;
    private static final int KINESIS_PART = 6_000;

    private final Path work;
    private final Path jar;
    private final String classpath;
    private final Path plugins;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Process> processes = new ArrayList<>();
    /** The cluster's JVMs that must stay up, by name. */
    private final Map<String, Process> running = new java.util.LinkedHashMap<>();
    private final int restPort;
    private final int rpcPort;
    private final int blobPort;
    private Process taskManager;
    private int taskManagers;

    private ClusterRun(Path work, Path jar, String classpath, Path plugins) throws IOException {
        this.work = work;
        this.jar = jar;
        this.classpath = classpath;
        this.plugins = plugins;
        this.restPort = freePort();
        this.rpcPort = freePort();
        this.blobPort = freePort();
    }

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        Path work = Paths.get(args[0]).toAbsolutePath();
        ClusterRun run = new ClusterRun(work, Paths.get(args[1]).toAbsolutePath(),
                Files.readString(Paths.get(args[2])).trim(), Paths.get(args[3]).toAbsolutePath());
        int status = 1;
        try (Kinesalite kinesis = Kinesalite.start(Paths.get(args[4]), out)) {
            run.checkAll(kinesis);
            status = 0;
            out.printf("cluster-test PASSED in %.0f s%n", (System.nanoTime() - t0) / 1e9);
        } catch (Throwable e) {
            e.printStackTrace(out);
            out.printf("cluster-test FAILED after %.0f s: %s (logs in %s)%n", (System.nanoTime() - t0) / 1e9, e, work.resolve("log"));
        } finally {
            run.stopAll();
        }
        System.exit(status);
    }

    private void checkAll(Kinesalite kinesis) throws Exception {
        Files.createDirectories(work.resolve("log"));
        writeConfig();
        startJobManager();
        startTaskManager();
        awaitTrue("JobManager REST and a TaskManager", Duration.ofSeconds(120), () -> taskManagerCount() >= 1);
        String jarId = upload();
        step("cluster up, jar uploaded");

        // 1. No properties: MSF's runtime finds no property groups, and the job refuses to start.
        properties(List.of());
        JsonNode refused = submit(jarId, 2, null);
        check(refused.has("errors") && refused.toString().contains("property group Output key output.path"),
                "an unconfigured submission is refused naming the missing keys: " + refused);
        step("unconfigured submission refused with the missing property groups and keys");

        // 2. A bounded file input, to its end.
        Path logs = Files.createDirectories(work.resolve("input"));
        LogGenerator files = new LogGenerator(101, FILE_INVOCATIONS, 200, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofDays(2));
        StringBuilder lines = new StringBuilder();
        for (long i = 0; i < FILE_INVOCATIONS; i++) {
            lines.append(files.recordText(i)).append('\n');
        }
        Files.writeString(logs.resolve("invocations.jsonl"), lines);
        Path fileLake = work.resolve("lake-files");
        properties(List.of(group("Input", Map.of("input.path", logs.toUri().toString())),
                group("Output", Map.of("output.path", fileLake.toUri().toString()))));
        String fileJob = jobId(submit(jarId, 2, null));
        awaitTrue("the bounded file job finished", Duration.ofMinutes(5), () -> state(fileJob).equals("FINISHED"));
        expectLake(fileLake, ids(files), "bounded file input");

        // 3. Kinesis on kinesalite: a killed TaskManager, a savepoint, a restore rescaled to 1.
        KinesisConnection stream = new KinesisConnection(Kinesalite.streamArn(STREAM), Kinesalite.REGION, kinesis.endpoint(), "k", "k");
        Path kinesisLake = work.resolve("lake-kinesis");
        try (KinesisClient client = stream.client(Duration.ofSeconds(30))) {
            LocalCloud.createStream(client, STREAM, 2);
            KinesisReplay replay = new KinesisReplay(client, stream.streamArn(), new KinesisReplay.Options(), out);
            properties(List.of(
                    group("Kinesis", Map.of("kinesis.stream.arn", stream.streamArn(), "kinesis.endpoint", kinesis.endpoint(),
                            "kinesis.access.key", "k", "kinesis.secret.key", "k", "kinesis.shard.discovery.interval", "1s")),
                    group("Output", Map.of("output.path", kinesisLake.toUri().toString()))));
            String job = jobId(submit(jarId, 2, null));
            awaitTrue("the Kinesis job running", Duration.ofMinutes(2), () -> state(job).equals("RUNNING"));
            replay.replay(part(1));
            awaitTrue("a first checkpoint with part 1 committed", Duration.ofMinutes(3), () -> committed(kinesisLake) > 0);
            long before = committed(kinesisLake);
            running.remove("taskmanager-" + taskManagers);
            taskManager.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            step("TaskManager killed (SIGKILL) with " + before + " rows committed");
            replay.replay(part(2));
            startTaskManager();
            Set<String> expected = ids(generator(1));
            expected.addAll(ids(generator(2)));
            awaitTrue("the job restarted on the new TaskManager and committed parts 1 and 2", Duration.ofMinutes(4),
                    () -> committed(kinesisLake) >= expected.size());
            String savepoint = stopWithSavepoint(job);
            step("stopped with savepoint " + savepoint);
            replay.replay(part(3));
            String restored = jobId(submit(jarId, 1, savepoint));
            expected.addAll(ids(generator(3)));
            awaitTrue("the restored job (parallelism 1) committed parts 1 to 3", Duration.ofMinutes(4),
                    () -> committed(kinesisLake) >= expected.size());
            stopWithSavepoint(restored);
            expectLake(kinesisLake, expected, "Kinesis input across a TaskManager kill and a savepoint restore");
        }
    }

    private static LogGenerator generator(int part) {
        return new LogGenerator(1000 + part, KINESIS_PART, 100, Instant.parse("2026-11-0" + part + "T00:00:00Z"), Duration.ofDays(1));
    }

    private static LogRecords part(int n) {
        return LogRecords.generator(generator(n));
    }

    /** The distinct request ids of the generator's records (it repeats some, as CloudWatch redelivers). */
    private static Set<String> ids(LogGenerator gen) throws IOException {
        Set<String> ids = new HashSet<>();
        for (long i = 0; i < gen.count(); i++) {
            ids.add(JSON.readTree(gen.recordText(i)).get("requestId").asText());
        }
        return ids;
    }

    // --- the cluster ------------------------------------------------------------------------------

    private void writeConfig() throws IOException {
        Path conf = Files.createDirectories(work.resolve("conf"));
        String yaml = String.join("\n",
                "jobmanager.rpc.address: 127.0.0.1", "jobmanager.rpc.port: " + rpcPort, "jobmanager.bind-host: 127.0.0.1",
                "rest.address: 127.0.0.1", "rest.bind-address: 127.0.0.1", "rest.port: " + restPort, "blob.server.port: " + blobPort,
                "taskmanager.host: 127.0.0.1", "taskmanager.bind-host: 127.0.0.1", "taskmanager.rpc.port: 0", "taskmanager.data.port: 0",
                "taskmanager.numberOfTaskSlots: 2", "parallelism.default: 2",
                // TaskManagerRunner wants the memory split the start scripts compute; small for a shared 2-core box.
                "taskmanager.cpu.cores: 2", "taskmanager.memory.task.heap.size: 448m", "taskmanager.memory.task.off-heap.size: 64m",
                "taskmanager.memory.network.min: 64m", "taskmanager.memory.network.max: 64m", "taskmanager.memory.managed.size: 256m",
                "taskmanager.memory.framework.heap.size: 128m", "taskmanager.memory.framework.off-heap.size: 128m",
                "taskmanager.memory.jvm-metaspace.size: 256m", "taskmanager.memory.jvm-overhead.min: 192m",
                "taskmanager.memory.jvm-overhead.max: 192m",
                "jobmanager.memory.process.size: 1024m",
                // As MSF: RocksDB, checkpoints by the cluster's configuration, restarts.
                "state.backend.type: rocksdb", "execution.checkpointing.interval: 2s", "execution.checkpointing.min-pause: 1s",
                "state.checkpoints.dir: " + work.resolve("checkpoints").toUri(), "state.savepoints.dir: " + work.resolve("savepoints").toUri(),
                "restart-strategy.type: fixed-delay", "restart-strategy.fixed-delay.attempts: 30", "restart-strategy.fixed-delay.delay: 2s",
                "heartbeat.interval: 2000", "heartbeat.timeout: 10000",
                "web.upload.dir: " + work.resolve("upload"), "io.tmp.dirs: " + work.resolve("tmp"),
                "classloader.check-leaked-classloader: false", "");
        Files.createDirectories(work.resolve("upload"));
        Files.createDirectories(work.resolve("tmp"));
        Files.writeString(conf.resolve("config.yaml"), yaml);
        Files.writeString(conf.resolve("log4j.properties"), String.join("\n",
                "rootLogger.level = INFO", "rootLogger.appenderRef.file.ref = file", "appender.file.type = File",
                "appender.file.name = file", "appender.file.fileName = ${sys:log.file}", "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n", ""));
        // KinesisAnalyticsRuntime reads the path of the properties file from config.properties on the
        // classpath (on MSF: /etc/flink/application_properties.json); ours comes first on the classpath.
        Path kda = Files.createDirectories(work.resolve("kda"));
        Files.writeString(kda.resolve("config.properties"), "application_properties_file = " + work.resolve("application_properties.json") + "\n");
    }

    private void startJobManager() throws IOException {
        Process jm = java("jobmanager", "-Xmx512m", "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
        processes.add(jm);
        running.put("jobmanager", jm);
    }

    private void startTaskManager() throws IOException {
        taskManagers++;
        taskManager = java("taskmanager-" + taskManagers, "-Xmx576m -XX:MaxDirectMemorySize=256m -XX:MaxMetaspaceSize=256m",
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
        processes.add(taskManager);
        running.put("taskmanager-" + taskManagers, taskManager);
    }

    private Process java(String name, String heap, String mainClass) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(heap.split(" ")));
        cmd.addAll(List.of("-XX:+IgnoreUnrecognizedVMOptions", "-Daws.cborEnabled=false",
                "-Dlog.file=" + work.resolve("log/" + name + ".log"), "-Dlog4j.configurationFile=" + work.resolve("conf/log4j.properties").toUri(),
                "--add-exports=java.base/sun.net.util=ALL-UNNAMED", "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
                "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                "--add-opens=java.base/java.text=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
                "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED",
                "-cp", work.resolve("kda") + File.pathSeparator + classpath, mainClass, "--configDir", work.resolve("conf").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("log/" + name + ".out").toFile());
        pb.environment().put("FLINK_PLUGINS_DIR", plugins.toString());
        step("started " + name);
        return pb.start();
    }

    private void stopAll() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // --- the REST API, as MSF submits ---------------------------------------------------------------

    private String upload() throws Exception {
        String boundary = "----cluster-test-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName()
                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(rest("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode n = JSON.readTree(r.body());
        check(n.has("filename"), "jar upload: " + r.body());
        return Paths.get(n.get("filename").asText()).getFileName().toString();
    }

    private JsonNode submit(String jarId, int parallelism, String savepoint) throws Exception {
        ObjectNode req = JSON.createObjectNode().put("entryClass", "com.bedrockcost.StreamingJob").put("parallelism", parallelism);
        if (savepoint != null) {
            req.put("savepointPath", savepoint).put("allowNonRestoredState", false);
        }
        return post("/jars/" + jarId + "/run", req.toString());
    }

    private static String jobId(JsonNode submitted) {
        check(submitted.has("jobid"), "job submitted: " + submitted);
        String id = submitted.get("jobid").asText();
        step("submitted job " + id);
        return id;
    }

    private String stopWithSavepoint(String job) throws Exception {
        JsonNode trigger = post("/jobs/" + job + "/stop",
                JSON.createObjectNode().put("targetDirectory", work.resolve("savepoints").toUri().toString()).put("drain", false).toString());
        check(trigger.has("request-id"), "stop with savepoint: " + trigger);
        String path = "/jobs/" + job + "/savepoints/" + trigger.get("request-id").asText();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            JsonNode s = get(path);
            if (s.path("status").path("id").asText().equals("COMPLETED")) {
                check(s.path("operation").has("location"), "savepoint completed: " + s);
                return s.path("operation").path("location").asText();
            }
            TimeUnit.SECONDS.sleep(1);
        }
        throw new IllegalStateException("no savepoint within 3 minutes for job " + job);
    }

    private String state(String job) {
        try {
            String s = get("/jobs/" + job).path("state").asText();
            check(!s.equals("FAILED"), "job " + job + " failed: " + get("/jobs/" + job + "/exceptions"));
            return s;
        } catch (IOException | InterruptedException e) {
            return "UNKNOWN";
        }
    }

    private int taskManagerCount() {
        try {
            return get("/taskmanagers").path("taskmanagers").size();
        } catch (IOException | InterruptedException e) {
            return 0;
        }
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        return JSON.readTree(http.send(HttpRequest.newBuilder(rest(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private JsonNode post(String path, String json) throws IOException, InterruptedException {
        return JSON.readTree(http.send(HttpRequest.newBuilder(rest(path)).timeout(Duration.ofMinutes(3))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private URI rest(String path) {
        return URI.create("http://127.0.0.1:" + restPort + "/v1" + path);
    }

    // --- properties, the lake, checks ------------------------------------------------------------

    private void properties(List<ObjectNode> groups) throws IOException {
        Files.writeString(work.resolve("application_properties.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(groups));
    }

    private static ObjectNode group(String id, Map<String, String> map) {
        ObjectNode g = JSON.createObjectNode().put("PropertyGroupId", id);
        ObjectNode m = g.putObject("PropertyMap");
        map.forEach(m::put);
        return g;
    }

    private static long committed(Path lake) {
        if (!Files.isDirectory(lake.resolve("invocations"))) {
            return 0;
        }
        try (DuckLake db = new DuckLake(lake)) {
            return db.count("SELECT count(*) FROM invocations");
        } catch (Exception e) {
            return 0;
        }
    }

    private static void expectLake(Path lake, Set<String> expected, String what) throws Exception {
        try (DuckLake db = new DuckLake(lake)) {
            long rows = db.count("SELECT count(*) FROM invocations");
            long ids = db.count("SELECT count(DISTINCT request_id) FROM invocations");
            Set<String> found = new HashSet<>();
            db.rows("SELECT DISTINCT request_id FROM invocations").forEach(r -> found.add((String) r.get("request_id")));
            check(rows == expected.size() && ids == expected.size() && found.equals(expected),
                    what + ": expected " + expected.size() + " rows, each request once; the lake has " + rows + " rows, " + ids
                            + " request ids, " + (found.equals(expected) ? "the expected ones" : "not the expected ones"));
            step(what + ": " + rows + " rows, " + ids + " distinct request ids (DuckDB)");
        }
    }

    private void awaitTrue(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            for (Map.Entry<String, Process> p : running.entrySet()) {
                if (!p.getValue().isAlive()) {
                    throw new IllegalStateException(p.getKey() + " exited with " + p.getValue().exitValue() + " (see "
                            + work.resolve("log/" + p.getKey() + ".log") + ")");
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
            }
            TimeUnit.SECONDS.sleep(1);
        }
        step(what + String.format(" (%.0f s)", (System.nanoTime() - t0) / 1e9));
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    private static void step(String what) {
        out.printf("%tT %s%n", System.currentTimeMillis(), what);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
