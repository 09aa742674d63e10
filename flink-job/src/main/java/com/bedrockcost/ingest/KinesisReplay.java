package com.bedrockcost.ingest;

import com.bedrockcost.model.RawInput;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import org.apache.flink.kinesis.shaded.software.amazon.awssdk.core.SdkBytes;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.core.exception.SdkException;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.KinesisClient;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Puts invocation log records into a Kinesis stream exactly as a CloudWatch Logs subscription
 * filter delivers them: gzip JSON envelopes of up to {@code batch} log events (split to fit the
 * Kinesis record limit), a {@code CONTROL_MESSAGE} first and then every {@code controlEvery} records,
 * random partition keys (the subscription's {@code Random} distribution), at a chosen rate.
 */
public final class KinesisReplay {
    /** PutRecords limits: 500 records, and a request size kept well under the service's (and kinesalite's) cap. */
    static final int MAX_RECORDS_PER_PUT = 500;
    static final int MAX_BYTES_PER_PUT = 4 * 1024 * 1024;
    private static final int MAX_ATTEMPTS = 20;
    private static final long TICK_NANOS = 100_000_000L;
    private static final JsonFactory JSON = new JsonFactory();

    /** How to replay. */
    public static final class Options {
        /** Most log events per envelope (CloudWatch's batches vary; it never exceeds 10,000). */
        public int batch = 100;
        /** Log events (invocations) per second; 0 = as fast as the stream takes them. */
        public long rate;
        /** A control message before the first record and after every this many data records; 0 = none. */
        public long controlEvery = 100;
        /** The envelope's {@code owner}: the account of the log group. */
        public String owner = "111122223333";
        public String filterName = "bedrock-to-kinesis";
        public int maxRecordBytes = SubscriptionEnvelopes.KINESIS_MAX_RECORD_BYTES - 64;
    }

    /** What a replay did. */
    public static final class Stats {
        public long invocations;
        public long dataRecords;
        public long controlMessages;
        public long bytes;
        public long skippedInputs;
        public long damagedInputs;
        public long tooLarge;
        public long retried;
        public long nanos;
        /** Shard of each record put, in order (record i went to shardIds.get(i)). */
        public final List<String> shardIds = new ArrayList<>();

        public double seconds() {
            return nanos / 1e9;
        }
    }

    /** Where one record went. */
    public static final class Put {
        public final String shardId;
        public final String sequenceNumber;

        Put(String shardId, String sequenceNumber) {
            this.shardId = shardId;
            this.sequenceNumber = sequenceNumber;
        }
    }

    private final KinesisClient client;
    private final String streamArn;
    private final Options options;
    private final PrintStream log;
    private final SplittableRandom random = new SplittableRandom();
    private final long eventIdNonce = ThreadLocalRandom.current().nextLong(1, 1_000_000_000_000_000_000L);
    private long eventSeq;

    /** {@code log} gets progress lines and warnings about unreadable input; never record contents. */
    public KinesisReplay(KinesisClient client, String streamArn, Options options, PrintStream log) {
        this.client = client;
        this.streamArn = streamArn;
        this.options = options;
        this.log = log;
    }

    /** Replays every record of {@code records}; reports skipped and damaged inputs and goes on. */
    public Stats replay(Iterator<RawInput> records) {
        Stats stats = new Stats();
        long start = System.nanoTime();
        long lastReport = start;
        SubscriptionEnvelopes.Batcher batcher = new SubscriptionEnvelopes.Batcher(options.batch);
        List<List<SubscriptionEnvelopes.LogEvent>> envelopes = new ArrayList<>();
        long sinceControl = options.controlEvery;
        boolean more = true;
        while (more) {
            long allowed;
            if (options.rate > 0) {
                long elapsed = System.nanoTime() - start;
                allowed = (long) Math.floor(options.rate * (elapsed / 1e9)) + 1 - stats.invocations;
                if (allowed <= 0) {
                    sleepNanos(TICK_NANOS - elapsed % TICK_NANOS);
                    continue;
                }
            } else {
                allowed = (long) options.batch * MAX_RECORDS_PER_PUT;
            }
            long taken = 0;
            while (taken < allowed && (more = records.hasNext())) {
                RawInput in = records.next();
                if (in.kind == RawInput.Kind.SKIPPED) {
                    stats.skippedInputs++;
                    continue;
                }
                if (in.kind == RawInput.Kind.DAMAGED) {
                    stats.damagedInputs++;
                    log.println("replay: not replayed: " + in.note);
                    continue;
                }
                taken++;
                addIfDone(envelopes, batcher.add(event(in.payload)));
            }
            if (!more || options.rate > 0) {
                // Paced: what this tick allowed goes out now; CloudWatch, too, delivers within seconds.
                addIfDone(envelopes, batcher.flush());
            }
            // Compressing is the replay's main cost: envelopes are compressed in parallel, in order.
            List<SubscriptionEnvelopes.LogEvent> tooLarge = Collections.synchronizedList(new ArrayList<>());
            List<List<byte[]>> encoded = envelopes.parallelStream()
                    .map(events -> SubscriptionEnvelopes.encode(options.owner, options.filterName, events, options.maxRecordBytes, tooLarge::add))
                    .collect(Collectors.toList());
            envelopes.clear();
            List<byte[]> outgoing = new ArrayList<>(encoded.size() + 2);
            for (List<byte[]> parts : encoded) {
                for (byte[] data : parts) {
                    if (options.controlEvery > 0 && sinceControl >= options.controlEvery) {
                        outgoing.add(SubscriptionEnvelopes.control(System.currentTimeMillis()));
                        stats.controlMessages++;
                        sinceControl = 0;
                    }
                    outgoing.add(data);
                    sinceControl++;
                    stats.dataRecords++;
                    stats.bytes += data.length;
                }
            }
            for (Put p : put(outgoing, stats)) {
                stats.shardIds.add(p.shardId);
            }
            stats.invocations += taken - tooLarge.size();
            for (SubscriptionEnvelopes.LogEvent e : tooLarge) {
                stats.tooLarge++;
                log.println("replay: not replayed: a log event of " + e.message.length()
                        + " characters does not fit in one Kinesis record even alone");
            }
            long now = System.nanoTime();
            if (options.rate > 0 && more) {
                // One delivery per tick, as CloudWatch batches what arrived in the meantime.
                sleepNanos(TICK_NANOS - (now - start) % TICK_NANOS);
            }
            if (now - lastReport > 5_000_000_000L) {
                lastReport = now;
                log.printf("replay: %,d invocations in %,d records so far (%,.0f/s)%n", stats.invocations, stats.dataRecords,
                        stats.invocations / ((now - start) / 1e9));
            }
        }
        stats.nanos = System.nanoTime() - start;
        return stats;
    }

    private static void addIfDone(List<List<SubscriptionEnvelopes.LogEvent>> envelopes, List<SubscriptionEnvelopes.LogEvent> done) {
        if (done != null) {
            envelopes.add(done);
        }
    }

    /** Puts records as they are (random partition keys), retrying throttled entries; returns where each went, in order. */
    public List<Put> put(List<byte[]> records) {
        return put(records, new Stats());
    }

    private List<Put> put(List<byte[]> records, Stats stats) {
        List<Put> result = new ArrayList<>(records.size());
        int from = 0;
        while (from < records.size()) {
            int to = from;
            long bytes = 0;
            while (to < records.size() && to - from < MAX_RECORDS_PER_PUT
                    && (to == from || bytes + records.get(to).length + 32 <= MAX_BYTES_PER_PUT)) {
                bytes += records.get(to).length + 32;
                to++;
            }
            result.addAll(putBatch(records.subList(from, to), stats));
            from = to;
        }
        return result;
    }

    private List<Put> putBatch(List<byte[]> records, Stats stats) {
        Put[] done = new Put[records.size()];
        List<Integer> todo = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            todo.add(i);
        }
        long backoff = 100;
        for (int attempt = 1; !todo.isEmpty(); attempt++) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>(todo.size());
            for (int i : todo) {
                entries.add(PutRecordsRequestEntry.builder()
                        .data(SdkBytes.fromByteArrayUnsafe(records.get(i)))
                        .partitionKey(partitionKey())
                        .build());
            }
            PutRecordsResponse response;
            try {
                response = client.putRecords(PutRecordsRequest.builder().streamARN(streamArn).records(entries).build());
            } catch (SdkException e) {
                throw new InputUnavailableException("Cannot put records into Kinesis stream " + streamArn + ": " + e.getMessage());
            }
            List<Integer> failed = new ArrayList<>();
            String lastError = null;
            List<PutRecordsResultEntry> results = response.records();
            for (int k = 0; k < results.size(); k++) {
                PutRecordsResultEntry r = results.get(k);
                if (r.errorCode() == null) {
                    done[todo.get(k)] = new Put(r.shardId(), r.sequenceNumber());
                } else {
                    failed.add(todo.get(k));
                    lastError = r.errorCode() + ": " + r.errorMessage();
                }
            }
            if (failed.isEmpty()) {
                break;
            }
            if (attempt >= MAX_ATTEMPTS) {
                throw new InputUnavailableException("Kinesis stream " + streamArn + " kept refusing " + failed.size()
                        + " records after " + attempt + " attempts: " + lastError);
            }
            stats.retried += failed.size();
            todo = failed;
            sleepNanos(backoff * 1_000_000L);
            backoff = Math.min(backoff * 2, 5_000);
        }
        List<Put> out = new ArrayList<>(done.length);
        for (Put p : done) {
            out.add(p);
        }
        return out;
    }

    /** A log event for one record: CloudWatch's timestamp is when the event was logged, i.e. the record's own time. */
    private SubscriptionEnvelopes.LogEvent event(byte[] line) {
        long ts = recordTimestamp(line);
        String id = String.format("%019d%019d%018d", Math.max(0, ts), eventIdNonce, eventSeq++ % 1_000_000_000_000_000_000L);
        return new SubscriptionEnvelopes.LogEvent(id, ts, new String(line, StandardCharsets.UTF_8));
    }

    /** The top-level {@code timestamp} of a record in epoch ms, or now when there is none (the event was logged now). */
    static long recordTimestamp(byte[] line) {
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return System.currentTimeMillis();
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.getCurrentName();
                JsonToken t = p.nextToken();
                if (name.equals("timestamp") && t == JsonToken.VALUE_STRING) {
                    String text = p.getText();
                    try {
                        return Instant.parse(text).toEpochMilli();
                    } catch (DateTimeParseException e) {
                        return OffsetDateTime.parse(text).toInstant().toEpochMilli();
                    }
                }
                p.skipChildren();
            }
        } catch (IOException | DateTimeParseException e) {
            // Not a record with a readable time: CloudWatch would stamp it when it was logged.
        }
        return System.currentTimeMillis();
    }

    private String partitionKey() {
        return Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("replay interrupted", e);
        }
    }
}
