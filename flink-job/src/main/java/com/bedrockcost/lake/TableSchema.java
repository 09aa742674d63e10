package com.bedrockcost.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A lake table as defined in {@code schemas/<table>.json}, and its Parquet schema. */
public final class TableSchema implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Pattern DECIMAL = Pattern.compile("decimal\\((\\d+),(\\d+)\\)");

    /** One column: its name, Hive type and whether it may be null. */
    public static final class Column implements Serializable {
        private static final long serialVersionUID = 1L;
        public final String name;
        public final String type;
        public final boolean nullable;

        Column(String name, String type, boolean nullable) {
            this.name = name;
            this.type = type;
            this.nullable = nullable;
        }
    }

    private final String table;
    private final List<Column> columns;

    private TableSchema(String table, List<Column> columns) {
        this.table = table;
        this.columns = Collections.unmodifiableList(columns);
    }

    /** Loads {@code schemas/<table>.json} from the classpath. */
    public static TableSchema load(String table) {
        String resource = "/schemas/" + table + ".json";
        try (InputStream in = TableSchema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Schema resource " + resource + " is missing from the job's classpath");
            }
            JsonNode root = new ObjectMapper().readTree(in);
            List<Column> cols = new ArrayList<>();
            for (JsonNode c : root.get("columns")) {
                cols.add(new Column(c.get("name").asText(), c.get("type").asText(), c.get("nullable").asBoolean()));
            }
            return new TableSchema(table, cols);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read schema resource " + resource, e);
        }
    }

    public String table() {
        return table;
    }

    public List<Column> columns() {
        return columns;
    }

    /** Decimal scale of a {@code decimal(p,s)} type. */
    public static int decimalScale(String type) {
        return Integer.parseInt(decimalMatcher(type).group(2));
    }

    private static Matcher decimalMatcher(String type) {
        Matcher m = DECIMAL.matcher(type);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a decimal type: " + type);
        }
        return m;
    }

    /** The Parquet schema: lower-case names, INT64 UTC microsecond timestamps, fixed-length decimals, standard MAPs. */
    public MessageType parquetSchema() {
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (Column c : columns) {
            b.addField(parquetType(c));
        }
        return b.named(table);
    }

    private static Type parquetType(Column c) {
        Type.Repetition rep = c.nullable ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
        String t = c.type;
        if (t.equals("string")) {
            return Types.primitive(PrimitiveTypeName.BINARY, rep).as(LogicalTypeAnnotation.stringType()).named(c.name);
        }
        if (t.equals("bigint")) {
            return Types.primitive(PrimitiveTypeName.INT64, rep).named(c.name);
        }
        if (t.equals("timestamp")) {
            return Types.primitive(PrimitiveTypeName.INT64, rep)
                    .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS)).named(c.name);
        }
        if (t.startsWith("decimal(")) {
            Matcher m = decimalMatcher(t);
            int precision = Integer.parseInt(m.group(1));
            int scale = Integer.parseInt(m.group(2));
            return Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, rep).length(16)
                    .as(LogicalTypeAnnotation.decimalType(scale, precision)).named(c.name);
        }
        if (t.equals("map<string,string>")) {
            return Types.map(rep)
                    .key(Types.primitive(PrimitiveTypeName.BINARY, Type.Repetition.REQUIRED).as(LogicalTypeAnnotation.stringType()).named("key"))
                    .value(Types.primitive(PrimitiveTypeName.BINARY, Type.Repetition.OPTIONAL).as(LogicalTypeAnnotation.stringType()).named("value"))
                    .named(c.name);
        }
        throw new IllegalArgumentException("Column " + c.name + " has type " + t + ", which the Parquet writer does not support");
    }
}
