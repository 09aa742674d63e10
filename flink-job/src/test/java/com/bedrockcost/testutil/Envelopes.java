package com.bedrockcost.testutil;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** CloudWatch Logs subscription payloads as Kinesis delivers them (docs/decoding.md): gzip of the envelope JSON. */
public final class Envelopes {
    public static final String LOG_GROUP = "/aws/bedrock/modelinvocations";
    public static final String LOG_STREAM = "aws/bedrock/modelinvocations";
    private static final JsonFactory JSON = new JsonFactory();

    private Envelopes() {}

    /** The id CloudWatch would give event {@code i} (a 56-digit number, as a string). */
    public static String eventId(int i) {
        return String.format("3195310660696698337880902507980421114328961542429822%04d", i);
    }

    /** A DATA_MESSAGE envelope's JSON with one log event per message. */
    public static String dataJson(List<String> messages) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("messageType", "DATA_MESSAGE");
            g.writeStringField("owner", "111122223333");
            g.writeStringField("logGroup", LOG_GROUP);
            g.writeStringField("logStream", LOG_STREAM);
            g.writeArrayFieldStart("subscriptionFilters");
            g.writeString("bedrock-to-kinesis");
            g.writeEndArray();
            g.writeArrayFieldStart("logEvents");
            for (int i = 0; i < messages.size(); i++) {
                g.writeStartObject();
                g.writeStringField("id", eventId(i));
                g.writeNumberField("timestamp", 1773480067000L + i);
                g.writeStringField("message", messages.get(i));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    public static byte[] data(List<String> messages) {
        return gzip(dataJson(messages));
    }

    public static String controlJson() {
        return "{\"messageType\":\"CONTROL_MESSAGE\",\"owner\":\"CloudwatchLogs\",\"logGroup\":\"\",\"logStream\":\"\","
                + "\"subscriptionFilters\":[],\"logEvents\":[{\"id\":\"\",\"timestamp\":1773480067000,"
                + "\"message\":\"CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.\"}]}";
    }

    public static byte[] control() {
        return gzip(controlJson());
    }

    public static byte[] gzip(String text) {
        return gzip(text.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream g = new GZIPOutputStream(out)) {
            g.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
