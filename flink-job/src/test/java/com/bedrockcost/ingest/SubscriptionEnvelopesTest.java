package com.bedrockcost.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The payloads the replay puts into Kinesis look exactly like a CloudWatch Logs subscription's. */
class SubscriptionEnvelopesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void dataMessageIsGzipJsonWithTheSubscriptionFields() throws IOException {
        String record = "{\"requestId\":\"r-1\",\"timestamp\":\"2026-11-01T00:00:00Z\",\"note\":\"quote \\\" and \\u00e9\"}";
        byte[] payload = SubscriptionEnvelopes.data("111122223333", "bedrock-to-kinesis",
                List.of(new SubscriptionEnvelopes.LogEvent("31953106606966983378809025079804211143289615424298221568", 1793491200000L, record)));

        assertThat(payload[0] & 0xff).isEqualTo(0x1f);
        assertThat(payload[1] & 0xff).isEqualTo(0x8b);
        JsonNode env = gunzip(payload);
        assertThat(env.get("messageType").asText()).isEqualTo("DATA_MESSAGE");
        assertThat(env.get("owner").asText()).isEqualTo("111122223333");
        assertThat(env.get("logGroup").asText()).isEqualTo("/aws/bedrock/modelinvocations");
        assertThat(env.get("logStream").asText()).isEqualTo("aws/bedrock/modelinvocations");
        assertThat(env.get("subscriptionFilters").get(0).asText()).isEqualTo("bedrock-to-kinesis");
        JsonNode event = env.get("logEvents").get(0);
        // A 56-digit id stays a string (as a number it would lose digits).
        assertThat(event.get("id").isTextual()).isTrue();
        assertThat(event.get("id").asText()).isEqualTo("31953106606966983378809025079804211143289615424298221568");
        assertThat(event.get("timestamp").asLong()).isEqualTo(1793491200000L);
        // The record travels as JSON text inside a string, byte for byte.
        assertThat(event.get("message").asText()).isEqualTo(record);
    }

    @Test
    void controlMessageIsTheHealthCheckCloudWatchSends() throws IOException {
        JsonNode env = gunzip(SubscriptionEnvelopes.control(1793491200000L));
        assertThat(env.get("messageType").asText()).isEqualTo("CONTROL_MESSAGE");
        assertThat(env.get("owner").asText()).isEqualTo("CloudwatchLogs");
        assertThat(env.get("logEvents")).hasSize(1);
        assertThat(env.get("logEvents").get(0).get("message").asText()).startsWith("CWL CONTROL MESSAGE");
    }

    @Test
    void batcherClosesAnEnvelopeAtTheEventLimit() {
        SubscriptionEnvelopes.Batcher b = new SubscriptionEnvelopes.Batcher(3);
        List<List<SubscriptionEnvelopes.LogEvent>> done = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            List<SubscriptionEnvelopes.LogEvent> e = b.add(event(i, "x"));
            if (e != null) {
                done.add(e);
            }
        }
        done.add(b.flush());
        assertThat(done).extracting(List::size).containsExactly(3, 3, 1);
        assertThat(b.flush()).isNull();
        assertThat(done.get(2).get(0).id).isEqualTo("6");
    }

    @Test
    void envelopesThatWouldExceedTheKinesisRecordLimitAreSplitKeepingEveryEventInOrder() throws IOException {
        // Incompressible bodies of 100 KB: 30 of them cannot share one 1 MiB record.
        Random r = new Random(1);
        List<SubscriptionEnvelopes.LogEvent> events = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            byte[] noise = new byte[75_000];
            r.nextBytes(noise);
            events.add(event(i, Base64.getEncoder().encodeToString(noise)));
        }
        List<SubscriptionEnvelopes.LogEvent> tooLarge = new ArrayList<>();
        List<byte[]> payloads = SubscriptionEnvelopes.encode("111122223333", "f", events,
                SubscriptionEnvelopes.KINESIS_MAX_RECORD_BYTES - 64, tooLarge::add);

        assertThat(payloads.size()).isGreaterThan(2);
        assertThat(payloads).allSatisfy(p -> assertThat(p.length).isLessThanOrEqualTo(SubscriptionEnvelopes.KINESIS_MAX_RECORD_BYTES - 64));
        assertThat(tooLarge).isEmpty();
        List<String> ids = new ArrayList<>();
        for (byte[] p : payloads) {
            for (JsonNode e : gunzip(p).get("logEvents")) {
                ids.add(e.get("id").asText());
            }
        }
        List<String> expected = new ArrayList<>();
        events.forEach(e -> expected.add(e.id));
        assertThat(ids).containsExactlyElementsOf(expected);
    }

    @Test
    void anEventTooLargeForOneRecordIsReportedAndLeftOut() throws IOException {
        Random r = new Random(2);
        byte[] noise = new byte[1_200_000]; // base64 of random bytes still gzips to about 1.2 MB
        r.nextBytes(noise);
        List<SubscriptionEnvelopes.LogEvent> tooLarge = new ArrayList<>();
        List<byte[]> payloads = SubscriptionEnvelopes.encode("111122223333", "f",
                List.of(event(0, "small"), event(1, Base64.getEncoder().encodeToString(noise)), event(2, "small too")),
                SubscriptionEnvelopes.KINESIS_MAX_RECORD_BYTES - 64, tooLarge::add);

        assertThat(tooLarge).extracting(e -> e.id).containsExactly("1");
        List<String> ids = new ArrayList<>();
        for (byte[] p : payloads) {
            for (JsonNode e : gunzip(p).get("logEvents")) {
                ids.add(e.get("id").asText());
            }
        }
        assertThat(ids).containsExactly("0", "2");
    }

    private static SubscriptionEnvelopes.LogEvent event(int i, String message) {
        return new SubscriptionEnvelopes.LogEvent(String.valueOf(i), 1793491200000L + i, message);
    }

    private static JsonNode gunzip(byte[] payload) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(payload))) {
            return JSON.readTree(in);
        }
    }
}
