package com.bedrockcost.sink;

import com.bedrockcost.lake.Columns;
import com.bedrockcost.lake.TableSchema;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.GroupWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Writes records straight into Parquet, column by column as the table schema says (no Avro in between). */
final class RowWriteSupport<T> extends WriteSupport<T> {
    private static final int MAX_CACHED = 4096;
    private static final int MAX_CACHED_LENGTH = 128;

    private enum Kind { STRING, BIGINT, TIMESTAMP, DECIMAL, MAP }

    private final MessageType schema;
    private final String[] names;
    private final Kind[] kinds;
    private final int[] scales;
    private final boolean[] nullable;
    private final Columns.Getter<T>[] getters;
    /** Encoded metadata strings, see {@link #repeated}. */
    private final Map<String, Binary> cache = new HashMap<>();
    private RecordConsumer out;
    private GroupWriter rows;

    @SuppressWarnings("unchecked")
    RowWriteSupport(TableSchema table, Columns<T> columns) {
        this.schema = table.parquetSchema();
        List<TableSchema.Column> cols = table.columns();
        if (!columns.getters().keySet().equals(new java.util.LinkedHashSet<>(cols.stream().map(c -> c.name).collect(java.util.stream.Collectors.toList())))) {
            throw new IllegalStateException("Columns of table " + table.table() + " in schemas/ " + cols.stream().map(c -> c.name).collect(java.util.stream.Collectors.toList())
                    + " do not match the writer's " + columns.getters().keySet());
        }
        int n = cols.size();
        names = new String[n];
        kinds = new Kind[n];
        scales = new int[n];
        nullable = new boolean[n];
        getters = new Columns.Getter[n];
        for (int i = 0; i < n; i++) {
            TableSchema.Column c = cols.get(i);
            names[i] = c.name;
            nullable[i] = c.nullable;
            getters[i] = columns.getters().get(c.name);
            if (c.type.equals("string")) {
                kinds[i] = Kind.STRING;
            } else if (c.type.equals("bigint")) {
                kinds[i] = Kind.BIGINT;
            } else if (c.type.equals("timestamp")) {
                kinds[i] = Kind.TIMESTAMP;
            } else if (c.type.startsWith("decimal(")) {
                kinds[i] = Kind.DECIMAL;
                scales[i] = TableSchema.decimalScale(c.type);
            } else {
                kinds[i] = Kind.MAP;
            }
        }
    }

    @Override
    public WriteContext init(Configuration configuration) {
        return new WriteContext(schema, Collections.emptyMap());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.out = recordConsumer;
        this.rows = new GroupWriter(recordConsumer, schema);
    }

    @Override
    public void write(T record) {
        if (record instanceof Group) {
            // A row read back by a compaction (ParquetRows), already in this table's schema.
            rows.write((Group) record);
            return;
        }
        out.startMessage();
        for (int i = 0; i < names.length; i++) {
            Object v = getters[i].apply(record);
            if (v == null) {
                if (!nullable[i]) {
                    throw new IllegalArgumentException("Column " + names[i] + " must not be null in " + record);
                }
                continue;
            }
            out.startField(names[i], i);
            switch (kinds[i]) {
                case STRING:
                    out.addBinary(utf8((String) v));
                    break;
                case BIGINT:
                    out.addLong(((Number) v).longValue());
                    break;
                case TIMESTAMP:
                    Instant t = (Instant) v;
                    out.addLong(Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000));
                    break;
                case DECIMAL:
                    out.addBinary(Binary.fromConstantByteArray(decimalBytes((BigDecimal) v, scales[i], names[i])));
                    break;
                default:
                    writeMap((Map<?, ?>) v);
            }
            out.endField(names[i], i);
        }
        out.endMessage();
    }

    private void writeMap(Map<?, ?> map) {
        out.startGroup();
        if (!map.isEmpty()) {
            out.startField("key_value", 0);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.startGroup();
                out.startField("key", 0);
                out.addBinary(repeated(String.valueOf(e.getKey())));
                out.endField("key", 0);
                if (e.getValue() != null) {
                    out.startField("value", 1);
                    out.addBinary(repeated(String.valueOf(e.getValue())));
                    out.endField("value", 1);
                }
                out.endGroup();
            }
            out.endField("key_value", 0);
        }
        out.endGroup();
    }

    /**
     * Metadata keys and values repeat from row to row (a few keys, tenants, departments, …): their
     * bytes are encoded once and the same {@link Binary} is handed to Parquet again, whose dictionary
     * then compares an array with itself: a third less CPU per row ({@code ParquetWriteBenchmark});
     * top-level string columns gained nothing measurable from it. At most {@value #MAX_CACHED}
     * strings of up to {@value #MAX_CACHED_LENGTH} chars are kept; then the cache starts over.
     */
    private Binary repeated(String s) {
        Binary b = cache.get(s);
        if (b == null) {
            b = utf8(s);
            if (s.length() <= MAX_CACHED_LENGTH) {
                if (cache.size() >= MAX_CACHED) {
                    cache.clear();
                }
                cache.put(s, b);
            }
        }
        return b;
    }

    /** Cheaper than {@code Binary.fromString}, which sets up a thread-local encoder per value. */
    private static Binary utf8(String s) {
        return Binary.fromConstantByteArray(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Two's-complement big-endian, sign-extended to 16 bytes; the value must fit the scale exactly. */
    static byte[] decimalBytes(BigDecimal value, int scale, String column) {
        BigInteger unscaled;
        try {
            unscaled = value.setScale(scale).unscaledValue();
        } catch (ArithmeticException e) {
            throw new ArithmeticException("Column " + column + ": " + value + " has more than " + scale + " decimals");
        }
        byte[] raw = unscaled.toByteArray();
        if (raw.length > 16) {
            throw new ArithmeticException("Column " + column + ": " + value + " does not fit decimal(38," + scale + ")");
        }
        byte[] fixed = new byte[16];
        byte pad = (byte) (unscaled.signum() < 0 ? 0xFF : 0x00);
        int offset = 16 - raw.length;
        for (int i = 0; i < offset; i++) {
            fixed[i] = pad;
        }
        System.arraycopy(raw, 0, fixed, offset, raw.length);
        return fixed;
    }
}
