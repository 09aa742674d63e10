package com.bedrockcost.parse;

import com.bedrockcost.model.ErrorType;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Decodes a CloudWatch Logs subscription payload (docs/decoding.md): the gzip bytes of a Kinesis record,
 * inflated and read as {@code {"messageType", "owner", "logGroup", "logStream", "logEvents": [{"id",
 * "timestamp", "message"}]}}. {@code DATA_MESSAGE} gives one call per log event, whose source is
 * {@code <source>/<logGroup>/<logStream>/<eventId>}; {@code CONTROL_MESSAGE} is reported as such.
 *
 * <p>Damage: not gzip, a damaged gzip stream, an envelope that is not JSON or has another shape fail
 * the whole payload. A payload cut off inside the gzip stream (the inflated bytes before the cut are
 * exact) still yields every log event that is complete before the cut, then one failure. A log
 * event without a message fails alone; its siblings still count. Messages are handed over as the
 * parser's character buffer (no copy) when the envelope header precedes {@code logEvents}, as
 * CloudWatch writes it. Not thread-safe; reuses its inflate buffer.
 */
public final class CloudWatchEnvelope {
    public static final String DATA_MESSAGE = "DATA_MESSAGE";
    public static final String CONTROL_MESSAGE = "CONTROL_MESSAGE";

    /** Where the decoded parts go. */
    public interface Handler {
        /** One log event; {@code text[offset, offset+length)} is valid only during the call. */
        void logEvent(String source, char[] text, int offset, int length);

        /** A {@code CONTROL_MESSAGE} (CloudWatch checking the destination): nothing to decode. */
        void control(String source);

        /** A {@code DATA_MESSAGE} with no log events. */
        void empty(String source);

        /** The payload, or one log event of it, cannot be decoded; {@code raw} is already safe to store. */
        void failed(String source, ErrorType type, String message, String raw, long rawBytes);
    }

    private static final int SHRINK_ABOVE = 4 * 1024 * 1024;

    private final JsonFactory json;
    private final int maxInflatedBytes;
    private byte[] buf = new byte[64 * 1024];
    /** The envelope JSON being parsed: {@link #buf} (inflated) or the caller's array ({@link #decodeJson}). */
    private byte[] text = buf;

    public CloudWatchEnvelope(JsonFactory json, int maxInflatedBytes) {
        this.json = json;
        this.maxInflatedBytes = maxInflatedBytes;
    }

    /** Decodes one payload; every outcome goes to {@code h}, nothing is thrown. */
    public void decode(String source, byte[] payload, Handler h) {
        if (payload.length < 2 || (payload[0] & 0xff) != 0x1f || (payload[1] & 0xff) != 0x8b) {
            String text = new String(payload, 0, Math.min(payload.length, 64 * 1024), StandardCharsets.UTF_8);
            h.failed(source, ErrorType.NOT_GZIP, "CloudWatch Logs payload at " + source + " is not gzip (starts with "
                    + hex(payload) + (payload.length > 0 && payload[0] == '{' ? ", looks like uncompressed JSON" : "")
                    + "); Kinesis record data from a subscription filter is always gzip", Redaction.envelope(text), payload.length);
            return;
        }
        int len = 0;
        String gzipDamage = null;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(payload), 8192)) {
            while (true) {
                if (len == buf.length) {
                    if (len >= maxInflatedBytes) {
                        h.failed(source, ErrorType.RECORD_TOO_LARGE, "CloudWatch Logs payload at " + source
                                + " inflates to more than " + maxInflatedBytes + " bytes", "", payload.length);
                        shrink();
                        return;
                    }
                    buf = Arrays.copyOf(buf, (int) Math.min((long) maxInflatedBytes, buf.length * 2L));
                }
                int n = in.read(buf, len, buf.length - len);
                if (n < 0) {
                    break;
                }
                len += n;
            }
        } catch (EOFException e) {
            // Cut off: the inflated bytes so far are exactly the start of the payload.
            gzipDamage = "the gzip stream ends early after " + payload.length + " bytes (" + len + " bytes inflated)";
        } catch (ZipException e) {
            // Damaged: inflated bytes cannot be trusted (the CRC check is what failed, or the data is corrupt).
            h.failed(source, ErrorType.TRUNCATED_GZIP, "CloudWatch Logs payload at " + source + " is damaged gzip ("
                    + e.getMessage() + "); none of its log events were read", "", payload.length);
            shrink();
            return;
        } catch (IOException e) {
            h.failed(source, ErrorType.TRUNCATED_GZIP, "CloudWatch Logs payload at " + source + " cannot be inflated: " + e,
                    "", payload.length);
            shrink();
            return;
        }
        try {
            text = buf;
            parse(source, len, gzipDamage, payload.length, h);
        } finally {
            shrink();
        }
    }

    /**
     * Decodes one envelope that is already JSON text (a file archived by Firehose holds the envelopes
     * of a subscription, inflated from their gzip members); outcomes as for {@link #decode}.
     */
    public void decodeJson(String source, byte[] envelope, Handler h) {
        text = envelope;
        try {
            parse(source, envelope.length, null, envelope.length, h);
        } finally {
            text = buf;
        }
    }

    private void shrink() {
        if (buf.length > SHRINK_ABOVE) {
            buf = new byte[64 * 1024];
        }
    }

    /** A log event whose message had to be copied (header fields came after logEvents, or id after message). */
    private static final class Pending {
        final String id;
        final String message;
        final String problem;

        Pending(String id, String message, String problem) {
            this.id = id;
            this.message = message;
            this.problem = problem;
        }
    }

    private void parse(String source, int len, String gzipDamage, long payloadBytes, Handler h) {
        String messageType = null;
        String logGroup = null;
        String logStream = null;
        boolean sawEvents = false;
        boolean eventsNotArray = false;
        int events = 0;
        List<Pending> pending = null;
        try (JsonParser p = json.createParser(text, 0, len)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                if (t == null && gzipDamage != null) {
                    throw new EOFException();
                }
                p.skipChildren();
                failEnvelope(source, h, len, payloadBytes, ErrorType.BAD_ENVELOPE,
                        "is " + (t == null ? "empty" : "a JSON " + t.name().toLowerCase(java.util.Locale.ROOT) + ", not an object"), gzipDamage, 0);
                return;
            }
            String name;
            while ((name = p.nextFieldName()) != null) {
                JsonToken v = p.nextToken();
                switch (name) {
                    case "messageType":
                        messageType = v == JsonToken.VALUE_STRING ? p.getText() : "(" + v.name() + ")";
                        p.skipChildren();
                        break;
                    case "logGroup":
                        logGroup = v == JsonToken.VALUE_STRING ? p.getText() : null;
                        p.skipChildren();
                        break;
                    case "logStream":
                        logStream = v == JsonToken.VALUE_STRING ? p.getText() : null;
                        p.skipChildren();
                        break;
                    case "logEvents":
                        sawEvents = true;
                        if (v != JsonToken.START_ARRAY) {
                            eventsNotArray = true;
                            p.skipChildren();
                            break;
                        }
                        if (CONTROL_MESSAGE.equals(messageType)) {
                            p.skipChildren();
                            break;
                        }
                        boolean inline = DATA_MESSAGE.equals(messageType) && logGroup != null && logStream != null;
                        String prefix = inline ? source + "/" + logGroup + "/" + logStream + "/" : null;
                        JsonToken e;
                        while ((e = p.nextToken()) != JsonToken.END_ARRAY && e != null) {
                            events++;
                            Pending later = event(p, e, prefix, h);
                            if (later != null) {
                                if (pending == null) {
                                    pending = new ArrayList<>();
                                }
                                pending.add(later);
                            }
                        }
                        break;
                    default:
                        p.skipChildren(); // owner, subscriptionFilters, policyLevel, ...
                }
            }
            if (p.nextToken() != null) {
                failEnvelope(source, h, len, payloadBytes, ErrorType.NOT_JSON,
                        "has more content after its JSON object", gzipDamage, events);
                return;
            }
        } catch (IOException e) {
            if (gzipDamage != null) {
                // The inflated bytes end where the gzip stream was cut: that, not the JSON, is the damage.
                h.failed(source, ErrorType.TRUNCATED_GZIP, "CloudWatch Logs payload at " + source + ": " + gzipDamage
                        + "; " + (events > 0 ? "the log events complete before the cut were read" : "no log event was complete before the cut"),
                        envelopeRaw(len), payloadBytes);
            } else if (e instanceof JsonEOFException) {
                failEnvelope(source, h, len, payloadBytes, ErrorType.TRUNCATED,
                        "ends before its JSON is complete (after " + len + " inflated bytes)", null, events);
            } else if (e instanceof JsonProcessingException) {
                failEnvelope(source, h, len, payloadBytes, ErrorType.NOT_JSON,
                        "is not valid JSON at offset " + offset(((JsonProcessingException) e).getLocation()), null, events);
            } else {
                failEnvelope(source, h, len, payloadBytes, ErrorType.NOT_JSON, "cannot be read as JSON: "
                        + e.getClass().getSimpleName(), null, events);
            }
            return;
        }
        if (messageType == null || !(messageType.equals(DATA_MESSAGE) || messageType.equals(CONTROL_MESSAGE))) {
            failEnvelope(source, h, len, payloadBytes, ErrorType.BAD_ENVELOPE, messageType == null
                    ? "has no messageType" : "has messageType " + abbreviate(messageType) + ", not DATA_MESSAGE or CONTROL_MESSAGE",
                    gzipDamage, 0);
            return;
        }
        if (messageType.equals(CONTROL_MESSAGE)) {
            h.control(source);
        } else if (!sawEvents || eventsNotArray) {
            failEnvelope(source, h, len, payloadBytes, ErrorType.BAD_ENVELOPE, sawEvents
                    ? "has logEvents that is not an array" : "is a DATA_MESSAGE without logEvents", gzipDamage, 0);
            return;
        } else if (events == 0) {
            h.empty(source);
        } else if (pending != null) {
            String prefix = source + "/" + (logGroup == null ? "" : logGroup) + "/" + (logStream == null ? "" : logStream) + "/";
            for (Pending e : pending) {
                String where = prefix + e.id;
                if (e.problem != null) {
                    h.failed(where, ErrorType.BAD_ENVELOPE, "log event at " + where + " " + e.problem, "", 0);
                } else {
                    char[] chars = e.message.toCharArray();
                    h.logEvent(where, chars, 0, chars.length);
                }
            }
        }
        if (gzipDamage != null) {
            // The JSON was complete but the gzip trailer was not: every event was read; say so once.
            h.failed(source, ErrorType.TRUNCATED_GZIP, "CloudWatch Logs payload at " + source + ": " + gzipDamage
                    + "; its JSON was complete and all " + events + " log events were read", envelopeRaw(len), payloadBytes);
        }
    }

    /**
     * One element of logEvents. Handed to {@code h} at once when the source prefix is known and the
     * id came before the message; otherwise returned to be handed over after the envelope is read.
     */
    private Pending event(JsonParser p, JsonToken e, String prefix, Handler h) throws IOException {
        if (e != JsonToken.START_OBJECT) {
            p.skipChildren();
            return new Pending("?", null, "is " + e.name() + ", not an object");
        }
        String id = null;
        String copied = null;
        boolean handed = false;
        String problem = null;
        String n;
        while ((n = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            if (n.equals("id")) {
                id = v.isScalarValue() ? p.getText() : null;
                p.skipChildren();
            } else if (n.equals("message")) {
                if (v != JsonToken.VALUE_STRING) {
                    problem = "has a message that is " + v.name() + ", not a string";
                    p.skipChildren();
                } else if (prefix != null && id != null) {
                    h.logEvent(prefix + id, p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                    handed = true;
                } else {
                    copied = p.getText();
                }
            } else {
                p.skipChildren(); // timestamp (CloudWatch's, not Bedrock's), extractedFields, ...
            }
        }
        String eventId = id == null ? "?" : id;
        if (handed) {
            return null;
        }
        if (problem == null && copied == null) {
            problem = "has no message";
        }
        if (prefix != null) {
            if (problem != null) {
                h.failed(prefix + eventId, ErrorType.BAD_ENVELOPE, "log event at " + prefix + eventId + " " + problem, "", 0);
            } else {
                char[] chars = copied.toCharArray();
                h.logEvent(prefix + eventId, chars, 0, chars.length);
            }
            return null;
        }
        return new Pending(eventId, copied, problem);
    }

    private void failEnvelope(String source, Handler h, int len, long payloadBytes, ErrorType type, String what,
                              String gzipDamage, int eventsBefore) {
        String msg = "CloudWatch Logs payload at " + source + " " + what
                + (gzipDamage != null ? " (and " + gzipDamage + ")" : "")
                + (eventsBefore > 0 ? "; log events before the damage were read" : "");
        h.failed(source, type, msg, envelopeRaw(len), payloadBytes);
    }

    /** The inflated payload up to its log events (they hold records, whose bodies are never stored). */
    private String envelopeRaw(int len) {
        return Redaction.envelope(new String(text, 0, Math.min(len, 64 * 1024), StandardCharsets.UTF_8));
    }

    private static String offset(JsonLocation loc) {
        if (loc == null) {
            return "?";
        }
        long o = loc.getByteOffset() >= 0 ? loc.getByteOffset() : loc.getCharOffset();
        return o >= 0 ? Long.toString(o) : "?";
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(4, b.length); i++) {
            s.append(String.format("%02x ", b[i] & 0xff));
        }
        return b.length == 0 ? "nothing: it is empty" : s.toString().trim();
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
