package com.bedrockcost.it;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.model.FileShape;
import com.bedrockcost.model.FileSkip;
import com.bedrockcost.parse.InputAccounting;
import com.bedrockcost.testutil.DuckLake;
import com.bedrockcost.testutil.Envelopes;
import com.bedrockcost.testutil.LogShapes;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real pipeline on a MiniCluster over one folder mixing every shape of Bedrock logs, under a
 * parent folder named {@code data}, next to Bedrock's large-body object, its permission check and a
 * file that is not a log; some invocations arrive in several shapes. Read back with DuckDB, the lake
 * holds exactly what a run over the same records in Bedrock's own layout holds: each invocation
 * once, with the same tokens and costs to the last decimal; {@code failed} holds only the file that
 * is not a log.
 */
class AllShapesIntegrationTest {
    private static final String HOUR = "AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/03/14/09/";
    private static final String ROWS = "SELECT request_id, event_time, tenant_id, model, profile_scope, input_tokens, output_tokens,"
            + " cache_read_tokens, cache_write_tokens, latency_ms, CAST(input_cost AS VARCHAR) ic, CAST(output_cost AS VARCHAR) oc,"
            + " CAST(cache_read_cost AS VARCHAR) crc, CAST(total_cost AS VARCHAR) tc, pricing_status FROM invocations ORDER BY request_id";
    @TempDir static Path dir;
    static List<String> records;
    static InputAccounting mixedRun;
    static int expectedDuplicates;

    @BeforeAll
    static void runBothLayouts() throws Exception {
        records = new ArrayList<>(LogShapes.DOMAIN_EXAMPLES);
        LogGenerator gen = new LogGenerator(17, 200, 30, Instant.parse("2026-03-14T00:00:00Z"), Duration.ofDays(1));
        for (int i = 0; i < 200; i++) {
            records.add(gen.recordText(i));
        }
        int n = records.size();

        // Bedrock's own layout: the reference.
        write("native/" + HOUR + "111122223333_BedrockModelInvocationLogs_us-east-1_2026-03-14T09-00Z_1a2b.json.gz",
                LogShapes.nativeDelivery(records));

        // The same records in every other shape, overlapping (each overlap is one invocation delivered twice).
        String root = "mixed/home/me/data/bedrock/";
        write(root + HOUR + "111122223333_BedrockModelInvocationLogs_us-east-1_2026-03-14T09-00Z_1a2b.json.gz",
                LogShapes.nativeDelivery(records.subList(0, 50)));
        write(root + HOUR + "data/0f3c2a8e-7f41-4c55-9a0e-2b1d6c9e4a10_input.json.gz",
                Envelopes.gzip("{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"a prompt over 100 KB\"}]}]}"));
        write(root + "amazon-bedrock-logs-permission-check", LogShapes.PERMISSION_EVENT.getBytes(StandardCharsets.UTF_8));
        write("mixed/home/me/data/firehose/2026/03/14/09/bedrock-logs-1-2026-03-14-09-21-07-6b0d4c1e-1f0a-4d8e-b7a2-93c4e0f5d222",
                LogShapes.firehoseArchive(records.subList(40, 100), 9));
        write("mixed/home/me/data/exportedlogs/5c1f-task/aws/bedrock/modelinvocations/000000.gz",
                LogShapes.cloudWatchExport(records.subList(90, 150)));
        write("mixed/home/me/data/downloads/logs-insights-results.json", LogShapes.insightsDownload(records.subList(140, 180)));
        write("mixed/home/me/data/downloads/records.json", LogShapes.jsonArray(records.subList(175, 190)));
        List<String> pasted = new ArrayList<>(records.subList(185, n));
        pasted.add(records.get(0)); // example (a) once more, pasted from the console
        write("mixed/home/me/data/pasted/records.json", LogShapes.prettyRecords(pasted));
        write("mixed/home/me/data/README.txt", "Bedrock logs copied from three accounts.\n".getBytes(StandardCharsets.UTF_8));
        expectedDuplicates = 10 + 10 + 10 + 5 + 5 + 1;

        LocalRunner.run(config("native", "lake-native"));
        mixedRun = InputAccounting.of(LocalRunner.run(config("mixed", "lake-mixed")));
    }

    private static JobConfig config(String input, String lake) {
        return JobConfig.defaults().with(Map.of("input.path", dir.resolve(input).toString(), "output.path", dir.resolve(lake).toString(),
                "checkpoint.interval", "1s", "job.parallelism", "2", "output.tenant.hourly", "false"));
    }

    private static void write(String name, byte[] bytes) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
    }

    @Test
    void everyInvocationOnceWithTheTokensAndCostsOfBedrocksOwnLayout() throws Exception {
        List<Map<String, Object>> reference;
        try (DuckLake db = new DuckLake(dir.resolve("lake-native"))) {
            reference = db.rows(ROWS);
        }
        try (DuckLake db = new DuckLake(dir.resolve("lake-mixed"))) {
            List<Map<String, Object>> mixed = db.rows(ROWS);
            assertThat(mixed).hasSize(records.size());
            assertThat(mixed).containsExactlyElementsOf(reference);
            // Example (a): 412 × 3.30 + 3072 × 0.33 + 187 × 16.50 per million tokens (us. geo price of Sonnet 4.5).
            assertThat(db.rows("SELECT CAST(total_cost AS VARCHAR) t FROM invocations WHERE request_id = '0f3c2a8e-7f41-4c55-9a0e-2b1d6c9e4a10'"))
                    .singleElement().satisfies(r -> assertThat(r.get("t")).isEqualTo("0.005458860000"));
        }
    }

    @Test
    void onlyTheFileThatIsNotALogIsFailedNeverControlMessagesOrThePermissionCheck() throws Exception {
        try (DuckLake db = new DuckLake(dir.resolve("lake-mixed"))) {
            assertThat(db.rows("SELECT source, error_type, error_message FROM failed")).singleElement().satisfies(r -> {
                assertThat(r.get("error_type")).isEqualTo("NOT_A_LOG_FILE");
                assertThat((String) r.get("source")).endsWith("/home/me/data/README.txt");
                assertThat((String) r.get("error_message")).contains("it starts with \"Bedrock logs copied from three accounts.\"");
            });
        }
    }

    @Test
    void theRunCountsFilesPerShapeSkipsPerReasonRecordsAndDuplicates() {
        Set<FileShape> everyShape = new HashSet<>(List.of(FileShape.values()));
        everyShape.remove(FileShape.BATCH_OUTPUT); // not an invocation log: BatchOutputIntegrationTest
        for (FileShape s : everyShape) {
            assertThat(mixedRun.filesRead(s)).as("files read as %s", s).isEqualTo(1);
        }
        assertThat(mixedRun.filesSkipped(FileSkip.LARGE_BODY)).isEqualTo(1);
        assertThat(mixedRun.filesSkipped(FileSkip.PERMISSION_CHECK)).isEqualTo(1);
        assertThat(mixedRun.filesSkipped(FileSkip.NOT_A_LOG_FILE)).isEqualTo(1);
        assertThat(mixedRun.records()).isEqualTo(records.size() + expectedDuplicates);
        assertThat(mixedRun.duplicates()).isEqualTo(expectedDuplicates);
        assertThat(mixedRun.failedInputs()).isEqualTo(1);
        assertThat(mixedRun.controlMessages()).isEqualTo(1);

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        mixedRun.print(new PrintStream(text, true, StandardCharsets.UTF_8));
        assertThat(text.toString(StandardCharsets.UTF_8))
                .contains("Input: 9 files")
                .contains("       1 read: CloudWatch Logs subscription envelopes")
                .contains("       1 skipped: Bedrock large-body object (a prompt or completion, not a record), e.g. ")
                .contains("       1 skipped: not a log file (no known shape), e.g. ")
                .contains("Records: " + (records.size() + expectedDuplicates) + " read, 1 failed inputs, " + expectedDuplicates
                        + " duplicates dropped, 1 CloudWatch control messages skipped");
    }
}
