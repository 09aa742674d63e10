package com.bedrockcost.bench;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.LogGenerator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * End-to-end benchmark: the bounded job over a generated corpus of gzip log files (S3 delivery
 * format) at parallelism 1 and 2, next to a baseline measured in the same run: one thread that
 * only gunzips and streams the same files through Jackson, extracting the same fields.
 *
 * <p>{@code bin/benchmark [--records N] [--dir D] [--parallelism 1,2] [--tenants T] [--<job key> value ...]}:
 * any other {@code --key value} is a job configuration key for the measured runs.
 */
public final class EndToEndBenchmark {
    private static final int FILES = 64;

    public static void main(String[] args) throws Exception {
        long records = 1_000_000;
        Path dir = Paths.get(System.getProperty("java.io.tmpdir"), "bedrock-cost-bench");
        String parallelisms = "1,2";
        int tenants = 500;
        Map<String, String> jobKeys = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--records": records = Long.parseLong(args[i + 1]); break;
                case "--dir": dir = Paths.get(args[i + 1]); break;
                case "--parallelism": parallelisms = args[i + 1]; break;
                case "--tenants": tenants = Integer.parseInt(args[i + 1]); break;
                default:
                    if (!args[i].startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + args[i]);
                    }
                    jobKeys.put(args[i].substring(2), args[i + 1]);
            }
        }
        Path corpus = dir.resolve("corpus-" + records + "-" + tenants);
        long bytes = ensureCorpus(corpus, records, tenants);
        System.out.printf("corpus: %,d records, %,d bytes uncompressed (mean %,d B/record), %,d bytes gzip, in %s%n",
                records, bytes, bytes / records, size(corpus), corpus);

        Result base = baseline(corpus);
        print("baseline (1 thread: gunzip + Jackson fields)", base, records, bytes);
        for (String p : parallelisms.split(",")) {
            Runtime.getRuntime().gc();
            long t0 = System.nanoTime();
            long running = runJob(corpus, dir, p, jobKeys);
            Result job = new Result(records, System.nanoTime() - t0);
            print("job, parallelism " + p, job, records, bytes);
            System.out.printf("  ratio to baseline: %.2f%n", job.perSecond() / base.perSecond());
            System.out.printf("  of which %.1f s building and starting the job (SQL planning, MiniCluster); while running: %,.0f records/s (ratio %.2f)%n",
                    (job.nanos - running * 1_000_000L) / 1e9, records / (running / 1e3), records / (running / 1e3) / base.perSecond());
        }
        // Memory in a run of its own: a full collection every 2 s shows the live set, and slows the run.
        String p = parallelisms.split(",")[0];
        Runtime.getRuntime().gc();
        LiveHeap heap = new LiveHeap();
        runJob(corpus, dir, p, jobKeys);
        System.out.printf("memory, parallelism %s (a separate run, a full GC every 2 s): largest live heap %,d MB%n",
                p, heap.stop() / (1 << 20));
    }

    /** One bounded run of the job over {@code corpus} into a fresh lake; returns Flink's net run time in ms. */
    private static long runJob(Path corpus, Path dir, String parallelism, Map<String, String> jobKeys) throws Exception {
        Path out = dir.resolve("lake-p" + parallelism);
        deleteTree(out);
        Map<String, String> keys = new HashMap<>(jobKeys);
        keys.put("input.path", corpus.toString());
        keys.put("output.path", out.toString());
        keys.put("job.parallelism", parallelism);
        return LocalRunner.run(JobConfig.defaults().with(keys)).getNetRuntime();
    }

    /**
     * The largest heap in use right after a full collection, forced every 2 s while the job runs:
     * its live set. Reading the collectors' own after-GC figures instead depends on when the JVM
     * chooses to collect the old generation (with a large initial heap, perhaps never during a run).
     * The JVM skips a requested collection when another one ran meanwhile, so a sample counts only
     * when the full collector's count went up.
     */
    private static final class LiveHeap {
        private final java.util.concurrent.atomic.AtomicLong max = new java.util.concurrent.atomic.AtomicLong();
        private final Thread sampler;
        private volatile boolean running = true;

        LiveHeap() {
            java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
            java.lang.management.GarbageCollectorMXBean full = fullCollector();
            sampler = new Thread(() -> {
                while (running) {
                    try {
                        Thread.sleep(2000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int attempt = 0; attempt < 5; attempt++) {
                        long before = full.getCollectionCount();
                        memory.gc();
                        long used = memory.getHeapMemoryUsage().getUsed();
                        if (full.getCollectionCount() > before) {
                            max.accumulateAndGet(used, Math::max);
                            break;
                        }
                    }
                }
            }, "live-heap-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }

        /** The collector of the whole heap (Parallel: PS MarkSweep; G1: G1 Old Generation; Serial: MarkSweepCompact). */
        private static java.lang.management.GarbageCollectorMXBean fullCollector() {
            for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc.getName().contains("MarkSweep") || gc.getName().contains("Old")) {
                    return gc;
                }
            }
            throw new IllegalStateException("no full-heap collector among " + java.lang.management.ManagementFactory.getGarbageCollectorMXBeans());
        }

        long stop() throws InterruptedException {
            running = false;
            sampler.interrupt();
            sampler.join();
            return max.get();
        }
    }

    private static final class Result {
        final long records;
        final long nanos;

        Result(long records, long nanos) {
            this.records = records;
            this.nanos = nanos;
        }

        double perSecond() {
            return records / (nanos / 1e9);
        }
    }

    private static void print(String what, Result r, long records, long bytes) {
        double s = r.nanos / 1e9;
        System.out.printf("%-48s %8.1f s %,12.0f records/s %8.1f MB/s%n", what, s, records / s, bytes / s / 1e6);
    }

    /** Writes the corpus once (gzip files of JSON lines); returns its uncompressed size. */
    private static long ensureCorpus(Path corpus, long records, int tenants) throws Exception {
        Path done = corpus.resolve("_COMPLETE");
        if (Files.exists(done)) {
            return Long.parseLong(Files.readString(done).trim());
        }
        deleteTree(corpus);
        Files.createDirectories(corpus);
        LogGenerator gen = new LogGenerator(1, records, tenants, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofDays(3));
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        List<Future<Long>> parts = new ArrayList<>();
        long perFile = (records + FILES - 1) / FILES;
        for (int f = 0; f < FILES; f++) {
            long from = f * perFile;
            long to = Math.min(records, from + perFile);
            Path file = corpus.resolve(String.format("%02d/part-%04d.json.gz", f % 24, f));
            parts.add(pool.submit(() -> {
                Files.createDirectories(file.getParent());
                long n = 0;
                try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16) {
                    { def.setLevel(Deflater.BEST_SPEED); }
                }) {
                    for (long i = from; i < to; i++) {
                        byte[] line = gen.record(i);
                        out.write(line);
                        out.write('\n');
                        n += line.length + 1;
                    }
                }
                return n;
            }));
        }
        long total = 0;
        for (Future<Long> p : parts) {
            total += p.get();
        }
        pool.shutdown();
        Files.writeString(done, Long.toString(total));
        return total;
    }

    /** One thread: gunzip, split lines, Jackson streaming over each record extracting the fields the job uses. */
    private static Result baseline(Path corpus) throws IOException {
        JsonFactory json = new JsonFactory();
        long t0 = System.nanoTime();
        long n = 0;
        long checksum = 0;
        for (Path file : files(corpus)) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16);
                 BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
                String line;
                while ((line = r.readLine()) != null) {
                    checksum += fields(json, line);
                    n++;
                }
            }
        }
        if (checksum == 42) {
            System.out.println();
        }
        return new Result(n, System.nanoTime() - t0);
    }

    /** The fields of one record: ids, time, model, region, tokens, latency, error, metadata; bodies skipped. */
    private static long fields(JsonFactory json, String line) throws IOException {
        long sum = 0;
        try (JsonParser p = json.createParser(line)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.getCurrentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "input":
                    case "output":
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.getCurrentName();
                            JsonToken v = p.nextToken();
                            if (v == JsonToken.VALUE_NUMBER_INT) {
                                sum += p.getLongValue();
                            } else if (f.endsWith("BodyJson") && (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY)) {
                                p.skipChildren();
                            } else {
                                p.skipChildren();
                            }
                        }
                        break;
                    case "requestMetadata":
                    case "identity":
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            p.nextToken();
                            sum += p.getText().length();
                        }
                        break;
                    default:
                        if (t == JsonToken.VALUE_STRING) {
                            sum += p.getText().length();
                        } else {
                            p.skipChildren();
                        }
                }
            }
        }
        return sum;
    }

    private static List<Path> files(Path corpus) throws IOException {
        try (Stream<Path> s = Files.walk(corpus)) {
            return s.filter(p -> p.toString().endsWith(".gz")).sorted().collect(Collectors.toList());
        }
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(p);
            }
        }
    }
}
