package com.bedrockcost.parse;

import com.bedrockcost.model.ErrorType;
import com.bedrockcost.model.Invocation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Streaming parser of one Bedrock model invocation log record (docs/decoding.md) into an {@link Invocation}
 * holding what the log says: request id, event time, account, regions, operation, model id as logged,
 * identity, request metadata, token counts, latency and error code. Model canonicalisation, tenant,
 * source and ingest time are the caller's.
 *
 * <p>It walks the record with Jackson's {@link JsonParser} and {@code skipChildren()}s every subtree
 * it does not need, so prompt and completion bodies are scanned but never built into strings or
 * trees. Inside {@code outputBodyJson} it descends only into {@code usage}, {@code metrics} and the
 * stream chunks' {@code amazon-bedrock-invocationMetrics}, for latency and for token counts missing
 * at the top level, and into the parts {@link ChargeFields} reads for the charges other than tokens
 * (guardrail usage, service tier, image, video and rerank quantities). Not thread-safe: one instance
 * per operator instance.
 */
public final class InvocationLogParser {
    public static final String SCHEMA_TYPE = "ModelInvocationLog";

    private static final long ABSENT = -1;
    private static final long BAD = -2;
    private static final int IN = 0;
    private static final int OUT = 1;
    private static final int CACHE_READ = 2;
    private static final int CACHE_WRITE = 3;
    private static final String[] TOP_FIELD = {
        "input.inputTokenCount", "output.outputTokenCount", "input.cacheReadInputTokenCount", "input.cacheWriteInputTokenCount"};
    private static final int SHAPE_REQUEST_ID = 1;
    private static final int SHAPE_OPERATION = 2;
    private static final int SHAPE_MODEL_ID = 4;
    private static final int SHAPE_INPUT = 8;
    private static final int SHAPE_OUTPUT = 16;
    private static final Pattern QUOTED_TOKEN = Pattern.compile("'([^']{2,})'");

    private final JsonFactory json;

    // Scratch state of the record being parsed.
    private final long[] top = new long[4];
    private final long[] body = new long[4];
    private final String[] bodyBad = new String[4];
    private String topBad;
    private String badReason;
    private long oneHour;
    private long detailsTotal;
    private long latency;
    private int shape;
    private boolean schemaTypeSeen;
    private String schemaType;
    private String schemaTypeProblem;
    private String requestIdProblem;
    private String timestampText;
    private String timestampProblem;
    private String modelIdProblem;
    /** The top-level field being read, for error messages. */
    private String section;
    private final ChargeFields charges = new ChargeFields();

    public InvocationLogParser() {
        this(newJsonFactory(ParseOptions.DEFAULT_MAX_ENVELOPE_BYTES));
    }

    public InvocationLogParser(JsonFactory json) {
        this.json = json;
    }

    /**
     * The Jackson factory decoding uses: no input text in error locations (it could be a body), and
     * strings up to {@code maxStringChars} (an envelope's log event is one JSON string).
     */
    public static JsonFactory newJsonFactory(int maxStringChars) {
        return JsonFactory.builder()
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Math.max(maxStringChars, 1 << 20)).build())
                .build();
    }

    /** Parses one record held as UTF-8 bytes. */
    public Invocation parse(byte[] data, int offset, int length) throws RecordException {
        try (JsonParser p = json.createParser(data, offset, length)) {
            return parse(p);
        } catch (IOException e) {
            throw translate(e);
        }
    }

    /** Parses one record held as characters (a CloudWatch log event's message). */
    public Invocation parse(char[] data, int offset, int length) throws RecordException {
        try (JsonParser p = json.createParser(data, offset, length)) {
            return parse(p);
        } catch (IOException e) {
            throw translate(e);
        }
    }

    private RecordException translate(IOException e) {
        String inside = section == null ? "" : " inside " + section;
        if (e instanceof JsonEOFException) {
            return new RecordException(ErrorType.TRUNCATED,
                    "the record ends" + inside + " at offset " + offset(((JsonEOFException) e).getLocation())
                            + ", before its JSON is complete (cut off?)");
        }
        if (e instanceof StreamConstraintsException) {
            return new RecordException(ErrorType.NOT_JSON, "the record breaks a JSON limit" + inside + ": "
                    + detail((JsonProcessingException) e));
        }
        if (e instanceof JsonProcessingException) {
            JsonProcessingException j = (JsonProcessingException) e;
            String at = " at offset " + offset(j.getLocation());
            // Inside input/output the text around the damage may be a prompt or completion: do not quote it.
            return new RecordException(ErrorType.NOT_JSON, section != null && (section.equals("input") || section.equals("output"))
                    ? "not valid JSON" + inside + at + " (body text not shown)"
                    : "not valid JSON" + inside + at + ": " + detail(j));
        }
        return new RecordException(ErrorType.NOT_JSON, "not readable as JSON text" + inside + ": " + e.getClass().getSimpleName());
    }

    private static String offset(JsonLocation loc) {
        if (loc == null) {
            return "?";
        }
        long o = loc.getByteOffset() >= 0 ? loc.getByteOffset() : loc.getCharOffset();
        return o >= 0 ? Long.toString(o) : "?";
    }

    /** Jackson's reason without the tokens it quotes (they may come from a body), on one line. */
    private static String detail(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        if (nl >= 0) {
            m = m.substring(0, nl);
        }
        java.util.regex.Matcher q = QUOTED_TOKEN.matcher(m);
        StringBuffer out = new StringBuffer();
        while (q.find()) {
            String token = q.group(1);
            boolean keyword = token.equals("null") || token.equals("true") || token.equals("false");
            q.appendReplacement(out, keyword ? "'$1'" : "'...'");
        }
        q.appendTail(out);
        return abbreviate(out.toString(), 200);
    }

    private void reset() {
        for (int k = 0; k < 4; k++) {
            top[k] = ABSENT;
            body[k] = ABSENT;
            bodyBad[k] = null;
        }
        topBad = null;
        badReason = null;
        oneHour = ABSENT;
        detailsTotal = ABSENT;
        latency = ABSENT;
        shape = 0;
        schemaTypeSeen = false;
        schemaType = null;
        schemaTypeProblem = null;
        requestIdProblem = null;
        timestampText = null;
        timestampProblem = null;
        modelIdProblem = null;
        section = null;
        charges.reset();
    }

    private Invocation parse(JsonParser p) throws IOException, RecordException {
        reset();
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new RecordException(ErrorType.NOT_JSON, "the record is empty");
        }
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            ensureEnd(p);
            throw new RecordException(ErrorType.NOT_INVOCATION_LOG,
                    "the record is " + describe(p, t) + ", not a JSON object");
        }
        Invocation inv = new Invocation();
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            section = name;
            switch (name) {
                case "schemaType":
                    schemaTypeSeen = true;
                    if (v == JsonToken.VALUE_STRING) {
                        schemaType = p.getText();
                    } else {
                        schemaTypeProblem = describe(p, v);
                        p.skipChildren();
                    }
                    break;
                case "timestamp":
                    if (v == JsonToken.VALUE_STRING) {
                        timestampText = p.getText();
                    } else if (v != JsonToken.VALUE_NULL) {
                        timestampProblem = "timestamp is " + describe(p, v) + ", not an ISO-8601 date-time string";
                        p.skipChildren();
                    }
                    break;
                case "accountId":
                    inv.accountId = scalarText(p, v);
                    break;
                case "identity":
                    inv.identityArn = identity(p, v);
                    break;
                case "region":
                    inv.region = scalarText(p, v);
                    break;
                case "inferenceRegion":
                    inv.inferenceRegion = scalarText(p, v);
                    break;
                case "requestId":
                    if (v == JsonToken.VALUE_STRING) {
                        String id = p.getText();
                        if (id.trim().isEmpty()) {
                            requestIdProblem = "requestId is empty";
                        } else {
                            inv.requestId = id;
                        }
                        shape |= SHAPE_REQUEST_ID;
                    } else if (v != JsonToken.VALUE_NULL) {
                        requestIdProblem = "requestId is " + describe(p, v) + ", not a string";
                        p.skipChildren();
                    }
                    break;
                case "operation":
                    inv.operation = scalarText(p, v);
                    if (inv.operation != null) {
                        shape |= SHAPE_OPERATION;
                    }
                    break;
                case "modelId":
                    if (v == JsonToken.VALUE_STRING) {
                        String id = p.getText();
                        if (id.trim().isEmpty()) {
                            modelIdProblem = "modelId is empty";
                        } else {
                            inv.modelId = id;
                        }
                        shape |= SHAPE_MODEL_ID;
                    } else if (v != JsonToken.VALUE_NULL) {
                        modelIdProblem = "modelId is " + describe(p, v) + ", not a string";
                        p.skipChildren();
                    }
                    break;
                case "errorCode":
                    inv.errorCode = scalarText(p, v);
                    break;
                case "requestMetadata":
                    inv.requestMetadata = metadata(p, v);
                    break;
                case "input":
                    shape |= SHAPE_INPUT;
                    input(p, v);
                    break;
                case "output":
                    shape |= SHAPE_OUTPUT;
                    output(p, v);
                    break;
                case "performanceConfig":
                case "serviceTier":
                    charges.topLevel(name, p, v);
                    break;
                default:
                    p.skipChildren();
            }
            section = null;
        }
        ensureEnd(p);
        return finish(inv);
    }

    private static void ensureEnd(JsonParser p) throws IOException, RecordException {
        if (p.nextToken() != null) {
            throw new RecordException(ErrorType.NOT_JSON, "more content after the end of the record's JSON, at offset "
                    + offset(p.getTokenLocation()));
        }
    }

    private Invocation finish(Invocation inv) throws RecordException {
        if (schemaTypeSeen) {
            if (!SCHEMA_TYPE.equals(schemaType)) {
                throw new RecordException(ErrorType.NOT_INVOCATION_LOG, "schemaType is "
                        + (schemaTypeProblem != null ? schemaTypeProblem : "\"" + abbreviate(schemaType, 64) + "\"")
                        + ", not \"" + SCHEMA_TYPE + "\"");
            }
        } else if (Integer.bitCount(shape) < 2) {
            throw new RecordException(ErrorType.NOT_INVOCATION_LOG, "no schemaType, and not shaped like an invocation log "
                    + "(it needs at least two of requestId, operation, modelId, input, output)");
        }
        if (inv.requestId == null) {
            throw new RecordException(ErrorType.MISSING_REQUEST_ID, requestIdProblem != null ? requestIdProblem : "no requestId");
        }
        if (timestampProblem != null) {
            throw new RecordException(ErrorType.BAD_TIMESTAMP, timestampProblem);
        }
        if (timestampText == null) {
            throw new RecordException(ErrorType.MISSING_TIMESTAMP, "no timestamp");
        }
        Instant ts = Timestamps.parse(timestampText);
        if (ts == null) {
            throw new RecordException(ErrorType.BAD_TIMESTAMP, "timestamp \"" + abbreviate(timestampText, 64)
                    + "\" is not an ISO-8601 date-time such as 2026-03-14T09:21:07Z");
        }
        inv.eventTime = ts;
        if (topBad != null) {
            throw new RecordException(ErrorType.BAD_TOKEN_COUNT, topBad);
        }
        inv.inputTokens = count(IN);
        inv.outputTokens = count(OUT);
        inv.cacheReadTokens = count(CACHE_READ);
        if (top[CACHE_WRITE] == ABSENT && body[CACHE_WRITE] == ABSENT && bodyBad[CACHE_WRITE] == null && detailsTotal >= 0) {
            inv.cacheWriteTokens = detailsTotal;
        } else {
            inv.cacheWriteTokens = count(CACHE_WRITE);
        }
        // The 1-hour part can never exceed the total the log bills (the top-level count wins).
        inv.cacheWrite1hTokens = oneHour >= 0 ? Math.min(oneHour, inv.cacheWriteTokens) : 0;
        inv.latencyMs = latency >= 0 ? Long.valueOf(latency) : null;
        if (inv.modelId == null) {
            throw new RecordException(ErrorType.MISSING_MODEL_ID, modelIdProblem != null ? modelIdProblem : "no modelId");
        }
        charges.apply(inv);
        return inv;
    }

    /** Top-level count, else the body's, else 0; a bad body count fails only when it would be used. */
    private long count(int kind) throws RecordException {
        if (top[kind] >= 0) {
            return top[kind];
        }
        if (body[kind] >= 0) {
            return body[kind];
        }
        if (bodyBad[kind] != null) {
            throw new RecordException(ErrorType.BAD_TOKEN_COUNT, bodyBad[kind] + " (and no " + TOP_FIELD[kind] + " to use instead)");
        }
        return 0;
    }

    // --- top-level parts ----------------------------------------------------------------------------

    private static String identity(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String arn = null;
        String n;
        while ((n = p.nextFieldName()) != null) {
            JsonToken t = p.nextToken();
            if (n.equals("arn")) {
                arn = scalarText(p, t);
            } else {
                p.skipChildren();
            }
        }
        return arn;
    }

    private static Map<String, String> metadata(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        Map<String, String> m = new HashMap<>(16);
        String n;
        while ((n = p.nextFieldName()) != null) {
            JsonToken t = p.nextToken();
            String value = scalarText(p, t);
            if (value != null) {
                m.put(n, value);
            }
        }
        return m;
    }

    private void input(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        String n;
        while ((n = p.nextFieldName()) != null) {
            JsonToken t = p.nextToken();
            switch (n) {
                case "inputTokenCount":
                    setTop(IN, p, t);
                    break;
                case "cacheReadInputTokenCount":
                    setTop(CACHE_READ, p, t);
                    break;
                case "cacheWriteInputTokenCount":
                    setTop(CACHE_WRITE, p, t);
                    break;
                case "inputBodyJson":
                    charges.inputBody(p, t); // image, rerank and tier settings only; no text is read
                    break;
                case "inputBodyS3Path":
                    charges.inputBodyInS3();
                    p.skipChildren();
                    break;
                default:
                    p.skipChildren(); // the rest: never built
            }
        }
    }

    private void output(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        String n;
        while ((n = p.nextFieldName()) != null) {
            JsonToken t = p.nextToken();
            switch (n) {
                case "outputTokenCount":
                    setTop(OUT, p, t);
                    break;
                case "outputBodyJson":
                    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                        charges.outputBodyRead();
                    }
                    body(p, t);
                    break;
                case "outputBodyS3Path":
                    charges.outputBodyInS3();
                    p.skipChildren();
                    break;
                case "outputVideoDurationSeconds":
                    charges.videoDuration(p, t);
                    break;
                default:
                    p.skipChildren();
            }
        }
    }

    // --- output body: only usage, metrics and stream invocation metrics are read -------------------

    private void body(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.START_OBJECT) {
            String n;
            while ((n = p.nextFieldName()) != null) {
                JsonToken v = p.nextToken();
                switch (n) {
                    case "usage":
                        usage(p, v);
                        break;
                    case "metrics":
                        metrics(p, v);
                        break;
                    case "inputTextTokenCount": // Titan embeddings
                        setBody(IN, p, v, "outputBodyJson.inputTextTokenCount");
                        break;
                    case "amazon-bedrock-invocationMetrics":
                        invocationMetrics(p, v);
                        break;
                    default:
                        if (!charges.outputBodyField(n, p, v)) {
                            p.skipChildren(); // output.message, content, embedding ...
                        }
                }
            }
        } else if (t == JsonToken.START_ARRAY) {
            // InvokeModelWithResponseStream: the chunks; not every element is an object ("[DONE]").
            JsonToken e;
            while ((e = p.nextToken()) != JsonToken.END_ARRAY && e != null) {
                if (e == JsonToken.START_OBJECT) {
                    String n;
                    while ((n = p.nextFieldName()) != null) {
                        JsonToken v = p.nextToken();
                        if (n.equals("amazon-bedrock-invocationMetrics")) {
                            invocationMetrics(p, v);
                        } else if (n.equals("amazon-bedrock-trace")) {
                            charges.outputBodyField(n, p, v);
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        } else {
            p.skipChildren();
        }
    }

    /** Converse {@code usage} (camelCase) or the Anthropic-native one (snake_case). */
    private void usage(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        String n;
        while ((n = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            switch (n) {
                case "inputTokens":
                case "input_tokens":
                    setBody(IN, p, v, "outputBodyJson.usage." + n);
                    break;
                case "outputTokens":
                case "output_tokens":
                    setBody(OUT, p, v, "outputBodyJson.usage." + n);
                    break;
                case "cacheReadInputTokens":
                case "cache_read_input_tokens":
                    setBody(CACHE_READ, p, v, "outputBodyJson.usage." + n);
                    break;
                case "cacheWriteInputTokens":
                case "cache_creation_input_tokens":
                    setBody(CACHE_WRITE, p, v, "outputBodyJson.usage." + n);
                    break;
                case "cacheDetails":
                    cacheDetails(p, v);
                    break;
                case "cache_creation":
                    anthropicCacheCreation(p, v);
                    break;
                default:
                    if (!charges.usageField(n, p, v)) {
                        p.skipChildren();
                    }
            }
        }
    }

    /** {@code cacheDetails: [{"ttl": "1h"|"5m", "inputTokens": n}, ...]}: cache writes split by TTL. */
    private void cacheDetails(JsonParser p, JsonToken t) throws IOException {
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
            String ttl = null;
            long tokens = ABSENT;
            String n;
            while ((n = p.nextFieldName()) != null) {
                JsonToken v = p.nextToken();
                if (n.equals("ttl")) {
                    ttl = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    p.skipChildren();
                } else if (n.equals("inputTokens")) {
                    tokens = countAt(p, v);
                    if (tokens == BAD && bodyBad[CACHE_WRITE] == null) {
                        bodyBad[CACHE_WRITE] = "outputBodyJson.usage.cacheDetails[].inputTokens " + badReason;
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (tokens >= 0) {
                detailsTotal = plus(detailsTotal, tokens);
                if ("1h".equalsIgnoreCase(ttl)) {
                    oneHour = plus(oneHour, tokens);
                }
            }
        }
    }

    /** Anthropic-native {@code usage.cache_creation: {ephemeral_5m_input_tokens, ephemeral_1h_input_tokens}}. */
    private void anthropicCacheCreation(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        String n;
        while ((n = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            boolean hour = n.equals("ephemeral_1h_input_tokens");
            if (hour || n.equals("ephemeral_5m_input_tokens")) {
                long c = countAt(p, v);
                if (c >= 0) {
                    detailsTotal = plus(detailsTotal, c);
                    if (hour) {
                        oneHour = plus(oneHour, c);
                    }
                } else if (c == BAD && bodyBad[CACHE_WRITE] == null) {
                    bodyBad[CACHE_WRITE] = "outputBodyJson.usage.cache_creation." + n + " " + badReason;
                }
            } else {
                p.skipChildren();
            }
        }
    }

    private void metrics(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        String n;
        while ((n = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            if (n.equals("latencyMs")) {
                setLatency(p, v);
            } else {
                p.skipChildren();
            }
        }
    }

    /** The last stream chunk's {@code amazon-bedrock-invocationMetrics}. */
    private void invocationMetrics(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        String n;
        while ((n = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            switch (n) {
                case "inputTokenCount":
                    setBody(IN, p, v, "amazon-bedrock-invocationMetrics.inputTokenCount");
                    break;
                case "outputTokenCount":
                    setBody(OUT, p, v, "amazon-bedrock-invocationMetrics.outputTokenCount");
                    break;
                case "cacheReadInputTokenCount":
                    setBody(CACHE_READ, p, v, "amazon-bedrock-invocationMetrics.cacheReadInputTokenCount");
                    break;
                case "cacheWriteInputTokenCount":
                    setBody(CACHE_WRITE, p, v, "amazon-bedrock-invocationMetrics.cacheWriteInputTokenCount");
                    break;
                case "invocationLatency":
                    setLatency(p, v);
                    break;
                default:
                    p.skipChildren();
            }
        }
    }

    // --- values ------------------------------------------------------------------------------------

    private void setTop(int kind, JsonParser p, JsonToken t) throws IOException {
        long c = countAt(p, t);
        if (c >= 0) {
            top[kind] = c;
        } else if (c == BAD && topBad == null) {
            topBad = TOP_FIELD[kind] + " " + badReason;
        }
    }

    private void setBody(int kind, JsonParser p, JsonToken t, String field) throws IOException {
        long c = countAt(p, t);
        if (c >= 0) {
            if (body[kind] == ABSENT) {
                body[kind] = c;
            }
        } else if (c == BAD && bodyBad[kind] == null) {
            bodyBad[kind] = field + " " + badReason;
        }
    }

    /** Latency is informative, not billed: a value that is not a whole number of ms >= 0 is left out. */
    private void setLatency(JsonParser p, JsonToken t) throws IOException {
        long c = countAt(p, t);
        if (c >= 0 && latency == ABSENT) {
            latency = c;
        }
    }

    /** The token count at the current value: >= 0, {@link #ABSENT} for null, or {@link #BAD} with {@link #badReason} set. */
    private long countAt(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case VALUE_NUMBER_INT:
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    badReason = "is " + abbreviate(p.getText(), 24) + ", too large";
                    return BAD;
                }
                long v = p.getLongValue();
                if (v < 0) {
                    badReason = "is " + v + ", a negative count";
                    return BAD;
                }
                return v;
            case VALUE_NULL:
                return ABSENT;
            case VALUE_NUMBER_FLOAT:
                badReason = "is " + abbreviate(p.getText(), 24) + ", not a whole number";
                return BAD;
            case VALUE_STRING:
                badReason = "is the string \"" + abbreviate(p.getText(), 24) + "\", not a number";
                return BAD;
            default:
                badReason = "is " + describe(p, t) + ", not a number";
                p.skipChildren();
                return BAD;
        }
    }

    /** Text of a scalar (numbers and booleans as written); null for null, objects and arrays (skipped). */
    private static String scalarText(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case VALUE_STRING:
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
            case VALUE_TRUE:
            case VALUE_FALSE:
                return p.getText();
            default:
                p.skipChildren();
                return null;
        }
    }

    /** What a value is, for messages; numbers and booleans are quoted, strings never (they could be anything). */
    private static String describe(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT:
                return "an object";
            case START_ARRAY:
                return "an array";
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "the number " + abbreviate(p.getText(), 24);
            case VALUE_TRUE:
                return "true";
            case VALUE_FALSE:
                return "false";
            case VALUE_NULL:
                return "null";
            default:
                return t.name();
        }
    }

    private static long plus(long sum, long v) {
        long base = sum < 0 ? 0 : sum;
        long r = base + v;
        return r < base ? Long.MAX_VALUE : r;
    }

    static String abbreviate(String s, int max) {
        if (s == null) {
            return "null";
        }
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
