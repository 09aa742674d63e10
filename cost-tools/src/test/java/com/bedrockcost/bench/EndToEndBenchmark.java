package com.bedrockcost.bench;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Side-by-side benchmark over one generated corpus of gzip log files (S3 delivery format), in one
 * invocation: DuckDB through JDBC ({@link DuckDbPipeline}: the same pipeline in SQL, priced with the
 * same table) at 1 and 2 threads, and the job as a user runs it ({@code bin/bedrock-cost-stream run
 * --input <corpus> --output <dir> --job.parallelism N}, the whole process) at parallelism 1 and 2.
 * Prints wall time, records/s, CPU seconds, peak RSS, the ratio job/DuckDB and both totals (sum of
 * total_cost), flagging totals that differ.
 *
 * <p>{@code bin/benchmark [--records N] [--tenants T] [--dir D] [--parallelism 1,2] [--rounds R]
 * [--baseline] [--memory] [--<job key> value ...]}: rounds interleave DuckDB and the job (medians
 * are printed; {@code --rounds 0} measures only what {@code --baseline} and {@code --memory} ask for); {@code --baseline} adds a one-thread gunzip + Jackson pass; {@code --memory} a run
 * of the job inside this JVM with a full collection every 2 s (its live heap). Any other
 * {@code --key value} is a job configuration key for the job's runs.
 */
public final class EndToEndBenchmark {
    public static void main(String[] args) throws Exception {
        long records = 300_000;
        Path dir = Paths.get(System.getProperty("java.io.tmpdir"), "bedrock-cost-bench");
        String parallelisms = "1,2";
        int tenants = 500;
        int rounds = 1;
        boolean baseline = false;
        boolean memory = false;
        Map<String, String> jobKeys = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--baseline": baseline = true; continue;
                case "--memory": memory = true; continue;
                default:
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--records": records = Long.parseLong(args[++i]); break;
                case "--dir": dir = Paths.get(args[++i]); break;
                case "--parallelism": parallelisms = args[++i]; break;
                case "--tenants": tenants = Integer.parseInt(args[++i]); break;
                case "--rounds": rounds = Integer.parseInt(args[++i]); break;
                default:
                    if (!args[i].startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + args[i]);
                    }
                    jobKeys.put(args[i].substring(2), args[++i]);
            }
        }
        Path home = Paths.get(System.getProperty("bedrock.home", ".")).toAbsolutePath().normalize();
        Path corpus = dir.resolve("corpus-" + records + "-" + tenants);
        long bytes = Corpus.ensure(corpus, records, tenants);
        System.out.printf("corpus: %,d records, %,d bytes of JSON (mean %,d B/record), %,d bytes gzip in %d files, in %s%n",
                records, bytes, bytes / records, Corpus.size(corpus), Corpus.files(corpus).size(), corpus);
        System.out.println(Machine.describe());

        if (baseline) {
            Result base = baseline(corpus);
            System.out.printf("baseline (1 thread: gunzip + Jackson fields): %.1f s, %,.0f records/s, %.1f MB/s%n",
                    base.nanos / 1e9, base.perSecond(), bytes / (base.nanos / 1e9) / 1e6);
        }
        List<Integer> ps = new ArrayList<>();
        for (String p : parallelisms.split(",")) {
            ps.add(Integer.parseInt(p.trim()));
        }
        SideBySide table = new SideBySide(records);
        for (int round = 1; round <= rounds; round++) {
            for (int p : ps) {
                Path out = dir.resolve("duckdb-t" + p);
                Corpus.deleteTree(out);
                table.add("DuckDB, " + p + (p == 1 ? " thread" : " threads"), p, true,
                        Processes.duckDb(corpus, home.resolve("pricing"), out, p, dir.resolve("duckdb-t" + p + ".log")));
                System.out.printf("round %d: DuckDB %d done (load %s)%n", round, p, Machine.load());
                table.add("job, run --job.parallelism " + p, p, false, Processes.job(home, corpus, dir, p, jobKeys));
                System.out.printf("round %d: job p=%d done (load %s)%n", round, p, Machine.load());
            }
        }
        if (rounds > 0) {
            System.out.println();
            table.print(System.out);
        }

        if (memory) {
            // Memory in a run of its own: a full collection every 2 s shows the live set, and slows the run.
            String p = Integer.toString(ps.get(0));
            Runtime.getRuntime().gc();
            LiveHeap heap = new LiveHeap();
            runJob(corpus, dir, p, jobKeys);
            System.out.printf("memory, parallelism %s (in this JVM, a full GC every 2 s): largest live heap %,d MB%n",
                    p, heap.stop() / (1 << 20));
        }
        if (rounds > 0 && !table.totalsAgree()) {
            System.exit(3);
        }
    }

    /** One bounded run of the job over {@code corpus} into a fresh lake; returns Flink's net run time in ms. */
    private static long runJob(Path corpus, Path dir, String parallelism, Map<String, String> jobKeys) throws Exception {
        Path out = dir.resolve("lake-p" + parallelism);
        Corpus.deleteTree(out);
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

    /** One thread: gunzip, split lines, Jackson streaming over each record extracting the fields the job uses. */
    private static Result baseline(Path corpus) throws IOException {
        JsonFactory json = new JsonFactory();
        long t0 = System.nanoTime();
        long n = 0;
        long checksum = 0;
        for (Path file : Corpus.files(corpus)) {
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

}
