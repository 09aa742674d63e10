package com.bedrockcost.testutil;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a lake folder with DuckDB, an independent Parquet reader: views {@code invocations}, {@code failed}, {@code tenant_hourly}, {@code alerts}, {@code adjustments}. */
public final class DuckLake implements AutoCloseable {
    private final Connection conn;

    public DuckLake(Path root) throws SQLException {
        conn = DriverManager.getConnection("jdbc:duckdb:");
        for (String table : new String[] {"invocations", "failed", "tenant_hourly", "alerts", "adjustments"}) {
            Path dir = root.resolve(table);
            String sql;
            if (Files.isDirectory(dir) && hasParquet(dir)) {
                sql = "CREATE VIEW " + table + " AS SELECT * FROM read_parquet('" + dir + "/**/*.parquet', hive_partitioning = true)";
            } else {
                continue;
            }
            try (Statement st = conn.createStatement()) {
                st.execute(sql);
            }
        }
    }

    private static boolean hasParquet(Path dir) {
        try (var s = Files.walk(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".parquet") && !p.getFileName().toString().startsWith("."));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** All rows of a query, each as column name -> value. */
    public List<Map<String, Object>> rows(String sql) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), rs.getObject(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    /** The single value of a one-row, one-column query. */
    public Object value(String sql) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                throw new AssertionError("no row from " + sql);
            }
            return rs.getObject(1);
        }
    }

    public long count(String sql) throws SQLException {
        return ((Number) value(sql)).longValue();
    }

    @Override
    public void close() throws SQLException {
        conn.close();
    }
}
