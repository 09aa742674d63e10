package com.bedrockcost.ingest;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * CloudWatch Logs subscription payloads as a subscription filter puts them into Kinesis: gzip of a
 * JSON envelope ({@code messageType}, {@code owner}, {@code logGroup}, {@code logStream},
 * {@code subscriptionFilters}, {@code logEvents[{id, timestamp, message}]}), and the
 * {@code CONTROL_MESSAGE} CloudWatch sends to check the destination.
 */
public final class CloudWatchEnvelope {
    /** The log group and stream Bedrock writes to (one stream for all records). */
    public static final String LOG_GROUP = "/aws/bedrock/modelinvocations";
    public static final String LOG_STREAM = "aws/bedrock/modelinvocations";
    public static final String CONTROL_TEXT = "CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.";
    /** Largest Kinesis record (data and partition key together), by default. */
    public static final int KINESIS_MAX_RECORD_BYTES = 1024 * 1024;
    /** An envelope is closed once its JSON reaches this, before compression, whatever the event count. */
    private static final int MAX_UNCOMPRESSED_BYTES = 8 * 1024 * 1024;
    private static final JsonFactory JSON = new JsonFactory();

    private CloudWatchEnvelope() {}

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
     * Packs log events into Kinesis record payloads: at most {@code maxEvents} per envelope, and an
     * envelope whose gzip would exceed {@code maxRecordBytes} is split (an event too large on its
     * own is counted in {@link #tooLarge()} and left out). Events keep their order.
     */
    public static final class Batcher {
        private final String owner;
        private final String filterName;
        private final int maxEvents;
        private final int maxRecordBytes;
        private final List<LogEvent> pending = new ArrayList<>();
        private long pendingChars;
        private final List<LogEvent> tooLarge = new ArrayList<>();

        public Batcher(String owner, String filterName, int maxEvents, int maxRecordBytes) {
            if (maxEvents < 1) {
                throw new IllegalArgumentException("maxEvents must be at least 1");
            }
            this.owner = owner;
            this.filterName = filterName;
            this.maxEvents = maxEvents;
            this.maxRecordBytes = maxRecordBytes;
        }

        /** Adds an event; returns the payloads this completed (usually none). */
        public List<byte[]> add(LogEvent event) {
            List<byte[]> out = new ArrayList<>(1);
            if (!pending.isEmpty() && pendingChars + event.message.length() > MAX_UNCOMPRESSED_BYTES) {
                emit(new ArrayList<>(pending), out);
                pending.clear();
                pendingChars = 0;
            }
            pending.add(event);
            pendingChars += event.message.length() + 100;
            if (pending.size() >= maxEvents) {
                emit(new ArrayList<>(pending), out);
                pending.clear();
                pendingChars = 0;
            }
            return out;
        }

        /** The payload of the events added since the last one, if any. */
        public List<byte[]> flush() {
            List<byte[]> out = new ArrayList<>(1);
            if (!pending.isEmpty()) {
                emit(new ArrayList<>(pending), out);
                pending.clear();
                pendingChars = 0;
            }
            return out;
        }

        /** Events that do not fit in one Kinesis record even alone. */
        public List<LogEvent> tooLarge() {
            return tooLarge;
        }

        private void emit(List<LogEvent> events, List<byte[]> out) {
            byte[] payload = data(owner, filterName, events);
            if (payload.length <= maxRecordBytes) {
                out.add(payload);
            } else if (events.size() == 1) {
                tooLarge.add(events.get(0));
            } else {
                int half = events.size() / 2;
                emit(events.subList(0, half), out);
                emit(events.subList(half, events.size()), out);
            }
        }
    }
}
