package com.bedrockcost.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.StringWriter;
import java.util.Set;

/**
 * What of a failed input may be stored in {@code failed.raw}: never a prompt or completion.
 *
 * <p>Why this shape: {@code raw} exists so that a person can see what was wrong with an input, and
 * for an invocation log that is always in the small header (ids, time, model, counts, metadata),
 * never in the bodies, which are up to hundreds of KB of customer text that the lake must not hold.
 * So a record that parses as JSON is stored re-serialised with every value inside {@code input} and
 * {@code output} replaced by {@code "<removed N chars>"} except the token counts, content types and
 * S3 paths, unknown top-level objects and long strings removed the same way, and every kept string
 * cut at 256 characters. A record whose JSON breaks is stored up to the break with the same rule, when
 * the parser had already reached {@code input} or {@code output}; otherwise (a line that is no JSON
 * at all, or damage before any body) the text is kept only up to the first place that could start a
 * body ({@code "input"}, {@code "output"} or {@code ...BodyJson}). A single damaged byte therefore
 * never exposes a body: a body can only be reached through one of those keys.
 */
public final class Redaction {
    /** Longest string value kept as is. */
    public static final int MAX_KEPT_STRING = 256;
    private static final int MAX_UNKNOWN_STRING = 64;
    public static final String CUT_NOTE = "<cut here: the rest may hold a prompt or completion and is not stored>";
    public static final String DAMAGED_NOTE = "<damaged here: the rest is not stored>";

    private static final Set<String> KEEP_TOP = Set.of(
            "schemaType", "schemaVersion", "timestamp", "accountId", "identity", "region", "requestId", "operation",
            "modelId", "inferenceRegion", "requestMetadata", "errorCode", "status", "performanceConfig");
    private static final Set<String> KEEP_IN_BODY_HOLDERS = Set.of(
            "inputContentType", "outputContentType", "inputBodyS3Path", "outputBodyS3Path", "outputVideoS3Path",
            "inputTokenCount", "cacheReadInputTokenCount", "cacheWriteInputTokenCount", "outputTokenCount",
            "outputVideoDurationSeconds", "outputVideoFramesPerSecond", "outputVideoHeight", "outputVideoWidth");
    private static final String[] RECORD_MARKERS = {"\"input\"", "\"output\"", "BodyJson"};
    /** In an envelope, records are JSON strings inside {@code logEvents[].message}: their quotes are escaped. */
    private static final String[] ENVELOPE_MARKERS = {
        "\"logEvents\"", "\"message\"", "\"input\"", "\"output\"", "\\\"input\\\"", "\\\"output\\\"", "BodyJson"};

    private final JsonFactory json;

    public Redaction(JsonFactory json) {
        this.json = json;
    }

    /** The storable form of an input that was meant to be one invocation log record. */
    public String record(String text) {
        StringWriter w = new StringWriter(Math.min(text.length(), 4096) + 64);
        boolean reachedBodies = false;
        try (JsonParser p = json.createParser(text); JsonGenerator g = json.createGenerator(w)) {
            try {
                JsonToken t = p.nextToken();
                if (t != JsonToken.START_OBJECT) {
                    return cut(text, RECORD_MARKERS);
                }
                g.writeStartObject();
                String n;
                while ((n = p.nextFieldName()) != null) {
                    JsonToken v = p.nextToken();
                    g.writeFieldName(cap(n, MAX_UNKNOWN_STRING));
                    if (n.equals("input") || n.equals("output")) {
                        reachedBodies = true;
                        bodyHolder(p, v, g);
                    } else if (KEEP_TOP.contains(n)) {
                        copy(p, v, g, 0);
                    } else {
                        unknown(p, v, g);
                    }
                }
                g.writeEndObject();
                g.flush();
                return w.toString();
            } catch (IOException e) {
                if (!reachedBodies) {
                    return cut(text, RECORD_MARKERS);
                }
                g.flush();
                return w + " " + DAMAGED_NOTE;
            }
        } catch (IOException e) {
            return cut(text, RECORD_MARKERS); // closing failed after the work was done; be safe
        }
    }

    /** The storable form of a CloudWatch payload (or something meant to be one): up to its log events. */
    public static String envelope(String text) {
        return cut(text, ENVELOPE_MARKERS);
    }

    /** The storable form of a fragment of a record (a cut line, the start of an oversized line). */
    public static String fragment(String text) {
        return cut(text, RECORD_MARKERS);
    }

    /** {@code text} up to the first marker, with a note when something was cut. */
    static String cut(String text, String[] markers) {
        int at = -1;
        for (String m : markers) {
            int i = text.indexOf(m);
            if (i >= 0 && (at < 0 || i < at)) {
                at = i;
            }
        }
        return at < 0 ? text : text.substring(0, at) + CUT_NOTE;
    }

    private static void bodyHolder(JsonParser p, JsonToken v, JsonGenerator g) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            removed(p, v, g);
            return;
        }
        g.writeStartObject();
        String n;
        while ((n = p.nextFieldName()) != null) {
            JsonToken x = p.nextToken();
            g.writeFieldName(cap(n, MAX_UNKNOWN_STRING));
            if (KEEP_IN_BODY_HOLDERS.contains(n) && x.isScalarValue()) {
                copy(p, x, g, 0);
            } else {
                removed(p, x, g);
            }
        }
        g.writeEndObject();
    }

    /** Copies a value, strings cut to {@link #MAX_KEPT_STRING}, nothing nested deeper than two levels. */
    private static void copy(JsonParser p, JsonToken t, JsonGenerator g, int depth) throws IOException {
        switch (t) {
            case START_OBJECT:
                if (depth >= 2) {
                    removed(p, t, g);
                    return;
                }
                g.writeStartObject();
                String n;
                while ((n = p.nextFieldName()) != null) {
                    JsonToken x = p.nextToken();
                    g.writeFieldName(cap(n, MAX_KEPT_STRING));
                    copy(p, x, g, depth + 1);
                }
                g.writeEndObject();
                return;
            case START_ARRAY:
                removed(p, t, g);
                return;
            case VALUE_STRING:
                g.writeString(cap(p.getText(), MAX_KEPT_STRING));
                return;
            default:
                g.copyCurrentEvent(p);
        }
    }

    private static void unknown(JsonParser p, JsonToken t, JsonGenerator g) throws IOException {
        if (t.isScalarValue() && (t != JsonToken.VALUE_STRING || p.getTextLength() <= MAX_UNKNOWN_STRING)) {
            g.copyCurrentEvent(p);
        } else {
            removed(p, t, g);
        }
    }

    /** Skips the value and writes a note of its size in its place. */
    private static void removed(JsonParser p, JsonToken t, JsonGenerator g) throws IOException {
        long start = offset(p.getTokenLocation());
        if (t == JsonToken.VALUE_STRING) {
            p.getTextLength(); // finish the token so that the location below is after it
        } else {
            p.skipChildren();
        }
        long end = offset(p.currentLocation());
        g.writeString(start >= 0 && end >= start ? "<removed " + (end - start) + " chars>" : "<removed>");
    }

    private static long offset(JsonLocation loc) {
        return loc.getCharOffset() >= 0 ? loc.getCharOffset() : loc.getByteOffset();
    }

    private static String cap(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
