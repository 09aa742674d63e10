package com.bedrockcost.sink;

import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.hadoop.ParquetWriter;

import java.io.Serializable;

/**
 * How the lake's Parquet files are laid out inside: row-group and page sizes, and the data page
 * format. {@link #LAKE} is what the sink writes; the others exist to measure it against
 * ({@code LakeScan}, docs/performance.md, Parquet layout).
 */
public final class ParquetLayout implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The lake's files: Parquet's own defaults (row groups up to 128 MB, 1 MB pages, v1 data pages). */
    public static final ParquetLayout LAKE = new ParquetLayout(ParquetWriter.DEFAULT_BLOCK_SIZE, ParquetWriter.DEFAULT_PAGE_SIZE, false);

    private final long rowGroupBytes;
    private final int pageBytes;
    private final boolean v2Pages;

    public ParquetLayout(long rowGroupBytes, int pageBytes, boolean v2Pages) {
        if (rowGroupBytes < 1 || pageBytes < 1) {
            throw new IllegalArgumentException("row group and page sizes must be >= 1 byte, got " + rowGroupBytes + ", " + pageBytes);
        }
        this.rowGroupBytes = rowGroupBytes;
        this.pageBytes = pageBytes;
        this.v2Pages = v2Pages;
    }

    public long rowGroupBytes() {
        return rowGroupBytes;
    }

    <B extends ParquetWriter.Builder<?, B>> B apply(B builder) {
        return builder.withRowGroupSize(rowGroupBytes).withPageSize(pageBytes)
                .withWriterVersion(v2Pages ? WriterVersion.PARQUET_2_0 : WriterVersion.PARQUET_1_0);
    }

    @Override
    public String toString() {
        return "row groups " + rowGroupBytes + " B, pages " + pageBytes + " B, " + (v2Pages ? "v2" : "v1") + " pages";
    }
}
