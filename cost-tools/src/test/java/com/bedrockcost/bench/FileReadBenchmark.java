package com.bedrockcost.bench;

import com.bedrockcost.LogRecords;
import com.bedrockcost.model.RawInput;

/**
 * The file reader alone (the job's hot path before decoding): every element of a folder of log
 * files through {@link LogRecords#files}, which runs the job's own file format, in one thread.
 * {@code FileReadBenchmark <folder> [rounds]} prints records/s and MB/s of each round.
 */
public final class FileReadBenchmark {
    private FileReadBenchmark() {}

    public static void main(String[] args) throws Exception {
        String folder = args[0];
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        for (int round = 1; round <= rounds; round++) {
            long t0 = System.nanoTime();
            long records = 0;
            long bytes = 0;
            try (LogRecords in = LogRecords.files(folder)) {
                while (in.hasNext()) {
                    RawInput r = in.next();
                    if (r.kind == RawInput.Kind.LOG_LINE) {
                        records++;
                        bytes += r.payload.length;
                    }
                }
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("round %d: %,d records in %.2f s: %,.0f records/s, %.1f MB/s%n", round, records, s, records / s, bytes / s / 1e6);
        }
    }
}
