package com.bedrockcost.parse;

import com.bedrockcost.model.ErrorType;
import com.bedrockcost.model.Invocation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Fine points of reading one record: what is read from where, and what is never built. */
class InvocationLogParserTest {
    private static final String HEAD = "\"schemaType\":\"ModelInvocationLog\",\"timestamp\":\"2026-03-14T09:21:07Z\","
            + "\"requestId\":\"r-1\",\"operation\":\"Converse\",\"modelId\":\"amazon.nova-lite-v1:0\"";

    private final InvocationLogParser parser = new InvocationLogParser();

    private Invocation parse(String json) throws RecordException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        Invocation fromBytes = parser.parse(b, 0, b.length);
        char[] c = json.toCharArray();
        Invocation fromChars = parser.parse(c, 0, c.length);
        assertThat(fromChars).as("bytes and chars give the same record").isEqualTo(fromBytes);
        return fromBytes;
    }

    private ErrorType failure(String json) {
        try {
            parse(json);
        } catch (RecordException e) {
            return e.type();
        }
        throw new AssertionError("parsed: " + json);
    }

    @Test
    void bodiesAreScannedButNeverBuilt() throws Exception {
        // Jackson refuses to build any string longer than 1000 characters with this factory: the
        // record still parses, so no part of the 300 KB of bodies was ever made into a string.
        JsonFactory strict = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(1000).build()).build();
        InvocationLogParser p = new InvocationLogParser(strict);
        String prompt = "word ".repeat(30_000);
        String json = "{" + HEAD + ",\"input\":{\"inputBodyJson\":{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"" + prompt
                + "\"}]}]},\"inputTokenCount\":7},\"output\":{\"outputBodyJson\":{\"output\":{\"message\":{\"content\":[{\"text\":\""
                + prompt + "\"}]}},\"usage\":{\"inputTokens\":7,\"outputTokens\":9},\"metrics\":{\"latencyMs\":5}}},"
                + "\"trace\":{\"x\":\"" + prompt + "\"}}";
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        Invocation inv = p.parse(b, 0, b.length);
        assertThat(inv.inputTokens).isEqualTo(7);
        assertThat(inv.outputTokens).isEqualTo(9);
        assertThat(inv.latencyMs).isEqualTo(5L);
        char[] c = json.toCharArray();
        assertThat(p.parse(c, 0, c.length).outputTokens).isEqualTo(9);
        // and the same factory does refuse a long string where one is read
        String longId = "{" + HEAD.replace("\"r-1\"", "\"" + "r".repeat(2000) + "\"") + "}";
        assertThatThrownBy(() -> p.parse(longId.getBytes(StandardCharsets.UTF_8), 0, longId.length()))
                .isInstanceOf(RecordException.class);
    }

    @Test
    void topLevelCountsWinAndTheBodyFillsOnlyWhatIsMissing() throws Exception {
        Invocation inv = parse("{" + HEAD + ",\"input\":{\"inputTokenCount\":10,\"cacheReadInputTokenCount\":null},"
                + "\"output\":{\"outputBodyJson\":{\"usage\":{\"inputTokens\":99,\"outputTokens\":20,\"cacheReadInputTokens\":30,"
                + "\"cacheWriteInputTokens\":40}}}}");
        assertThat(new long[] {inv.inputTokens, inv.outputTokens, inv.cacheReadTokens, inv.cacheWriteTokens})
                .containsExactly(10, 20, 30, 40);
    }

    @Test
    void aBadBodyCountFailsOnlyWhenItWouldBeUsed() throws Exception {
        Invocation inv = parse("{" + HEAD + ",\"output\":{\"outputTokenCount\":3,\"outputBodyJson\":{\"usage\":{\"outputTokens\":-1}}}}");
        assertThat(inv.outputTokens).isEqualTo(3);
        assertThatThrownBy(() -> parse("{" + HEAD + ",\"output\":{\"outputBodyJson\":{\"usage\":{\"outputTokens\":-1}}}}"))
                .isInstanceOf(RecordException.class)
                .hasMessage("outputBodyJson.usage.outputTokens is -1, a negative count (and no output.outputTokenCount to use instead)");
    }

    @Test
    void cacheWritesSplitByTtlAndTheOneHourPartNeverExceedsTheTotal() throws Exception {
        String details = "\"cacheDetails\":[{\"ttl\":\"1h\",\"inputTokens\":300},{\"inputTokens\":200,\"ttl\":\"5m\"},{\"ttl\":\"1h\",\"inputTokens\":50}]";
        Invocation fromDetails = parse("{" + HEAD + ",\"output\":{\"outputBodyJson\":{\"usage\":{" + details + "}}}}");
        assertThat(fromDetails.cacheWriteTokens).isEqualTo(550);
        assertThat(fromDetails.cacheWrite1hTokens).isEqualTo(350);
        Invocation clamped = parse("{" + HEAD + ",\"input\":{\"cacheWriteInputTokenCount\":100},\"output\":{\"outputBodyJson\":{\"usage\":{" + details + "}}}}");
        assertThat(clamped.cacheWriteTokens).isEqualTo(100);
        assertThat(clamped.cacheWrite1hTokens).isEqualTo(100);
        Invocation none = parse("{" + HEAD + ",\"input\":{\"cacheWriteInputTokenCount\":100}}");
        assertThat(none.cacheWrite1hTokens).isZero();
    }

    @Test
    void streamChunksNeedNotAllBeObjects() throws Exception {
        Invocation inv = parse("{" + HEAD + ",\"output\":{\"outputBodyJson\":[\"[DONE]\",1,null,[{\"amazon-bedrock-invocationMetrics\":{\"inputTokenCount\":1}}],"
                + "{\"type\":\"message_stop\",\"amazon-bedrock-invocationMetrics\":{\"inputTokenCount\":4,\"outputTokenCount\":5,\"invocationLatency\":6}}]}}");
        assertThat(inv.inputTokens).isEqualTo(4);
        assertThat(inv.outputTokens).isEqualTo(5);
        assertThat(inv.latencyMs).isEqualTo(6L);
    }

    @Test
    void unknownFieldsAndOddValuesAreToleratedWhereTheyDoNotMatter() throws Exception {
        Invocation inv = parse("{\"future\":{\"a\":[1,2,{\"b\":null}]}," + HEAD + ",\"accountId\":111122223333,"
                + "\"identity\":\"arn:aws:iam::111122223333:user/x\",\"requestMetadata\":{\"tenantId\":\"t\",\"n\":5,\"b\":true,\"o\":{\"x\":1},\"z\":null},"
                + "\"input\":\"moved\",\"output\":{\"outputBodyJson\":\"text\",\"outputTokenCount\":2},\"errorCode\":null,"
                + "\"output2\":{\"metrics\":{\"latencyMs\":9}}}");
        assertThat(inv.accountId).isEqualTo("111122223333");
        assertThat(inv.identityArn).isEqualTo("arn:aws:iam::111122223333:user/x");
        assertThat(inv.requestMetadata).containsExactlyInAnyOrderEntriesOf(Map.of("tenantId", "t", "n", "5", "b", "true"));
        assertThat(inv.inputTokens).isZero();
        assertThat(inv.outputTokens).isEqualTo(2);
        assertThat(inv.latencyMs).isNull();
        assertThat(inv.errorCode).isNull();
        Invocation negativeLatency = parse("{" + HEAD + ",\"output\":{\"outputBodyJson\":{\"metrics\":{\"latencyMs\":-3}}}}");
        assertThat(negativeLatency.latencyMs).isNull();
    }

    @Test
    void withoutSchemaTypeTheShapeDecides() throws Exception {
        Invocation inv = parse("{\"timestamp\":\"2026-03-14T09:21:07.250+01:00\",\"requestId\":\"r\",\"modelId\":\"m\",\"input\":{\"inputTokenCount\":1}}");
        assertThat(inv.eventTime).isEqualTo(Instant.parse("2026-03-14T08:21:07.250Z"));
        assertThat(failure("{\"timestamp\":\"2026-03-14T09:21:07Z\",\"requestId\":\"r\"}")).isEqualTo(ErrorType.NOT_INVOCATION_LOG);
        assertThat(failure("{\"schemaType\":5," + HEAD.substring(HEAD.indexOf(',') + 1) + "}")).isEqualTo(ErrorType.NOT_INVOCATION_LOG);
        assertThat(failure("\"just a string\"")).isEqualTo(ErrorType.NOT_INVOCATION_LOG);
        assertThat(failure("{" + HEAD.replace("\"r-1\"", "42") + "}")).isEqualTo(ErrorType.MISSING_REQUEST_ID);
        assertThat(failure("{" + HEAD.replace("\"amazon.nova-lite-v1:0\"", "\" \"") + "}")).isEqualTo(ErrorType.MISSING_MODEL_ID);
    }

    @Test
    void onlyTheFirstProblemIsReportedInAFixedOrder() {
        // missing request id comes before a bad timestamp and a bad count
        assertThat(failure("{\"schemaType\":\"ModelInvocationLog\",\"timestamp\":\"x\",\"input\":{\"inputTokenCount\":-1},\"modelId\":\"m\"}"))
                .isEqualTo(ErrorType.MISSING_REQUEST_ID);
        assertThat(failure("{" + HEAD.replace("2026-03-14T09:21:07Z", "x") + ",\"input\":{\"inputTokenCount\":-1}}"))
                .isEqualTo(ErrorType.BAD_TIMESTAMP);
    }
}
