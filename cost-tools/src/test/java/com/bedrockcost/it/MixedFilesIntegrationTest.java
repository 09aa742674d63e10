package com.bedrockcost.it;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.testutil.DuckLake;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real pipeline on a MiniCluster over a folder of good and malformed files, plain and gzip:
 * every good record lands in {@code invocations} exactly once, every malformed input in
 * {@code failed} with a stable error type, and nothing else.
 */
class MixedFilesIntegrationTest {
    private static final Pattern REQUEST_ID = Pattern.compile("\"requestId\":\"([^\"]+)\"");
    @TempDir static Path dir;
    static Path lake;
    static final Set<String> expectedIds = new HashSet<>();
    static final Set<String> truncatedFileIds = new HashSet<>();
    static int firstMemberCount;

    /** Example (a) of the domain notes: Sonnet 4.5 through the us. geo profile with cache reads. */
    static final String EXAMPLE_A = "{\"schemaType\":\"ModelInvocationLog\",\"schemaVersion\":\"1.0\","
            + "\"timestamp\":\"2026-03-14T09:21:07Z\",\"accountId\":\"111122223333\","
            + "\"identity\":{\"arn\":\"arn:aws:sts::111122223333:assumed-role/app-backend/i-0abc12de\"},"
            + "\"region\":\"us-east-1\",\"requestId\":\"0f3c2a8e-7f41-4c55-9a0e-2b1d6c9e4a10\",\"operation\":\"Converse\","
            + "\"modelId\":\"us.anthropic.claude-sonnet-4-5-20250929-v1:0\",\"input\":{\"inputContentType\":\"application/json\","
            + "\"inputBodyJson\":{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Summarise ticket 4711\"}]}]},"
            + "\"inputTokenCount\":412,\"cacheReadInputTokenCount\":3072,\"cacheWriteInputTokenCount\":0},"
            + "\"output\":{\"outputContentType\":\"application/json\",\"outputBodyJson\":{\"stopReason\":\"end_turn\","
            + "\"metrics\":{\"latencyMs\":2315}},\"outputTokenCount\":187},"
            + "\"requestMetadata\":{\"tenantId\":\"acme-co\",\"feature\":\"ticket-summary\"},\"inferenceRegion\":\"us-east-2\"}";

    @BeforeAll
    static void runJob() throws Exception {
        Path input = dir.resolve("logs/AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/11/01/00");
        Files.createDirectories(input);
        LogGenerator gen = new LogGenerator(11, 1000, 40, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofDays(2));

        // Plain JSON lines with malformed lines in between, Windows line endings.
        List<String> plain = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            plain.add(gen.recordText(i));
            if (i == 100) {
                plain.add("this is not json");
            }
            if (i == 150) {
                plain.add(EXAMPLE_A);
            }
            if (i == 200) {
                plain.add("{\"schemaType\":\"ModelInvocationLog\",\"timestamp\":\"2026-11-01T00:00:00Z\",\"operation\":\"Converse\"}");
            }
        }
        Files.write(input.resolve("a.jsonl"), String.join("\r\n", plain).concat("\r\n").getBytes(StandardCharsets.UTF_8));
        expectedIds.add("0f3c2a8e-7f41-4c55-9a0e-2b1d6c9e4a10");
        ids(plain, expectedIds);

        // Gzip of two concatenated members; it repeats record 0 (a duplicate delivery counts once).
        List<String> g1 = lines(gen, 300, 500);
        List<String> g2 = lines(gen, 500, 700);
        g2.add(gen.recordText(0));
        ByteArrayOutputStream twoMembers = new ByteArrayOutputStream();
        twoMembers.write(gzip(g1));
        twoMembers.write(gzip(g2));
        Files.write(input.resolve("b.json.gz"), twoMembers.toByteArray());
        ids(g1, expectedIds);
        ids(g2, expectedIds);

        // Gzip cut off inside its second member: the complete first member must survive.
        List<String> t1 = lines(gen, 700, 800);
        List<String> t2 = lines(gen, 800, 900);
        byte[] second = gzip(t2);
        ByteArrayOutputStream cut = new ByteArrayOutputStream();
        cut.write(gzip(t1));
        cut.write(second, 0, second.length / 2);
        Files.write(input.resolve("c.json.gz"), cut.toByteArray());
        ids(t1, truncatedFileIds);
        firstMemberCount = t1.size();
        ids(t2, truncatedFileIds);

        // Objects Bedrock writes next to the logs that are not logs.
        Files.createDirectories(input.resolve("data"));
        Files.write(input.resolve("data/" + "x_input.json.gz"), gzip(List.of("{\"messages\":[]}")));
        Files.write(dir.resolve("logs/amazon-bedrock-logs-permission-check"), "check".getBytes(StandardCharsets.UTF_8));

        lake = dir.resolve("lake");
        LocalRunner.run(JobConfig.defaults().with(Map.of(
                "input.path", dir.resolve("logs").toString(), "output.path", lake.toString(),
                "checkpoint.interval", "1s", "job.parallelism", "2")));
    }

    private static List<String> lines(LogGenerator gen, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(gen.recordText(i));
        }
        return out;
    }

    private static void ids(List<String> lines, Set<String> into) {
        for (String l : lines) {
            Matcher m = REQUEST_ID.matcher(l);
            if (m.find()) {
                into.add(m.group(1));
            }
        }
    }

    private static byte[] gzip(List<String> lines) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            for (String l : lines) {
                out.write(l.getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void everyGoodRecordIsInInvocationsExactlyOnce() throws Exception {
        try (DuckLake db = new DuckLake(lake)) {
            List<String> rows = db.rows("SELECT request_id FROM invocations").stream()
                    .map(r -> (String) r.get("request_id")).collect(Collectors.toList());
            assertThat(rows).doesNotHaveDuplicates();
            Set<String> fromGoodFiles = new HashSet<>(rows);
            fromGoodFiles.removeAll(truncatedFileIds);
            assertThat(fromGoodFiles).containsExactlyInAnyOrderElementsOf(expectedIds);
        }
    }

    @Test
    void costsAreExactToTheLastDecimal() throws Exception {
        try (DuckLake db = new DuckLake(lake)) {
            Map<String, Object> r = db.rows("SELECT CAST(input_cost AS VARCHAR) i, CAST(output_cost AS VARCHAR) o, "
                    + "CAST(cache_read_cost AS VARCHAR) cr, CAST(total_cost AS VARCHAR) t, pricing_status, tenant_id, model, "
                    + "profile_scope, latency_ms FROM invocations WHERE request_id = '0f3c2a8e-7f41-4c55-9a0e-2b1d6c9e4a10'").get(0);
            // 412 × 3.30 + 3072 × 0.33 + 187 × 16.50 per million tokens (us. geo price of Sonnet 4.5).
            assertThat(r).containsEntry("i", "0.001359600000").containsEntry("cr", "0.001013760000")
                    .containsEntry("o", "0.003085500000").containsEntry("t", "0.005458860000")
                    .containsEntry("pricing_status", "PRICED").containsEntry("tenant_id", "acme-co")
                    .containsEntry("model", "anthropic.claude-sonnet-4-5-20250929-v1:0").containsEntry("profile_scope", "geo")
                    .containsEntry("latency_ms", 2315L);
        }
    }

    @Test
    void aCutGzipKeepsEveryCompleteRecordBeforeTheDamage() throws Exception {
        try (DuckLake db = new DuckLake(lake)) {
            Set<String> rows = db.rows("SELECT request_id FROM invocations").stream()
                    .map(r -> (String) r.get("request_id")).collect(Collectors.toSet());
            rows.retainAll(truncatedFileIds);
            assertThat(rows.size()).isGreaterThanOrEqualTo(firstMemberCount).isLessThan(truncatedFileIds.size());
        }
    }

    @Test
    void malformedInputIsInFailedWithAStableType() throws Exception {
        try (DuckLake db = new DuckLake(lake)) {
            List<Map<String, Object>> failed = db.rows("SELECT source, error_type, error_message, raw, raw_bytes FROM failed ORDER BY source");
            assertThat(failed).extracting(r -> r.get("error_type"))
                    .containsExactlyInAnyOrder("NOT_JSON", "MISSING_REQUEST_ID", "TRUNCATED_GZIP");
            assertThat(failed).filteredOn(r -> r.get("error_type").equals("NOT_JSON"))
                    .singleElement().satisfies(r -> {
                        assertThat((String) r.get("source")).endsWith("a.jsonl:102");
                        assertThat(r.get("raw")).isEqualTo("this is not json");
                        assertThat(((Number) r.get("raw_bytes")).longValue()).isEqualTo(16);
                    });
            assertThat(failed).filteredOn(r -> r.get("error_type").equals("TRUNCATED_GZIP"))
                    .singleElement().satisfies(r -> assertThat((String) r.get("source")).contains("c.json.gz"));
        }
    }
}
