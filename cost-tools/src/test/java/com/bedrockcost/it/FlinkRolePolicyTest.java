package com.bedrockcost.it;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.LogRecords;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.KinesisConnection;
import com.bedrockcost.ingest.KinesisReplay;
import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.localcloud.Kinesalite;
import com.bedrockcost.localcloud.LocalCloud;
import com.bedrockcost.localcloud.S3MockServer;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.pricing.PriceBook;
import com.bedrockcost.pricing.PriceLocation;
import com.bedrockcost.pricing.PriceTable;
import com.bedrockcost.pricing.Pricer;
import com.bedrockcost.testutil.DuckLake;
import com.bedrockcost.testutil.LakeInvocations;
import com.bedrockcost.testutil.PolicyFront;
import com.bedrockcost.testutil.S3Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.KinesisClient;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Flink role's IAM policy, as Terraform generates it (terraform/tests/flink-policy.js evaluates
 * terraform/app.tf offline), put in front of S3Mock and kinesalite ({@link PolicyFront}), and the job
 * run against it as on MSF: the Kinesis input (KinesisStreamsSource and the job's preflight), prices
 * watched under the pricing prefix, the tenant mapping file, the lake written through the real
 * flink-s3-fs-hadoop plugin (multipart uploads committed on checkpoints), a stop with a savepoint.
 * Every S3 and Kinesis call the job makes must be allowed, and a policy narrowed back to
 * {@code pricing/*} denies the job's own calls. The job makes no Glue calls (Glue is Athena's).
 */
class FlinkRolePolicyTest {
    /** As Terraform builds them (main.tf: lake_uri, pricing_uri; variables lake_prefix, pricing_prefix). */
    private static final String BUCKET = "policy-lake";
    private static final String LAKE = "s3://" + BUCKET + "/lake";
    private static final String PRICES = "s3://" + BUCKET + "/pricing/";
    private static final String UNIT_PRICES = "s3://" + BUCKET + "/pricing-units/";
    private static final String MAPPING_KEY = "config/tenant-mapping.csv";
    private static final int INVOCATIONS = 2_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAM = "policy-logs";
    private static final String STREAM_ARN = Kinesalite.streamArn(STREAM);
    private static final Set<String> requestIds = new HashSet<>();

    @TempDir static Path dir;
    static Path root;
    static S3MockServer s3;
    static PolicyFront front;
    static Kinesalite kinesis;
    static PolicyFront kinesisFront;
    static Path lake;

    @BeforeAll
    static void runTheJobBehindThePolicy() throws Exception {
        long t0 = System.nanoTime();
        root = Paths.get(System.getProperty("project.root", ".."));
        s3 = S3MockServer.launch(Paths.get(System.getProperty("s3mock.jar")), dir.resolve("s3"), List.of(BUCKET));
        kinesis = Kinesalite.start(root.resolve("tools/local-cloud"), System.out);
        JsonNode policy = terraformPolicy(root.resolve("terraform"));
        s3.awaitReady(Duration.ofSeconds(120));
        S3Objects direct = new S3Objects(s3.endpoint(), BUCKET);
        // What Terraform uploads (lake.tf: aws_s3_object.pricing, .pricing_units beside it, .tenant_mapping).
        for (String[] folder : new String[][] {{"", "pricing/"}, {"units/", "pricing-units/"}}) {
            try (Stream<Path> csv = Files.list(root.resolve("pricing/" + folder[0]))) {
                for (Path f : csv.filter(p -> p.toString().endsWith(".csv")).collect(Collectors.toList())) {
                    direct.put(folder[1] + f.getFileName(), Files.readAllBytes(f));
                }
            }
        }
        direct.put(MAPPING_KEY, ("profile_arn,model_id,profile_scope,tenant\n"
                + "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6,"
                + "anthropic.claude-3-haiku-20240307-v1:0,in-region,policy-team\n").getBytes(StandardCharsets.UTF_8));
        System.out.printf("S3Mock, kinesalite and the policy ready after %.1f s%n", (System.nanoTime() - t0) / 1e9);
        front = new PolicyFront(policy, s3.endpoint());
        kinesisFront = new PolicyFront(policy, kinesis.endpoint());

        KinesisConnection stream = new KinesisConnection(STREAM_ARN, Kinesalite.REGION, kinesis.endpoint(), "k", "k");
        LogGenerator gen = new LogGenerator(11, INVOCATIONS, 40, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofDays(1));
        try (KinesisClient client = stream.client(Duration.ofSeconds(30))) {
            LocalCloud.createStream(client, STREAM, 2);
            new KinesisReplay(client, STREAM_ARN, new KinesisReplay.Options(), System.out).replay(LogRecords.generator(gen));
        }
        for (long i = 0; i < INVOCATIONS; i++) {
            requestIds.add(JSON.readTree(gen.recordText(i)).get("requestId").asText());
        }

        // The Kinesis input is unbounded as on MSF, so the price folder is watched too. The job reaches
        // S3 and Kinesis through the fronts. Checkpoints stay on local disk: on MSF the service stores them.
        JobConfig config = JobConfig.defaults().with(Map.ofEntries(
                Map.entry("kinesis.stream.arn", STREAM_ARN),
                Map.entry("kinesis.endpoint", kinesisFront.endpoint()),
                Map.entry("kinesis.access.key", "k"),
                Map.entry("kinesis.secret.key", "k"),
                Map.entry("output.path", LAKE),
                Map.entry("pricing.path", PRICES),
                Map.entry("pricing.units.path", UNIT_PRICES),
                Map.entry("pricing.watch.interval", "1s"),
                Map.entry("tenant.mapping.path", "s3://" + BUCKET + "/" + MAPPING_KEY),
                Map.entry("s3.endpoint", front.endpoint()),
                Map.entry("s3.access.key", S3MockServer.ACCESS_KEY),
                Map.entry("s3.secret.key", S3MockServer.SECRET_KEY),
                Map.entry("s3.path.style.access", "true"),
                Map.entry("checkpoint.interval", "1s"),
                Map.entry("checkpoint.dir", dir.resolve("checkpoints").toString())));
        System.out.printf("stream filled after %.1f s%n", (System.nanoTime() - t0) / 1e9);
        JobClient job = LocalRunner.start(config);
        lake = dir.resolve("lake");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (committed(direct) < requestIds.size()) {
            assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("job still running").isFalse();
            assertThat(System.nanoTime()).as("all invocations committed in time; denied so far: %s", front.denied()).isLessThan(deadline);
            TimeUnit.SECONDS.sleep(1);
        }
        System.out.printf("all committed after %.1f s%n", (System.nanoTime() - t0) / 1e9);
        LocalCloud.stopWithSavepoint(job, dir.resolve("savepoints"));
        System.out.printf("job run behind the policy fronts in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    private static long committed(S3Objects direct) throws Exception {
        if (lake != null && Files.exists(lake)) {
            try (Stream<Path> files = Files.walk(lake)) {
                for (Path p : files.sorted((a, b) -> b.compareTo(a)).collect(Collectors.toList())) {
                    Files.delete(p);
                }
            }
        }
        if (direct.download("lake/", lake) == 0 || !Files.isDirectory(lake.resolve("invocations"))) {
            return 0;
        }
        try (DuckLake db = new DuckLake(lake)) {
            return db.count("SELECT count(*) FROM invocations");
        } catch (Exception e) {
            return 0;
        }
    }

    @AfterAll
    static void stop() {
        if (front != null) {
            front.close();
        }
        if (kinesisFront != null) {
            kinesisFront.close();
        }
        if (kinesis != null) {
            kinesis.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void everyS3CallTheJobMakesIsAllowedByTheTerraformPolicy() {
        System.out.println("S3 calls the job made, all allowed:\n  " + String.join("\n  ", PolicyFront.summary(front.allowed())));
        assertThat(front.denied()).as("S3 calls the Flink role's policy denies").isEmpty();
        assertThat(PolicyFront.summary(front.allowed())).as("the job read prices and the mapping, and wrote the lake with multipart uploads")
                .contains("s3:GetObject arn:aws:s3:::" + BUCKET + "/" + MAPPING_KEY,
                        "s3:ListBucket arn:aws:s3:::" + BUCKET + " prefix=pricing/")
                .anyMatch(c -> c.startsWith("s3:GetObject arn:aws:s3:::" + BUCKET + "/pricing/") && c.endsWith(".csv"))
                .anyMatch(c -> c.startsWith("s3:PutObject arn:aws:s3:::" + BUCKET + "/lake/invocations/year=*/month=*/day=*/part-*"));
        System.out.println("Kinesis calls the job made, all allowed:\n  " + String.join("\n  ", PolicyFront.summary(kinesisFront.allowed())));
        assertThat(kinesisFront.denied()).as("Kinesis calls the Flink role's policy denies").isEmpty();
        assertThat(PolicyFront.summary(kinesisFront.allowed())).as("the job listed the shards and read records of the stream")
                .contains("kinesis:ListShards " + STREAM_ARN, "kinesis:GetShardIterator " + STREAM_ARN, "kinesis:GetRecords " + STREAM_ARN);
    }

    @Test
    void everyInvocationIsInTheLakeOncePricedFromTheTableOnS3() throws Exception {
        PriceTable table = PriceBook.empty().apply(PriceLocation.builtIn().read()).book.table();
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(DISTINCT request_id) FROM invocations")).isEqualTo(requestIds.size());
            assertThat(db.count("SELECT count(*) FROM invocations")).as("each request once").isEqualTo(requestIds.size());
            List<Map<String, Object>> rows = db.rows("SELECT " + LakeInvocations.PRICING_INPUT_COLUMNS + ", total_cost, pricing_status FROM invocations");
            long priced = 0;
            for (Map<String, Object> r : rows) {
                Invocation expected = LakeInvocations.unpriced(r);
                if (Pricer.price(expected, table)) {
                    priced++;
                }
                assertThat(r.get("pricing_status")).as((String) r.get("request_id")).isEqualTo(expected.pricingStatus);
                assertThat(r.get("total_cost")).as((String) r.get("request_id")).isEqualTo(expected.totalCost);
            }
            assertThat(priced).as("invocations priced from the table on S3").isGreaterThan(requestIds.size() * 9L / 10);
        }
    }

    /** The mutant of issue 19: ReadPriceTable narrowed back to pricing/* denies calls the job made above. */
    @Test
    void aPolicyWithoutThePriceFolderKeyDeniesTheJobsOwnCalls() throws Exception {
        Path mutant = Files.createDirectories(dir.resolve("mutant"));
        try (Stream<Path> tf = Files.list(root.resolve("terraform"))) {
            for (Path f : tf.filter(p -> p.toString().endsWith(".tf")).collect(Collectors.toList())) {
                Files.copy(f, mutant.resolve(f.getFileName()));
            }
        }
        Path app = mutant.resolve("app.tf");
        String text = Files.readString(app);
        String folderKey = "      \"${aws_s3_bucket.this[\"lake\"].arn}/${var.pricing_prefix}\",\n";
        assertThat(text).as("app.tf grants the price folder key").contains(folderKey);
        Files.writeString(app, text.replace(folderKey, ""));
        JsonNode narrowed = terraformPolicy(mutant);
        List<PolicyFront.Call> denied = new ArrayList<>();
        for (PolicyFront.Call c : front.allowed()) {
            if (!PolicyFront.allows(narrowed, c)) {
                denied.add(c);
            }
        }
        assertThat(denied).as("calls of this run the narrowed policy denies")
                .anyMatch(c -> c.action.equals("s3:GetObject") && c.resource.equals("arn:aws:s3:::" + BUCKET + "/pricing"));
    }

    /** The Flink role's statements, evaluated by Terraform from {@code module} (with a tenant mapping key set). */
    static JsonNode terraformPolicy(Path module) throws IOException, InterruptedException {
        Path script = root.resolve("terraform/tests/flink-policy.js");
        assertThat(root.resolve("terraform/tests/node_modules/@cdktf/hcl2json")).as("npm ci in terraform/tests (see .ci/run)").exists();
        Process p = new ProcessBuilder("node", script.toString(), "--module", module.toString(), "--lake-bucket", BUCKET, "--stream-arn", STREAM_ARN,
                "--var", "tenant_mapping_key=" + MAPPING_KEY).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("flink-policy.js exit status").isZero();
        return JSON.readTree(out);
    }
}
