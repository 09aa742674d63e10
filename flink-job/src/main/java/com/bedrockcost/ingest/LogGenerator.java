package com.bedrockcost.ingest;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

/**
 * Realistic Bedrock model invocation logs of a multi-tenant SaaS, deterministic under a seed: record
 * {@code i} is always the same bytes for the same settings. Several operations and model id forms,
 * prompt-cache tokens, Zipf-skewed tenants, metadata (tenant, company, department, cost center, use
 * case, environment), prompts and completions of realistic size (mean about 3 KB per record).
 */
public final class LogGenerator implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Account id of every generated record. */
    public static final String ACCOUNT = "111122223333";

    private static final String[] MODEL_IDS = {
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "us.anthropic.claude-haiku-4-5-20251001-v1:0",
        "arn:aws:bedrock:us-east-1:" + ACCOUNT + ":inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0",
        "anthropic.claude-3-5-haiku-20241022-v1:0",
        "anthropic.claude-3-haiku-20240307-v1:0",
        "us.anthropic.claude-opus-4-5-20251101-v1:0",
        "amazon.nova-lite-v1:0",
        "us.amazon.nova-pro-v1:0",
        "amazon.nova-micro-v1:0",
        "meta.llama3-3-70b-instruct-v1:0",
        "arn:aws:bedrock:us-east-1::foundation-model/mistral.mistral-large-2407-v1:0",
        "amazon.titan-embed-text-v2:0",
        "cohere.embed-english-v3",
        "us.writer.palmyra-x5-v1:0",
    };
    private static final int[] MODEL_WEIGHTS = {18, 6, 15, 4, 6, 6, 3, 10, 6, 6, 4, 2, 8, 2, 1};
    /** Models whose calls may read and write the prompt cache. */
    private static final boolean[] CACHING = {true, true, true, true, true, true, true, true, true, true, false, false, false, false, false};
    private static final boolean[] EMBEDDING = {false, false, false, false, false, false, false, false, false, false, false, false, true, true, false};

    private static final String[] COMPANIES = {
        "acme-co", "globex", "initech", "umbrella", "hooli", "stark-industries", "wayne-enterprises",
        "wonka", "tyrell", "cyberdyne", "soylent", "massive-dynamic", "vandelay", "pied-piper", "aperture"};
    private static final String[] DEPARTMENTS = {"support", "sales", "engineering", "marketing", "finance", "legal", "hr"};
    private static final String[] USE_CASES = {"ticket-summary", "chat-assistant", "search", "code-review", "email-draft", "classification", "rag-answer"};
    private static final String[] ENVIRONMENTS = {"prod", "prod", "prod", "prod", "staging", "dev"};
    private static final String[] WORDS = {
        "customer", "invoice", "the", "order", "delivery", "please", "summarise", "account", "refund", "status",
        "report", "quarterly", "revenue", "error", "stack", "trace", "deploy", "service", "latency", "tenant",
        "contract", "renewal", "support", "ticket", "priority", "escalate", "answer", "question", "policy", "data",
        "and", "of", "to", "in", "for", "with", "on", "is", "a", "that"};
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ISO_INSTANT;

    private final long seed;
    private final long count;
    private final int tenants;
    private final long startMillis;
    private final long spanMillis;
    private final double[] tenantCdf;
    private final int[] modelCdf;

    public LogGenerator(long seed, long count, int tenants, Instant start, Duration span) {
        this.seed = seed;
        this.count = count;
        this.tenants = tenants;
        this.startMillis = start.toEpochMilli();
        this.spanMillis = span.toMillis();
        this.tenantCdf = zipfCdf(tenants, 1.1);
        this.modelCdf = new int[MODEL_WEIGHTS.length];
        int sum = 0;
        for (int i = 0; i < MODEL_WEIGHTS.length; i++) {
            sum += MODEL_WEIGHTS[i];
            modelCdf[i] = sum;
        }
    }

    public long count() {
        return count;
    }

    private static double[] zipfCdf(int n, double s) {
        double[] cdf = new double[n];
        double total = 0;
        for (int k = 1; k <= n; k++) {
            total += 1.0 / Math.pow(k, s);
            cdf[k - 1] = total;
        }
        for (int k = 0; k < n; k++) {
            cdf[k] /= total;
        }
        return cdf;
    }

    /** Tenant name of rank {@code k} (0 = the busiest). */
    public static String tenantName(int k) {
        return String.format("tenant-%04d", k + 1);
    }

    /** The {@code index}-th record as one line of JSON (no line terminator). */
    public byte[] record(long index) {
        // Every character is ASCII, so its ASCII bytes are its UTF-8 bytes.
        return recordText(index).getBytes(StandardCharsets.US_ASCII);
    }

    public String recordText(long index) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        int model = pickModel(r);
        String modelId = MODEL_IDS[model];
        boolean embedding = EMBEDDING[model];
        String operation = embedding ? "InvokeModel" : pickOperation(r);
        boolean converse = operation.startsWith("Converse");
        int tenant = pickTenant(r);
        String tenantName = tenantName(tenant);
        String company = COMPANIES[tenant % COMPANIES.length];
        // InvokeModel callers pass metadata only through a header, and many do not.
        boolean hasMetadata = converse || r.nextInt(100) < 40;
        boolean failed = r.nextInt(1000) < 8;

        long input;
        long output;
        long cacheRead = 0;
        long cacheWrite = 0;
        if (embedding) {
            input = 20 + r.nextInt(600);
            output = 0;
        } else {
            input = logNormal(r, 900, 1.0, 5, 60_000);
            output = logNormal(r, 250, 0.9, 1, 8_000);
            if (CACHING[model] && converse) {
                int c = r.nextInt(100);
                if (c < 35) {
                    cacheRead = 1024 + r.nextInt(20_000);
                } else if (c < 45) {
                    cacheWrite = 1024 + r.nextInt(12_000);
                }
            }
            if (model <= 1 && r.nextInt(1000) < 3) {
                input = 200_001 + r.nextInt(50_000); // long-context tier
            }
        }
        if (failed) {
            output = 0;
            cacheRead = 0;
            cacheWrite = 0;
            input = r.nextInt(2) == 0 ? 0 : input;
        }
        long latency = 150 + output * 12 + r.nextInt(400);

        long ts = startMillis + (count <= 1 ? 0 : (long) ((double) index * spanMillis / count));
        String timestamp = r.nextInt(5) == 0
                ? SECONDS.format(Instant.ofEpochMilli(ts))
                : SECONDS.format(Instant.ofEpochSecond(ts / 1000));
        // Two draws once made the request id; still taken, so every other field is what it was.
        r.nextLong();
        r.nextLong();
        String requestId = requestId(seed, index);
        String role = "app-backend";
        // Callers without metadata run under a role session named after the tenant (attributable by tenant.identity.pattern).
        String session = hasMetadata ? "i-0" + Long.toHexString(r.nextLong() & 0xffffffffL) : tenantName;

        StringBuilder b = new StringBuilder(4096);
        b.append("{\"schemaType\":\"ModelInvocationLog\",\"schemaVersion\":\"1.0\",\"timestamp\":\"").append(timestamp)
                .append("\",\"accountId\":\"").append(ACCOUNT)
                .append("\",\"identity\":{\"arn\":\"arn:aws:sts::").append(ACCOUNT).append(":assumed-role/").append(role)
                .append('/').append(session).append("\"},\"region\":\"us-east-1\",\"requestId\":\"").append(requestId)
                .append("\",\"operation\":\"").append(operation).append("\",\"modelId\":\"").append(modelId).append('"');
        if (modelId.startsWith("us.") || modelId.contains("inference-profile/us.")) {
            b.append(",\"inferenceRegion\":\"").append(r.nextBoolean() ? "us-east-2" : "us-west-2").append('"');
        }
        b.append(",\"input\":{\"inputContentType\":\"application/json\",\"inputBodyJson\":");
        if (embedding) {
            b.append("{\"inputText\":\"");
            words(b, r, 20 + r.nextInt(200));
            b.append("\"}");
        } else {
            b.append("{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"");
            // Mostly short prompts; one in 500 carries a long document (tail up to about 200 KB).
            words(b, r, r.nextInt(500) == 0 ? 5_000 + r.nextInt(25_000) : (int) logNormal(r, 120, 0.8, 3, 4_000));
            b.append("\"}]}],\"inferenceConfig\":{\"maxTokens\":2048,\"temperature\":0.2}}");
        }
        b.append(",\"inputTokenCount\":").append(input);
        if (cacheRead > 0 || cacheWrite > 0 || (converse && r.nextBoolean())) {
            b.append(",\"cacheReadInputTokenCount\":").append(cacheRead)
                    .append(",\"cacheWriteInputTokenCount\":").append(cacheWrite);
        }
        b.append('}');
        if (!failed) {
            b.append(",\"output\":{\"outputContentType\":\"application/json\",\"outputBodyJson\":");
            if (embedding) {
                b.append("{\"embedding\":[");
                for (int i = 0; i < 16; i++) {
                    b.append(i == 0 ? "" : ",").append(r.nextInt(2000) - 1000).append("e-4");
                }
                b.append("],\"inputTextTokenCount\":").append(input).append('}');
            } else if (operation.equals("InvokeModelWithResponseStream")) {
                b.append("[{\"type\":\"message_start\"},{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"");
                words(b, r, (int) Math.min(output / 2, 800));
                b.append("\"}},{\"type\":\"message_stop\",\"amazon-bedrock-invocationMetrics\":{\"inputTokenCount\":").append(input)
                        .append(",\"outputTokenCount\":").append(output).append(",\"invocationLatency\":").append(latency)
                        .append(",\"firstByteLatency\":").append(latency / 5).append("}}]");
            } else {
                b.append("{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"");
                words(b, r, (int) Math.min(output / 2, 800));
                b.append("\"}]}},\"stopReason\":\"end_turn\",\"usage\":{\"inputTokens\":").append(input)
                        .append(",\"outputTokens\":").append(output).append(",\"totalTokens\":").append(input + output + cacheRead + cacheWrite)
                        .append(",\"cacheReadInputTokens\":").append(cacheRead).append(",\"cacheWriteInputTokens\":").append(cacheWrite)
                        .append("},\"metrics\":{\"latencyMs\":").append(latency).append("}}");
            }
            b.append(",\"outputTokenCount\":").append(output).append('}');
        } else {
            b.append(",\"errorCode\":\"ThrottlingException\"");
        }
        if (hasMetadata) {
            b.append(",\"requestMetadata\":{\"tenantId\":\"").append(tenantName)
                    .append("\",\"company\":\"").append(company)
                    .append("\",\"department\":\"").append(DEPARTMENTS[(tenant + r.nextInt(3)) % DEPARTMENTS.length])
                    .append("\",\"costCenter\":\"CC-").append(1000 + tenant % 37)
                    .append("\",\"useCase\":\"").append(USE_CASES[r.nextInt(USE_CASES.length)])
                    .append("\",\"environment\":\"").append(ENVIRONMENTS[r.nextInt(ENVIRONMENTS.length)]).append("\"}");
        }
        b.append('}');
        return b.toString();
    }

    private int pickModel(SplittableRandom r) {
        int x = r.nextInt(modelCdf[modelCdf.length - 1]);
        for (int i = 0; i < modelCdf.length; i++) {
            if (x < modelCdf[i]) {
                return i;
            }
        }
        return modelCdf.length - 1;
    }

    private static String pickOperation(SplittableRandom r) {
        int x = r.nextInt(100);
        if (x < 55) {
            return "Converse";
        }
        if (x < 80) {
            return "ConverseStream";
        }
        return x < 92 ? "InvokeModel" : "InvokeModelWithResponseStream";
    }

    private int pickTenant(SplittableRandom r) {
        double u = r.nextDouble();
        int lo = 0;
        int hi = tenants - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (tenantCdf[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static long logNormal(SplittableRandom r, double median, double sigma, long min, long max) {
        double g = gaussian(r);
        long v = Math.round(median * Math.exp(sigma * g));
        return Math.max(min, Math.min(max, v));
    }

    private static double gaussian(SplittableRandom r) {
        double u1 = 1.0 - r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static void words(StringBuilder b, SplittableRandom r, int n) {
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append(' ');
            }
            b.append(WORDS[r.nextInt(WORDS.length)]);
        }
    }

    /** Records per corpus: the request id holds the index in 58 bits. */
    static final long MAX_INDEX = 1L << 58;

    /**
     * The request id of record {@code index} of the corpus of {@code seed}: a UUID (version 4 form)
     * whose 122 free bits are (seed, index) put through a 4-round Feistel permutation. A permutation
     * is one-to-one, so two different (seed, index) pairs never share an id, whichever the seeds
     * (SplittableRandom draws of seed s + 1 are those of seed s shifted by one, so ids drawn from
     * it repeated across adjacent seeds); the rounds make ids of neighbouring records look unrelated.
     */
    static String requestId(long seed, long index) {
        if (index < 0 || index >= MAX_INDEX) {
            throw new IllegalArgumentException("record index " + index + " outside 0.." + (MAX_INDEX - 1));
        }
        long left = seed >>> 3;                    // 61 bits
        long right = ((seed & 7) << 58) | index;   // 61 bits
        for (int round = 0; round < 4; round++) {
            long next = left ^ (mix64(right + round * 0x9E3779B97F4A7C15L) & MASK_61);
            left = right;
            right = next;
        }
        long hi60 = left >>> 1;
        long lo62 = ((left & 1) << 61) | right;
        long hi = ((hi60 >>> 12) << 16) | 0x4000L | (hi60 & 0xfffL);
        long lo = 0x8000000000000000L | lo62;
        return new java.util.UUID(hi, lo).toString();
    }

    private static final long MASK_61 = (1L << 61) - 1;

    /** Stafford's variant 13 of MurmurHash3's finalizer. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
