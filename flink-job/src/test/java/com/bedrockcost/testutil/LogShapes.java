package com.bedrockcost.testutil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The same invocation records in every shape users hold them (domain: backfill-formats.md): Bedrock's
 * S3 delivery, a Firehose archive of a CloudWatch Logs subscription (gzip members glued, no
 * delimiter, a control message among them), a CloudWatch Logs export, a Logs Insights download, a
 * JSON array and pretty-printed records. Records are JSON text, one per element of the input lists.
 */
public final class LogShapes {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What Bedrock writes into the log group when logging is switched on. */
    public static final String PERMISSION_EVENT = "Permissions are correctly set for Amazon Bedrock logs.";
    /** The health check CloudWatch sends to a Firehose destination. */
    public static final String FIREHOSE_CONTROL = "{\"messageType\":\"CONTROL_MESSAGE\",\"owner\":\"CloudwatchLogs\",\"logGroup\":\"\","
            + "\"logStream\":\"\",\"subscriptionFilters\":[],\"logEvents\":[{\"id\":\"\",\"timestamp\":1773480000000,"
            + "\"message\":\"CWL CONTROL MESSAGE: Checking health of destination Firehose.\"}]}";

    /**
     * The §1.7 examples (a), (b), (c) and (e) of bedrock-invocation-logs.md, one line each (the
     * failed-call example (d) is synthesised there, so it is left out).
     */
    public static final List<String> DOMAIN_EXAMPLES = List.of(
            "{\"schemaType\":\"ModelInvocationLog\",\"schemaVersion\":\"1.0\",\"timestamp\":\"2026-03-14T09:21:07Z\",\"accountId\":\"111122223333\","
                    + "\"identity\":{\"arn\":\"arn:aws:sts::111122223333:assumed-role/app-backend/i-0abc12de\"},\"region\":\"us-east-1\","
                    + "\"requestId\":\"0f3c2a8e-7f41-4c55-9a0e-2b1d6c9e4a10\",\"operation\":\"Converse\",\"modelId\":\"us.anthropic.claude-sonnet-4-5-20250929-v1:0\","
                    + "\"input\":{\"inputContentType\":\"application/json\",\"inputBodyJson\":{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Summarise ticket 4711\"}]}],"
                    + "\"system\":[{\"text\":\"You are a support assistant. ...\"},{\"cachePoint\":{\"type\":\"default\"}}],\"inferenceConfig\":{\"maxTokens\":1024,\"temperature\":0.2}},"
                    + "\"inputTokenCount\":412,\"cacheReadInputTokenCount\":3072,\"cacheWriteInputTokenCount\":0},"
                    + "\"output\":{\"outputContentType\":\"application/json\",\"outputBodyJson\":{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"The customer reports ...\"}]}},"
                    + "\"stopReason\":\"end_turn\",\"usage\":{\"inputTokens\":412,\"outputTokens\":187,\"totalTokens\":3671,\"cacheReadInputTokens\":3072,\"cacheWriteInputTokens\":0},"
                    + "\"metrics\":{\"latencyMs\":2315}},\"outputTokenCount\":187},\"requestMetadata\":{\"tenantId\":\"acme-co\",\"feature\":\"ticket-summary\"},\"inferenceRegion\":\"us-east-2\"}",
            "{\"timestamp\":\"2026-08-10T21:12:39Z\",\"accountId\":\"111122223333\",\"region\":\"us-east-1\",\"requestId\":\"304a166e-71c0-467a-b65c-8b8655354959\","
                    + "\"operation\":\"ConverseStream\",\"modelId\":\"arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0\","
                    + "\"input\":{\"inputContentType\":\"application/json\",\"inputBodyJson\":{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"what is the capital of missouri?\"}]}],"
                    + "\"inferenceConfig\":{\"maxTokens\":32000,\"temperature\":0.7}},\"inputTokenCount\":62},"
                    + "\"output\":{\"outputContentType\":\"application/json\",\"outputBodyJson\":{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"Jefferson City.\"}]}},"
                    + "\"stopReason\":\"end_turn\",\"metrics\":{\"latencyMs\":1134},\"usage\":{\"inputTokens\":62,\"outputTokens\":36,\"totalTokens\":98}},\"outputTokenCount\":36},"
                    + "\"requestMetadata\":{\"TenantID\":\"globex\"},\"inferenceRegion\":\"us-west-2\",\"identity\":{\"arn\":\"arn:aws:iam::111122223333:user/bedrock-test\"},"
                    + "\"schemaType\":\"ModelInvocationLog\",\"schemaVersion\":\"1.0\"}",
            "{\"schemaType\":\"ModelInvocationLog\",\"schemaVersion\":\"1.0\",\"timestamp\":\"2026-03-14T09:22:41Z\",\"accountId\":\"111122223333\","
                    + "\"identity\":{\"arn\":\"arn:aws:sts::111122223333:assumed-role/kb-ingest-role/BedrockKB\"},\"region\":\"us-east-1\","
                    + "\"requestId\":\"6b0d4c1e-1f0a-4d8e-b7a2-93c4e0f5d222\",\"operation\":\"InvokeModel\",\"modelId\":\"amazon.titan-embed-text-v2:0\","
                    + "\"input\":{\"inputContentType\":\"application/json\",\"inputBodyJson\":{\"inputText\":\"refund policy for annual plans\",\"dimensions\":1024,\"normalize\":true},\"inputTokenCount\":6},"
                    + "\"output\":{\"outputContentType\":\"application/json\",\"outputBodyJson\":{\"embedding\":[0.0123,-0.0456,0.0789],\"inputTextTokenCount\":6},\"outputTokenCount\":0},"
                    + "\"requestMetadata\":{\"tenant_id\":\"initech\"}}",
            "{\"schemaType\":\"ModelInvocationLog\",\"schemaVersion\":\"1.0\",\"timestamp\":\"2024-04-25T09:12:30Z\",\"accountId\":\"111122223333\","
                    + "\"identity\":{\"arn\":\"arn:aws:iam::111122223333:user/dev\"},\"region\":\"us-east-1\",\"requestId\":\"c1d2e3f4-0000-4a5b-8c9d-0123456789ab\","
                    + "\"operation\":\"InvokeModelWithResponseStream\",\"modelId\":\"anthropic.claude-3-sonnet-20240229-v1:0\","
                    + "\"input\":{\"inputContentType\":\"application/json\",\"inputBodyJson\":{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":1000,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"...\"}]},\"inputTokenCount\":571},"
                    + "\"output\":{\"outputContentType\":\"application/json\",\"outputBodyJson\":[{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":571,\"output_tokens\":1}}},"
                    + "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"...\"}},"
                    + "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":281}},"
                    + "{\"type\":\"message_stop\",\"amazon-bedrock-invocationMetrics\":{\"inputTokenCount\":571,\"outputTokenCount\":281,\"invocationLatency\":3848,\"firstByteLatency\":509}},\"[DONE]\"],"
                    + "\"outputTokenCount\":281}}");

    private LogShapes() {}

    /** Bedrock's S3 delivery: gzip, one record per line. */
    public static byte[] nativeDelivery(List<String> records) {
        return Envelopes.gzip(String.join("\n", records) + "\n");
    }

    /**
     * A Firehose archive of a CloudWatch Logs subscription without processors: each Firehose record
     * the gzip of one envelope, glued; {@code perEnvelope} log events each; a control message first.
     */
    public static byte[] firehoseArchive(List<String> records, int perEnvelope) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Envelopes.gzip(FIREHOSE_CONTROL));
        for (int i = 0; i < records.size(); i += perEnvelope) {
            out.writeBytes(Envelopes.data(records.subList(i, Math.min(records.size(), i + perEnvelope))));
        }
        return out.toByteArray();
    }

    /** The envelopes of {@link #firehoseArchive} as plain JSON text, one per line (Firehose with only decompression). */
    public static byte[] envelopeLines(List<String> records, int perEnvelope) {
        StringBuilder s = new StringBuilder(FIREHOSE_CONTROL).append('\n');
        for (int i = 0; i < records.size(); i += perEnvelope) {
            s.append(Envelopes.dataJson(records.subList(i, Math.min(records.size(), i + perEnvelope)))).append('\n');
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A CloudWatch Logs export ({@code CreateExportTask}): gzip, {@code <time>Z <message>} lines, the permission event first. */
    public static byte[] cloudWatchExport(List<String> records) {
        StringBuilder s = new StringBuilder("2026-03-14T09:00:00.000Z ").append(PERMISSION_EVENT).append('\n');
        long t = Instant.parse("2026-03-14T09:21:08.125Z").toEpochMilli();
        for (String r : records) {
            s.append(Instant.ofEpochMilli(t += 1000)).append(' ').append(r).append('\n');
        }
        return Envelopes.gzip(s.toString());
    }

    /** A Logs Insights "Download table (JSON)": a JSON array of rows whose {@code @message} is the record, pretty-printed. */
    public static byte[] insightsDownload(List<String> records) {
        ArrayNode rows = JSON.createArrayNode();
        for (String r : records) {
            ObjectNode row = rows.addObject();
            row.put("@timestamp", "2026-03-14 09:21:08.125");
            row.put("@message", r);
            row.put("@logStream", Envelopes.LOG_STREAM);
            row.put("@log", "111122223333:" + Envelopes.LOG_GROUP);
        }
        return pretty(rows);
    }

    /** A JSON array of the records, pretty-printed. */
    public static byte[] jsonArray(List<String> records) {
        ArrayNode array = JSON.createArrayNode();
        for (String r : records) {
            array.add(tree(r));
        }
        return pretty(array);
    }

    /** The records pretty-printed over many lines, one after the other. */
    public static byte[] prettyRecords(List<String> records) {
        StringBuilder s = new StringBuilder();
        for (String r : records) {
            s.append(new String(pretty(tree(r)), StandardCharsets.UTF_8)).append('\n');
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode tree(String record) {
        try {
            return JSON.readTree(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] pretty(JsonNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The request ids of {@code records}, in order. */
    public static List<String> requestIds(List<String> records) {
        List<String> ids = new ArrayList<>();
        for (String r : records) {
            ids.add(tree(r).path("requestId").asText());
        }
        return ids;
    }
}
