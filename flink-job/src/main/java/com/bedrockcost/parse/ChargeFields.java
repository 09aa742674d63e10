package com.bedrockcost.parse;

import com.bedrockcost.model.GuardrailPolicy;
import com.bedrockcost.model.Invocation;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * What {@link InvocationLogParser} reads of a record for the charges other than tokens: guardrail units
 * (every {@code invocationMetrics.usage} in a guardrail trace, for the input and each output, of every
 * guardrail id; or the {@code usage} of an ApplyGuardrail response), the service tier, image counts and
 * sizes, video seconds and rerank documents. Only numbers and a few short enumerations are read: every
 * text (prompts, completions, the guardrail's {@code modelOutput}) is skipped unread. Scratch state of
 * one record; {@link #reset()} before each.
 */
final class ChargeFields {
    static final String GAP_GUARDRAIL = "guardrail";
    static final String GAP_BODY = "body";
    /** A rerank query covers up to this many documents (AWS: a query with more is charged as several). */
    static final int DOCUMENTS_PER_QUERY = 100;
    /** More seconds than any video job makes (a year); beyond it the value is taken as damaged. */
    private static final BigDecimal MAX_VIDEO_SECONDS = BigDecimal.valueOf(366L * 24 * 3600);

    private long[] units;
    private String unitsProblem;
    private boolean guardrailTrace;
    private String tierOut;
    private String tierIn;
    private String latencyOut;
    private String latencyIn;
    private boolean inputBodyRead;
    private boolean inputBodyInS3;
    private boolean outputBodyRead;
    private boolean outputBodyInS3;
    private long numberOfImages;
    private boolean imageRequest;
    private String width;
    private String height;
    private String quality;
    private long outputImages;
    private boolean imageEmbedding;
    private long documents;
    private boolean rerankQuery;
    private BigDecimal videoSeconds;
    private String videoProblem;

    void reset() {
        units = null;
        unitsProblem = null;
        guardrailTrace = false;
        tierOut = null;
        tierIn = null;
        latencyOut = null;
        latencyIn = null;
        inputBodyRead = false;
        inputBodyInS3 = false;
        outputBodyRead = false;
        outputBodyInS3 = false;
        numberOfImages = -1;
        imageRequest = false;
        width = null;
        height = null;
        quality = null;
        outputImages = -1;
        imageEmbedding = false;
        documents = -1;
        rerankQuery = false;
        videoSeconds = null;
        videoProblem = null;
    }

    // --- where the parser hands over -------------------------------------------------------------

    void inputBodyInS3() {
        inputBodyInS3 = true;
    }

    void outputBodyInS3() {
        outputBodyInS3 = true;
    }

    void outputBodyRead() {
        outputBodyRead = true;
    }

    /** {@code input.inputBodyJson}: the request. Reads the image, rerank and tier settings; skips all text. */
    void inputBody(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        inputBodyRead = true;
        String n;
        while ((n = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            switch (n) {
                case "imageGenerationConfig":
                    imageGenerationConfig(p, v);
                    break;
                case "taskType":
                    // Nova Canvas / Titan Image: every task makes images (one unless imageGenerationConfig says
                    // more); Nova Reel's tasks (TEXT_VIDEO, MULTI_SHOT_*) make video, billed by the second.
                    String task = v == JsonToken.VALUE_STRING ? shortText(p) : null;
                    if (task != null && !task.contains("video") && !task.startsWith("multi_shot")) {
                        imageRequest = true;
                    }
                    p.skipChildren();
                    break;
                case "inputImage":
                    // Titan / Nova multimodal embeddings of an image; image generation tasks also carry it.
                    imageEmbedding = true;
                    p.skipChildren();
                    break;
                case "documents":
                    documents = arrayLength(p, v);
                    break;
                case "query":
                    rerankQuery = true;
                    p.skipChildren();
                    break;
                case "serviceTier":
                    tierIn = tier(p, v);
                    break;
                case "performanceConfig":
                    latencyIn = latency(p, v);
                    break;
                default:
                    p.skipChildren();
            }
        }
    }

    /** A top-level {@code performanceConfig} (Panther's schema) or {@code serviceTier}. */
    void topLevel(String name, JsonParser p, JsonToken v) throws IOException {
        if (name.equals("performanceConfig")) {
            latencyOut = firstNonNull(latencyOut, latency(p, v));
        } else {
            tierOut = firstNonNull(tierOut, tier(p, v));
        }
    }

    /** Fields of an output body object this class reads; false (nothing consumed) for the others. */
    boolean outputBodyField(String name, JsonParser p, JsonToken v) throws IOException {
        switch (name) {
            case "trace":
            case "amazon-bedrock-trace":
                trace(p, v);
                return true;
            case "serviceTier":
                tierOut = tier(p, v);
                return true;
            case "performanceConfig":
                latencyOut = latency(p, v);
                return true;
            case "images":
                outputImages = arrayLength(p, v);
                return true;
            default:
                return false;
        }
    }

    /** A field of an output body's {@code usage}: guardrail policy units of an ApplyGuardrail response. */
    boolean usageField(String name, JsonParser p, JsonToken v) throws IOException {
        GuardrailPolicy g = GuardrailPolicy.ofLogField(name);
        if (g == null) {
            return false;
        }
        addUnits(g, p, v);
        return true;
    }

    /** {@code output.outputVideoDurationSeconds} (Nova Reel). */
    void videoDuration(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            BigDecimal d = p.getDecimalValue();
            if (d.signum() >= 0 && d.compareTo(MAX_VIDEO_SECONDS) <= 0) {
                // The lake keeps microseconds (decimal(20,6)); a float from the log may carry more digits.
                videoSeconds = d.setScale(6, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros();
                return;
            }
        }
        if (t != JsonToken.VALUE_NULL) {
            videoProblem = "output.outputVideoDurationSeconds is not a number of seconds >= 0";
        }
        p.skipChildren();
    }

    // --- result ----------------------------------------------------------------------------------

    /** Sets the charge quantities of {@code inv} from what was read. */
    void apply(Invocation inv) {
        if (guardrailTrace && units == null && unitsProblem == null) {
            // A guardrail ran (its trace is here) but the record does not say how many units it billed.
            unitsProblem = "the guardrail trace has no usage (invocationMetrics.usage) to price";
        }
        inv.guardrailUnits = unitsProblem == null ? units : null;
        inv.serviceTier = serviceTier();
        if (outputImages >= 0) {
            inv.imageCount = outputImages;
        } else if (imageRequest || numberOfImages >= 0) {
            inv.imageCount = numberOfImages >= 0 ? numberOfImages : 1L;
        } else if (imageEmbedding) {
            inv.imageCount = 1L;
        }
        if (inv.imageCount != null) {
            // What prices one image; "*" when the request gives no size (the model's "*" row prices it). Kept in
            // the lake (image_variant), so that restate can price the images again.
            inv.imageVariant = width != null && height != null
                    ? width + "x" + height + "/" + (quality == null ? "standard" : quality.toLowerCase(Locale.ROOT))
                    : Invocation.ANY_IMAGE_SIZE;
        }
        if (rerankQuery && documents >= 0) {
            inv.rerankQueries = Math.max(1, (documents + DOCUMENTS_PER_QUERY - 1) / DOCUMENTS_PER_QUERY);
        }
        inv.videoSeconds = videoSeconds;
        StringBuilder gap = new StringBuilder();
        if (unitsProblem != null) {
            gap.append(GAP_GUARDRAIL).append(": ").append(unitsProblem);
        }
        String body = bodyGap();
        if (body != null) {
            gap.append(gap.length() == 0 ? "" : "; ").append(GAP_BODY).append(": ").append(body);
        }
        if (videoProblem != null) {
            gap.append(gap.length() == 0 ? "" : "; ").append(videoProblem);
        }
        inv.quantityGap = gap.length() == 0 ? null : gap.toString();
    }

    /** Why the request body's quantities are unknown, or null when it was read. */
    private String bodyGap() {
        if (inputBodyRead) {
            return null;
        }
        if (inputBodyInS3) {
            return "the request body is in S3 (inputBodyS3Path), which the job does not read";
        }
        if (outputBodyInS3 && !outputBodyRead) {
            return "the bodies are in S3 (outputBodyS3Path), which the job does not read";
        }
        return "the request body is not in the record (body delivery off for this modality?)";
    }

    /** {@code priority}, {@code flex}, {@code reserved}, {@code default} as logged (response over request); latency-optimized calls as {@code latency-optimized}. */
    private String serviceTier() {
        String tier = firstNonNull(tierOut, tierIn);
        String latency = firstNonNull(latencyOut, latencyIn);
        if ("optimized".equals(latency) && (tier == null || tier.equals("default"))) {
            return "latency-optimized";
        }
        return tier;
    }

    // --- readers ---------------------------------------------------------------------------------

    private void imageGenerationConfig(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        imageRequest = true;
        String n;
        while ((n = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            switch (n) {
                case "numberOfImages":
                    long c = whole(p, v);
                    if (c >= 0) {
                        numberOfImages = c;
                    }
                    break;
                case "width":
                    width = wholeText(p, v);
                    break;
                case "height":
                    height = wholeText(p, v);
                    break;
                case "quality":
                    quality = v == JsonToken.VALUE_STRING ? shortText(p) : null;
                    p.skipChildren();
                    break;
                default:
                    p.skipChildren();
            }
        }
    }

    /** A trace object: only its {@code guardrail} part is read. */
    private void trace(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        String n;
        while ((n = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            if (n.equals("guardrail")) {
                guardrailTrace |= v == JsonToken.START_OBJECT;
                guardrail(p, v);
            } else {
                p.skipChildren();
            }
        }
    }

    /**
     * Walks a guardrail trace of any shape (Converse {@code inputAssessment} / {@code outputAssessments},
     * InvokeModel {@code input} / {@code outputs}, keyed by guardrail id) and adds up every
     * {@code invocationMetrics.usage}. Strings are skipped unread.
     */
    private void guardrail(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.START_OBJECT) {
            String n;
            while ((n = p.nextFieldName()) != null) {
                JsonToken v = p.nextToken();
                if (n.equals("invocationMetrics")) {
                    invocationMetrics(p, v);
                } else if (n.equals("modelOutput") || n.equals("actionReason")) {
                    p.skipChildren();
                } else {
                    guardrail(p, v);
                }
            }
        } else if (t == JsonToken.START_ARRAY) {
            JsonToken e;
            while ((e = p.nextToken()) != JsonToken.END_ARRAY && e != null) {
                guardrail(p, e);
            }
        }
        // Scalars: nothing to do (and nothing read).
    }

    private void invocationMetrics(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        String n;
        while ((n = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            if (n.equals("usage") && v == JsonToken.START_OBJECT) {
                if (units == null) {
                    units = new long[GuardrailPolicy.count()];
                }
                String f;
                while ((f = p.nextFieldName()) != null) {
                    JsonToken u = p.nextToken();
                    GuardrailPolicy g = GuardrailPolicy.ofLogField(f);
                    if (g != null) {
                        addUnits(g, p, u);
                    } else {
                        p.skipChildren(); // automatedReasoningPolicies (a count of policies), future fields
                    }
                }
            } else {
                p.skipChildren();
            }
        }
    }

    private void addUnits(GuardrailPolicy g, JsonParser p, JsonToken v) throws IOException {
        if (units == null) {
            units = new long[GuardrailPolicy.count()];
        }
        long c = whole(p, v);
        if (c >= 0) {
            long sum = units[g.ordinal()] + c;
            units[g.ordinal()] = sum < 0 ? Long.MAX_VALUE : sum;
        } else if (c == -2 && unitsProblem == null) {
            unitsProblem = g.logField + " is not a whole number of units >= 0";
        }
    }

    /** A whole number >= 0 (an integral float such as 1.0 too); -1 for null, -2 for anything else. */
    private static long whole(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            long l = p.getLongValue();
            return l >= 0 ? l : -2;
        }
        if (v == JsonToken.VALUE_NUMBER_FLOAT) {
            BigDecimal d = p.getDecimalValue();
            try {
                long l = d.longValueExact();
                return l >= 0 ? l : -2;
            } catch (ArithmeticException e) {
                return -2;
            }
        }
        if (v == JsonToken.VALUE_NULL) {
            return -1;
        }
        p.skipChildren();
        return -2;
    }

    private static String wholeText(JsonParser p, JsonToken v) throws IOException {
        long c = whole(p, v);
        return c > 0 ? Long.toString(c) : null;
    }

    /** Elements of an array (not read); -1 when the value is not an array. */
    private static long arrayLength(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            p.skipChildren();
            return -1;
        }
        long n = 0;
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY && e != null) {
            n++;
            p.skipChildren();
        }
        return n;
    }

    /** {@code {"type": "flex"}} (Converse) or a plain string. */
    private static String tier(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return shortText(p);
        }
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String tier = null;
        String n;
        while ((n = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            if (n.equals("type") && v == JsonToken.VALUE_STRING) {
                tier = shortText(p);
            } else {
                p.skipChildren();
            }
        }
        return tier;
    }

    /** {@code {"latency": "standard"|"optimized"}}. */
    private static String latency(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String latency = null;
        String n;
        while ((n = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            if (n.equals("latency") && v == JsonToken.VALUE_STRING) {
                latency = shortText(p);
            } else {
                p.skipChildren();
            }
        }
        return latency;
    }

    /** An enumeration value: lower case, and only if short and plain (never free text). */
    private static String shortText(JsonParser p) throws IOException {
        if (p.getTextLength() > 32) {
            return null;
        }
        String s = p.getText().trim().toLowerCase(Locale.ROOT);
        return s.matches("[a-z0-9_-]+") ? s : null;
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }
}
