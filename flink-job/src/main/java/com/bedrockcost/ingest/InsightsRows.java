package com.bedrockcost.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import javax.annotation.Nullable;

import java.io.IOException;

/** Rows of a CloudWatch Logs Insights JSON download: objects whose {@code @message} string is the log event (the record). */
public final class InsightsRows {
    /** The field of a row that holds the log event. */
    public static final String MESSAGE = "@message";

    private InsightsRows() {}

    /** Positions {@code p} (at the start of a row) on its {@code @message} string; false when there is none. */
    private static boolean toMessage(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return false;
        }
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            if (name.equals(MESSAGE) && v == JsonToken.VALUE_STRING) {
                return true;
            }
            p.skipChildren();
        }
        return false;
    }

    /** The {@code @message} of {@code row}, or null when it has none (or is not JSON). */
    @Nullable
    public static String message(JsonFactory json, byte[] row) {
        try (JsonParser p = json.createParser(row)) {
            return toMessage(p) ? p.getText() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
