package com.bedrockcost.bench;

import com.bedrockcost.ingest.LogGenerator;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** A generated corpus of gzip log files (S3 delivery format, one JSON record per line), written once per size. */
final class Corpus {
    private static final int MAX_FILES = 64;

    private Corpus() {}

    /**
     * Writes {@code records} generated invocations of {@code tenants} tenants (3 days from 2026-11-01)
     * into {@code dir} unless a complete corpus is there; returns its uncompressed size in bytes.
     */
    static long ensure(Path dir, long records, int tenants) throws Exception {
        Path done = dir.resolve("_COMPLETE");
        if (Files.exists(done)) {
            return Long.parseLong(Files.readString(done).trim());
        }
        deleteTree(dir);
        Files.createDirectories(dir);
        LogGenerator gen = new LogGenerator(1, records, tenants, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofDays(3));
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        List<Future<Long>> parts = new ArrayList<>();
        int files = (int) Math.max(1, Math.min(MAX_FILES, records / 1_000));
        long perFile = (records + files - 1) / files;
        for (int f = 0; f < files; f++) {
            long from = f * perFile;
            long to = Math.min(records, from + perFile);
            Path file = dir.resolve(String.format("%02d/part-%04d.json.gz", f % 24, f));
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

    /** The corpus's gzip files, in name order. */
    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".gz")).sorted().collect(Collectors.toList());
        }
    }

    static long size(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    static void deleteTree(Path dir) throws IOException {
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
