package com.bedrockcost.sink;

import com.bedrockcost.config.JobConfig;

import org.apache.flink.connector.file.sink.compactor.FileCompactStrategy;

import java.io.Serializable;

/**
 * When a table's small files are merged (Flink's FileSink compaction): every {@code checkpoints}
 * checkpoints, or as soon as a partition's new files reach {@code sizeBytes}. The files written
 * between two compactions stay hidden ({@code .part-…}) and only their merged file becomes visible,
 * so a reader never sees a row twice; rows wait up to {@code checkpoints} intervals longer to be seen.
 */
public final class Compaction implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Every checkpoint commits its files at once. */
    public static final Compaction OFF = new Compaction(0, Long.MAX_VALUE);

    private final int checkpoints;
    private final long sizeBytes;

    public Compaction(int checkpoints, long sizeBytes) {
        if (checkpoints < 0 || sizeBytes < 1) {
            throw new IllegalArgumentException("compaction needs checkpoints >= 0 and a size >= 1 byte, got " + checkpoints + ", " + sizeBytes);
        }
        this.checkpoints = checkpoints;
        this.sizeBytes = sizeBytes;
    }

    /** {@code output.compaction.checkpoints} and {@code output.compaction.size.mb}. */
    public static Compaction fromConfig(JobConfig config) {
        long n = config.get(JobConfig.OUTPUT_COMPACTION_CHECKPOINTS);
        if (n == 0) {
            return OFF;
        }
        return new Compaction((int) Math.min(Integer.MAX_VALUE, n), Math.multiplyExact(config.get(JobConfig.OUTPUT_COMPACTION_SIZE_MB), 1024L * 1024));
    }

    public boolean enabled() {
        return checkpoints > 0;
    }

    public int checkpoints() {
        return checkpoints;
    }

    FileCompactStrategy strategy() {
        return FileCompactStrategy.Builder.newBuilder()
                .enableCompactionOnCheckpoint(checkpoints)
                .setSizeThreshold(sizeBytes)
                .build();
    }

    @Override
    public String toString() {
        return enabled() ? "every " + checkpoints + " checkpoints or " + sizeBytes + " bytes" : "off";
    }
}
