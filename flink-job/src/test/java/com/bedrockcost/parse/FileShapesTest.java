package com.bedrockcost.parse;

import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.ingest.LogLineFormat;
import com.bedrockcost.model.ErrorType;
import com.bedrockcost.model.FileShape;
import com.bedrockcost.model.FileSkip;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.testutil.Envelopes;
import com.bedrockcost.testutil.LogShapes;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every shape in which users hold Bedrock logs, read by the job's file format and decoded: the same
 * records give the same invocations (tokens, model, tenant, latency) as in Bedrock's own layout,
 * control messages and permission checks are counted and never failed, and files that are not logs
 * are skipped by layout or content, each once, with a reason.
 */
class FileShapesTest {
    private static final LogGenerator GEN = new LogGenerator(5, 1000, 20, Instant.parse("2026-03-14T00:00:00Z"), Duration.ofDays(1));
    private static final String HOUR = "AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/03/14/09/";

    @TempDir java.nio.file.Path dir;

    static List<String> records() {
        List<String> r = new ArrayList<>(LogShapes.DOMAIN_EXAMPLES);
        for (int i = 0; i < 60; i++) {
            r.add(GEN.recordText(i));
        }
        return r;
    }

    private java.nio.file.Path write(String name, byte[] bytes) throws IOException {
        java.nio.file.Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
        return p;
    }

    static List<RawInput> read(java.nio.file.Path file) throws IOException {
        long size = Files.size(file);
        FileSourceSplit split = new FileSourceSplit("s", new Path(file.toUri()), 0, size, 0, size);
        List<RawInput> out = new ArrayList<>();
        try (BulkFormat.Reader<RawInput> r = new LogLineFormat().createReader(new Configuration(), split)) {
            BulkFormat.RecordIterator<RawInput> batch;
            while ((batch = r.readBatch()) != null) {
                RecordAndPosition<RawInput> p;
                while ((p = batch.next()) != null) {
                    out.add(p.getRecord());
                }
                batch.releaseBatch();
            }
        }
        return out;
    }

    /** What a user sees of an invocation, by request id. */
    private static Map<String, String> summary(List<Invocation> rows) {
        Map<String, String> m = new TreeMap<>();
        for (Invocation i : rows) {
            String s = i.operation + " " + i.model + " " + i.profileScope + " tenant=" + i.tenantId + " in=" + i.inputTokens
                    + " out=" + i.outputTokens + " cacheRead=" + i.cacheReadTokens + " cacheWrite=" + i.cacheWriteTokens
                    + " latency=" + i.latencyMs + " at " + i.eventTime;
            assertThat(m.put(i.requestId, s)).as("request id %s twice", i.requestId).isNull();
        }
        return m;
    }

    private static Map<String, String> nativeLayout;

    private Map<String, String> nativeLayout() throws Exception {
        if (nativeLayout != null) {
            return nativeLayout;
        }
        DecodeRun run = DecodeRun.of(read(write("native/" + HOUR + "111122223333_BedrockModelInvocationLogs_us-east-1_2026-03-14T09-00Z_a1b2.json.gz",
                LogShapes.nativeDelivery(records()))));
        assertThat(run.failed).isEmpty();
        assertThat(run.metrics.filesRead(FileShape.JSON_LINES).getCount()).isEqualTo(1);
        nativeLayout = summary(run.rows);
        return nativeLayout;
    }

    private DecodeRun readAs(FileShape shape, java.nio.file.Path file) throws Exception {
        List<RawInput> in = read(file);
        assertThat(in.get(0).kind).isEqualTo(RawInput.Kind.FILE);
        assertThat(in.get(0).note).isEqualTo(shape.name());
        DecodeRun run = DecodeRun.of(in);
        assertThat(run.failed).as("failed rows of %s", shape).isEmpty();
        assertThat(run.metrics.filesRead(shape).getCount()).isEqualTo(1);
        assertThat(summary(run.rows)).as("invocations from %s", shape).isEqualTo(nativeLayout());
        return run;
    }

    @Test
    void aFirehoseArchiveOfGluedGzipEnvelopesWithNoExtensionGivesTheSameInvocations() throws Exception {
        DecodeRun run = readAs(FileShape.SUBSCRIPTION_ENVELOPES,
                write("archive/2026/03/14/09/bedrock-logs-1-2026-03-14-09-21-07-0f3c2a8e-7f41-4c55-9a0e-2b1d6c9e4a10",
                        LogShapes.firehoseArchive(records(), 7)));
        assertThat(run.metrics.controlMessages.getCount()).isEqualTo(1);
        assertThat(run.metrics.logEventsIn.getCount()).isEqualTo(records().size());
    }

    @Test
    void envelopesOnePerLineGiveTheSameInvocations() throws Exception {
        DecodeRun run = readAs(FileShape.SUBSCRIPTION_ENVELOPES, write("firehose/envelopes.jsonl", LogShapes.envelopeLines(records(), 10)));
        assertThat(run.metrics.controlMessages.getCount()).isEqualTo(1);
    }

    @Test
    void aCloudWatchLogsExportGivesTheSameInvocationsAndSkipsThePermissionEvent() throws Exception {
        DecodeRun run = readAs(FileShape.CLOUDWATCH_EXPORT,
                write("exportedlogs/0f3c2a8e-task/aws/bedrock/modelinvocations/000000.gz", LogShapes.cloudWatchExport(records())));
        assertThat(run.metrics.skipped.getCount()).isEqualTo(1);
    }

    @Test
    void aLogsInsightsDownloadGivesTheSameInvocations() throws Exception {
        readAs(FileShape.INSIGHTS_DOWNLOAD, write("downloads/logs-insights-results.json", LogShapes.insightsDownload(records())));
    }

    @Test
    void aJsonArrayOfRecordsGivesTheSameInvocations() throws Exception {
        readAs(FileShape.JSON_ARRAY, write("downloads/records.json", LogShapes.jsonArray(records())));
    }

    @Test
    void prettyPrintedRecordsGiveTheSameInvocations() throws Exception {
        readAs(FileShape.PRETTY_JSON, write("pasted/record.json", LogShapes.prettyRecords(records())));
    }

    @Test
    void aByteOrderMarkAndWindowsLineEndsDoNotHideTheShape() throws Exception {
        String bom = "\uFEFF";
        StringBuilder export = new StringBuilder(bom);
        int second = 0;
        for (String r : records()) {
            export.append(String.format("2026-03-14T09:21:%02dZ ", second++ % 60)).append(r).append("\r\n");
        }
        DecodeRun lines = readAs(FileShape.CLOUDWATCH_EXPORT, write("export/000000", export.toString().getBytes(StandardCharsets.UTF_8)));
        assertThat(lines.failed).isEmpty();
        readAs(FileShape.INSIGHTS_DOWNLOAD, write("downloads/bom.json",
                (bom + new String(LogShapes.insightsDownload(records()), StandardCharsets.UTF_8).replace("\n", "\r\n"))
                        .getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aLogsInsightsRowWithoutMessageFailsAloneAndSaysWhatToDownload() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ArrayNode rows = json.createArrayNode();
        rows.addObject().put("@timestamp", "2026-03-14 09:21:08.125").put("@logStream", "aws/bedrock/modelinvocations");
        rows.addObject().put("@timestamp", "2026-03-14 09:21:09.125").put("@message", LogShapes.DOMAIN_EXAMPLES.get(2));
        java.nio.file.Path f = write("downloads/no-message.json", json.writerWithDefaultPrettyPrinter().writeValueAsBytes(rows));
        List<RawInput> in = read(f);
        assertThat(in.get(0).note).isEqualTo(FileShape.INSIGHTS_DOWNLOAD.name());
        DecodeRun run = DecodeRun.of(in);
        assertThat(run.failed).singleElement().satisfies(r -> {
            assertThat(r.errorType).isEqualTo("BAD_ENVELOPE");
            assertThat(r.source).isEqualTo(new Path(f.toUri()) + ":1:3"); // Jackson prints "[ {" on the first line
            assertThat(r.errorMessage).contains("has no @message string").contains("fields @timestamp, @message");
        });
        assertThat(run.rows).singleElement().satisfies(i -> assertThat(i.requestId).isEqualTo("6b0d4c1e-1f0a-4d8e-b7a2-93c4e0f5d222"));
    }

    @Test
    void gzipIsFoundByItsMagicBytesWhateverTheNameAndPlainTextNamedGzIsReadAsText() throws Exception {
        List<String> recs = records();
        byte[] a = LogShapes.nativeDelivery(recs.subList(0, 10));
        byte[] b = LogShapes.nativeDelivery(recs.subList(10, recs.size()));
        ByteArrayOutputStream twoMembers = new ByteArrayOutputStream();
        twoMembers.writeBytes(a);
        twoMembers.writeBytes(b);
        DecodeRun gz = DecodeRun.of(read(write("x/records", twoMembers.toByteArray())));
        DecodeRun plain = DecodeRun.of(read(write("x/records.json.gz", (String.join("\n", recs) + "\n").getBytes(StandardCharsets.UTF_8))));
        assertThat(summary(gz.rows)).isEqualTo(nativeLayout());
        assertThat(summary(plain.rows)).isEqualTo(nativeLayout());
        assertThat(gz.failed).isEmpty();
        assertThat(plain.failed).isEmpty();
    }

    @Test
    void logsUnderAParentFolderNamedDataAreRead() throws Exception {
        List<RawInput> in = read(write("home/me/data/bedrock/" + HOUR + "log.json.gz", LogShapes.nativeDelivery(records())));
        assertThat(in.get(0).kind).isEqualTo(RawInput.Kind.FILE);
        assertThat(summary(DecodeRun.of(in).rows)).isEqualTo(nativeLayout());
    }

    @Test
    void bedrocksLargeBodyObjectsAndPermissionCheckAreSkippedAndCountedNeverFailed() throws Exception {
        byte[] body = Envelopes.gzip("{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"a long prompt\"}]}]}");
        List<RawInput> in = new ArrayList<>();
        in.addAll(read(write("bucket/data/" + HOUR + "data/0f3c2a8e-7f41-4c55-9a0e-2b1d6c9e4a10_input.json.gz", body)));
        in.addAll(read(write("elsewhere/304a166e-71c0-467a-b65c-8b8655354959_output.json.gz", body)));
        in.addAll(read(write("bucket/data/amazon-bedrock-logs-permission-check",
                LogShapes.PERMISSION_EVENT.getBytes(StandardCharsets.UTF_8))));
        in.addAll(read(write("copied/check.txt", LogShapes.PERMISSION_EVENT.getBytes(StandardCharsets.UTF_8))));
        in.addAll(read(write("empty.json", new byte[0])));
        assertThat(in).extracting(r -> r.kind).containsOnly(RawInput.Kind.SKIPPED);
        assertThat(in).extracting(r -> r.errorType).containsExactly(FileSkip.LARGE_BODY.name(), FileSkip.LARGE_BODY.name(),
                FileSkip.PERMISSION_CHECK.name(), FileSkip.PERMISSION_CHECK.name(), FileSkip.EMPTY.name());
        DecodeRun run = DecodeRun.of(in);
        assertThat(run.failed).isEmpty();
        assertThat(run.metrics.filesSkipped(FileSkip.LARGE_BODY).getCount()).isEqualTo(2);
        assertThat(run.metrics.filesSkipped(FileSkip.PERMISSION_CHECK).getCount()).isEqualTo(2);
        assertThat(run.metrics.filesSkipped(FileSkip.EMPTY).getCount()).isEqualTo(1);
    }

    private static final String BATCH_OUT = "{\"recordId\":\"3223593EFGH\",\"modelInput\":{\"inputText\":\"Roses are red, violets are\"},"
            + "\"modelOutput\":{\"inputTextTokenCount\":8,\"results\":[{\"tokenCount\":3,\"outputText\":\"blue\\n\",\"completionReason\":\"FINISH\"}]}}\n"
            + "{\"recordId\":\"1223213ABCD\",\"modelInput\":{\"inputText\":\"Hello world\"},\"error\":{\"errorCode\":400,\"errorMessage\":\"bad request\"}}\n";
    private static final String BATCH_MANIFEST = "{\"totalRecordCount\":2,\"processedRecordCount\":2,\"successRecordCount\":1,\"errorRecordCount\":1,"
            + "\"inputTokenCount\":10,\"outputTokenCount\":3}";

    /** The batch job's output and manifest (shapes from the Bedrock user guide, "View the results of a batch inference job"). */
    private List<RawInput> batchJobOutput() throws IOException {
        List<RawInput> in = new ArrayList<>(read(write("batch/out/a1b2c3d4e5f6/prompts.jsonl.out", BATCH_OUT.getBytes(StandardCharsets.UTF_8))));
        in.addAll(read(write("batch/out/a1b2c3d4e5f6/manifest.json.out", BATCH_MANIFEST.getBytes(StandardCharsets.UTF_8))));
        return in;
    }

    @Test
    void batchInferenceOutputOfAJobNotConfiguredIsSkippedAndCountedNamingTheJobNeverFailed() throws Exception {
        List<RawInput> in = batchJobOutput();
        assertThat(in.get(0).note).isEqualTo(FileShape.BATCH_OUTPUT.name());
        assertThat(in.get(in.size() - 1).errorType).isEqualTo(FileSkip.BATCH_MANIFEST.name());
        DecodeRun run = DecodeRun.of(in);
        assertThat(run.rows).isEmpty();
        assertThat(run.failed).isEmpty();
        assertThat(run.metrics.filesSkipped(FileSkip.BATCH_OUTPUT).getCount()).isEqualTo(1);
        assertThat(run.metrics.filesSkipped(FileSkip.BATCH_MANIFEST).getCount()).isEqualTo(1);
        assertThat(run.metrics.filesRead(FileShape.BATCH_OUTPUT).getCount()).isZero();
    }

    @Test
    void batchInferenceOutputOfAConfiguredJobIsReadAtBatchRatesAndItsErrorLineFails() throws Exception {
        BatchJobs jobs = BatchJobs.parse("{\"invocationJobSummaries\":[{\"jobArn\":\"arn:aws:bedrock:us-west-2:111122223333:model-invocation-job/a1b2c3d4e5f6\","
                + "\"jobName\":\"poems\",\"modelId\":\"amazon.titan-text-express-v1\",\"status\":\"PartiallyCompleted\","
                + "\"submitTime\":\"2026-03-14T08:00:00.000000+00:00\",\"endTime\":\"2026-03-14T10:30:00.500000+00:00\"}]}", "jobs.json",
                "job,tenant\npoems,acme\n", "tenants.csv");
        DecodeRun run = DecodeRun.of(ParseOptions.defaults().withBatchJobs(jobs), batchJobOutput());
        assertThat(run.rows).singleElement().satisfies(i -> {
            assertThat(i.requestId).isEqualTo("a1b2c3d4e5f6:3223593EFGH");
            assertThat(i.operation).isEqualTo("BatchInference");
            assertThat(i.serviceTier).isEqualTo("batch");
            assertThat(i.model).isEqualTo("amazon.titan-text-express-v1");
            assertThat(i.region).isEqualTo("us-west-2");
            assertThat(i.accountId).isEqualTo("111122223333");
            assertThat(i.tenantId).isEqualTo("acme");
            assertThat(i.eventTime).isEqualTo(Instant.parse("2026-03-14T10:30:00.500Z"));
            assertThat(new long[] {i.inputTokens, i.outputTokens, i.cacheReadTokens, i.cacheWriteTokens}).containsExactly(8, 3, 0, 0);
            assertThat(i.source).endsWith("/batch/out/a1b2c3d4e5f6/prompts.jsonl.out:1");
        });
        assertThat(run.failed).singleElement().satisfies(f -> {
            assertThat(f.errorType).isEqualTo(ErrorType.BATCH_RECORD_ERROR.name());
            assertThat(f.source).endsWith("/batch/out/a1b2c3d4e5f6/prompts.jsonl.out:2");
            assertThat(f.errorMessage).contains("record 1223213ABCD of batch job a1b2c3d4e5f6").contains("400 bad request")
                    .doesNotContain("Hello world");
            assertThat(f.raw).doesNotContain("Hello world");
        });
        assertThat(run.metrics.filesRead(FileShape.BATCH_OUTPUT).getCount()).isEqualTo(1);
        assertThat(run.metrics.filesSkipped(FileSkip.BATCH_MANIFEST).getCount()).isEqualTo(1);
    }

    @Test
    void aCutGzipOfBatchOutputKeepsNoneOfTheCutLineItsPrompt() throws Exception {
        byte[] gz = Envelopes.gzip(BATCH_OUT);
        List<RawInput> in = read(write("batch/out/a1b2c3d4e5f6/prompts.jsonl.out.gz", Arrays.copyOf(gz, gz.length - 12)));
        RawInput damage = in.get(in.size() - 1);
        assertThat(damage.errorType).isEqualTo(ErrorType.TRUNCATED_GZIP.name());
        assertThat(damage.payload).isEmpty();
    }

    @Test
    void aFileNamedLikeABodyThatHoldsRecordsIsRead() throws Exception {
        List<RawInput> in = read(write("x/0f3c2a8e-7f41-4c55-9a0e-2b1d6c9e4a10_input.json.gz", LogShapes.nativeDelivery(records())));
        assertThat(summary(DecodeRun.of(in).rows)).isEqualTo(nativeLayout());
    }

    @Test
    void aBinaryOrUnknownFileIsOneFailedRowNamingTheFile() throws Exception {
        byte[] png = new byte[20_000];
        new java.util.Random(1).nextBytes(png);
        System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 0, png, 0, 8);
        java.nio.file.Path image = write("logs/diagram.png", png);
        java.nio.file.Path readme = write("logs/README.md", "# Our Bedrock logs\n\nCopied from the bucket.\n".repeat(500).getBytes(StandardCharsets.UTF_8));
        List<RawInput> in = new ArrayList<>(read(image));
        in.addAll(read(readme));
        DecodeRun run = DecodeRun.of(in);
        assertThat(run.rows).isEmpty();
        assertThat(run.failed).hasSize(2);
        assertThat(run.failed).allSatisfy(f -> assertThat(f.errorType).isEqualTo(ErrorType.NOT_A_LOG_FILE.name()));
        assertThat(run.failed.get(0).source).isEqualTo(new Path(image.toUri()).toString());
        assertThat(run.failed.get(0).errorMessage).contains("diagram.png").contains("binary data (it starts with 89 50 4e 47");
        assertThat(run.failed.get(1).errorMessage).contains("README.md").contains("it starts with \"# Our Bedrock logs\"");
        assertThat(run.metrics.filesSkipped(FileSkip.NOT_A_LOG_FILE).getCount()).isEqualTo(2);
    }

    @Test
    void jsonThatHoldsNoRecordIsOneUnknownFileNotARowPerLine() throws Exception {
        StringBuilder dataset = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            dataset.append("{\"id\":").append(i).append(",\"label\":\"cat\"}\n");
        }
        List<RawInput> in = new ArrayList<>(read(write("datasets/train.jsonl", dataset.toString().getBytes(StandardCharsets.UTF_8))));
        in.addAll(read(write("config/package.json", "{\n  \"name\": \"x\",\n  \"version\": \"1.0.0\"\n}\n".getBytes(StandardCharsets.UTF_8))));
        in.addAll(read(write("datasets/array.json", "[{\"id\":1},{\"id\":2}]".getBytes(StandardCharsets.UTF_8))));
        DecodeRun run = DecodeRun.of(in);
        assertThat(run.failed).hasSize(3).allSatisfy(f -> {
            assertThat(f.errorType).isEqualTo("NOT_A_LOG_FILE");
            assertThat(f.errorMessage).contains("JSON without invocation records");
        });
        // One record among them keeps a file read: its other lines fail alone.
        List<String> lines = new ArrayList<>(List.of("{\"id\":1}", "{\"id\":2}"));
        lines.add(records().get(0));
        DecodeRun mixed = DecodeRun.of(read(write("datasets/mixed.jsonl", String.join("\n", lines).getBytes(StandardCharsets.UTF_8))));
        assertThat(mixed.rows).hasSize(1);
        assertThat(mixed.failed).extracting(f -> f.errorType).containsOnly("NOT_INVOCATION_LOG");
    }

    @Test
    void aJunkFirstLineDoesNotHideTheRecordsAfterIt() throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("copied from the console:");
        lines.addAll(records());
        DecodeRun run = DecodeRun.of(read(write("notes.txt", String.join("\n", lines).getBytes(StandardCharsets.UTF_8))));
        assertThat(summary(run.rows)).isEqualTo(nativeLayout());
        assertThat(run.failed).singleElement().satisfies(f -> {
            assertThat(f.errorType).isEqualTo("NOT_JSON");
            assertThat(f.source).endsWith("notes.txt:1");
        });
    }

    @Test
    void aCutFirehoseArchiveKeepsTheEnvelopesBeforeTheCutAndSaysWhere() throws Exception {
        byte[] whole = LogShapes.firehoseArchive(records(), 8);
        java.nio.file.Path f = write("archive/cut", Arrays.copyOf(whole, whole.length * 2 / 3));
        DecodeRun run = DecodeRun.of(read(f));
        assertThat(run.rows.size()).isGreaterThanOrEqualTo(24).isLessThan(records().size());
        assertThat(run.failed).singleElement().satisfies(r -> {
            assertThat(r.errorType).isEqualTo("TRUNCATED_GZIP");
            assertThat(r.source).startsWith(new Path(f.toUri()) + ":");
        });
    }

    @Test
    void aCutPrettyPrintedFileKeepsTheRecordsBeforeAndNamesTheLineOfTheCutOne() throws Exception {
        byte[] whole = LogShapes.prettyRecords(records().subList(0, 3));
        String text = new String(whole, StandardCharsets.UTF_8);
        int third = text.indexOf("\n{", text.indexOf("\n{") + 1) + 1; // where the third record starts
        long line = text.substring(0, third).chars().filter(c -> c == '\n').count() + 1;
        java.nio.file.Path f = write("pasted/cut.json", Arrays.copyOf(whole, third + 200));
        DecodeRun run = DecodeRun.of(read(f));
        assertThat(run.rows).hasSize(2);
        assertThat(run.failed).singleElement().satisfies(r -> {
            assertThat(r.errorType).isEqualTo("TRUNCATED");
            assertThat(r.source).isEqualTo(new Path(f.toUri()) + ":" + line);
            assertThat(r.errorMessage).contains("ends inside the JSON value that starts at line " + line);
        });
    }
}
