package com.bedrockcost.ingest;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import javax.annotation.Nullable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;

/**
 * CloudWatch Logs subscription payloads as a subscription filter puts them into Kinesis: gzip of a
 * JSON envelope ({@code messageType}, {@code owner}, {@code logGroup}, {@code logStream},
 * {@code subscriptionFilters}, {@code logEvents[{id, timestamp, message}]}), and the
 * {@code CONTROL_MESSAGE} CloudWatch sends to check the destination.
 */
public final class SubscriptionEnvelopes {
    /** The log group and stream Bedrock writes to (one stream for all records). */
    public static final String LOG_GROUP = "/aws/bedrock/modelinvocations";
    public static final String LOG_STREAM = "aws/bedrock/modelinvocations";
    public static final String CONTROL_TEXT = "CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.";
    /** Largest Kinesis record (data and partition key together), by default. */
    public static final int KINESIS_MAX_RECORD_BYTES = 1024 * 1024;
    /** An envelope is closed once its JSON reaches this, before compression, whatever the event count. */
    private static final int MAX_UNCOMPRESSED_BYTES = 8 * 1024 * 1024;
    private static final JsonFactory JSON = new JsonFactory();

    private SubscriptionEnvelopes() {}

    /** One log event: CloudWatch's event id (a 56-digit number), its timestamp in epoch ms, and the record's JSON text. */
    public static final class LogEvent {
        public final String id;
        public final long timestamp;
        public final String message;

        public LogEvent(String id, long timestamp, String message) {
            this.id = id;
            this.timestamp = timestamp;
            this.message = message;
        }
    }

    /** The gzip bytes of a {@code DATA_MESSAGE} holding {@code events}. */
    public static byte[] data(String owner, String filterName, List<LogEvent> events) {
        return gzip(json("DATA_MESSAGE", owner, LOG_GROUP, LOG_STREAM, Collections.singletonList(filterName), events));
    }

    /** The gzip bytes of a {@code CONTROL_MESSAGE} as CloudWatch sends when it checks the stream. */
    public static byte[] control(long timestamp) {
        return gzip(json("CONTROL_MESSAGE", "CloudwatchLogs", "", "", Collections.emptyList(),
                Collections.singletonList(new LogEvent("", timestamp, CONTROL_TEXT))));
    }

    static byte[] json(String type, String owner, String group, String stream, List<String> filters, List<LogEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024 + events.size() * 4096);
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("messageType", type);
            g.writeStringField("owner", owner);
            g.writeStringField("logGroup", group);
            g.writeStringField("logStream", stream);
            g.writeArrayFieldStart("subscriptionFilters");
            for (String f : filters) {
                g.writeString(f);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("logEvents");
            for (LogEvent e : events) {
                g.writeStartObject();
                g.writeStringField("id", e.id);
                g.writeNumberField("timestamp", e.timestamp);
                g.writeStringField("message", e.message);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * The payloads of {@code events}: one envelope when its gzip fits in {@code maxRecordBytes}, else
     * the events split in halves until each part fits. An event too large on its own goes to
     * {@code tooLarge} and is left out. Events keep their order.
     */
    public static List<byte[]> encode(String owner, String filterName, List<LogEvent> events, int maxRecordBytes,
                                      Consumer<LogEvent> tooLarge) {
        List<byte[]> out = new ArrayList<>(1);
        encode(owner, filterName, events, maxRecordBytes, tooLarge, out);
        return out;
    }

    private static void encode(String owner, String filterName, List<LogEvent> events, int maxRecordBytes,
                               Consumer<LogEvent> tooLarge, List<byte[]> out) {
        byte[] payload = data(owner, filterName, events);
        if (payload.length <= maxRecordBytes) {
            out.add(payload);
        } else if (events.size() == 1) {
            tooLarge.accept(events.get(0));
        } else {
            int half = events.size() / 2;
            encode(owner, filterName, events.subList(0, half), maxRecordBytes, tooLarge, out);
            encode(owner, filterName, events.subList(half, events.size()), maxRecordBytes, tooLarge, out);
        }
    }

    /**
     * Groups log events into envelopes as CloudWatch batches them: at most {@code maxEvents} each,
     * and an envelope is closed early once its text reaches a few MB (it still has to compress
     * into one Kinesis record: {@link #encode} splits it if not).
     */
    public static final class Batcher {
        private final int maxEvents;
        private List<LogEvent> pending = new ArrayList<>();
        private long pendingChars;

        public Batcher(int maxEvents) {
            if (maxEvents < 1) {
                throw new IllegalArgumentException("maxEvents must be at least 1");
            }
            this.maxEvents = maxEvents;
        }

        /** Adds an event; returns the envelope this completed, or null. */
        @Nullable
        public List<LogEvent> add(LogEvent event) {
            List<LogEvent> done = null;
            if (!pending.isEmpty() && pendingChars + event.message.length() > MAX_UNCOMPRESSED_BYTES) {
                done = take();
            }
            pending.add(event);
            pendingChars += event.message.length() + 100;
            if (pending.size() >= maxEvents) {
                done = take(); // (pending was empty just before only if maxEvents is 1: never two at once)
            }
            return done;
        }

        /** The envelope of the events added since the last one, or null when there are none. */
        @Nullable
        public List<LogEvent> flush() {
            return pending.isEmpty() ? null : take();
        }

        private List<LogEvent> take() {
            List<LogEvent> done = pending;
            pending = new ArrayList<>();
            pendingChars = 0;
            return done;
        }
    }
}
