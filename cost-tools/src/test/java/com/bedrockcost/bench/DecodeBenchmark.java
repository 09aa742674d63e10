package com.bedrockcost.bench;

import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.model.FailedRecord;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.parse.InvocationDecoder;
import com.bedrockcost.parse.ParseOptions;
import com.bedrockcost.parse.Timestamps;
import com.bedrockcost.testutil.Envelopes;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * Envelope decode + parse, per core: CloudWatch Logs subscription payloads (gzip, level 6, up to 50
 * events or 256 KB of JSON each) holding {@value #RECORDS} generated invocation logs (mean about
 * 3 KB, a tail of long documents up to about 200 KB). {@code decoder} is the job's decode stage
 * without Flink ({@link InvocationDecoder}: inflate, envelope, validation, model canonicalisation,
 * tenant, source); {@code bareJackson} is the baseline over the same bytes: inflate, a Jackson
 * streaming pass over the envelope, and per record a Jackson streaming pass extracting the same
 * fields (ids, time as an Instant, account, regions, operation, model id, identity, metadata map,
 * the four token counts with the body fallbacks and TTL split, latency, error code), with no checks;
 * {@code bareJacksonHandTime} is that baseline with the job's own timestamp parser in place of
 * {@code Instant.parse}, the strictest comparison. Scores are records/s per thread (one core); the
 * {@code bytes} counter is uncompressed record bytes/s. {@link #main} measures the same passes by
 * thread CPU time, for shared machines.
 *
 * <pre>java -cp cost-tools/target/test-classes:cost-tools/target/classes:$(cat cost-tools/target/test-classpath.txt) \
 *     org.openjdk.jmh.Main DecodeBenchmark -f 1 -wi 2 -i 3 -w 3s -r 5s</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@State(Scope.Thread)
public class DecodeBenchmark {
    static final int RECORDS = 20_000;
    private static final int MAX_EVENTS = 50;
    private static final int MAX_ENVELOPE_CHARS = 256 * 1024;

    private List<RawInput> payloads;
    private long recordBytes;
    private InvocationDecoder decoder;
    private Counting output;
    private final JsonFactory json = new JsonFactory();

    /** Uncompressed record bytes processed (JMH reports them per second). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long bytes;
    }

    @Setup(Level.Trial)
    public void setUp() {
        LogGenerator gen = new LogGenerator(1, RECORDS, 500, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofDays(3));
        payloads = new ArrayList<>();
        List<String> batch = new ArrayList<>();
        int batchChars = 0;
        long compressed = 0;
        long max = 0;
        for (int i = 0; i < RECORDS; i++) {
            String r = gen.recordText(i);
            recordBytes += r.length();
            max = Math.max(max, r.length());
            if (!batch.isEmpty() && (batch.size() == MAX_EVENTS || batchChars + r.length() > MAX_ENVELOPE_CHARS)) {
                byte[] p = Envelopes.data(batch);
                compressed += p.length;
                payloads.add(RawInput.envelope("bench/shard-0/" + payloads.size(), p));
                batch = new ArrayList<>();
                batchChars = 0;
            }
            batch.add(r);
            batchChars += r.length();
        }
        byte[] p = Envelopes.data(batch);
        compressed += p.length;
        payloads.add(RawInput.envelope("bench/shard-0/" + payloads.size(), p));
        decoder = new InvocationDecoder(ParseOptions.defaults());
        output = new Counting();
        System.out.printf("%ncorpus: %,d records in %,d envelopes; %,d record bytes (mean %,d, max %,d); %,d bytes gzip%n",
                RECORDS, payloads.size(), recordBytes, recordBytes / RECORDS, max, compressed);
        // Both sides must see every record, or the comparison means nothing.
        Counting check = new Counting();
        for (RawInput in : payloads) {
            decoder.decode(in, 0, check);
        }
        long baseline = bare(null, new Bytes(), false);
        if (check.rows != RECORDS || check.failed != 0 || baseline != RECORDS) {
            throw new IllegalStateException("decoder " + check.rows + " rows, " + check.failed + " failed; baseline " + baseline);
        }
    }

    private static final class Counting implements InvocationDecoder.Output {
        long rows;
        long failed;
        long sink;

        @Override
        public void invocation(Invocation inv) {
            rows++;
            sink += inv.inputTokens + inv.requestId.length();
        }

        @Override
        public void failed(FailedRecord f) {
            failed++;
        }

        @Override
        public void skipped(String source, String reason) {}

        @Override
        public void control(String source) {}
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long decoder(Bytes bytes) {
        long before = output.rows;
        for (RawInput in : payloads) {
            decoder.decode(in, 1_780_000_000_000L, output);
        }
        bytes.bytes += recordBytes;
        return output.rows - before + output.sink;
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long bareJackson(Blackhole bh, Bytes bytes) {
        return bare(bh, bytes, false);
    }

    /** The baseline with the job's hand-written timestamp parser instead of {@code Instant.parse}: the strictest comparison. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long bareJacksonHandTime(Blackhole bh, Bytes bytes) {
        return bare(bh, bytes, true);
    }

    private long bare(Blackhole bh, Bytes bytes, boolean handTime) {
        long n = 0;
        try {
            for (RawInput in : payloads) {
                byte[] inflated;
                try (InputStream z = new GZIPInputStream(new ByteArrayInputStream(in.payload), 8192)) {
                    inflated = z.readAllBytes();
                }
                try (JsonParser p = json.createParser(inflated)) {
                    p.nextToken();
                    String group = null;
                    String stream = null;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.getCurrentName();
                        p.nextToken();
                        if (name.equals("logGroup")) {
                            group = p.getText();
                        } else if (name.equals("logStream")) {
                            stream = p.getText();
                        } else if (name.equals("logEvents")) {
                            while (p.nextToken() == JsonToken.START_OBJECT) {
                                String id = null;
                                while (p.nextToken() == JsonToken.FIELD_NAME) {
                                    String f = p.getCurrentName();
                                    p.nextToken();
                                    if (f.equals("id")) {
                                        id = p.getText();
                                    } else if (f.equals("message")) {
                                        Fields r = record(p.getText(), handTime);
                                        r.eventId = id;
                                        n++;
                                        if (bh != null) {
                                            bh.consume(r);
                                        }
                                    } else {
                                        p.skipChildren();
                                    }
                                }
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                    if (bh != null) {
                        bh.consume(group);
                        bh.consume(stream);
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        bytes.bytes += recordBytes;
        return n;
    }

    /** What the baseline extracts from one record. */
    static final class Fields {
        String eventId;
        String requestId;
        Instant time;
        String account;
        String region;
        String inferenceRegion;
        String operation;
        String modelId;
        String identity;
        String errorCode;
        Map<String, String> metadata;
        long in = -1;
        long out = -1;
        long cacheRead = -1;
        long cacheWrite = -1;
        long bodyIn = -1;
        long bodyOut = -1;
        long bodyCacheRead = -1;
        long bodyCacheWrite = -1;
        long oneHour;
        long latency = -1;
    }

    private Fields record(String text, boolean handTime) throws IOException {
        Fields r = new Fields();
        try (JsonParser p = json.createParser(text)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.getCurrentName();
                p.nextToken();
                switch (name) {
                    case "requestId": r.requestId = p.getText(); break;
                    case "timestamp": r.time = handTime ? Timestamps.parse(p.getText()) : Instant.parse(p.getText()); break;
                    case "accountId": r.account = p.getText(); break;
                    case "region": r.region = p.getText(); break;
                    case "inferenceRegion": r.inferenceRegion = p.getText(); break;
                    case "operation": r.operation = p.getText(); break;
                    case "modelId": r.modelId = p.getText(); break;
                    case "errorCode": r.errorCode = p.getText(); break;
                    case "identity":
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.getCurrentName();
                            p.nextToken();
                            if (f.equals("arn")) {
                                r.identity = p.getText();
                            } else {
                                p.skipChildren();
                            }
                        }
                        break;
                    case "requestMetadata":
                        r.metadata = new HashMap<>();
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String k = p.getCurrentName();
                            p.nextToken();
                            r.metadata.put(k, p.getText());
                        }
                        break;
                    case "input":
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.getCurrentName();
                            p.nextToken();
                            if (f.equals("inputTokenCount")) {
                                r.in = p.getLongValue();
                            } else if (f.equals("cacheReadInputTokenCount")) {
                                r.cacheRead = p.getLongValue();
                            } else if (f.equals("cacheWriteInputTokenCount")) {
                                r.cacheWrite = p.getLongValue();
                            } else {
                                p.skipChildren();
                            }
                        }
                        break;
                    case "output":
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.getCurrentName();
                            JsonToken t = p.nextToken();
                            if (f.equals("outputTokenCount")) {
                                r.out = p.getLongValue();
                            } else if (f.equals("outputBodyJson")) {
                                body(p, t, r);
                            } else {
                                p.skipChildren();
                            }
                        }
                        break;
                    default:
                        p.skipChildren();
                }
            }
        }
        return r;
    }

    private static void body(JsonParser p, JsonToken t, Fields r) throws IOException {
        if (t == JsonToken.START_ARRAY) {
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String f = p.getCurrentName();
                    p.nextToken();
                    if (f.equals("amazon-bedrock-invocationMetrics")) {
                        counts(p, r);
                    } else {
                        p.skipChildren();
                    }
                }
            }
        } else if (t == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.getCurrentName();
                p.nextToken();
                if (f.equals("usage") || f.equals("metrics")) {
                    counts(p, r);
                } else {
                    p.skipChildren();
                }
            }
        } else {
            p.skipChildren();
        }
    }

    /** usage, metrics or invocationMetrics: every count the job may fall back to. */
    private static void counts(JsonParser p, Fields r) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.getCurrentName();
            p.nextToken();
            switch (f) {
                case "inputTokens": case "inputTokenCount": r.bodyIn = p.getLongValue(); break;
                case "outputTokens": case "outputTokenCount": r.bodyOut = p.getLongValue(); break;
                case "cacheReadInputTokens": case "cacheReadInputTokenCount": r.bodyCacheRead = p.getLongValue(); break;
                case "cacheWriteInputTokens": case "cacheWriteInputTokenCount": r.bodyCacheWrite = p.getLongValue(); break;
                case "latencyMs": case "invocationLatency": r.latency = p.getLongValue(); break;
                case "cacheDetails":
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        String ttl = null;
                        long n = 0;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String g = p.getCurrentName();
                            p.nextToken();
                            if (g.equals("ttl")) {
                                ttl = p.getText();
                            } else if (g.equals("inputTokens")) {
                                n = p.getLongValue();
                            }
                        }
                        if ("1h".equals(ttl)) {
                            r.oneHour += n;
                        }
                    }
                    break;
                default:
                    p.skipChildren();
            }
        }
    }

    /**
     * The same two passes timed by this thread's CPU time instead of the wall clock, alternating, so
     * that other processes on a shared machine do not count against either: records and MB per
     * CPU-second, i.e. per core. Arguments: rounds (default 12), warm-up rounds (default 4).
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        DecodeBenchmark b = new DecodeBenchmark();
        b.setUp();
        double[] dec = new double[rounds];
        double[] base = new double[rounds];
        double[] hand = new double[rounds];
        for (int round = -warmup; round < rounds; round++) {
            long t0 = cpu.getCurrentThreadCpuTime();
            b.decoder(new Bytes());
            long t1 = cpu.getCurrentThreadCpuTime();
            b.bare(null, new Bytes(), false);
            long t2 = cpu.getCurrentThreadCpuTime();
            b.bare(null, new Bytes(), true);
            long t3 = cpu.getCurrentThreadCpuTime();
            if (round >= 0) {
                dec[round] = RECORDS / ((t1 - t0) / 1e9);
                base[round] = RECORDS / ((t2 - t1) / 1e9);
                hand[round] = RECORDS / ((t3 - t2) / 1e9);
            }
        }
        double mb = (double) b.recordBytes / RECORDS / 1e6;
        double d = median(dec);
        double j = median(base);
        double h = median(hand);
        System.out.printf("per CPU-second (median of %d rounds):%n", rounds);
        System.out.printf("  decoder              %,8.0f records/s %6.1f MB/s%n", d, d * mb);
        System.out.printf("  bareJackson          %,8.0f records/s %6.1f MB/s   decoder/baseline %.2f%n", j, j * mb, d / j);
        System.out.printf("  bareJacksonHandTime  %,8.0f records/s %6.1f MB/s   decoder/baseline %.2f%n", h, h * mb, d / h);
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        java.util.Arrays.sort(c);
        return c[c.length / 2];
    }
}
