package com.bedrockcost.parse;

import com.bedrockcost.model.ErrorType;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;

import java.io.IOException;

/**
 * Streaming parser of one line of Bedrock batch inference output: {@code recordId}, the token usage in
 * {@code modelOutput} (the model's native response body), or the line's {@code error}. {@code modelInput}
 * and every text of {@code modelOutput} are skipped unread ({@code skipChildren}): no prompt or completion
 * is ever built into a string. Token fields read, by model family: Anthropic {@code usage.input_tokens},
 * {@code output_tokens}, {@code cache_read_input_tokens}, {@code cache_creation_input_tokens}; Converse
 * and Nova {@code usage.inputTokens}, {@code outputTokens}, {@code cacheReadInputTokens},
 * {@code cacheWriteInputTokens}; Titan {@code inputTextTokenCount} and {@code results[].tokenCount};
 * Llama {@code prompt_token_count}, {@code generation_token_count}. Not thread-safe.
 */
final class BatchOutputParser {
    private final JsonFactory json;

    /** What one line says. */
    static final class Line {
        String recordId;
        boolean output;
        /** The {@code error} object's code and message (null without an error). */
        String error;
        long in = -1;
        long out = -1;
        long cacheRead = -1;
        long cacheWrite = -1;
    }

    BatchOutputParser(JsonFactory json) {
        this.json = json;
    }

    Line parse(byte[] b) throws RecordException {
        Line line = new Line();
        try (JsonParser p = json.createParser(b)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new RecordException(ErrorType.NOT_JSON, "a line of batch inference output is not a JSON object");
            }
            String n;
            while ((n = p.nextFieldName()) != null) {
                JsonToken v = p.nextToken();
                switch (n) {
                    case "recordId":
                        line.recordId = v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT ? p.getText() : null;
                        break;
                    case "modelOutput":
                        line.output = v == JsonToken.START_OBJECT;
                        output(p, v, line);
                        break;
                    case "error":
                        line.error = error(p, v);
                        break;
                    default:
                        p.skipChildren(); // modelInput: the prompt
                }
            }
        } catch (InputCoercionException e) {
            throw new RecordException(ErrorType.BAD_TOKEN_COUNT, "a token count of the batch record is out of range");
        } catch (JsonParseException e) {
            throw new RecordException(ErrorType.NOT_JSON, "a line of batch inference output is not JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new RecordException(ErrorType.TRUNCATED, "a line of batch inference output ends early");
        }
        return line;
    }

    private static void output(JsonParser p, JsonToken t, Line line) throws IOException, RecordException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        String n;
        while ((n = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            switch (n) {
                case "usage":
                    usage(p, v, line);
                    break;
                case "inputTextTokenCount": // Titan text and embeddings
                case "prompt_token_count": // Llama
                    line.in = count(p, v, n);
                    break;
                case "generation_token_count": // Llama
                    line.out = count(p, v, n);
                    break;
                case "results": // Titan text: [{tokenCount, outputText, ...}]
                    results(p, v, line);
                    break;
                default:
                    p.skipChildren(); // content, output.message, generation ...: the completion
            }
        }
    }

    private static void usage(JsonParser p, JsonToken t, Line line) throws IOException, RecordException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        String n;
        while ((n = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            switch (n) {
                case "input_tokens":
                case "inputTokens":
                    line.in = count(p, v, "usage." + n);
                    break;
                case "output_tokens":
                case "outputTokens":
                    line.out = count(p, v, "usage." + n);
                    break;
                case "cache_read_input_tokens":
                case "cacheReadInputTokens":
                    line.cacheRead = count(p, v, "usage." + n);
                    break;
                case "cache_creation_input_tokens":
                case "cacheWriteInputTokens":
                    line.cacheWrite = count(p, v, "usage." + n);
                    break;
                default:
                    p.skipChildren();
            }
        }
    }

    private static void results(JsonParser p, JsonToken t, Line line) throws IOException, RecordException {
        if (t != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY && e != null) {
            if (e != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            String n;
            while ((n = p.nextFieldName()) != null) {
                JsonToken v = p.nextToken();
                if (n.equals("tokenCount")) {
                    long c = count(p, v, "results[].tokenCount");
                    line.out = Math.max(line.out, 0) + c;
                } else {
                    p.skipChildren();
                }
            }
        }
    }

    private static long count(JsonParser p, JsonToken v, String field) throws IOException, RecordException {
        if (v != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0) {
            p.skipChildren();
            throw new RecordException(ErrorType.BAD_TOKEN_COUNT, "modelOutput." + field + " is not a non-negative whole number");
        }
        return p.getLongValue();
    }

    /** {@code {"errorCode": 400, "errorMessage": "..."}}: code and message, the message cut to 200 characters. */
    private static String error(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            String s = t.isScalarValue() ? p.getText() : "";
            p.skipChildren();
            return s.length() > 200 ? s.substring(0, 200) + "..." : s;
        }
        String code = null;
        String message = null;
        String n;
        while ((n = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            if (n.equals("errorCode") && v.isScalarValue()) {
                code = p.getText();
            } else if (n.equals("errorMessage") && v == JsonToken.VALUE_STRING) {
                message = p.getText();
                message = message.length() > 200 ? message.substring(0, 200) + "..." : message;
            } else {
                p.skipChildren();
            }
        }
        return (code == null ? "" : code + " ") + (message == null ? "" : message);
    }
}
