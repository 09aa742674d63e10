package com.bedrockcost.parse;

import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.model.ErrorType;
import com.bedrockcost.model.FailedRecord;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.model.SideOutputs;
import com.bedrockcost.testutil.Envelopes;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Random damage to valid records and envelopes (fixed seeds): truncations, flipped, inserted and
 * deleted bytes. The stage never throws, never emits a half-filled invocation, never stores a body,
 * and every input ends in exactly one outcome (a log line) or at least one (an envelope of events).
 */
class DecodeFuzzTest {
    private static final byte[] JSON_BYTES = {'"', '{', '}', '[', ']', ',', ':', '\\', '\n', '-', '0', 'e', ' ', 0, (byte) 0xc3, (byte) 0xff};
    private static final String[] CANARIES = {"PROMPT-CANARY", "COMPLETION-CANARY"};

    private final List<String> corpus = corpus();

    /** Generated records and the hand-made ones, every body text marked twice with a canary. */
    private static List<String> corpus() {
        List<String> out = new ArrayList<>();
        LogGenerator gen = new LogGenerator(99, 10_000, 30, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofDays(1));
        for (int i = 0; i < 120; i++) {
            out.add(mark(gen.recordText(i)));
        }
        for (String line : DecodeRun.resourceLines("operations.jsonl")) {
            out.add(mark(line));
        }
        return out;
    }

    private static String mark(String record) {
        return record.replace("\"text\":\"", "\"text\":\"PROMPT-CANARY PROMPT-CANARY ")
                .replace("\"inputText\":\"", "\"inputText\":\"PROMPT-CANARY PROMPT-CANARY ")
                .replace("\"content\":\"", "\"content\":\"COMPLETION-CANARY COMPLETION-CANARY ");
    }

    private static byte[] mutate(byte[] in, SplittableRandom r) {
        if (in.length == 0) {
            return new byte[] {JSON_BYTES[r.nextInt(JSON_BYTES.length)]};
        }
        switch (r.nextInt(6)) {
            case 5: {
                // aimed at the numbers: a token count made negative, fractional or a string
                String t = new String(in, StandardCharsets.UTF_8);
                int at = t.indexOf("TokenCount\":", r.nextInt(in.length));
                if (at < 0) {
                    at = t.indexOf("TokenCount\":");
                }
                if (at < 0) {
                    return Arrays.copyOf(in, r.nextInt(in.length));
                }
                int v = at + "TokenCount\":".length();
                String[] damage = {"-", "\"", "0.5", "1e3", "99999999999999999999"};
                return (t.substring(0, v) + damage[r.nextInt(damage.length)] + t.substring(v)).getBytes(StandardCharsets.UTF_8);
            }
            case 0:
                return Arrays.copyOf(in, r.nextInt(in.length));
            case 1: {
                byte[] b = in.clone();
                b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                return b;
            }
            case 2: {
                byte[] b = in.clone();
                b[r.nextInt(b.length)] = JSON_BYTES[r.nextInt(JSON_BYTES.length)];
                return b;
            }
            case 3: {
                int at = r.nextInt(in.length + 1);
                byte[] b = new byte[in.length + 1];
                System.arraycopy(in, 0, b, 0, at);
                b[at] = JSON_BYTES[r.nextInt(JSON_BYTES.length)];
                System.arraycopy(in, at, b, at + 1, in.length - at);
                return b;
            }
            default: {
                int at = r.nextInt(in.length);
                byte[] b = new byte[in.length - 1];
                System.arraycopy(in, 0, b, 0, at);
                System.arraycopy(in, at + 1, b, at, in.length - at - 1);
                return b;
            }
        }
    }

    private static String mutate(String s, SplittableRandom r) {
        return new String(mutate(s.getBytes(StandardCharsets.UTF_8), r), StandardCharsets.UTF_8);
    }

    @Test
    void damagedRecordsAndEnvelopesNeverBreakTheStageOrLeakABody() throws Exception {
        DecodeFunction fn = new DecodeFunction(ParseOptions.defaults());
        int lines = 0;
        int envelopes = 0;
        long rowsSeen = 0;
        long failedSeen = 0;
        Set<ErrorType> codes = EnumSet.noneOf(ErrorType.class);
        try (OneInputStreamOperatorTestHarness<RawInput, Invocation> h = ProcessFunctionTestHarnesses.forProcessFunction(fn)) {
            h.setProcessingTime(DecodeRun.NOW);
            for (long seed = 1; seed <= 2000; seed++) {
                SplittableRandom r = new SplittableRandom(seed);
                RawInput in;
                boolean isLine = seed % 3 != 0;
                if (isLine) {
                    byte[] rec = corpus.get(r.nextInt(corpus.size())).getBytes(StandardCharsets.UTF_8);
                    byte[] bad = mutate(rec, r);
                    if (r.nextInt(4) == 0) {
                        bad = mutate(bad, r);
                    }
                    in = RawInput.logLine("fuzz:" + seed, bad);
                    lines++;
                } else {
                    List<String> msgs = new ArrayList<>();
                    int n = 1 + r.nextInt(6);
                    for (int i = 0; i < n; i++) {
                        String m = corpus.get(r.nextInt(corpus.size()));
                        msgs.add(r.nextInt(3) == 0 ? mutate(m, r) : m);
                    }
                    byte[] payload;
                    switch (r.nextInt(5)) {
                        case 4: {
                            // aimed at the envelope's shape: its type, its events, one event's message
                            String[][] damage = {{"\"messageType\":\"DATA_MESSAGE\"", "\"messageType\":\"DATA\""},
                                {"\"logEvents\":[", "\"logEvents\":\"none\",\"x\":["}, {"\"message\":\"", "\"message\":7,\"m\":\""},
                                {"\"messageType\":\"DATA_MESSAGE\",", ""}};
                            String[] d = damage[r.nextInt(damage.length)];
                            String bad = Envelopes.dataJson(msgs).replace(d[0], d[1]);
                            payload = Envelopes.gzip(bad);
                            break;
                        }
                        case 3:
                            payload = Envelopes.dataJson(msgs).getBytes(StandardCharsets.UTF_8); // not compressed at all
                            break;
                        case 0:
                            payload = mutate(Envelopes.data(msgs), r); // damage in the gzip bytes
                            break;
                        case 1:
                            payload = Envelopes.gzip(mutate(Envelopes.dataJson(msgs).getBytes(StandardCharsets.UTF_8), r)); // in the JSON
                            break;
                        default:
                            payload = Envelopes.data(msgs); // only inside some records
                    }
                    in = RawInput.envelope("fuzz:" + seed, payload);
                    envelopes++;
                }
                long skippedBefore = fn.metrics().skipped.getCount() + fn.metrics().controlMessages.getCount();
                try {
                    h.processElement(in, 0);
                } catch (Throwable t) {
                    fail("seed " + seed + " threw", t);
                }
                List<Invocation> rows = drainRows(h);
                List<FailedRecord> failed = drainFailed(h);
                long skipped = fn.metrics().skipped.getCount() + fn.metrics().controlMessages.getCount() - skippedBefore;
                long outcomes = rows.size() + failed.size() + skipped;
                if (isLine) {
                    assertThat(outcomes).as("seed %d: a log line has exactly one outcome", seed).isEqualTo(1);
                } else {
                    assertThat(outcomes).as("seed %d: an envelope has at least one outcome", seed).isGreaterThanOrEqualTo(1);
                }
                for (Invocation inv : rows) {
                    assertComplete(inv, seed);
                }
                for (FailedRecord f : failed) {
                    assertSafe(f, seed);
                    codes.add(ErrorType.valueOf(f.errorType));
                }
                rowsSeen += rows.size();
                failedSeen += failed.size();
            }
        }
        assertThat(fn.metrics().recordsIn.getCount()).isEqualTo(lines + envelopes);
        assertThat(fn.metrics().parsed.getCount()).isEqualTo(rowsSeen);
        assertThat(fn.metrics().failed.getCount()).isEqualTo(failedSeen);
        // the damage reached every kind of check, and no input hit a decoder bug
        assertThat(codes).contains(ErrorType.NOT_JSON, ErrorType.TRUNCATED, ErrorType.NOT_GZIP, ErrorType.TRUNCATED_GZIP,
                ErrorType.BAD_ENVELOPE, ErrorType.BAD_TIMESTAMP, ErrorType.BAD_TOKEN_COUNT, ErrorType.MISSING_REQUEST_ID);
        assertThat(codes).doesNotContain(ErrorType.DECODE_ERROR);
        assertThat(rowsSeen).isGreaterThan(700);
    }

    private static void assertComplete(Invocation inv, long seed) {
        String what = "seed " + seed + ": " + inv;
        assertThat(inv.requestId).as(what).isNotBlank();
        assertThat(inv.eventTime).as(what).isNotNull();
        assertThat(inv.modelId).as(what).isNotBlank();
        assertThat(inv.ingestTime).as(what).isEqualTo(Instant.ofEpochMilli(DecodeRun.NOW));
        assertThat(inv.source).as(what).startsWith("fuzz:" + seed);
        assertThat(inv.inputTokens).as(what).isNotNegative();
        assertThat(inv.outputTokens).as(what).isNotNegative();
        assertThat(inv.cacheReadTokens).as(what).isNotNegative();
        assertThat(inv.cacheWriteTokens).as(what).isNotNegative();
        assertThat(inv.cacheWrite1hTokens).as(what).isNotNegative().isLessThanOrEqualTo(inv.cacheWriteTokens);
        if (inv.latencyMs != null) {
            assertThat(inv.latencyMs).as(what).isNotNegative();
        }
        if (inv.model != null) {
            assertThat(inv.profileScope).as(what).isIn("in-region", "geo", "global");
        }
    }

    private static void assertSafe(FailedRecord f, long seed) {
        String what = "seed " + seed + ": " + f + " raw=" + f.raw;
        assertThat(f.source).as(what).startsWith("fuzz:" + seed);
        assertThat(f.errorMessage).as(what).isNotBlank();
        assertThat(f.raw).as(what).isNotNull().hasSizeLessThanOrEqualTo(FailedRecord.MAX_RAW_CHARS);
        assertThat(f.rawBytes).as(what).isNotNegative();
        for (String canary : CANARIES) {
            assertThat(f.raw).as(what).doesNotContain(canary);
            assertThat(f.errorMessage).as(what).doesNotContain(canary);
        }
    }

    private static List<Invocation> drainRows(OneInputStreamOperatorTestHarness<RawInput, Invocation> h) {
        List<Invocation> out = new ArrayList<>();
        Queue<Object> q = h.getOutput();
        Object o;
        while ((o = q.poll()) != null) {
            if (o instanceof StreamRecord) {
                out.add((Invocation) ((StreamRecord<?>) o).getValue());
            }
        }
        return out;
    }

    private static List<FailedRecord> drainFailed(OneInputStreamOperatorTestHarness<RawInput, Invocation> h) {
        List<FailedRecord> out = new ArrayList<>();
        Queue<StreamRecord<FailedRecord>> q = h.getSideOutput(SideOutputs.FAILED);
        if (q == null) {
            return out;
        }
        StreamRecord<FailedRecord> r;
        while ((r = q.poll()) != null) {
            out.add(r.getValue());
        }
        return out;
    }
}
