package com.bedrockcost.parse;

import com.bedrockcost.model.ErrorType;
import com.bedrockcost.testutil.Envelopes;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link CloudWatchEnvelope} on its own: the envelope shapes CloudWatch may send, in any key order. */
class CloudWatchEnvelopeTest {
    private final CloudWatchEnvelope decoder = new CloudWatchEnvelope(InvocationLogParser.newJsonFactory(1 << 20), 1 << 20);

    /** Records what the decoder hands over, copying messages out of its buffer. */
    private static final class Recorder implements CloudWatchEnvelope.Handler {
        final List<String> events = new ArrayList<>();
        final List<String> outcomes = new ArrayList<>();

        @Override
        public void logEvent(String source, char[] text, int offset, int length) {
            events.add(source + " => " + new String(text, offset, length));
        }

        @Override
        public void control(String source) {
            outcomes.add("control " + source);
        }

        @Override
        public void empty(String source) {
            outcomes.add("empty " + source);
        }

        @Override
        public void failed(String source, ErrorType type, String message, String raw, long rawBytes) {
            outcomes.add(type + " " + source + ": " + message);
        }
    }

    private Recorder decode(String json) {
        Recorder r = new Recorder();
        decoder.decode("k", Envelopes.gzip(json), r);
        return r;
    }

    @Test
    void messagesAreHandedOverUnescaped() {
        // Each message is JSON text inside a JSON string: one level of escaping comes off, the record's own stays.
        String record = "{\"a\":\"x\\\"y\",\"b\":\"\\u00e9\",\"c\":\"\u00e9\u20ac\"}";
        Recorder r = decode(Envelopes.dataJson(List.of(record, "line two")));
        assertThat(Envelopes.dataJson(List.of(record))).contains("\\\"a\\\":\\\"x\\\\\\\"y");
        assertThat(r.events).containsExactly(
                "k//aws/bedrock/modelinvocations/aws/bedrock/modelinvocations/" + Envelopes.eventId(0) + " => " + record,
                "k//aws/bedrock/modelinvocations/aws/bedrock/modelinvocations/" + Envelopes.eventId(1) + " => line two");
        assertThat(r.outcomes).isEmpty();
    }

    @Test
    void keyOrderDoesNotMatter() {
        // logEvents before the header, and an event's message before its id
        Recorder r = decode("{\"logEvents\":[{\"message\":\"m1\",\"timestamp\":1,\"id\":\"e1\"},{\"id\":\"e2\",\"message\":\"m2\"}],"
                + "\"logStream\":\"s\",\"owner\":\"111122223333\",\"logGroup\":\"g\",\"messageType\":\"DATA_MESSAGE\",\"policyLevel\":\"ACCOUNT_LEVEL_POLICY\"}");
        assertThat(r.events).containsExactly("k/g/s/e1 => m1", "k/g/s/e2 => m2");
        Recorder r2 = decode("{\"messageType\":\"DATA_MESSAGE\",\"logGroup\":\"g\",\"logStream\":\"s\","
                + "\"logEvents\":[{\"message\":\"m1\",\"id\":\"e1\",\"extractedFields\":{\"a\":\"b\"}}]}");
        assertThat(r2.events).containsExactly("k/g/s/e1 => m1");
    }

    @Test
    void aControlMessageIsReportedWhereverItsTypeStands() {
        assertThat(decode(Envelopes.controlJson()).outcomes).containsExactly("control k");
        Recorder late = decode("{\"logEvents\":[{\"id\":\"\",\"message\":\"CWL CONTROL MESSAGE\"}],\"messageType\":\"CONTROL_MESSAGE\"}");
        assertThat(late.events).isEmpty();
        assertThat(late.outcomes).containsExactly("control k");
    }

    @Test
    void anEventWithoutAUsableMessageFailsAlone() {
        Recorder r = decode("{\"messageType\":\"DATA_MESSAGE\",\"logGroup\":\"g\",\"logStream\":\"s\",\"logEvents\":["
                + "{\"id\":\"e1\",\"message\":\"m1\"},{\"id\":\"e2\"},{\"id\":\"e3\",\"message\":{\"x\":1}},7,{\"id\":\"e5\",\"message\":\"m5\"}]}");
        assertThat(r.events).containsExactly("k/g/s/e1 => m1", "k/g/s/e5 => m5");
        assertThat(r.outcomes).containsExactly(
                "BAD_ENVELOPE k/g/s/e2: log event at k/g/s/e2 has no message",
                "BAD_ENVELOPE k/g/s/e3: log event at k/g/s/e3 has a message that is START_OBJECT, not a string",
                "BAD_ENVELOPE k/g/s/?: log event at k/g/s/? is VALUE_NUMBER_INT, not an object");
    }

    @Test
    void aGzipWithoutItsTrailerStillGivesAllEventsOfCompleteJsonAndSaysSo() {
        byte[] full = Envelopes.data(List.of("m1", "m2"));
        byte[] noTrailer = java.util.Arrays.copyOf(full, full.length - 8);
        Recorder r = new Recorder();
        decoder.decode("k", noTrailer, r);
        assertThat(r.events).hasSize(2);
        assertThat(r.outcomes).singleElement().asString().startsWith("TRUNCATED_GZIP k: ").contains("all 2 log events were read");
    }

    @Test
    void concatenatedGzipMembersAreOnePayload() {
        String json = Envelopes.dataJson(List.of("m1", "m2", "m3"));
        int half = json.length() / 2;
        byte[] a = Envelopes.gzip(json.substring(0, half));
        byte[] b = Envelopes.gzip(json.substring(half));
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        Recorder r = new Recorder();
        decoder.decode("k", both, r);
        assertThat(r.events).hasSize(3);
        assertThat(r.outcomes).isEmpty();
    }

    @Test
    void theInflateBufferIsReusedAcrossPayloadsWithoutMixingThem() {
        Recorder big = new Recorder();
        decoder.decode("k", Envelopes.data(List.of(new String(new char[300_000]).replace('\0', 'x'))), big);
        Recorder small = new Recorder();
        decoder.decode("k", Envelopes.data(List.of("tiny")), small);
        assertThat(big.events).singleElement().asString().endsWith("x".repeat(10));
        assertThat(small.events).singleElement().asString().endsWith(" => tiny");
    }
}
