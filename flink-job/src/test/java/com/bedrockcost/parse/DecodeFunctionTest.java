package com.bedrockcost.parse;

import com.bedrockcost.model.ErrorType;
import com.bedrockcost.model.FailedRecord;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.RawInput;

import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The decode stage over realistic log lines: every operation and model id form, and every malformed case. */
class DecodeFunctionTest {
    private static final String APP_PROFILE = "arn:aws:bedrock:us-east-2:111122223333:application-inference-profile/a1b2c3d4e5f6";
    private static final Instant NOW = Instant.ofEpochMilli(DecodeRun.NOW);

    private static final class Expected {
        String operation;
        String model;
        String scope;
        String tenant;
        long in;
        long out;
        long cacheRead;
        long cacheWrite;
        long cacheWrite1h;
        Long latency;
        String eventTime;
    }

    private static Expected e(String operation, String model, String scope, String tenant, long in, long out,
                              long cacheRead, long cacheWrite, long cacheWrite1h, Long latency, String eventTime) {
        Expected x = new Expected();
        x.operation = operation;
        x.model = model;
        x.scope = scope;
        x.tenant = tenant;
        x.in = in;
        x.out = out;
        x.cacheRead = cacheRead;
        x.cacheWrite = cacheWrite;
        x.cacheWrite1h = cacheWrite1h;
        x.latency = latency;
        x.eventTime = eventTime;
        return x;
    }

    /** What operations.jsonl holds, by request id (see the domain examples it was built from). */
    private static Map<String, Expected> expected() {
        Map<String, Expected> m = new java.util.LinkedHashMap<>();
        m.put("0f3c2a8e-7f41-4c55-9a0e-2b1d6c9e4a10", e("Converse", "anthropic.claude-sonnet-4-5-20250929-v1:0", "geo", "acme-co", 412, 187, 3072, 0, 0, 2315L, "2026-03-14T09:21:07Z"));
        m.put("304a166e-71c0-467a-b65c-8b8655354959", e("ConverseStream", "anthropic.claude-haiku-4-5-20251001-v1:0", "geo", "globex", 62, 36, 0, 0, 0, 1134L, "2026-08-10T21:12:39Z"));
        m.put("6b0d4c1e-1f0a-4d8e-b7a2-93c4e0f5d222", e("InvokeModel", "amazon.titan-embed-text-v2:0", "in-region", "initech", 6, 0, 0, 0, 0, null, "2026-03-14T09:22:41Z"));
        m.put("a9e2f1b0-5c3d-4e6f-8a7b-1c2d3e4f5a6b", e("Converse", "anthropic.claude-sonnet-4-20250514-v1:0", "geo", "acme-co", 0, 0, 0, 0, 0, null, "2026-03-14T09:23:02Z"));
        m.put("c1d2e3f4-0000-4a5b-8c9d-0123456789ab", e("InvokeModelWithResponseStream", "anthropic.claude-3-sonnet-20240229-v1:0", "in-region", null, 571, 281, 0, 0, 0, 3848L, "2024-04-25T09:12:30Z"));
        m.put("5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9", e("InvokeModelWithResponseStream", null, null, null, 3, 512, 0, 28857, 0, null, "2025-08-20T07:14:55Z"));
        m.put("7a7a7a7a-1111-4222-8333-444455556666", e("InvokeModel", "mistral.mistral-large-2407-v1:0", "in-region", null, 12, 4, 0, 0, 0, null, "2026-03-14T10:00:00Z"));
        m.put("8b8b8b8b-2222-4333-8444-555566667777", e("Converse", "anthropic.claude-sonnet-4-20250514-v1:0", "global", "wonka", 25, 10, 0, 5000, 3000, 900L, "2026-03-15T12:00:00Z"));
        m.put("9c9c9c9c-3333-4444-8555-666677778888", e("Converse", "amazon.nova-pro-v1:0", "geo", "umbrella", 5, 2, 0, 0, 0, 300L, "2026-03-16T08:00:00Z"));
        m.put("9c9c9c9c-3333-4444-8555-666677778889", e("Converse", "anthropic.claude-haiku-4-5-20251001-v1:0", "geo", "umbrella", 5, 2, 0, 0, 0, 300L, "2026-03-16T08:00:00Z"));
        m.put("9c9c9c9c-3333-4444-8555-666677778890", e("Converse", "anthropic.claude-sonnet-4-5-20250929-v1:0", "geo", "umbrella", 5, 2, 0, 0, 0, 300L, "2026-03-16T08:00:00Z"));
        m.put("9c9c9c9c-3333-4444-8555-666677778891", e("Converse", "anthropic.claude-sonnet-4-5-20250929-v1:0", "geo", "umbrella", 5, 2, 0, 0, 0, 300L, "2026-03-16T08:00:00Z"));
        m.put("9c9c9c9c-3333-4444-8555-666677778892", e("Converse", "anthropic.claude-sonnet-4-5-20250929-v1:0", "geo", "umbrella", 5, 2, 0, 0, 0, 300L, "2026-03-16T08:00:00Z"));
        m.put("aaaa0001-0000-4000-8000-000000000001", e("Converse", "amazon.nova-lite-v1:0", "in-region", null, 9, 3, 4, 0, 0, 410L, "2026-03-16T09:00:00.123Z"));
        m.put("aaaa0002-0000-4000-8000-000000000002", e("InvokeModelWithResponseStream", "anthropic.claude-3-5-haiku-20241022-v1:0", "geo", null, 77, 33, 10, 20, 0, 1200L, "2026-03-16T08:00:00Z"));
        m.put("aaaa0003-0000-4000-8000-000000000003", e("InvokeModel", "anthropic.claude-3-5-haiku-20241022-v1:0", "in-region", "hooli", 50, 5, 0, 1500, 1000, null, "2026-03-16T11:00:00.500Z"));
        m.put("aaaa0004-0000-4000-8000-000000000004", e("InvokeModel", "amazon.nova-canvas-v1:0", "in-region", "tyrell", 0, 0, 0, 0, 0, null, "2026-03-16T12:00:00Z"));
        m.put("aaaa0005-0000-4000-8000-000000000005", e("InvokeModel", "amazon.nova-reel-v1:1", "in-region", null, 0, 0, 0, 0, 0, null, "2026-03-16T13:00:00Z"));
        m.put("aaaa0006-0000-4000-8000-000000000006", e("InvokeModel", null, null, null, 2, 1, 0, 0, 0, null, "2026-03-16T14:00:00Z"));
        m.put("aaaa0007-0000-4000-8000-000000000007", e("ConverseStream", "amazon.nova-lite-v1:0", "in-region", null, 7, 120, 0, 0, 0, 612L, "2025-03-02T17:45:12Z"));
        return m;
    }

    @Test
    void everyOperationAndModelIdFormBecomesAFullInvocation() throws Exception {
        List<String> lines = DecodeRun.resourceLines("operations.jsonl");
        DecodeRun run = DecodeRun.of(DecodeRun.asLines("operations.jsonl", lines));

        assertThat(run.failed).isEmpty();
        Map<String, Expected> want = expected();
        assertThat(run.byRequestId().keySet()).containsExactlyInAnyOrderElementsOf(want.keySet());
        for (Invocation inv : run.rows) {
            Expected x = want.get(inv.requestId);
            String id = inv.requestId;
            assertThat(inv.operation).as(id).isEqualTo(x.operation);
            assertThat(inv.model).as(id).isEqualTo(x.model);
            assertThat(inv.profileScope).as(id).isEqualTo(x.scope);
            assertThat(inv.tenantId).as(id).isEqualTo(x.tenant);
            assertThat(new long[] {inv.inputTokens, inv.outputTokens, inv.cacheReadTokens, inv.cacheWriteTokens, inv.cacheWrite1hTokens})
                    .as(id + " tokens in/out/cacheRead/cacheWrite/cacheWrite1h")
                    .containsExactly(x.in, x.out, x.cacheRead, x.cacheWrite, x.cacheWrite1h);
            assertThat(inv.latencyMs).as(id).isEqualTo(x.latency);
            assertThat(inv.eventTime).as(id).isEqualTo(Instant.parse(x.eventTime));
            assertThat(inv.accountId).as(id).isEqualTo("111122223333");
            assertThat(inv.region).as(id).isNotBlank();
            assertThat(inv.identityArn).as(id).startsWith("arn:aws:");
            assertThat(inv.modelId).as(id).isNotBlank();
            assertThat(inv.ingestTime).as(id).isEqualTo(NOW);
            assertThat(inv.source).as(id).isEqualTo("operations.jsonl:" + (indexOf(lines, id) + 1));
            // pricing owns these
            assertThat(inv.pricingStatus).isNull();
            assertThat(inv.totalCost).isNull();
        }
        // The permission-check line that opens a log group is counted, not failed.
        assertThat(run.metrics.skipped.getCount()).isEqualTo(1);
        assertThat(run.metrics.parsed.getCount()).isEqualTo(want.size());
    }

    @Test
    void theRecordsKeepWhatTheLogSaysAboutRegionsMetadataAndErrors() throws Exception {
        Map<String, Invocation> rows = DecodeRun.of(DecodeRun.asLines("ops", DecodeRun.resourceLines("operations.jsonl"))).byRequestId();
        Invocation a = rows.get("0f3c2a8e-7f41-4c55-9a0e-2b1d6c9e4a10");
        assertThat(a.modelId).isEqualTo("us.anthropic.claude-sonnet-4-5-20250929-v1:0");
        assertThat(a.region).isEqualTo("us-east-1");
        assertThat(a.inferenceRegion).isEqualTo("us-east-2");
        assertThat(a.identityArn).isEqualTo("arn:aws:sts::111122223333:assumed-role/app-backend/i-0abc12de");
        assertThat(a.requestMetadata).containsExactlyInAnyOrderEntriesOf(Map.of("tenantId", "acme-co", "feature", "ticket-summary"));
        assertThat(a.errorCode).isNull();

        Invocation b = rows.get("304a166e-71c0-467a-b65c-8b8655354959");
        assertThat(b.modelId).isEqualTo("arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0");
        assertThat(b.identityArn).isEqualTo("arn:aws:iam::111122223333:user/bedrock-test");

        Invocation failedCall = rows.get("a9e2f1b0-5c3d-4e6f-8a7b-1c2d3e4f5a6b");
        assertThat(failedCall.errorCode).isEqualTo("ModelTimeoutException");

        Invocation noRouting = rows.get("6b0d4c1e-1f0a-4d8e-b7a2-93c4e0f5d222");
        assertThat(noRouting.inferenceRegion).isNull();

        Invocation appProfile = rows.get("5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9");
        assertThat(appProfile.modelId).isEqualTo(APP_PROFILE);
        assertThat(appProfile.requestMetadata).isNull();
    }

    @Test
    void applicationProfilesAndCallersWithoutMetadataAreAttributedByMappingThenIdentity() throws Exception {
        ProfileMapping mapping = ProfileMapping.parse(ProfileMapping.HEADER + "\n"
                + APP_PROFILE + ",us.anthropic.claude-sonnet-4-5-20250929-v1:0,,stark\n", "profiles.csv");
        ParseOptions options = new ParseOptions("", "assumed-role/[^/]+/tenant-(.+)", mapping);
        Map<String, Invocation> rows = DecodeRun.of(options, DecodeRun.asLines("ops", DecodeRun.resourceLines("operations.jsonl"))).byRequestId();

        Invocation app = rows.get("5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9");
        assertThat(app.model).isEqualTo("anthropic.claude-sonnet-4-5-20250929-v1:0");
        assertThat(app.profileScope).isEqualTo("geo");
        // the mapping comes before the identity pattern (whose session says tenant-hooli)
        assertThat(app.tenantId).isEqualTo("stark");
        // no metadata, no mapping: the identity pattern
        assertThat(rows.get("aaaa0007-0000-4000-8000-000000000007").tenantId).isEqualTo("pied-piper");
        // metadata still comes first
        assertThat(rows.get("0f3c2a8e-7f41-4c55-9a0e-2b1d6c9e4a10").tenantId).isEqualTo("acme-co");
        // a configured metadata key
        Map<String, Invocation> byFeature = DecodeRun.of(new ParseOptions("feature", ""),
                DecodeRun.asLines("ops", DecodeRun.resourceLines("operations.jsonl"))).byRequestId();
        assertThat(byFeature.get("0f3c2a8e-7f41-4c55-9a0e-2b1d6c9e4a10").tenantId).isEqualTo("ticket-summary");
        assertThat(byFeature.get("304a166e-71c0-467a-b65c-8b8655354959").tenantId).isNull();
    }

    @Test
    void everyMalformedLineFailsWithItsCodeAndTheGoodLinesAroundItStillCount() throws Exception {
        List<String> bad = DecodeRun.resourceLines("malformed.jsonl");
        List<String> codes = new ArrayList<>();
        for (String c : DecodeRun.resourceLines("malformed-expected.txt")) {
            if (!c.startsWith("#")) {
                codes.add(c.trim());
            }
        }
        List<String> good = DecodeRun.resourceLines("operations.jsonl").subList(0, 20);
        // good, bad, good, bad, ... so that every bad line sits between good ones
        List<String> mixed = new ArrayList<>();
        for (int i = 0; i < bad.size(); i++) {
            mixed.add(good.get(i % good.size()).replace("\"requestId\":\"", "\"requestId\":\"g" + i + "-"));
            mixed.add(bad.get(i));
        }
        mixed.add(good.get(0).replace("\"requestId\":\"", "\"requestId\":\"last-"));
        List<RawInput> inputs = DecodeRun.asLines("s3://bucket/AWSLogs/mixed.json.gz", mixed);
        // and two cases a text file cannot hold: bytes that are not UTF-8, and an empty record
        inputs.add(RawInput.logLine("bytes:1", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'}));
        inputs.add(RawInput.logLine("bytes:2", new byte[0]));

        DecodeRun run = DecodeRun.of(inputs);

        assertThat(run.rows).hasSize(bad.size() + 1);
        assertThat(run.failed).extracting(f -> f.errorType)
                .containsExactlyElementsOf(concat(codes, List.of("NOT_JSON", "NOT_JSON")));
        for (int i = 0; i < bad.size(); i++) {
            FailedRecord f = run.failed.get(i);
            int line = 2 * i + 2;
            assertThat(f.source).isEqualTo("s3://bucket/AWSLogs/mixed.json.gz:" + line);
            assertThat(f.errorMessage).as(f.toString()).endsWith("(record at s3://bucket/AWSLogs/mixed.json.gz:" + line + ")");
            assertThat(f.rawBytes).isEqualTo(bad.get(i).getBytes(StandardCharsets.UTF_8).length);
            assertThat(f.ingestTime).isEqualTo(NOW);
        }
        // Prompts and completions never reach the failed table, in raw or in the message.
        assertThat(run.failed).allSatisfy(f -> {
            assertThat(f.raw).doesNotContain("CANARY").hasSizeLessThanOrEqualTo(FailedRecord.MAX_RAW_CHARS);
            assertThat(f.errorMessage).doesNotContain("CANARY");
        });
        assertThat(run.metrics.failed.getCount()).isEqualTo(run.failed.size());
        assertThat(run.metrics.failed(ErrorType.BAD_TOKEN_COUNT).getCount()).isEqualTo(4);
        assertThat(run.metrics.failed(ErrorType.NOT_JSON).getCount()).isEqualTo(5);
        assertThat(run.metrics.recordsIn.getCount()).isEqualTo(inputs.size());
    }

    @Test
    void messagesSayWhatIsWrongAndInWhichField() throws Exception {
        List<String> bad = DecodeRun.resourceLines("malformed.jsonl");
        DecodeRun run = DecodeRun.of(DecodeRun.asLines("f.jsonl", bad));
        List<String> m = new ArrayList<>();
        for (FailedRecord f : run.failed) {
            m.add(f.errorMessage);
        }
        assertThat(m.get(0)).startsWith("not valid JSON at offset ")
                .contains("Unrecognized token '...': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')");
        assertThat(m.get(1)).startsWith("the record ends inside input at offset ").contains(", before its JSON is complete");
        assertThat(m.get(2)).startsWith("no schemaType, and not shaped like an invocation log");
        assertThat(m.get(3)).startsWith("the record is an array, not a JSON object");
        assertThat(m.get(4)).startsWith("schemaType is \"CloudTrailEvent\", not \"ModelInvocationLog\"");
        assertThat(m.get(5)).startsWith("no requestId");
        assertThat(m.get(6)).startsWith("requestId is empty");
        assertThat(m.get(7)).startsWith("no timestamp");
        assertThat(m.get(8)).startsWith("timestamp \"yesterday\" is not an ISO-8601 date-time");
        assertThat(m.get(9)).startsWith("timestamp is the number 1773480067000, not an ISO-8601 date-time string");
        assertThat(m.get(10)).startsWith("timestamp \"2026-02-30T10:00:00Z\" is not an ISO-8601 date-time");
        assertThat(m.get(11)).startsWith("input.inputTokenCount is -5, a negative count");
        assertThat(m.get(12)).startsWith("input.inputTokenCount is the string \"12\", not a number");
        assertThat(m.get(13)).startsWith("output.outputTokenCount is 12.5, not a whole number");
        assertThat(m.get(14)).startsWith("input.cacheReadInputTokenCount is 99999999999999999999999, too large");
        assertThat(m.get(15)).startsWith("no modelId");
        assertThat(m.get(16)).startsWith("more content after the end of the record's JSON, at offset ");
        assertThat(m.get(17)).startsWith("not valid JSON inside output at offset ").contains("body text not shown");
    }

    @Test
    void failedRecordsKeepTheHeaderButNeverTheBodies() throws Exception {
        List<String> bad = DecodeRun.resourceLines("malformed.jsonl");
        DecodeRun run = DecodeRun.of(DecodeRun.asLines("f.jsonl", bad));
        FailedRecord negative = run.failed.get(11);
        assertThat(negative.errorType).isEqualTo("BAD_TOKEN_COUNT");
        // the header is there to diagnose; the bodies are replaced by their size
        assertThat(negative.raw).contains("\"requestId\":\"bad00009-0000-4000-8000-000000000000\"", "\"inputTokenCount\":-5",
                "\"tenantId\":\"acme-co\"", "\"inputBodyJson\":\"<removed ", "\"outputBodyJson\":\"<removed ");
        FailedRecord cut = run.failed.get(1);
        assertThat(cut.errorType).isEqualTo("TRUNCATED");
        assertThat(cut.raw).contains("\"requestId\":\"bad00001-").contains(Redaction.DAMAGED_NOTE).doesNotContain("PROMPT");
        // input that is not a record at all is kept as it is, so one can see what it was
        assertThat(run.failed.get(0).raw).isEqualTo("this is not json");
        assertThat(run.failed.get(2).raw).isEqualTo("{\"foo\":\"bar\",\"count\":3}");
    }

    @Test
    void readerNotesEndAsFailedOrSkipped() throws Exception {
        RawInput cut = RawInput.damaged("s3://b/x.json.gz:17", ErrorType.TRUNCATED_GZIP, "Damaged or truncated data in x.json.gz after line 16",
                "{\"schemaType\":\"ModelInvocationLog\",\"requestId\":\"r1\",\"input\":{\"inputBodyJson\":{\"messages\":[\"PROMPT-CANARY"
                        .getBytes(StandardCharsets.UTF_8), 500);
        RawInput data = RawInput.skipped("s3://b/2026/01/01/00/data/r1_input.json.gz", "large-body object under /data/");
        RawInput odd = RawInput.damaged("x:1", ErrorType.UNREADABLE_FILE, "no such file", new byte[0], 0);
        odd.errorType = "SOMETHING_NEW";
        DecodeRun run = DecodeRun.of(List.of(cut, data, odd));

        assertThat(run.rows).isEmpty();
        assertThat(run.failed).extracting(f -> f.errorType).containsExactly("TRUNCATED_GZIP", "DECODE_ERROR");
        FailedRecord f = run.failed.get(0);
        assertThat(f.source).isEqualTo("s3://b/x.json.gz:17");
        assertThat(f.errorMessage).isEqualTo("Damaged or truncated data in x.json.gz after line 16");
        assertThat(f.raw).startsWith("{\"schemaType\":\"ModelInvocationLog\",\"requestId\":\"r1\",").doesNotContain("CANARY");
        assertThat(f.rawBytes).isEqualTo(500);
        assertThat(run.failed.get(1).errorMessage).contains("SOMETHING_NEW");
        assertThat(run.metrics.skipped.getCount()).isEqualTo(1);
    }

    @Test
    void aRecordOverTheSizeLimitFailsAsTooLarge() throws Exception {
        String good = DecodeRun.resourceLines("operations.jsonl").get(0);
        ParseOptions small = ParseOptions.defaults().withLimits(good.length() - 1, 1 << 20);
        DecodeRun run = DecodeRun.of(small, DecodeRun.asLines("big.jsonl", List.of(good, "{\"x\":1}")));
        assertThat(run.failed).extracting(f -> f.errorType).containsExactly("RECORD_TOO_LARGE", "NOT_INVOCATION_LOG");
        assertThat(run.failed.get(0).rawBytes).isEqualTo(good.length());
        assertThat(run.failed.get(0).raw).contains("\"requestId\":\"0f3c2a8e").doesNotContain("Summarise ticket");
    }

    @Test
    void countersAreRegisteredOnTheOperatorsMetricGroup() throws Exception {
        InterceptingOperatorMetricGroup group = new InterceptingOperatorMetricGroup();
        MockEnvironment env = new MockEnvironmentBuilder().setMetricGroup(new UnregisteredMetricGroups.UnregisteredTaskMetricGroup() {
            @Override
            public InternalOperatorMetricGroup getOrAddOperator(OperatorID id, String name) {
                return group;
            }
        }).build();
        List<String> lines = new ArrayList<>(DecodeRun.resourceLines("operations.jsonl"));
        lines.add("not json");
        long bytes = 0;
        try (OneInputStreamOperatorTestHarness<RawInput, Invocation> h =
                     new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new DecodeFunction(ParseOptions.defaults())), env)) {
            h.open();
            for (RawInput in : DecodeRun.asLines("m.jsonl", lines)) {
                bytes += in.payload.length;
                h.processElement(in, 0);
            }
            h.processElement(RawInput.skipped("s3://b/amazon-bedrock-logs-permission-check", "permission check"), 0);
        }
        assertThat(count(group, DecodeMetrics.RECORDS_IN)).isEqualTo(lines.size() + 1);
        assertThat(count(group, DecodeMetrics.BYTES_IN)).isEqualTo(bytes);
        assertThat(count(group, DecodeMetrics.PARSED)).isEqualTo(20);
        assertThat(count(group, DecodeMetrics.SKIPPED)).isEqualTo(2);
        assertThat(count(group, DecodeMetrics.FAILED)).isEqualTo(1);
        assertThat(count(group, DecodeMetrics.failedName(ErrorType.NOT_JSON))).isEqualTo(1);
        assertThat(count(group, DecodeMetrics.failedName(ErrorType.TRUNCATED))).isZero();
        assertThat(count(group, DecodeMetrics.CONTROL_MESSAGES)).isZero();
        assertThat(count(group, DecodeMetrics.LOG_EVENTS_IN)).isZero();
    }

    @Test
    void theFunctionWithItsMappingTravelsToTheTaskManagers() throws Exception {
        ProfileMapping mapping = ProfileMapping.parse(ProfileMapping.HEADER + "\n"
                + APP_PROFILE + ",us.anthropic.claude-sonnet-4-5-20250929-v1:0,,stark\n", "profiles.csv");
        DecodeFunction copy = org.apache.flink.util.InstantiationUtil.clone(
                new DecodeFunction(new ParseOptions("", "assumed-role/[^/]+/tenant-(.+)", mapping)));
        try (OneInputStreamOperatorTestHarness<RawInput, Invocation> h =
                     org.apache.flink.streaming.util.ProcessFunctionTestHarnesses.forProcessFunction(copy)) {
            for (RawInput in : DecodeRun.asLines("ops", DecodeRun.resourceLines("operations.jsonl"))) {
                h.processElement(in, 0);
            }
            assertThat(h.extractOutputValues()).filteredOn(r -> APP_PROFILE.equals(r.modelId))
                    .singleElement().satisfies(r -> assertThat(r.tenantId).isEqualTo("stark"));
        }
    }

    private static long count(InterceptingOperatorMetricGroup g, String name) {
        assertThat(g.get(name)).as(name).isInstanceOf(Counter.class);
        return ((Counter) g.get(name)).getCount();
    }

    private static int indexOf(List<String> lines, String requestId) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("\"requestId\":\"" + requestId + "\"")) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
