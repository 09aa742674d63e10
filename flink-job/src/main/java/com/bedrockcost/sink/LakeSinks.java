package com.bedrockcost.sink;

import com.bedrockcost.lake.Columns;
import com.bedrockcost.lake.DatePartitioner;
import com.bedrockcost.lake.LakeTables;
import com.bedrockcost.lake.TableSchema;
import com.bedrockcost.model.Adjustment;
import com.bedrockcost.model.Alert;
import com.bedrockcost.model.FailedRecord;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.TenantHourly;

import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.sink.compactor.FileCompactor;
import org.apache.flink.connector.file.sink.compactor.RecordWiseFileCompactor;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.parquet.ParquetBuilder;
import org.apache.flink.formats.parquet.ParquetWriterFactory;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;

import java.io.Serializable;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The Parquet tables of the lake as Flink {@link FileSink}s: Hive-style date partitions, files
 * committed on checkpoints only (exactly-once; in-progress files are hidden until then).
 */
public final class LakeSinks {
    /** Files are named {@code part-…parquet}; a bounded local run names its invocation files {@code part-<run id>-…}. */
    private static final String PART_PREFIX = "part";

    private LakeSinks() {}

    /** {@code <root>/invocations/year=/month=/day=} by the invocation's own UTC timestamp. */
    public static FileSink<Invocation> invocations(String root, String compression) {
        return invocations(root, compression, PART_PREFIX);
    }

    /** As {@link #invocations(String, String)}, files named {@code <partPrefix>-…parquet}. */
    public static FileSink<Invocation> invocations(String root, String compression, String partPrefix) {
        return invocations(root, compression, partPrefix, Compaction.OFF);
    }

    /**
     * Files named {@code <partPrefix>-…parquet}, small files merged as {@code compaction} says; a merged
     * file keeps the name of its first file behind {@link LakeTables#COMPACTED_PREFIX}.
     */
    public static FileSink<Invocation> invocations(String root, String compression, String partPrefix, Compaction compaction) {
        return sink(root, LakeTables.INVOCATIONS, compression, LakeTables::invocationColumns,
                new DatePartitioner<>(r -> r.eventTime), partPrefix, compaction);
    }

    /** As {@link #invocations(String, String)}, small files merged as {@code compaction} says. */
    public static FileSink<Invocation> invocations(String root, String compression, Compaction compaction) {
        return sink(root, LakeTables.INVOCATIONS, compression, LakeTables::invocationColumns,
                new DatePartitioner<>(r -> r.eventTime), PART_PREFIX, compaction);
    }

    /** {@code <root>/failed/year=/month=/day=} by processing time (UTC). */
    public static FileSink<FailedRecord> failed(String root, String compression) {
        return failed(root, compression, Compaction.OFF);
    }

    /** As {@link #failed(String, String)}, small files merged as {@code compaction} says. */
    public static FileSink<FailedRecord> failed(String root, String compression, Compaction compaction) {
        return sink(root, LakeTables.FAILED, compression, LakeTables::failedColumns,
                new DatePartitioner<>(r -> r.ingestTime), PART_PREFIX, compaction);
    }

    /** {@code <root>/tenant_hourly/year=/month=/day=} by the UTC start of the row's hour. */
    public static FileSink<TenantHourly> tenantHourly(String root, String compression) {
        return tenantHourly(root, compression, Compaction.OFF);
    }

    /** As {@link #tenantHourly(String, String)}, small files merged as {@code compaction} says. */
    public static FileSink<TenantHourly> tenantHourly(String root, String compression, Compaction compaction) {
        return sink(root, LakeTables.TENANT_HOURLY, compression, LakeTables::tenantHourlyColumns,
                new DatePartitioner<>(r -> r.windowStart), PART_PREFIX, compaction);
    }

    /** {@code <root>/alerts/year=/month=/day=} by the event time of the invocation that crossed (UTC). */
    public static FileSink<Alert> alerts(String root, String compression) {
        return sink(root, LakeTables.ALERTS, compression, LakeTables::alertColumns,
                new DatePartitioner<>(r -> r.eventTime), PART_PREFIX, Compaction.OFF);
    }

    /** {@code <root>/adjustments/year=/month=/day=} by the UTC day the adjustment was made ({@code adjusted_at}). */
    public static FileSink<Adjustment> adjustments(String root, String compression) {
        return adjustments(root, compression, PART_PREFIX);
    }

    /** As {@link #adjustments(String, String)}, files named {@code <partPrefix>-…parquet}. */
    public static FileSink<Adjustment> adjustments(String root, String compression, String partPrefix) {
        return sink(root, LakeTables.ADJUSTMENTS, compression, LakeTables::adjustmentColumns,
                new DatePartitioner<>(r -> r.adjustedAt), partPrefix, Compaction.OFF);
    }

    /** A column mapping made where the writer runs. */
    public interface ColumnsFactory<T> extends Supplier<Columns<T>>, Serializable {}

    private static <T> FileSink<T> sink(String root, String table, String compression, ColumnsFactory<T> columns,
                                        DatePartitioner<T> partitioner, String partPrefix, Compaction compaction) {
        return sink(root, table, compression, columns, partitioner, partPrefix, compaction,
                new RecordWiseFileCompactor<>(new ParquetRows<>(table)));
    }

    /**
     * With compaction on, the files of each checkpoint are committed hidden ({@code .part-…}) and merged
     * by {@code compactor} (the sink's own writer takes the rows it reads) into one visible {@code compacted-part-…parquet} per partition, after which
     * they are deleted: readers (Athena, DuckDB, the request-id index) skip names starting with a dot,
     * so they see every row once, before, during and after a compaction.
     */
    static <T> FileSink<T> sink(String root, String table, String compression, ColumnsFactory<T> columns,
                                DatePartitioner<T> partitioner, String partPrefix, Compaction compaction,
                                FileCompactor compactor) {
        FileSink.DefaultBulkFormatBuilder<T> builder = FileSink.forBulkFormat(new Path(stripSlash(root) + "/" + table), parquet(table, compression, columns));
        builder.withBucketAssigner(partitioner)
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix(partPrefix).withPartSuffix(".parquet").build());
        if (compaction.enabled()) {
            builder.enableCompact(compaction.strategy(), compactor);
        }
        return builder.build();
    }

    /** Writers of one table's Parquet files, as the sink uses them (for tests and benchmarks too). */
    public static <T> ParquetWriterFactory<T> parquet(String table, String compression, ColumnsFactory<T> columns) {
        return parquet(table, compression, columns, ParquetLayout.LAKE);
    }

    /** As {@link #parquet(String, String, ColumnsFactory)}, files laid out as {@code layout} says (to measure layouts against each other). */
    public static <T> ParquetWriterFactory<T> parquet(String table, String compression, ColumnsFactory<T> columns, ParquetLayout layout) {
        CompressionCodecName codec = CompressionCodecName.valueOf(compression);
        ParquetBuilder<T> builder = out -> {
            Columns<T> cols = columns.get();
            return configure(new Builder<>(out, TableSchema.load(table), cols), codec, cols.uniqueColumns(), layout).build();
        };
        return new ParquetWriterFactory<>(builder);
    }

    private static <B extends ParquetWriter.Builder<?, B>> B configure(B builder, CompressionCodecName codec, Set<String> uniqueColumns,
                                                                       ParquetLayout layout) {
        B b = layout.apply(builder.withCompressionCodec(codec).withConf(new Configuration(false)));
        for (String column : uniqueColumns) {
            b = b.withDictionaryEncoding(column, false);
        }
        return b;
    }

    private static String stripSlash(String root) {
        return root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    }

    private static final class Builder<T> extends ParquetWriter.Builder<T, Builder<T>> {
        private final TableSchema table;
        private final Columns<T> columns;

        Builder(OutputFile out, TableSchema table, Columns<T> columns) {
            super(out);
            this.table = table;
            this.columns = columns;
        }

        @Override
        protected Builder<T> self() {
            return this;
        }

        @Override
        protected WriteSupport<T> getWriteSupport(Configuration conf) {
            return new RowWriteSupport<>(table, columns);
        }
    }
}
