package com.bedrockcost.lake;

import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The lake as DuckDB views, for the report, the dashboard and the run summary: one in-memory DuckDB
 * over the committed Parquet files of {@code invocations}, {@code failed}, {@code alerts} and
 * {@code adjustments}, with their {@code year}/{@code month}/{@code day} folders as string columns.
 *
 * <p>Costs are read through one view, {@value #INVOCATIONS_CURRENT}: each invocation with the sum of
 * its {@code adjustments} added to its cost columns, and the pricing status and price source of its
 * latest adjustment (the lake's {@code invocations} stays append-only; CONTRACTS.md). Without an
 * adjustments folder it is {@code invocations} itself.
 *
 * <p>A local lake is read in place. An {@code s3://} lake is first copied (only the days of the
 * slice, for the tables partitioned by them) through the job's own file system (Flink's S3 plugin)
 * to a temporary folder that {@link #close} deletes: DuckDB reads S3 only with its httpfs extension,
 * which is not part of its JDBC jar and is downloaded on first use, so it cannot be relied on.
 */
public final class LakeViews implements AutoCloseable {
    public static final String INVOCATIONS = LakeTables.INVOCATIONS;
    public static final String FAILED = LakeTables.FAILED;
    public static final String ALERTS = LakeTables.ALERTS;
    public static final String ADJUSTMENTS = "adjustments";
    public static final String INVOCATIONS_CURRENT = "invocations_current";
    /** The cost columns of invocations that adjustments change, each by its {@code <column>_delta}. */
    public static final String[] COSTS = {"input_cost", "output_cost", "cache_read_cost", "cache_write_cost", "guardrail_cost",
        "image_cost", "video_cost", "rerank_cost", "total_cost"};
    /** Tables partitioned by the UTC day their rows are about (event, processing, alert): a slice of days reads only those folders. */
    private static final Set<String> BY_SLICE_DAY = Set.of(INVOCATIONS, FAILED, ALERTS);
    /** The UTC day of a row's partition (its {@code year}/{@code month}/{@code day} folders) as {@code YYYY-MM-DD}, in the views' SQL. */
    public static final String PARTITION_DAY = "(year || '-' || month || '-' || day)";

    private final Connection conn;
    private final Map<String, Integer> files = new HashMap<>();
    /** The temporary copy of a remote lake; null for a local one. */
    private final Path staged;

    private LakeViews(Connection conn, Path staged) {
        this.conn = conn;
        this.staged = staged;
    }

    /**
     * Loads DuckDB (its native library, unpacked from its jar: about half a CPU-second) on a daemon
     * thread, so that a report written later, e.g. after a run's job, does not wait for it.
     */
    public static void preload() {
        Thread t = new Thread(() -> {
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
                c.isValid(1);
            } catch (SQLException | RuntimeException | LinkageError e) {
                // The report opens DuckDB again and reports what fails there.
            }
        }, "duckdb-preload");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** The whole lake at {@code root} (a local folder, {@code file:} or another file system's URI such as {@code s3://}). */
    public static LakeViews open(String root) throws IOException {
        return open(root, null, null);
    }

    /** The lake, with the day-partitioned tables read only for the UTC days {@code from}..{@code to} (null: open). */
    public static LakeViews open(String root, LocalDate from, LocalDate to) throws IOException {
        Path local = localPath(root);
        Path staged = local == null ? Files.createTempDirectory("bedrock-report-") : null;
        Connection conn = null;
        try {
            conn = DriverManager.getConnection("jdbc:duckdb:");
            LakeViews v = new LakeViews(conn, staged);
            v.execute("SET TimeZone = 'UTC'");
            for (String table : List.of(INVOCATIONS, FAILED, ALERTS, ADJUSTMENTS)) {
                boolean prune = BY_SLICE_DAY.contains(table);
                List<Path> tableFiles = local != null ? localFiles(local.resolve(table), prune ? from : null, prune ? to : null)
                        : stage(root, table, staged.resolve(table), prune ? from : null, prune ? to : null);
                v.files.put(table, tableFiles.size());
                v.createView(table, tableFiles);
            }
            v.createCurrentView();
            return v;
        } catch (SQLException e) {
            closeQuietly(conn);
            deleteCopy(staged);
            throw new IOException("Reading the lake at " + root + " with DuckDB failed: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(conn);
            deleteCopy(staged);
            throw e;
        }
    }

    /** How many committed Parquet files of {@code table} the views read. */
    public int files(String table) {
        return files.getOrDefault(table, 0);
    }

    public boolean has(String table) {
        return files(table) > 0;
    }

    public Statement statement() throws SQLException {
        return conn.createStatement();
    }

    public void execute(String sql) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute(sql);
        }
    }

    @Override
    public void close() {
        closeQuietly(conn);
        deleteCopy(staged);
    }

    /**
     * {@code table} over its files: the files' columns (by name, a column a file lacks is NULL in its rows),
     * plus any column of the table's schema that no file has yet (an older lake) as NULL, plus the day folders.
     */
    private void createView(String table, List<Path> tableFiles) throws SQLException {
        // The adjustments' columns are the files' own (the view is only made when there are some).
        List<String[]> schema = table.equals(ADJUSTMENTS) ? List.of() : LakeTablesSql.duckColumns(table);
        if (tableFiles.isEmpty()) {
            if (table.equals(ADJUSTMENTS)) {
                return;
            }
            List<String> cols = new ArrayList<>();
            for (String[] c : schema) {
                cols.add("CAST(NULL AS " + c[1] + ") AS " + quote(c[0]));
            }
            for (String p : DatePartitioner.COLUMNS) {
                cols.add("CAST(NULL AS VARCHAR) AS " + p);
            }
            execute("CREATE VIEW " + table + " AS SELECT " + String.join(", ", cols) + " WHERE false");
            return;
        }
        String list = tableFiles.stream().map(p -> LakeTablesSql.literal(p.toString())).collect(Collectors.joining(", ", "[", "]"));
        String raw = "raw_" + table;
        execute("CREATE VIEW " + raw + " AS SELECT * FROM read_parquet(" + list + ", hive_partitioning = true, union_by_name = true,"
                + " hive_types = {'year': VARCHAR, 'month': VARCHAR, 'day': VARCHAR}, hive_types_autocast = false)");
        Set<String> present = new HashSet<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("DESCRIBE " + raw)) {
            while (rs.next()) {
                present.add(rs.getString(1));
            }
        }
        StringBuilder sql = new StringBuilder("CREATE VIEW " + table + " AS SELECT *");
        for (String[] c : schema) {
            if (!present.contains(c[0])) {
                sql.append(", CAST(NULL AS ").append(c[1]).append(") AS ").append(quote(c[0]));
            }
        }
        execute(sql.append(" FROM ").append(raw).toString());
    }

    /** {@value #INVOCATIONS_CURRENT}: the invocations with their adjustments applied (the one place the report reads costs from). */
    private void createCurrentView() throws SQLException {
        if (!has(ADJUSTMENTS)) {
            execute("CREATE VIEW " + INVOCATIONS_CURRENT + " AS SELECT * FROM " + INVOCATIONS);
            return;
        }
        Set<String> present = new HashSet<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("DESCRIBE " + ADJUSTMENTS)) {
            while (rs.next()) {
                present.add(rs.getString(1));
            }
        }
        List<String> sums = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        for (String c : COSTS) {
            String delta = c + "_delta";
            if (!present.contains(delta)) {
                continue;
            }
            sums.add("sum(" + delta + ") AS " + delta);
            // An unpriced invocation priced late has no cost of its own: its adjustment is its cost.
            replaced.add("CASE WHEN a." + delta + " IS NULL THEN i." + c + " ELSE coalesce(i." + c + ", 0) + a." + delta + " END AS " + c);
        }
        if (present.contains("adjusted_at")) {
            for (String[] s : new String[][] {{"new_pricing_status", "pricing_status"}, {"new_price_source", "price_source"}}) {
                if (present.contains(s[0])) {
                    sums.add("arg_max(" + s[0] + ", adjusted_at) AS " + s[0]);
                    replaced.add("coalesce(a." + s[0] + ", i." + s[1] + ") AS " + s[1]);
                }
            }
        }
        execute("CREATE VIEW " + INVOCATIONS_CURRENT + " AS SELECT i.* REPLACE (" + String.join(", ", replaced) + ")"
                + " FROM " + INVOCATIONS + " i LEFT JOIN (SELECT request_id, " + String.join(", ", sums)
                + " FROM " + ADJUSTMENTS + " WHERE request_id IS NOT NULL GROUP BY request_id) a ON i.request_id = a.request_id");
    }

    /** The local folder of a lake root, or null for a remote file system. */
    public static Path localPath(String root) {
        if (root.startsWith("file:")) {
            return Paths.get(URI.create(root));
        }
        return root.contains("://") ? null : Paths.get(root);
    }

    /** Committed Parquet files under a local table folder (hidden and in-progress files skipped), optionally only of some days. */
    private static List<Path> localFiles(Path dir, LocalDate from, LocalDate to) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> committed(p.getFileName().toString()) && Files.isRegularFile(p))
                    .filter(p -> inDays(dir.relativize(p).toString().replace('\\', '/') , from, to))
                    .sorted().collect(Collectors.toList());
        }
    }

    private static boolean committed(String name) {
        return name.endsWith(".parquet") && !name.startsWith(".") && !name.startsWith("_");
    }

    /** Whether a file's {@code year=/month=/day=} folders are within the days (a file without them is kept). */
    private static boolean inDays(String relative, LocalDate from, LocalDate to) {
        if (from == null && to == null) {
            return true;
        }
        LocalDate day = DatePartitioner.dayOf(relative);
        if (day == null) {
            return true;
        }
        return (from == null || !day.isBefore(from)) && (to == null || !day.isAfter(to));
    }

    /** Copies the committed files of a remote table (of the given days) to {@code target}, keeping their folders. */
    private static List<Path> stage(String root, String table, Path target, LocalDate from, LocalDate to) throws IOException {
        org.apache.flink.core.fs.Path dir = new org.apache.flink.core.fs.Path(root, table);
        String prefix = dir.toUri().getPath();
        List<Path> out = new ArrayList<>();
        for (org.apache.flink.core.fs.Path file : CommittedRows.parquetFiles(dir)) {
            String path = file.toUri().getPath();
            String relative = path.startsWith(prefix) ? path.substring(prefix.length()).replaceFirst("^/+", "") : file.getName();
            if (!inDays(relative, from, to)) {
                continue;
            }
            Path copy = target.resolve(relative);
            Files.createDirectories(copy.getParent());
            try (FSDataInputStream in = FileSystem.get(file.toUri()).open(file)) {
                Files.copy((InputStream) in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            out.add(copy);
        }
        return out;
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static void closeQuietly(Connection conn) {
        if (conn != null) {
            try {
                conn.close();
            } catch (SQLException e) {
                // closing an in-memory database: nothing to keep
            }
        }
    }

    private static void deleteCopy(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the temporary copy of the lake at " + dir, e);
        }
    }
}
