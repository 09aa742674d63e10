package com.bedrockcost.cli;

import com.bedrockcost.ingest.KinesisConnection;
import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.localcloud.Kinesalite;
import com.bedrockcost.localcloud.LocalCloud;
import com.bedrockcost.testutil.StreamContents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.KinesisClient;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Record;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code replay} and {@code run} against a real Kinesis API (kinesalite): what lands in the stream, and one-line failures. */
class KinesisCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static Kinesalite kinesis;
    static KinesisClient client;
    @TempDir Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void startKinesalite() throws Exception {
        kinesis = Kinesalite.start(Paths.get(System.getProperty("project.root", "..")).resolve("tools/local-cloud"), System.out);
        client = new KinesisConnection(Kinesalite.streamArn("x"), Kinesalite.REGION, kinesis.endpoint(), "k", "k")
                .client(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        client.close();
        kinesis.close();
    }

    @Test
    void replayPutsFilesAsCloudWatchSubscriptionPayloads() throws Exception {
        LocalCloud.createStream(client, "replay-files", 2);
        LogGenerator gen = new LogGenerator(5, 250, 10, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofHours(5));
        Path logs = dir.resolve("AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/11/01/00");
        Files.createDirectories(logs.resolve("data"));
        List<String> plain = lines(gen, 0, 100);
        List<String> zipped = lines(gen, 100, 250);
        Files.write(logs.resolve("a.jsonl"), (String.join("\n", plain) + "\n").getBytes(StandardCharsets.UTF_8));
        Files.write(logs.resolve("b.json.gz"), gzip(zipped));
        Files.write(logs.resolve("data/big_input.json.gz"), gzip(List.of("{\"messages\":[]}")));
        byte[] cut = gzip(lines(new LogGenerator(6, 50, 10, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofHours(5)), 0, 50));
        Files.write(logs.resolve("c.json.gz"), java.util.Arrays.copyOf(cut, cut.length / 2));

        int code = run("replay", "--input", dir.resolve("AWSLogs").toString(), "--stream-arn", Kinesalite.streamArn("replay-files"),
                "--endpoint", kinesis.endpoint(), "--access-key", "k", "--secret-key", "k", "--batch", "40", "--control-every", "3");

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        List<String> messages = new ArrayList<>();
        int control = 0;
        Set<String> partitionKeys = new HashSet<>();
        Set<String> eventIds = new HashSet<>();
        for (Record r : StreamContents.readAll(client, "replay-files")) {
            partitionKeys.add(r.partitionKey());
            JsonNode env = gunzip(r.data().asByteArray());
            if (env.get("messageType").asText().equals("CONTROL_MESSAGE")) {
                control++;
                continue;
            }
            assertThat(env.get("owner").asText()).isEqualTo(Kinesalite.ACCOUNT);
            assertThat(env.get("logGroup").asText()).isEqualTo("/aws/bedrock/modelinvocations");
            assertThat(env.get("logStream").asText()).isEqualTo("aws/bedrock/modelinvocations");
            assertThat(env.get("logEvents").size()).isBetween(1, 40);
            for (JsonNode e : env.get("logEvents")) {
                String m = e.get("message").asText();
                messages.add(m);
                assertThat(e.get("id").asText()).matches("\\d{56}");
                eventIds.add(e.get("id").asText());
                assertThat(e.get("timestamp").asLong())
                        .isEqualTo(Instant.parse(JSON.readTree(m).get("timestamp").asText()).toEpochMilli());
            }
        }
        List<String> all = new ArrayList<>(plain);
        all.addAll(zipped);
        // The cut file's complete lines are replayed too, as the job itself would read them.
        assertThat(messages).containsAll(all).doesNotHaveDuplicates();
        assertThat(messages.size()).isGreaterThanOrEqualTo(all.size()).isLessThan(all.size() + 50);
        assertThat(eventIds).hasSameSizeAs(messages);
        // 250+ events in envelopes of at most 40: 7 or more records; a control message before the first and every third.
        assertThat(control).isGreaterThanOrEqualTo(3);
        assertThat(partitionKeys.size()).as("random partition keys").isGreaterThan(5);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("invocations in").contains("1 damaged inputs").contains("1 skipped inputs");
    }

    @Test
    void replayKeepsToTheRate() throws Exception {
        LocalCloud.createStream(client, "replay-rate", 1);
        long start = System.nanoTime();
        int code = run("replay", "--stream-arn", Kinesalite.streamArn("replay-rate"), "--endpoint", kinesis.endpoint(),
                "--access-key", "k", "--secret-key", "k", "--generator.count", "300", "--rate", "200", "--control-every", "0");
        double seconds = (System.nanoTime() - start) / 1e9;

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        // 300 invocations at 200/s cannot be done in less than 1.5 s (the first tick starts at once).
        assertThat(seconds).isGreaterThan(1.4);
        int events = 0;
        List<Record> records = StreamContents.readAll(client, "replay-rate");
        for (Record r : records) {
            events += gunzip(r.data().asByteArray()).get("logEvents").size();
        }
        assertThat(events).isEqualTo(300);
    }

    @Test
    void runAgainstAMissingStreamFailsWithOneLineNamingStreamAndEndpoint() {
        String arn = Kinesalite.streamArn("no-such-stream");
        int code = run("run", "--kinesis.stream.arn", arn, "--kinesis.endpoint", kinesis.endpoint(),
                "--kinesis.access.key", "k", "--kinesis.secret.key", "k", "--output", dir.resolve("lake").toString());

        assertThat(code).isEqualTo(1);
        String e = err.toString(StandardCharsets.UTF_8);
        assertThat(e.lines().findFirst().orElse("")).startsWith("bedrock-cost-stream: Kinesis stream " + arn + " at " + kinesis.endpoint())
                .contains("does not exist");
        assertThat(e).doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void replayToAnEndpointThatDoesNotAnswerFailsWithOneLine() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + port;
        String arn = Kinesalite.streamArn("anything");
        int code = run("replay", "--stream-arn", arn, "--endpoint", endpoint, "--access-key", "k", "--secret-key", "k",
                "--generator.count", "10");

        assertThat(code).isEqualTo(1);
        String e = err.toString(StandardCharsets.UTF_8);
        assertThat(e.lines().findFirst().orElse("")).contains(arn).contains(endpoint).contains("cannot be reached");
        assertThat(e.lines().count()).isEqualTo(1);
    }

    @Test
    void replayOptionsAreChecked() {
        assertThat(run("replay", "--generator.count", "10")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("")).contains("--stream-arn");
        err.reset();
        assertThat(run("replay", "--stream-arn", Kinesalite.streamArn("x"), "--batch", "0")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("")).contains("--batch").contains("between 1 and 10000");
        err.reset();
        assertThat(run("replay", "--stream-arn", Kinesalite.streamArn("x"), "--rate")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("")).contains("--rate").contains("needs a value");
    }

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static List<String> lines(LogGenerator gen, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(gen.recordText(i));
        }
        return out;
    }

    private static byte[] gzip(List<String> lines) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(bytes)) {
            for (String l : lines) {
                o.write(l.getBytes(StandardCharsets.UTF_8));
                o.write('\n');
            }
        }
        return bytes.toByteArray();
    }

    private static JsonNode gunzip(byte[] data) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(data))) {
            return JSON.readTree(in);
        }
    }
}
