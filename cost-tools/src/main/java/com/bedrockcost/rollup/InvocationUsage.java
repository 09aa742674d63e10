package com.bedrockcost.rollup;

import com.bedrockcost.lake.FlinkInputFile;
import com.bedrockcost.model.Invocation;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.util.Collector;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an {@code invocations} file of the lake (its path) and emits one {@link HourlyUsage} per row:
 * the invocation counted by {@link HourlyUsage#add(Invocation)} in its UTC hour, tenant and model.
 * Only the {@link #COLUMNS} the sums need are read (Parquet skips the others); a column a file lacks
 * (written before the column existed) is read as null, or 0 for a count.
 */
final class InvocationUsage implements FlatMapFunction<String, HourlyUsage> {
    private static final long serialVersionUID = 1L;

    /** The {@code invocations} columns read: the hour, the group and each value {@link HourlyUsage} sums or counts. */
    static final List<String> COLUMNS = List.of("event_time", "tenant_id", "model",
            "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "cache_write_1h_tokens",
            "input_cost", "output_cost", "cache_read_cost", "cache_write_cost", "total_cost",
            "pricing_status", "error_code", "latency_ms",
            "guardrail_text_units", "guardrail_cost", "image_cost", "video_cost", "rerank_cost");

    @Override
    public void flatMap(String file, Collector<HourlyUsage> out) throws IOException {
        Path path = new Path(file);
        long length = FileSystem.get(path.toUri()).getFileStatus(path).getLen();
        try (ParquetFileReader reader = ParquetFileReader.open(new FlinkInputFile(path, length))) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            List<Type> read = new ArrayList<>();
            for (String column : COLUMNS) {
                if (schema.containsField(column)) {
                    read.add(schema.getType(column));
                }
            }
            MessageType projection = new MessageType(schema.getName(), read);
            reader.setRequestedSchema(projection);
            MessageColumnIO io = new ColumnIOFactory().getColumnIO(projection, schema);
            PageReadStore pages;
            while ((pages = reader.readNextRowGroup()) != null) {
                RecordReader<Group> records = io.getRecordReader(pages, new GroupRecordConverter(projection));
                for (long i = pages.getRowCount(); i > 0; i--) {
                    out.collect(of(records.read()));
                }
            }
        }
    }

    /** The partial sum of one {@code invocations} row ({@link #COLUMNS}, any of them possibly absent). */
    static HourlyUsage of(Group row) {
        Invocation inv = new Invocation();
        inv.eventTime = instant(row, "event_time");
        inv.tenantId = string(row, "tenant_id");
        inv.model = string(row, "model");
        inv.inputTokens = count(row, "input_tokens");
        inv.outputTokens = count(row, "output_tokens");
        inv.cacheReadTokens = count(row, "cache_read_tokens");
        inv.cacheWriteTokens = count(row, "cache_write_tokens");
        inv.cacheWrite1hTokens = count(row, "cache_write_1h_tokens");
        inv.inputCost = decimal(row, "input_cost");
        inv.outputCost = decimal(row, "output_cost");
        inv.cacheReadCost = decimal(row, "cache_read_cost");
        inv.cacheWriteCost = decimal(row, "cache_write_cost");
        inv.totalCost = decimal(row, "total_cost");
        inv.pricingStatus = string(row, "pricing_status");
        inv.errorCode = string(row, "error_code");
        inv.latencyMs = optionalLong(row, "latency_ms");
        inv.guardrailCost = decimal(row, "guardrail_cost");
        inv.imageCost = decimal(row, "image_cost");
        inv.videoCost = decimal(row, "video_cost");
        inv.rerankCost = decimal(row, "rerank_cost");
        HourlyUsage usage = new HourlyUsage(HourlyUsage.hourOf(inv.eventTime.toEpochMilli()), inv.tenantId, inv.model);
        usage.add(inv);
        // The lake keeps the text units (guardrail_text_units), not the per-policy units an Invocation
        // derives them from: this row's sum is its own value.
        usage.guardrailTextUnits = optionalLong(row, "guardrail_text_units");
        return usage;
    }

    /** A timestamp column (UTC, micro- or milliseconds). */
    private static Instant instant(Group row, String column) {
        long value = row.getLong(column, 0);
        LogicalTypeAnnotation.TimestampLogicalTypeAnnotation type = (LogicalTypeAnnotation.TimestampLogicalTypeAnnotation)
                row.getType().getType(column).getLogicalTypeAnnotation();
        switch (type.getUnit()) {
            case MILLIS:
                return Instant.ofEpochMilli(value);
            case MICROS:
                return Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000L), Math.floorMod(value, 1_000_000L) * 1_000L);
            default:
                return Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000_000L), Math.floorMod(value, 1_000_000_000L));
        }
    }

    private static boolean present(Group row, String column) {
        GroupType type = row.getType();
        return type.containsField(column) && row.getFieldRepetitionCount(type.getFieldIndex(column)) > 0;
    }

    private static String string(Group row, String column) {
        return present(row, column) ? row.getString(column, 0) : null;
    }

    private static long count(Group row, String column) {
        return present(row, column) ? row.getLong(column, 0) : 0L;
    }

    private static Long optionalLong(Group row, String column) {
        return present(row, column) ? row.getLong(column, 0) : null;
    }

    /** A decimal column (fixed-length two's complement, the scale of its type): exact. */
    private static BigDecimal decimal(Group row, String column) {
        if (!present(row, column)) {
            return null;
        }
        LogicalTypeAnnotation.DecimalLogicalTypeAnnotation type = (LogicalTypeAnnotation.DecimalLogicalTypeAnnotation)
                row.getType().getType(column).getLogicalTypeAnnotation();
        return new BigDecimal(new BigInteger(row.getBinary(column, 0).getBytes()), type.getScale());
    }
}
