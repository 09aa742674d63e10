package com.bedrockcost.it;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.KinesisConnection;
import com.bedrockcost.localcloud.Kinesalite;
import com.bedrockcost.localcloud.LocalCloud;
import com.bedrockcost.testutil.DuckLake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.KinesisClient;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Record;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alerts stream on kinesalite delivers the same alerts as the lake's {@code alerts} table, each
 * as JSON with a readable message. Also measures, with processing time, how long after its crossing
 * invocation entered the job (its {@code ingest_time}) each alert was readable from the stream, at the
 * default checkpoint interval: the stream does not wait for checkpoints. Printed, not asserted.
 */
class BudgetAlertsKinesisTest {
    private static final String STREAM = "budget-alerts-it";

    @TempDir Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void theAlertsStreamDeliversTheAlertsOfTheLake() throws Exception {
        Path root = Paths.get(System.getProperty("project.root", ".."));
        try (Kinesalite kinesis = Kinesalite.start(root.resolve("tools/local-cloud"), System.out)) {
            KinesisConnection stream = new KinesisConnection(Kinesalite.streamArn(STREAM), Kinesalite.REGION, kinesis.endpoint(), "k", "k");
            KinesisClient client = stream.client(Duration.ofSeconds(30));
            LocalCloud.createStream(client, STREAM, 1);
            Path budgets = Files.writeString(dir.resolve("budgets.csv"), BudgetAlertsRunTest.BUDGETS);
            Path lake = dir.resolve("lake");
            JobConfig config = JobConfig.defaults().with(Map.of(
                    "output.path", lake.toString(), "budgets.path", budgets.toString(),
                    "budgets.alerts.stream.arn", stream.streamArn(), "kinesis.endpoint", kinesis.endpoint(),
                    "kinesis.access.key", "k", "kinesis.secret.key", "k",
                    "generator.count", "3000", "generator.rate", "300",
                    "checkpoint.dir", dir.resolve("checkpoints").toString()));
            assertThat(config.get(JobConfig.CHECKPOINT_INTERVAL)).as("the default checkpoint interval").isEqualTo(Duration.ofSeconds(10));

            String shard = client.listShards(ListShardsRequest.builder().streamName(STREAM).build()).shards().get(0).shardId();
            String iterator = client.getShardIterator(GetShardIteratorRequest.builder().streamName(STREAM).shardId(shard)
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON).build()).shardIterator();
            Map<String, Long> arrivedAt = new TreeMap<>();
            List<JsonNode> received = new ArrayList<>();
            ObjectMapper json = new ObjectMapper();

            JobClient job = LocalRunner.start(config);
            // The local environment shuts its cluster down when the job ends: ask the result, not the status.
            CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            boolean ended = false;
            // Keep reading until the job has ended and the stream has nothing more.
            while (System.nanoTime() < deadline) {
                GetRecordsResponse r = client.getRecords(GetRecordsRequest.builder().shardIterator(iterator).limit(1000).build());
                long now = System.currentTimeMillis();
                for (Record rec : r.records()) {
                    JsonNode a = json.readTree(rec.data().asByteArray());
                    received.add(a);
                    arrivedAt.putIfAbsent(a.get("alert_id").asText(), now);
                }
                iterator = r.nextShardIterator();
                if (r.records().isEmpty()) {
                    if (ended) {
                        break;
                    }
                    ended = result.isDone();
                    Thread.sleep(50);
                }
            }
            result.get(1, TimeUnit.MINUTES);

            try (DuckLake db = new DuckLake(lake)) {
                TreeSet<String> inLake = new TreeSet<>();
                db.rows("SELECT alert_id FROM alerts").forEach(r -> inLake.add((String) r.get("alert_id")));
                assertThat(inLake).as("alerts in the lake").hasSizeGreaterThan(10);
                assertThat(arrivedAt.keySet()).as("alert ids from the stream").isEqualTo(inLake);
                System.out.printf("%d alerts in the lake, %d records on the stream (%d distinct)%n",
                        inLake.size(), received.size(), arrivedAt.size());

                JsonNode first = received.get(0);
                Map<String, Object> row = db.rows("SELECT alert_type, tenant_id, period, CAST(threshold_pct AS VARCHAR) AS pct,"
                        + " CAST(spend_usd AS VARCHAR) AS spend, request_id FROM alerts WHERE alert_id = '" + first.get("alert_id").asText() + "'").get(0);
                assertThat(first.get("tenant_id").asText()).isEqualTo(row.get("tenant_id"));
                assertThat(first.get("request_id").asText()).isEqualTo(row.get("request_id"));
                assertThat(first.get("message").asText()).startsWith(row.get("tenant_id") + " reached ");

                // Latency: the crossing invocation entered the job at its ingest_time; the alert was read at arrivedAt.
                List<Long> latencies = new ArrayList<>();
                for (Map<String, Object> r : db.rows("SELECT a.alert_id, epoch_ms(i.ingest_time) AS ingested FROM alerts a"
                        + " JOIN invocations i USING (request_id)")) {
                    latencies.add(arrivedAt.get((String) r.get("alert_id")) - ((Number) r.get("ingested")).longValue());
                }
                Collections.sort(latencies);
                System.out.printf("Alert latency, invocation entering the job -> alert read from the stream (checkpoint interval %s): "
                                + "n=%d, median %d ms, p90 %d ms, max %d ms%n", config.get(JobConfig.CHECKPOINT_INTERVAL), latencies.size(),
                        latencies.get(latencies.size() / 2), latencies.get(latencies.size() * 9 / 10), latencies.get(latencies.size() - 1));
                assertThat(latencies).hasSize(inLake.size());
            }
        }
    }
}
