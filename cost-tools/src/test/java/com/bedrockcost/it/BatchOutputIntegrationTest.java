package com.bedrockcost.it;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.model.FileShape;
import com.bedrockcost.model.FileSkip;
import com.bedrockcost.parse.InputAccounting;
import com.bedrockcost.testutil.DuckLake;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real pipeline on a MiniCluster over the output of Bedrock batch inference jobs (a Claude job with
 * an error line, a Nova job, a Llama job without a batch price, a job not in the jobs file, their
 * manifests, and a second copy of the Claude job's output), with the jobs as {@code aws bedrock
 * list-model-invocation-jobs} prints them and a tenant CSV. Read back with DuckDB: every record once at
 * batch rates, with its job's model, time and tenant; run again into the same lake, nothing is written twice.
 */
class BatchOutputIntegrationTest {
    private static final String CLAUDE_JOB = "a1b2c3d4e5f6";
    private static final String NOVA_JOB = "f6e5d4c3b2a1";
    private static final String LLAMA_JOB = "l1l2l3l4l5l6";
    private static final String UNLISTED_JOB = "q9r8s7t6u5v4";
    private static final String ROWS = "SELECT request_id, CAST(event_time AS VARCHAR) t, tenant_id, operation, model, region, service_tier,"
            + " input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, CAST(input_cost AS VARCHAR) ic,"
            + " CAST(output_cost AS VARCHAR) oc, CAST(total_cost AS VARCHAR) tc, pricing_status, unpriced_reason FROM invocations ORDER BY request_id";

    @TempDir static Path dir;
    static InputAccounting run;
    static List<Map<String, Object>> afterFirstRun;

    @BeforeAll
    static void runTwice() throws Exception {
        String claude = line("CALL0000001", "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":512,\"messages\":[{\"role\":\"user\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"SECRET PROMPT one\"}]}]}", "{\"id\":\"msg_bdrk_01\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"claude-3-haiku-20240307\",\"content\":[{\"type\":\"text\",\"text\":\"SECRET COMPLETION\"}],"
                + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":1200,\"output_tokens\":300,"
                + "\"cache_read_input_tokens\":0,\"cache_creation_input_tokens\":0}}")
                + line("CALL0000002", "{\"messages\":[{\"role\":\"user\",\"content\":\"SECRET PROMPT two\"}]}",
                "{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"SECRET COMPLETION\"}],\"usage\":{\"input_tokens\":2000,\"output_tokens\":150}}")
                + "{\"recordId\":\"CALL0000003\",\"modelInput\":{\"messages\":[{\"role\":\"user\",\"content\":\"SECRET PROMPT three\"}]},"
                + "\"error\":{\"errorCode\":400,\"errorMessage\":\"Malformed input request, please reformat your input and try again.\"}}\n";
        String nova = line("REC01", "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"SECRET PROMPT\"}]}]}",
                "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"SECRET COMPLETION\"}]}},\"stopReason\":\"end_turn\","
                + "\"usage\":{\"inputTokens\":800,\"outputTokens\":120,\"totalTokens\":920}}")
                + line("REC02", "{\"messages\":[]}", "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"x\"}]}},"
                + "\"usage\":{\"inputTokens\":500,\"outputTokens\":60,\"totalTokens\":560}}");
        String llama = line("L1", "{\"prompt\":\"SECRET PROMPT\"}",
                "{\"generation\":\"SECRET COMPLETION\",\"prompt_token_count\":50,\"generation_token_count\":20,\"stop_reason\":\"stop\"}");
        String manifest = "{\"totalRecordCount\":3,\"processedRecordCount\":3,\"successRecordCount\":2,\"errorRecordCount\":1,"
                + "\"inputTokenCount\":3200,\"outputTokenCount\":450}";
        write("input/out/" + CLAUDE_JOB + "/summaries.jsonl.out", claude);
        write("input/out/" + CLAUDE_JOB + "/manifest.json.out", manifest);
        write("input/out/" + NOVA_JOB + "/tagging.jsonl.out", nova);
        write("input/out/" + LLAMA_JOB + "/llama.jsonl.out", llama);
        write("input/out/" + UNLISTED_JOB + "/other.jsonl.out", nova);
        // The Claude job's output downloaded a second time: each record is one call, written once.
        write("input/download-again/" + CLAUDE_JOB + "/summaries.jsonl.out", claude);

        write("jobs.json", "{\n  \"invocationJobSummaries\": [\n"
                + job(CLAUDE_JOB, "nightly-summaries", "anthropic.claude-3-haiku-20240307-v1:0", "s3://acme-batch/in/nightly.jsonl",
                        "2026-03-14T09:00:00.000000+00:00", "2026-03-14T11:05:42.123000+00:00") + ",\n"
                + job(NOVA_JOB, "tagging-run-7", "amazon.nova-lite-v1:0", "s3://globex-batch/in/tagging/part-1.jsonl",
                        "2026-03-14T10:00:00+00:00", "2026-03-14T12:00:00+00:00") + ",\n"
                + job(LLAMA_JOB, "llama-eval", "meta.llama3-8b-instruct-v1:0", "s3://initech/eval.jsonl",
                        "2026-03-14T10:00:00+00:00", "2026-03-14T10:30:00+00:00") + "\n  ]\n}\n");
        write("tenants.csv", "job,tenant\nnightly-summaries,acme\ns3://globex-batch/,globex-wrong\ns3://globex-batch/in/,globex\n"
                + LLAMA_JOB + ",initech\n");
        write("prices/test.csv", "model_id,region,effective_from,effective_to,input_per_mtok,output_per_mtok,service_tier,note\n"
                + "anthropic.claude-3-haiku-20240307-v1:0,us-east-1,2024-01-01,,0.25,1.25,,standard\n"
                + "anthropic.claude-3-haiku-20240307-v1:0,us-east-1,2024-01-01,,0.125,0.625,batch,test rate: half of standard\n"
                + "amazon.nova-lite-v1:0,us-east-1,2024-01-01,,0.06,0.24,,standard\n"
                + "amazon.nova-lite-v1:0,us-east-1,2024-01-01,,0.03,0.12,batch,test rate: half of standard\n"
                + "meta.llama3-8b-instruct-v1:0,us-east-1,2024-01-01,,0.3,0.6,,standard; no batch row\n");
        run = InputAccounting.of(LocalRunner.run(config("lake")));
        try (DuckLake db = new DuckLake(dir.resolve("lake"))) {
            afterFirstRun = db.rows(ROWS);
        }
        LocalRunner.run(config("lake")); // the same command again: the same request ids, already in the lake

    }

    private static String line(String recordId, String modelInput, String modelOutput) {
        return "{\"recordId\":\"" + recordId + "\",\"modelInput\":" + modelInput + ",\"modelOutput\":" + modelOutput + "}\n";
    }

    private static String job(String id, String name, String model, String input, String submit, String end) {
        return "    {\"jobArn\": \"arn:aws:bedrock:us-east-1:111122223333:model-invocation-job/" + id + "\", \"jobName\": \"" + name + "\","
                + " \"modelId\": \"" + model + "\", \"roleArn\": \"arn:aws:iam::111122223333:role/BatchRole\", \"status\": \"Completed\","
                + " \"submitTime\": \"" + submit + "\", \"lastModifiedTime\": \"" + end + "\", \"endTime\": \"" + end + "\","
                + " \"inputDataConfig\": {\"s3InputDataConfig\": {\"s3InputFormat\": \"JSONL\", \"s3Uri\": \"" + input + "\"}},"
                + " \"outputDataConfig\": {\"s3OutputDataConfig\": {\"s3Uri\": \"s3://out-bucket/out/\"}}}";
    }

    private static JobConfig config(String lake) {
        return JobConfig.defaults().with(Map.of("input.path", dir.resolve("input").toString(), "output.path", dir.resolve(lake).toString(),
                "pricing.path", dir.resolve("prices").toString(), "batch.jobs.path", dir.resolve("jobs.json").toString(),
                "batch.tenants.path", dir.resolve("tenants.csv").toString(), "checkpoint.interval", "1s", "job.parallelism", "2",
                "output.tenant.hourly", "false"));
    }

    private static void write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyBatchRecordOnceAtBatchRatesWithItsJobsModelTimeAndTenant() throws Exception {
        try (DuckLake db = new DuckLake(dir.resolve("lake"))) {
            List<Map<String, Object>> rows = db.rows(ROWS);
            assertThat(rows).extracting(r -> r.get("request_id")).containsExactly(
                    CLAUDE_JOB + ":CALL0000001", CLAUDE_JOB + ":CALL0000002", NOVA_JOB + ":REC01", NOVA_JOB + ":REC02", LLAMA_JOB + ":L1");
            // 1200 × 0.125 + 300 × 0.625 per million tokens: the batch row, not the standard one.
            assertThat(rows.get(0)).containsEntry("t", "2026-03-14 11:05:42.123+00").containsEntry("tenant_id", "acme")
                    .containsEntry("operation", "BatchInference").containsEntry("model", "anthropic.claude-3-haiku-20240307-v1:0")
                    .containsEntry("region", "us-east-1").containsEntry("service_tier", "batch")
                    .containsEntry("input_tokens", 1200L).containsEntry("output_tokens", 300L)
                    .containsEntry("ic", "0.000150000000").containsEntry("oc", "0.000187500000").containsEntry("tc", "0.000337500000")
                    .containsEntry("pricing_status", "PRICED");
            assertThat(rows.get(1)).containsEntry("input_tokens", 2000L).containsEntry("output_tokens", 150L)
                    .containsEntry("tc", "0.000343750000");
            // Nova (Converse usage): tenant by the longest input prefix; 800 × 0.03 + 120 × 0.12 per million.
            assertThat(rows.get(2)).containsEntry("tenant_id", "globex").containsEntry("t", "2026-03-14 12:00:00+00")
                    .containsEntry("input_tokens", 800L).containsEntry("output_tokens", 120L).containsEntry("tc", "0.000038400000");
            assertThat(rows.get(3)).containsEntry("tc", "0.000022200000");
            // Llama: tokens read, but no batch price: UNPRICED with the reason, never the standard rate, never 0.
            assertThat(rows.get(4)).containsEntry("tenant_id", "initech").containsEntry("input_tokens", 50L)
                    .containsEntry("output_tokens", 20L).containsEntry("pricing_status", "UNPRICED").containsEntry("tc", null)
                    .containsEntry("unpriced_reason", "tokens: no batch tier price for meta.llama3-8b-instruct-v1:0 in us-east-1"
                            + " (the standard rate does not apply)");
            assertThat(db.rows("SELECT CAST(sum(total_cost) AS VARCHAR) s FROM invocations"))
                    .singleElement().satisfies(r -> assertThat(r.get("s")).isEqualTo("0.000741850000"));
        }
    }

    @Test
    void aSecondRunOverTheSameOutputWritesNoRecordAgain() throws Exception {
        try (DuckLake db = new DuckLake(dir.resolve("lake"))) {
            assertThat(afterFirstRun).hasSize(5);
            assertThat(db.rows(ROWS)).containsExactlyElementsOf(afterFirstRun);
        }
    }

    @Test
    void errorLinesFailWithFileAndLineAndNoPromptReachesTheLake() throws Exception {
        try (DuckLake db = new DuckLake(dir.resolve("lake"))) {
            List<Map<String, Object>> failed = db.rows("SELECT source, error_type, error_message, raw FROM failed ORDER BY source");
            // The error line, in both copies of the Claude job's output, once each: the second run finds them in the lake.
            assertThat(failed).hasSize(2);
            assertThat(failed).allSatisfy(f -> {
                assertThat(f.get("error_type")).isEqualTo("BATCH_RECORD_ERROR");
                assertThat((String) f.get("source")).endsWith("/" + CLAUDE_JOB + "/summaries.jsonl.out:3");
                assertThat((String) f.get("error_message")).contains("record CALL0000003 of batch job " + CLAUDE_JOB)
                        .contains("400 Malformed input request");
            });
            assertThat(db.rows("SELECT count(*) n FROM failed WHERE raw LIKE '%SECRET%' OR error_message LIKE '%SECRET%'"))
                    .singleElement().satisfies(r -> assertThat(((Number) r.get("n")).longValue()).isZero());
        }
    }

    @Test
    void theRunCountsBatchFilesTheUnlistedJobAndTheDuplicates() {
        assertThat(run.filesRead(FileShape.BATCH_OUTPUT)).isEqualTo(4);
        assertThat(run.filesSkipped(FileSkip.BATCH_OUTPUT)).isEqualTo(1);
        assertThat(run.filesSkipped(FileSkip.BATCH_MANIFEST)).isEqualTo(1);
        assertThat(run.records()).isEqualTo(7);
        assertThat(run.duplicates()).isEqualTo(2);
        assertThat(run.failedInputs()).isEqualTo(2);

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        run.print(new PrintStream(text, true, StandardCharsets.UTF_8));
        assertThat(text.toString(StandardCharsets.UTF_8))
                .contains("       4 read: Bedrock batch inference output (*.jsonl.out)")
                .contains("       1 skipped: Bedrock batch inference output of a job not in batch.jobs.path (set batch.jobs.path to the JSON"
                        + " of aws bedrock list-model-invocation-jobs), e.g. ")
                .contains("/" + UNLISTED_JOB + "/other.jsonl.out (job " + UNLISTED_JOB + ")")
                .contains("       1 skipped: Bedrock batch job manifest");
    }
}
