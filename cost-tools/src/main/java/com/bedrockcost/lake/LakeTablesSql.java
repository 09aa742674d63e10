package com.bedrockcost.lake;

import java.time.LocalDate;
import java.util.Locale;

/** Flink SQL DDL for a lake table, from its one definition in {@code schemas/}: the filesystem connector over the Hive-partitioned Parquet. */
public final class LakeTablesSql {
    /** The column {@link #createTableWithFileName} adds: the name of the Parquet file a row is in. */
    public static final String FILE_NAME = "file_name";

    /** The UTC day of a row's partition (its {@code year}/{@code month}/{@code day} folders) as {@code YYYY-MM-DD}, in Flink SQL. */
    public static final String PARTITION_DAY = "CONCAT(`year`, '-', `month`, '-', `day`)";

    private LakeTablesSql() {}

    /** The condition "the row is in the partition of {@code day}", which the connector prunes partitions by. */
    public static String inPartition(LocalDate day) {
        return String.format(Locale.ROOT, "(`year` = %s AND `month` = %s AND `day` = %s)", literal(String.valueOf(day.getYear())),
                literal(String.format(Locale.ROOT, "%02d", day.getMonthValue())), literal(String.format(Locale.ROOT, "%02d", day.getDayOfMonth())));
    }

    /**
     * {@code CREATE TEMPORARY TABLE} for {@code table} under {@code root}. The partition columns are
     * the contract's {@code year/month/day} strings, read from the folder names.
     */
    public static String createTable(String table, String root) {
        return createTable(table, root, false);
    }

    /** As {@link #createTable}, plus the virtual column {@value #FILE_NAME} (the connector's {@code file.name} metadata). */
    public static String createTableWithFileName(String table, String root) {
        return createTable(table, root, true);
    }

    private static String createTable(String table, String root, boolean fileName) {
        StringBuilder b = new StringBuilder("CREATE TEMPORARY TABLE ").append(quote(table)).append(" (\n");
        for (TableSchema.Column c : TableSchema.load(table).columns()) {
            b.append("  ").append(quote(c.name)).append(' ').append(flinkType(c.type)).append(",\n");
        }
        if (fileName) {
            b.append("  ").append(quote(FILE_NAME)).append(" STRING METADATA FROM 'file.name' VIRTUAL,\n");
        }
        b.append("  `year` STRING,\n  `month` STRING,\n  `day` STRING\n")
                .append(") PARTITIONED BY (`year`, `month`, `day`) WITH (\n")
                .append("  'connector' = 'filesystem',\n")
                .append("  'path' = ").append(literal(stripSlash(root) + "/" + table)).append(",\n")
                .append("  'format' = 'parquet',\n")
                // The files hold UTC instants (isAdjustedToUTC); read them as UTC wall-clock times.
                .append("  'parquet.utc-timezone' = 'true'\n")
                .append(")");
        return b.toString();
    }

    /** The columns of {@code table} in {@code schemas/}, each as {name, DuckDB type}. */
    public static java.util.List<String[]> duckColumns(String table) {
        java.util.List<String[]> out = new java.util.ArrayList<>();
        for (TableSchema.Column c : TableSchema.load(table).columns()) {
            out.add(new String[] {c.name, duckType(c.type)});
        }
        return out;
    }

    /** The DuckDB type of a column type of {@code schemas/}: timestamps are UTC instants (TIMESTAMPTZ, as DuckDB reads them). */
    public static String duckType(String hiveType) {
        if (hiveType.equals("string")) {
            return "VARCHAR";
        }
        if (hiveType.equals("timestamp")) {
            return "TIMESTAMPTZ";
        }
        if (hiveType.equals("map<string,string>")) {
            return "MAP(VARCHAR, VARCHAR)";
        }
        return flinkType(hiveType);
    }

    /** The Flink SQL type of a column type of {@code schemas/} (Hive/Glue names). */
    public static String flinkType(String hiveType) {
        if (hiveType.equals("string")) {
            return "STRING";
        }
        if (hiveType.equals("bigint")) {
            return "BIGINT";
        }
        if (hiveType.equals("timestamp")) {
            return "TIMESTAMP(6)";
        }
        if (hiveType.startsWith("decimal(")) {
            return hiveType.toUpperCase(java.util.Locale.ROOT);
        }
        if (hiveType.equals("map<string,string>")) {
            return "MAP<STRING, STRING>";
        }
        throw new IllegalArgumentException("No Flink SQL type for column type " + hiveType);
    }

    public static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    /** A SQL string literal. */
    public static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static String stripSlash(String root) {
        return root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    }
}
