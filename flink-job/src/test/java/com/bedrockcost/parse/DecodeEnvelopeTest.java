package com.bedrockcost.parse;

import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.model.ErrorType;
import com.bedrockcost.model.FailedRecord;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.testutil.Envelopes;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The decode stage over CloudWatch Logs subscription payloads, as the Kinesis source delivers them. */
class DecodeEnvelopeTest {
    private static final String SHARD = "bedrock-logs/shardId-000000000001/49650000000000000000000000000000000000000000000001";
    private static final String EVENTS = SHARD + "/" + Envelopes.LOG_GROUP + "/" + Envelopes.LOG_STREAM + "/";
    private static final LogGenerator GEN = new LogGenerator(5, 1000, 20, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofHours(1));

    private static List<String> records(int from, int n) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            out.add(GEN.recordText(i));
        }
        return out;
    }

    @Test
    void aDataMessageGivesOneInvocationPerLogEventWithItsSource() throws Exception {
        List<String> recs = records(0, 7);
        DecodeRun run = DecodeRun.of(List.of(RawInput.envelope(SHARD, Envelopes.data(recs))));

        assertThat(run.failed).isEmpty();
        assertThat(run.rows).hasSize(7);
        for (int i = 0; i < 7; i++) {
            Invocation inv = run.rows.get(i);
            assertThat(recs.get(i)).contains("\"requestId\":\"" + inv.requestId + "\"");
            assertThat(inv.source).isEqualTo(EVENTS + Envelopes.eventId(i));
            assertThat(inv.eventTime).isNotNull();
        }
        assertThat(run.metrics.logEventsIn.getCount()).isEqualTo(7);
        assertThat(run.metrics.parsed.getCount()).isEqualTo(7);
    }

    @Test
    void controlMessagesAreCountedNotFailed() throws Exception {
        DecodeRun run = DecodeRun.of(List.of(RawInput.envelope(SHARD, Envelopes.control()),
                RawInput.envelope(SHARD + "2", Envelopes.data(records(0, 2)))));
        assertThat(run.rows).hasSize(2);
        assertThat(run.failed).isEmpty();
        assertThat(run.metrics.controlMessages.getCount()).isEqualTo(1);
        assertThat(run.metrics.logEventsIn.getCount()).isEqualTo(2);
    }

    @Test
    void malformedEventsFailAloneAndTheirSiblingsCount() throws Exception {
        List<String> good = records(10, 3);
        String cutRecord = good.get(0).substring(0, good.get(0).length() / 2);
        List<String> messages = Arrays.asList(good.get(0), "not json", good.get(1), InvocationDecoder.PERMISSION_LINE,
                cutRecord.replace("\"requestId\":\"", "\"requestId\":\"x"), "{\"schemaType\":\"ModelInvocationLog\",\"operation\":\"Converse\"}",
                good.get(2));
        DecodeRun run = DecodeRun.of(List.of(RawInput.envelope(SHARD, Envelopes.data(messages))));

        assertThat(run.rows).hasSize(3);
        assertThat(run.rows).extracting(r -> r.source).containsExactly(
                EVENTS + Envelopes.eventId(0), EVENTS + Envelopes.eventId(2), EVENTS + Envelopes.eventId(6));
        assertThat(run.failed).extracting(f -> f.errorType).containsExactly("NOT_JSON", "TRUNCATED", "MISSING_REQUEST_ID");
        assertThat(run.failed).extracting(f -> f.source).containsExactly(
                EVENTS + Envelopes.eventId(1), EVENTS + Envelopes.eventId(4), EVENTS + Envelopes.eventId(5));
        assertThat(run.failed.get(1).errorMessage).endsWith("(log event at " + EVENTS + Envelopes.eventId(4) + ")");
        assertThat(run.failed.get(1).rawBytes).isEqualTo(cutRecord.length() + 1);
        assertThat(run.metrics.skipped.getCount()).isEqualTo(1);
        assertThat(run.metrics.logEventsIn.getCount()).isEqualTo(7);
    }

    @Test
    void aPayloadThatIsNotGzipFailsWholeWithoutItsRecords() throws Exception {
        byte[] plain = Envelopes.dataJson(List.of(canaryRecord())).getBytes(StandardCharsets.UTF_8);
        DecodeRun run = DecodeRun.of(List.of(RawInput.envelope(SHARD, plain), RawInput.envelope(SHARD + "b", new byte[0]),
                RawInput.envelope(SHARD + "c", Envelopes.data(records(0, 1)))));
        assertThat(run.rows).hasSize(1);
        assertThat(run.failed).extracting(f -> f.errorType).containsExactly("NOT_GZIP", "NOT_GZIP");
        FailedRecord f = run.failed.get(0);
        assertThat(f.source).isEqualTo(SHARD);
        assertThat(f.errorMessage).contains("is not gzip (starts with 7b 22 6d 65, looks like uncompressed JSON)");
        assertThat(f.rawBytes).isEqualTo(plain.length);
        assertThat(f.raw).startsWith("{\"messageType\":\"DATA_MESSAGE\"").doesNotContain("CANARY").doesNotContain("logEvents\":[");
    }

    @Test
    void aCutGzipPayloadKeepsTheEventsBeforeTheCutAndFailsOnce() throws Exception {
        List<String> recs = records(20, 12);
        byte[] full = Envelopes.data(recs);
        byte[] cut = Arrays.copyOf(full, full.length * 2 / 3);
        DecodeRun run = DecodeRun.of(List.of(RawInput.envelope(SHARD, cut)));

        assertThat(run.failed).singleElement().satisfies(f -> {
            assertThat(f.errorType).isEqualTo("TRUNCATED_GZIP");
            assertThat(f.source).isEqualTo(SHARD);
            assertThat(f.errorMessage).contains("the gzip stream ends early").contains("complete before the cut were read");
            assertThat(f.rawBytes).isEqualTo(cut.length);
            assertThat(f.raw).startsWith("{\"messageType\":\"DATA_MESSAGE\"").doesNotContain("ModelInvocationLog");
        });
        // every complete event before the cut, in order, and nothing made up from the partial one
        assertThat(run.rows.size()).isBetween(1, 11);
        for (int i = 0; i < run.rows.size(); i++) {
            assertThat(recs.get(i)).contains("\"requestId\":\"" + run.rows.get(i).requestId + "\"");
            assertThat(run.rows.get(i).source).isEqualTo(EVENTS + Envelopes.eventId(i));
        }
    }

    @Test
    void aDamagedGzipPayloadFailsWholeBecauseNothingInItCanBeTrusted() throws Exception {
        byte[] payload = Envelopes.data(records(40, 8));
        payload[payload.length / 2] ^= 0x10;
        DecodeRun run = DecodeRun.of(List.of(RawInput.envelope(SHARD, payload)));
        assertThat(run.rows).isEmpty();
        assertThat(run.failed).singleElement().satisfies(f -> {
            assertThat(f.errorType).isEqualTo("TRUNCATED_GZIP");
            assertThat(f.errorMessage).contains("is damaged gzip").contains("none of its log events were read");
        });
    }

    @Test
    void envelopesThatAreNotJsonOrNotShapedLikeOneFail() throws Exception {
        DecodeRun run = DecodeRun.of(List.of(
                RawInput.envelope("a", Envelopes.gzip("hello, world")),
                RawInput.envelope("b", Envelopes.gzip(Envelopes.dataJson(records(0, 2)).substring(0, 300))),
                RawInput.envelope("c", Envelopes.gzip("{\"owner\":\"111122223333\",\"logEvents\":[]}")),
                RawInput.envelope("d", Envelopes.gzip("{\"messageType\":\"SURPRISE\",\"logEvents\":[]}")),
                RawInput.envelope("e", Envelopes.gzip("{\"messageType\":\"DATA_MESSAGE\",\"logGroup\":\"g\",\"logStream\":\"s\"}")),
                RawInput.envelope("f", Envelopes.gzip("[1,2]")),
                RawInput.envelope("g", Envelopes.gzip("{\"messageType\":\"DATA_MESSAGE\",\"logGroup\":\"g\",\"logStream\":\"s\",\"logEvents\":{}}")),
                RawInput.envelope("h", Envelopes.gzip("{\"messageType\":\"DATA_MESSAGE\",\"logGroup\":\"g\",\"logStream\":\"s\",\"logEvents\":[]}")),
                RawInput.envelope("i", Envelopes.data(records(0, 1)))));
        assertThat(run.failed).extracting(f -> f.source + " " + f.errorType).containsExactly(
                "a NOT_JSON", "b TRUNCATED", "c BAD_ENVELOPE", "d BAD_ENVELOPE", "e BAD_ENVELOPE", "f BAD_ENVELOPE", "g BAD_ENVELOPE");
        assertThat(run.failed.get(2).errorMessage).contains("has no messageType");
        assertThat(run.failed.get(3).errorMessage).contains("has messageType SURPRISE, not DATA_MESSAGE or CONTROL_MESSAGE");
        assertThat(run.failed.get(4).errorMessage).contains("is a DATA_MESSAGE without logEvents");
        assertThat(run.failed).allSatisfy(f -> assertThat(f.raw).doesNotContain("ModelInvocationLog"));
        // an empty batch is a counted skip; the good envelope after them all still counts
        assertThat(run.metrics.skipped.getCount()).isEqualTo(1);
        assertThat(run.rows).hasSize(1);
    }

    @Test
    void anInflatedPayloadOverTheLimitFailsAsTooLarge() throws Exception {
        byte[] bomb = Envelopes.gzip(new byte[4 * 1024 * 1024]);
        ParseOptions small = ParseOptions.defaults().withLimits(1 << 20, 1 << 20);
        DecodeRun run = DecodeRun.of(small, List.of(RawInput.envelope(SHARD, bomb), RawInput.envelope("ok", Envelopes.data(records(0, 1)))));
        assertThat(run.failed).singleElement().satisfies(f -> {
            assertThat(f.errorType).isEqualTo("RECORD_TOO_LARGE");
            assertThat(f.errorMessage).contains("inflates to more than 1048576 bytes");
        });
        assertThat(run.rows).hasSize(1);
        assertThat(run.metrics.failed(ErrorType.RECORD_TOO_LARGE).getCount()).isEqualTo(1);
    }

    private static String canaryRecord() {
        return GEN.recordText(0).replace("\"inputBodyJson\":{", "\"inputBodyJson\":{\"note\":\"PROMPT-CANARY\",");
    }
}
