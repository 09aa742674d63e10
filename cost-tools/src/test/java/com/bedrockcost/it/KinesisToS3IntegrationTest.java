package com.bedrockcost.it;

import com.bedrockcost.CostPipeline;
import com.bedrockcost.LocalRunner;
import com.bedrockcost.LogRecords;
import com.bedrockcost.cli.RestateCommandTest;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.KinesisConnection;
import com.bedrockcost.ingest.KinesisInput;
import com.bedrockcost.ingest.KinesisReplay;
import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.ingest.SubscriptionEnvelopes;
import com.bedrockcost.lake.CommittedRows;
import com.bedrockcost.lake.LakeRequestIds;
import com.bedrockcost.localcloud.Kinesalite;
import com.bedrockcost.localcloud.LocalCloud;
import com.bedrockcost.localcloud.S3MockServer;
import com.bedrockcost.localrun.LakeLock;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.model.StreamFactory;
import com.bedrockcost.pricing.PriceBook;
import com.bedrockcost.pricing.PriceFeed;
import com.bedrockcost.pricing.PriceLocation;
import com.bedrockcost.pricing.PriceTable;
import com.bedrockcost.pricing.Pricer;
import com.bedrockcost.sink.LakeSinks;
import com.bedrockcost.testutil.DuckLake;
import com.bedrockcost.testutil.Envelopes;
import com.bedrockcost.testutil.LakeInvocations;
import com.bedrockcost.testutil.LogShapes;
import com.bedrockcost.testutil.S3Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.KinesisClient;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Shard;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.SplitShardRequest;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.StreamStatus;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cloud path against real API servers: invocation logs replayed as CloudWatch Logs subscription
 * payloads into a 3-shard stream on kinesalite (with control messages, a redelivered envelope and
 * malformed payloads), a shard split while data flows, the real pipeline (decode, dedupe, price) on a
 * MiniCluster failing once mid-stream and restarting from its checkpoint, prices read from and the
 * lake written to {@code s3://} on S3Mock through flink-s3-fs-hadoop, and the Parquet read back with
 * the plain S3 API and DuckDB.
 */
class KinesisToS3IntegrationTest {
    private static final String BUCKET = "it-lake";
    private static final String STREAM = "bedrock-logs-it";
    private static final int INVOCATIONS = 12_000;
    private static final int NOT_GZIP = 3;
    private static final int TRUNCATED = 2;

    @TempDir static Path dir;
    static Kinesalite kinesis;
    static S3MockServer s3;

    static final Map<String, long[]> expectedTokens = new HashMap<>();
    static final Set<String> truncatedIds = new HashSet<>();
    static final Set<String> afterSplitIds = new HashSet<>();
    static final List<String> childShards = new ArrayList<>();
    static long controlMessages;
    static Path lake;
    static List<String> keys;
    static List<String> pendingUploads;
    static final AtomicBoolean injectedFailure = new AtomicBoolean();

    @BeforeAll
    static void runJobAgainstKinesaliteAndS3Mock() throws Exception {
        long t0 = System.nanoTime();
        Path root = Paths.get(System.getProperty("project.root", ".."));
        s3 = S3MockServer.launch(Paths.get(System.getProperty("s3mock.jar")), dir.resolve("s3"), List.of(BUCKET));
        kinesis = Kinesalite.start(root.resolve("tools/local-cloud"), System.out);
        KinesisConnection stream = new KinesisConnection(Kinesalite.streamArn(STREAM), Kinesalite.REGION, kinesis.endpoint(), "k", "k");
        KinesisClient client = stream.client(Duration.ofSeconds(30));
        LocalCloud.createStream(client, STREAM, 3);
        s3.awaitReady(Duration.ofSeconds(120));
        // The price table is read from S3 too, as Terraform uploads it: the top-level CSVs to pricing/,
        // units/ to pricing-units/ beside it (out of the Glue pricing table's location).
        Path pricing = root.resolve("pricing");
        try (Stream<Path> csv = Files.walk(pricing, 2)) {
            for (Path f : csv.filter(p -> p.toString().endsWith(".csv")).collect(Collectors.toList())) {
                String key = pricing.relativize(f).toString().replace('\\', '/');
                new S3Objects(s3.endpoint(), BUCKET).put(key.startsWith("units/") ? "pricing-" + key : "pricing/" + key,
                        Files.readAllBytes(f));
            }
        }
        System.out.printf("servers up after %.1f s%n", (System.nanoTime() - t0) / 1e9);

        JobConfig config = JobConfig.defaults().with(s3Access()).with(Map.ofEntries(
                Map.entry("kinesis.stream.arn", stream.streamArn()),
                Map.entry("kinesis.endpoint", kinesis.endpoint()),
                Map.entry("kinesis.access.key", "k"),
                Map.entry("kinesis.secret.key", "k"),
                Map.entry("kinesis.shard.discovery.interval", "1s"),
                Map.entry("output.path", "s3://" + BUCKET + "/lake"),
                Map.entry("pricing.path", "s3://" + BUCKET + "/pricing"),
                Map.entry("pricing.units.path", "s3://" + BUCKET + "/pricing-units"),
                Map.entry("checkpoint.interval", "1s"),
                Map.entry("checkpoint.dir", dir.resolve("checkpoints").toString()),
                Map.entry("job.parallelism", "2")));
        StreamExecutionEnvironment env = LocalRunner.environment(config);
        String root3 = config.get(JobConfig.OUTPUT_PATH);
        new CostPipeline(config, failingOnceMidStream(KinesisInput.fromConfig(config)), PriceFeed.fromConfig(config),
                LakeSinks.invocations(root3, "SNAPPY"), LakeSinks.failed(root3, "SNAPPY")).build(env);
        JobClient job = env.executeAsync("kinesis-to-s3-it");

        LogGenerator gen = new LogGenerator(7, INVOCATIONS, 60, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofDays(2));
        KinesisReplay.Options options = new KinesisReplay.Options();
        options.batch = 40;
        options.controlEvery = 25;
        KinesisReplay replay = new KinesisReplay(client, stream.streamArn(), options, System.out);
        PrintStream log = System.out;

        // First half, while the job reads.
        KinesisReplay.Stats first = replay.replay(slice(gen, 0, INVOCATIONS / 2));
        // A redelivered envelope (CloudWatch retries): its records must still count once.
        List<SubscriptionEnvelopes.LogEvent> again = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            again.add(new SubscriptionEnvelopes.LogEvent(String.valueOf(i), 0, gen.recordText(i)));
        }
        replay.put(List.of(SubscriptionEnvelopes.data(LogGenerator.ACCOUNT, "f", again)));
        // Malformed payloads: not gzip at all, and gzip cut in the middle.
        List<byte[]> bad = new ArrayList<>();
        bad.add("{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[]}".getBytes(StandardCharsets.UTF_8));
        bad.add(gen.record(1));
        bad.add(new byte[] {0x00, 0x01, 0x02, 0x03});
        LogGenerator other = new LogGenerator(99, 1000, 10, Instant.parse("2026-11-02T00:00:00Z"), Duration.ofDays(1));
        for (int t = 0; t < TRUNCATED; t++) {
            List<SubscriptionEnvelopes.LogEvent> events = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String text = other.recordText(t * 100 + i);
                events.add(new SubscriptionEnvelopes.LogEvent(String.valueOf(i), 0, text));
                truncatedIds.add(requestId(text));
            }
            byte[] whole = SubscriptionEnvelopes.data(LogGenerator.ACCOUNT, "f", events);
            bad.add(Arrays.copyOf(whole, whole.length / 2));
        }
        replay.put(bad);

        // Split a shard while the job reads; the second half lands partly on the two new shards.
        splitFirstShard(client);
        KinesisReplay.Stats second = replay.replay(slice(gen, INVOCATIONS / 2, INVOCATIONS));
        controlMessages = first.controlMessages + second.controlMessages;
        try (KinesisClient c = stream.client(Duration.ofSeconds(10))) {
            for (Shard s : c.listShards(ListShardsRequest.builder().streamName(STREAM).build()).shards()) {
                if (s.parentShardId() != null) {
                    childShards.add(s.shardId());
                }
            }
        }
        log.printf("replayed %d + %d invocations, %d control messages in %.1f + %.1f s; shards after the split: %s%n",
                first.invocations, second.invocations, controlMessages, first.seconds(), second.seconds(), childShards);
        assertThat(second.shardIds).as("records put after the split went to the new shards").containsAnyElementsOf(childShards);

        for (long i = 0; i < INVOCATIONS; i++) {
            String text = gen.recordText(i);
            expectedTokens.put(requestId(text), tokens(text));
            if (i >= INVOCATIONS / 2) {
                afterSplitIds.add(requestId(text));
            }
        }

        CommittedRows invocations = new CommittedRows(root3, "invocations");
        CommittedRows failed = new CommittedRows(root3, "failed");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (invocations.count() < INVOCATIONS || failed.count() < NOT_GZIP + TRUNCATED) {
            assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("job still running").isFalse();
            assertThat(System.nanoTime()).as("all records committed in time").isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(500);
        }
        System.out.printf("all committed after %.1f s%n", (System.nanoTime() - t0) / 1e9);
        LocalCloud.stopWithSavepoint(job, dir.resolve("savepoints"));
        System.out.printf("stopped with a savepoint after %.1f s%n", (System.nanoTime() - t0) / 1e9);
        client.close();

        S3Objects objects = new S3Objects(s3.endpoint(), BUCKET);
        keys = objects.keys("lake/");
        pendingUploads = objects.pendingUploads("lake/");
        lake = dir.resolve("downloaded");
        objects.download("lake/", lake);
    }

    /** The job's keys for S3Mock. */
    private static Map<String, String> s3Access() {
        return Map.of("s3.endpoint", s3.endpoint(), "s3.access.key", S3MockServer.ACCESS_KEY,
                "s3.secret.key", S3MockServer.SECRET_KEY, "s3.path.style.access", "true");
    }

    @AfterAll
    static void stopServers() {
        if (kinesis != null) {
            kinesis.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    /** A backfill into S3: the rollup after the input lists and reads the run's invocation files on S3. */
    @Test
    void aBoundedRunIntoS3WritesItsHourlyRollupThere() throws Exception {
        LocalRunner.run(JobConfig.defaults().with(s3Access()).with(Map.of(
                "generator.count", "1500", "output.path", "s3://" + BUCKET + "/backfill",
                "checkpoint.interval", "1s", "checkpoint.dir", dir.resolve("backfill-checkpoints").toString())));
        Path backfill = dir.resolve("backfill");
        new S3Objects(s3.endpoint(), BUCKET).download("backfill/", backfill);
        try (DuckLake db = new DuckLake(backfill)) {
            assertThat(db.count("SELECT count(*) FROM invocations")).isEqualTo(1500);
            assertThat(db.count("SELECT sum(invocations) FROM tenant_hourly")).isEqualTo(1500);
            assertThat((BigDecimal) db.value("SELECT sum(total_cost) FROM tenant_hourly"))
                    .isEqualTo((BigDecimal) db.value("SELECT sum(total_cost) FROM invocations"));
        }
    }

    /**
     * {@code restate} against an s3:// lake with an s3:// price table: the generator's unpriced model
     * gets its price; the adjustments and tenant_hourly's ADJUSTMENT rows land in the S3 lake, the lock
     * marker is gone afterwards, and a second restate adds nothing.
     */
    @Test
    void restateAgainstAnS3LakeWritesItsAdjustmentsThere() throws Exception {
        String root = "s3://" + BUCKET + "/restated";
        LocalRunner.run(JobConfig.defaults().with(s3Access()).with(Map.of(
                "generator.count", "3000", "output.path", root,
                "checkpoint.interval", "1s", "checkpoint.dir", dir.resolve("restated-checkpoints").toString())));
        Path table = dir.resolve("restate-table/pricing");
        RestateCommandTest.copyBuiltInTable(table);
        Files.writeString(table.resolve("writer.csv"), RestateCommandTest.PALMYRA_ROW);
        S3Objects objects = new S3Objects(s3.endpoint(), BUCKET);
        try (Stream<Path> files = Files.walk(table)) {
            for (Path f : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                objects.put("restate-pricing/" + table.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
            }
        }
        List<String> args = new ArrayList<>(List.of("restate", "--lake", root, "--pricing", "s3://" + BUCKET + "/restate-pricing/", "--quiet"));
        s3Access().forEach((k, v) -> args.addAll(List.of("--" + k, v)));
        for (int i = 0; i < 2; i++) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.PrintStream print = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
            assertThat(com.bedrockcost.cli.Main.run(args.toArray(new String[0]), print, print)).as(out.toString()).isZero();
            assertThat(out.toString()).contains(i == 0 ? "adjustments to " + root + "/adjustments" : "Nothing to write");
        }
        assertThat(objects.keys("restated/_bedrock-cost-stream.lock")).as("the lock is released").isEmpty();
        Path local = dir.resolve("restated");
        objects.download("restated/", local);
        try (DuckLake db = new DuckLake(local)) {
            long unpriced = db.count("SELECT count(*) FROM invocations WHERE model = '" + RestateCommandTest.UNPRICED_MODEL
                    + "' AND pricing_status = 'UNPRICED'");
            assertThat(unpriced).isGreaterThan(5);
            assertThat(db.count("SELECT count(*) FROM adjustments WHERE reason = 'PRICED_LATE'")).isEqualTo(unpriced);
            assertThat(db.count("SELECT count(*) FROM adjustments")).isEqualTo(unpriced);
            assertThat((BigDecimal) db.value("SELECT sum(total_cost) FROM tenant_hourly")).isEqualByComparingTo((BigDecimal) db.value(
                    "SELECT (SELECT sum(total_cost) FROM invocations) + (SELECT sum(total_cost_delta) FROM adjustments)"));
        }
    }

    /**
     * A backfill from files that overlaps what the stream already wrote into the S3 lake: only the
     * invocations not there yet are written, the others are counted, and each request id is in the
     * lake once.
     */
    @Test
    void aBackfillOverlappingWhatTheStreamWroteAddsOnlyTheRest() throws Exception {
        int more = 2000;
        // Every record the stream carried (the same records again, as a backfill over the S3 logs reads them), and some more.
        LogGenerator gen = new LogGenerator(7, INVOCATIONS, 60, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofDays(2));
        LogGenerator newer = new LogGenerator(5007, more, 60, Instant.parse("2026-11-02T00:00:00Z"), Duration.ofDays(2));
        Path input = Files.createDirectories(dir.resolve("backfill-input")).resolve("logs.jsonl");
        List<String> lines = new ArrayList<>();
        for (long i = 0; i < INVOCATIONS; i++) {
            lines.add(gen.recordText(i));
        }
        for (long i = 0; i < more; i++) {
            lines.add(newer.recordText(i));
        }
        Files.write(input, lines, StandardCharsets.UTF_8);
        String root = "s3://" + BUCKET + "/lake";
        Long alreadyInLake;
        try (LakeLock lock = LakeLock.acquire(root, JobConfig.defaults().with(s3Access()))) {
            assertThatThrownBy(() -> LakeLock.acquire(root, JobConfig.defaults().with(s3Access()))).as("a second run into the same S3 lake")
                    .isInstanceOf(LakeLock.HeldException.class)
                    .hasMessageContaining("Another run is writing to " + root)
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
            alreadyInLake = LocalRunner.run(JobConfig.defaults().with(s3Access()).with(Map.of(
                    "input.path", input.toString(), "output.path", root, "checkpoint.interval", "1s",
                    "checkpoint.dir", dir.resolve("backfill-checkpoints").toString()))).getAccumulatorResult(LakeRequestIds.ACCUMULATOR);
        }
        assertThat(alreadyInLake).as("invocations the stream had written already").isEqualTo((long) INVOCATIONS);
        Path after = dir.resolve("after-backfill");
        new S3Objects(s3.endpoint(), BUCKET).download("lake/", after);
        try (DuckLake db = new DuckLake(after)) {
            List<String> ids = db.rows("SELECT request_id FROM invocations").stream()
                    .map(r -> (String) r.get("request_id")).collect(Collectors.toList());
            assertThat(ids).doesNotHaveDuplicates();
            Set<String> generated = new HashSet<>();
            for (String line : lines) {
                generated.add(requestId(line));
            }
            assertThat(generated).as("distinct request ids of the input").hasSize(INVOCATIONS + more);
            assertThat(ids.stream().filter(generated::contains).count()).as("of them in the lake").isEqualTo(INVOCATIONS + more);
        }
    }

    /** The file reader on s3:// (Flink's S3 file system): the shapes are told by content, the layout by path, as on a local disk. */
    @Test
    void everyShapeIsReadFromS3UnderAPrefixNamedData() throws Exception {
        List<String> recs = new ArrayList<>(LogShapes.DOMAIN_EXAMPLES);
        LogGenerator gen = new LogGenerator(23, 40, 5, Instant.parse("2026-03-14T00:00:00Z"), Duration.ofDays(1));
        for (int i = 0; i < 40; i++) {
            recs.add(gen.recordText(i));
        }
        S3Objects objects = new S3Objects(s3.endpoint(), BUCKET);
        String hour = "data/AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/03/14/09/";
        objects.put(hour + "part.json.gz", LogShapes.nativeDelivery(recs.subList(0, 10)));
        objects.put(hour + "data/0f3c2a8e-7f41-4c55-9a0e-2b1d6c9e4a10_input.json.gz", Envelopes.gzip("{\"messages\":[]}"));
        objects.put("data/firehose/bedrock-logs-1-2026-03-14-09-21-07-6b0d4c1e", LogShapes.firehoseArchive(recs.subList(10, 30), 6));
        objects.put("data/exportedlogs/t1/aws/bedrock/modelinvocations/000000.gz", LogShapes.cloudWatchExport(recs.subList(30, recs.size())));
        LocalRunner.initFileSystems(JobConfig.defaults().with(s3Access()));
        List<String> lines = new ArrayList<>();
        List<RawInput> other = new ArrayList<>();
        try (LogRecords in = LogRecords.files("s3://" + BUCKET + "/data")) {
            while (in.hasNext()) {
                RawInput r = in.next();
                if (r.kind == RawInput.Kind.LOG_LINE) {
                    lines.add(new String(r.payload, StandardCharsets.UTF_8));
                } else {
                    other.add(r);
                }
            }
        }
        List<String> expected = new ArrayList<>(recs);
        expected.add(LogShapes.PERMISSION_EVENT); // the export's first event: the decoder skips it
        assertThat(lines).containsExactlyInAnyOrderElementsOf(expected);
        // the large body, and the archive's control message
        assertThat(other).extracting(r -> r.kind).containsExactly(RawInput.Kind.SKIPPED, RawInput.Kind.SKIPPED);
    }

    @Test
    void everyInvocationIsInTheLakeOnceWithItsTokens() throws Exception {
        try (DuckLake db = new DuckLake(lake)) {
            List<Map<String, Object>> rows = db.rows(
                    "SELECT request_id, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens FROM invocations");
            List<String> ids = rows.stream().map(r -> (String) r.get("request_id")).collect(Collectors.toList());
            assertThat(ids).doesNotHaveDuplicates();
            Set<String> replayed = new HashSet<>(ids);
            replayed.removeAll(truncatedIds);
            assertThat(replayed).hasSize(INVOCATIONS).containsExactlyInAnyOrderElementsOf(expectedTokens.keySet());
            Map<String, long[]> actual = new HashMap<>();
            for (Map<String, Object> r : rows) {
                actual.put((String) r.get("request_id"), new long[] {
                        ((Number) r.get("input_tokens")).longValue(), ((Number) r.get("output_tokens")).longValue(),
                        ((Number) r.get("cache_read_tokens")).longValue(), ((Number) r.get("cache_write_tokens")).longValue()});
            }
            for (Map.Entry<String, long[]> e : expectedTokens.entrySet()) {
                assertThat(actual.get(e.getKey())).as("tokens of %s", e.getKey()).containsExactly(e.getValue());
            }
        }
    }

    @Test
    void everyInvocationCostsWhatThePriceTableOnS3Says() throws Exception {
        Map<String, String> files = PriceLocation.of("s3://" + BUCKET + "/pricing").withUnits("s3://" + BUCKET + "/pricing-units").read();
        Map<String, String> builtIn = new java.util.TreeMap<>();
        PriceLocation.builtIn().read().forEach((name, content) -> builtIn.put(name.replace("pricing/units/", "pricing-units/"), content));
        assertThat(files).as("the price files the job read from S3 (the unit files from pricing-units/)").isEqualTo(builtIn);
        PriceTable table = PriceBook.empty().apply(files).book.table();
        try (DuckLake db = new DuckLake(lake)) {
            List<Map<String, Object>> rows = db.rows("SELECT " + LakeInvocations.PRICING_INPUT_COLUMNS + ", input_cost, output_cost,"
                    + " cache_read_cost, cache_write_cost, total_cost, pricing_status, price_source FROM invocations");
            int priced = 0;
            for (Map<String, Object> r : rows) {
                Invocation expected = LakeInvocations.unpriced(r);
                if (Pricer.price(expected, table)) {
                    priced++;
                }
                String id = (String) r.get("request_id");
                assertThat(r.get("pricing_status")).as(id).isEqualTo(expected.pricingStatus);
                assertThat(r.get("input_cost")).as(id).isEqualTo(expected.inputCost);
                assertThat(r.get("output_cost")).as(id).isEqualTo(expected.outputCost);
                assertThat(r.get("cache_read_cost")).as(id).isEqualTo(expected.cacheReadCost);
                assertThat(r.get("cache_write_cost")).as(id).isEqualTo(expected.cacheWriteCost);
                assertThat(r.get("total_cost")).as(id).isEqualTo(expected.totalCost);
                assertThat(r.get("price_source")).as(id).isEqualTo(expected.priceSource);
            }
            assertThat(priced).isGreaterThan(rows.size() * 9 / 10);
        }
    }

    @Test
    void noRecordIsLostOrDuplicatedAcrossTheReshardAndTheRestart() throws Exception {
        assertThat(injectedFailure).as("the job failed once mid-stream and restarted from its checkpoint").isTrue();
        assertThat(childShards).hasSize(2);
        try (DuckLake db = new DuckLake(lake)) {
            List<String> ids = db.rows("SELECT request_id FROM invocations").stream()
                    .map(r -> (String) r.get("request_id")).collect(Collectors.toList());
            List<String> afterSplit = ids.stream().filter(afterSplitIds::contains).collect(Collectors.toList());
            assertThat(afterSplit).doesNotHaveDuplicates().hasSize(afterSplitIds.size());
        }
    }

    @Test
    void malformedPayloadsAreInFailedAndControlMessagesAreNot() throws Exception {
        assertThat(controlMessages).isGreaterThan(10);
        try (DuckLake db = new DuckLake(lake)) {
            List<Map<String, Object>> failed = db.rows("SELECT source, error_type, raw_bytes FROM failed");
            assertThat(failed).extracting(r -> r.get("error_type")).containsExactlyInAnyOrder(
                    "NOT_GZIP", "NOT_GZIP", "NOT_GZIP", "TRUNCATED_GZIP", "TRUNCATED_GZIP");
            assertThat(failed).allSatisfy(r -> assertThat((String) r.get("source"))
                    .matches(STREAM + "/shardId-\\d{12}/\\d+.*"));
        }
    }

    @Test
    void onlyCompleteParquetFilesAreVisibleOnS3() {
        assertThat(keys).isNotEmpty();
        assertThat(keys).filteredOn(k -> !hidden(k)).allSatisfy(k -> assertThat(k)
                .matches("lake/(invocations|failed)/year=\\d{4}/month=\\d{2}/day=\\d{2}/part-[^/]+\\.parquet"));
        // Files open when the job failed were never checkpointed: their multipart uploads stay open
        // (invisible to readers; an S3 lifecycle rule aborts them). The clean stop leaves none of its own.
        assertThat(pendingUploads).as("uploads left open: at most the files open at the one failure")
                .hasSizeLessThanOrEqualTo(2 * 2 * 3);
    }

    /** Hidden from table readers: a name, or a folder (such as {@code _request_ids/}), starting with . or _. */
    private static boolean hidden(String key) {
        for (String part : key.split("/")) {
            if (part.startsWith(".") || part.startsWith("_")) {
                return true;
            }
        }
        return false;
    }

    private static LogRecords slice(LogGenerator gen, long from, long to) {
        LogRecords all = LogRecords.generator(gen);
        for (long i = 0; i < from; i++) {
            all.next();
        }
        return new LogRecords() {
            private long i = from;

            @Override
            public boolean hasNext() {
                return i < to;
            }

            @Override
            public RawInput next() {
                i++;
                return all.next();
            }

            @Override
            public void close() {}
        };
    }

    private static void splitFirstShard(KinesisClient client) throws InterruptedException {
        Shard shard = client.listShards(ListShardsRequest.builder().streamName(STREAM).build()).shards().get(0);
        BigInteger lo = new BigInteger(shard.hashKeyRange().startingHashKey());
        BigInteger hi = new BigInteger(shard.hashKeyRange().endingHashKey());
        client.splitShard(SplitShardRequest.builder().streamName(STREAM).shardToSplit(shard.shardId())
                .newStartingHashKey(lo.add(hi).shiftRight(1).toString()).build());
        while (client.describeStreamSummary(DescribeStreamSummaryRequest.builder().streamName(STREAM).build())
                .streamDescriptionSummary().streamStatus() != StreamStatus.ACTIVE) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String requestId(String record) {
        try {
            return JSON.readTree(record).get("requestId").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The record's own token counts, read independently of the job's decoder. */
    private static long[] tokens(String record) {
        try {
            JsonNode n = JSON.readTree(record);
            return new long[] {
                    n.path("input").path("inputTokenCount").asLong(), n.path("output").path("outputTokenCount").asLong(),
                    n.path("input").path("cacheReadInputTokenCount").asLong(), n.path("input").path("cacheWriteInputTokenCount").asLong()};
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Kinesis input, made to fail once after a checkpoint has completed and records have flowed since. */
    private static StreamFactory<RawInput> failingOnceMidStream(StreamFactory<RawInput> input) {
        return env -> input.create(env).map(new FailOnce()).uid("test-fail-once").name("fail-once");
    }

    static final class FailOnce implements MapFunction<RawInput, RawInput>, CheckpointListener {
        private static final long serialVersionUID = 1L;
        private static final AtomicInteger seenAfterCheckpoint = new AtomicInteger();
        private transient boolean checkpointed;

        @Override
        public RawInput map(RawInput in) {
            if (checkpointed && seenAfterCheckpoint.incrementAndGet() == 40 && injectedFailure.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after a completed checkpoint");
            }
            return in;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointed = true;
        }
    }
}
