package com.bedrockcost.lake;

import com.bedrockcost.model.Invocation;
import com.bedrockcost.testutil.InvocationFiles;


import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The cost of exactly-once per lake, one thread: building a day's request-id index from its Parquet
 * file, reading it back, and looking ids up. {@code java ... LakeIndexBenchmark [ids] [dir]}.
 */
public final class LakeIndexBenchmark {
    private LakeIndexBenchmark() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path lake = args.length > 1 ? Paths.get(args[1]) : Files.createTempDirectory("lake-index-bench");
        String day = "year=2026/month=11/day=01";
        Path file = lake.resolve(LakeTables.INVOCATIONS).resolve(day).resolve("part-bench-0.parquet");
        Invocation[] rows = new Invocation[n];
        Invocation[] absent = new Invocation[n];
        for (int i = 0; i < n; i++) {
            rows[i] = row(UUID.randomUUID().toString(), i);
            absent[i] = row(UUID.randomUUID().toString(), i);
        }
        InvocationFiles.write(file, java.util.Arrays.asList(rows));
        for (int round = 0; round < 2; round++) {
            Files.deleteIfExists(lake.resolve(RequestIdIndex.DIR).resolve(day).resolve(file.getFileName() + ".rid"));
            long t0 = System.nanoTime();
            LakeRequestIds build = opened(lake);
            build.committed(rows[0]);
            long built = System.nanoTime() - t0;
            long t1 = System.nanoTime();
            LakeRequestIds read = opened(lake);
            read.committed(rows[0]);
            long loaded = System.nanoTime() - t1;
            long t2 = System.nanoTime();
            int hits = 0;
            for (Invocation inv : rows) {
                hits += read.committed(inv) ? 1 : 0;
            }
            for (Invocation inv : absent) {
                hits += read.committed(inv) ? 1 : 0;
            }
            long looked = System.nanoTime() - t2;
            long bytes = Files.size(lake.resolve(RequestIdIndex.DIR).resolve(day).resolve(file.getFileName() + ".rid"));
            System.out.printf("round %d: %,d ids (Parquet %,d bytes): index built from Parquet in %d ms, %,d bytes (%.2f bytes/id);"
                            + " read back in %d ms; %,d lookups (half present) in %d ms = %.0f ns each; %,d found%n",
                    round, n, Files.size(file), built / 1_000_000, bytes, bytes / (double) n, loaded / 1_000_000,
                    2L * n, looked / 1_000_000, looked / (2.0 * n), hits);
        }
    }

    private static LakeRequestIds opened(Path lake) {
        LakeRequestIds ids = new LakeRequestIds(lake.toString(), 100_000_000, Duration.ofHours(1));
        ids.open(128, 1, 0);
        return ids;
    }

    private static Invocation row(String requestId, int i) {
        return InvocationFiles.row(requestId, Instant.parse("2026-11-01T00:00:00Z"), i % 80_000);
    }
}
