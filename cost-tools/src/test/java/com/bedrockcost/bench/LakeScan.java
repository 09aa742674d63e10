package com.bedrockcost.bench;

import com.bedrockcost.lake.FlinkInputFile;
import com.bedrockcost.lake.LakeTables;
import com.bedrockcost.sink.LakeSinks;
import com.bedrockcost.sink.ParquetLayout;

import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.local.LocalFileSystem;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the {@code invocations} files of a lake cost the queries people run, read from their Parquet
 * footers with DuckDB ({@code parquet_metadata}) and timed with DuckDB: files, files per partition,
 * bytes per row, row groups, each column's size, encodings and statistics, and for "cost per tenant
 * per day for one month" and "one tenant's cost per day" the bytes of the column chunks an engine
 * reads (as Athena bills them: the needed columns of the row groups its statistics do not rule out).
 * Run by hand (docs/performance.md, Parquet layout):
 * <pre>
 * java -cp &lt;test classpath&gt; com.bedrockcost.bench.LakeScan measure &lt;lake&gt; [tenant]
 * java -cp &lt;test classpath&gt; com.bedrockcost.bench.LakeScan rewrite &lt;lake&gt; &lt;out lake&gt; &lt;codec&gt; &lt;row group MB&gt; &lt;page KB&gt; &lt;v1|v2&gt; &lt;rows per file&gt;
 * </pre>
 * {@code rewrite} writes every invocations file again (same partitions, same rows in the same order),
 * with the sink's writer in another layout, and prints the writer's CPU time per row; with
 * {@code rows per file} above 0 each file is cut into files of that many rows, as a streaming job
 * writes them (one file per checkpoint and partition: a day's rows / 1,440 at one-minute checkpoints).
 */
public final class LakeScan {
    /** The columns both queries read (partition columns cost nothing: they are folder names). */
    static final List<String> QUERY_COLUMNS = List.of("tenant_id", "event_time", "total_cost");

    private LakeScan() {}

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("measure")) {
            measure(Paths.get(args[1]), args.length > 2 ? args[2] : null);
        } else if (args.length == 8 && args[0].equals("rewrite")) {
            rewrite(Paths.get(args[1]), Paths.get(args[2]), args[3],
                    new ParquetLayout(Long.parseLong(args[4]) * 1024 * 1024, Integer.parseInt(args[5]) * 1024, args[6].equals("v2")),
                    Integer.parseInt(args[7]));
        } else {
            System.err.println("usage: LakeScan measure <lake> [tenant] | rewrite <lake> <out> <codec> <row group MB> <page KB> <v1|v2> <rows per file>");
            System.exit(2);
        }
    }

    static void measure(Path lake, String tenant) throws SQLException {
        System.out.println(Machine.describe());
        String glob = lake.toAbsolutePath() + "/invocations/**/[!.]*.parquet";
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE meta AS SELECT * FROM parquet_metadata('" + glob + "')");
            st.execute("CREATE TABLE files AS SELECT file_name, regexp_replace(file_name, '/[^/]*$', '') AS part,"
                    + " sum(total_compressed_size) AS bytes FROM meta GROUP BY 1, 2");
            st.execute("CREATE VIEW inv AS SELECT * FROM read_parquet('" + glob + "', hive_partitioning = true)");
            long rows = one(st, "SELECT count(*) FROM inv");
            long fileBytes = one(st, "SELECT sum(size) FROM (SELECT file_name, any_value(size) AS size FROM "
                    + "(SELECT filename AS file_name, size FROM read_blob('" + glob + "')) GROUP BY 1)");
            print(st, "files, partitions, row groups",
                    "SELECT (SELECT count(*) FROM files) AS files, (SELECT count(DISTINCT part) FROM files) AS partitions,"
                            + " (SELECT count(DISTINCT (file_name, row_group_id)) FROM meta) AS row_groups");
            print(st, "files per partition", "SELECT min(n), median(n), max(n) FROM (SELECT part, count(*) AS n FROM files GROUP BY 1)");
            print(st, "file size (bytes)", "SELECT min(s), median(s), max(s) FROM (SELECT filename, size AS s FROM read_blob('" + glob + "'))");
            print(st, "rows per row group", "SELECT min(n), median(n), max(n) FROM (SELECT DISTINCT file_name, row_group_id,"
                    + " row_group_num_rows AS n FROM meta)");
            System.out.printf(Locale.ROOT, "rows %,d; files %,d bytes = %.1f B/row%n", rows, fileBytes, fileBytes / (double) rows);
            print(st, "per column: bytes/row, encodings, compression, chunks with min/max",
                    "SELECT path_in_schema, round(sum(total_compressed_size) / " + rows + ", 2) AS bytes_per_row,"
                            + " string_agg(DISTINCT encodings, ' | ') AS encodings, any_value(compression) AS codec,"
                            + " count(*) FILTER (WHERE stats_min IS NOT NULL OR stats_min_value IS NOT NULL) || '/' || count(*) AS with_stats"
                            + " FROM meta GROUP BY 1 ORDER BY sum(total_compressed_size) DESC");
            String cols = QUERY_COLUMNS.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
            if (tenant == null) {
                tenant = string(st, "SELECT tenant_id FROM inv GROUP BY 1 ORDER BY count(*) DESC LIMIT 1 OFFSET 50");
            }
            // Row groups whose tenant_id statistics rule the tenant out are skipped by Athena, Trino, Spark and DuckDB.
            String kept = "(file_name, row_group_id) IN (SELECT (file_name, row_group_id) FROM meta WHERE path_in_schema = 'tenant_id'"
                    + " AND NOT (coalesce(stats_max_value, stats_max) < '" + tenant + "' OR coalesce(stats_min_value, stats_min) > '" + tenant + "'))";
            print(st, "cost per tenant per day, November: column chunks read",
                    "SELECT count(DISTINCT file_name) AS files, count(DISTINCT (file_name, row_group_id)) AS row_groups,"
                            + " sum(total_compressed_size) AS bytes, round(sum(total_compressed_size) / " + rows + ", 2) AS bytes_per_row"
                            + " FROM meta WHERE path_in_schema IN (" + cols + ") AND file_name LIKE '%/month=11/%'");
            print(st, "tenant " + tenant + " per day, November: column chunks read",
                    "SELECT count(DISTINCT file_name) AS files, count(DISTINCT (file_name, row_group_id)) AS row_groups,"
                            + " sum(total_compressed_size) AS bytes FROM meta WHERE path_in_schema IN (" + cols + ")"
                            + " AND file_name LIKE '%/month=11/%' AND " + kept);
            time(st, "cost per tenant per day, November", "SELECT tenant_id, CAST(event_time AS DATE) AS day, sum(total_cost)"
                    + " FROM inv WHERE year = 2026 AND month = 11 GROUP BY 1, 2");
            time(st, "tenant " + tenant + " per day, November", "SELECT CAST(event_time AS DATE) AS day, sum(total_cost)"
                    + " FROM inv WHERE year = 2026 AND month = 11 AND tenant_id = '" + tenant + "' GROUP BY 1");
        }
    }

    /** Median wall time of 5 runs after one warm-up, and the query's row count. */
    private static void time(Statement st, String title, String sql) throws SQLException {
        long[] ms = new long[5];
        long n = 0;
        for (int i = -1; i < ms.length; i++) {
            long t = System.nanoTime();
            n = one(st, "SELECT count(*) FROM (" + sql + ")");
            if (i >= 0) {
                ms[i] = (System.nanoTime() - t) / 1_000_000;
            }
        }
        Arrays.sort(ms);
        System.out.printf(Locale.ROOT, "%s: %,d rows, median %d ms (runs %s)%n", title, n, ms[ms.length / 2], Arrays.toString(ms));
    }

    private static void print(Statement st, String title, String sql) throws SQLException {
        System.out.println(title + ":");
        try (ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder line = new StringBuilder("  ");
                for (int i = 1; i <= n; i++) {
                    line.append(i > 1 ? "  " : "").append(rs.getString(i));
                }
                System.out.println(line);
            }
        }
    }

    private static long one(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String string(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void rewrite(Path lake, Path out, String codec, ParquetLayout layout, int rowsPerFile) throws IOException {
        Path from = lake.resolve(LakeTables.INVOCATIONS);
        List<Path> files;
        try (Stream<Path> s = Files.walk(from)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".parquet") && !p.getFileName().toString().startsWith("."))
                    .sorted().collect(Collectors.toList());
        }
        BulkWriter.Factory writers = LakeSinks.parquet(LakeTables.INVOCATIONS, codec, LakeTables::invocationColumns, layout);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        FileSystem fs = LocalFileSystem.getSharedInstance();
        long cpu = 0;
        long rows = 0;
        int written = 0;
        for (Path file : files) {
            List<Group> groups = read(file);
            int size = rowsPerFile > 0 ? rowsPerFile : Math.max(1, groups.size());
            for (int first = 0, n = 0; first < groups.size(); first += size, n++) {
                String name = file.getFileName().toString().replaceFirst("\\.parquet$", "-" + n + ".parquet");
                Path target = out.resolve(LakeTables.INVOCATIONS).resolve(from.relativize(file.getParent())).resolve(name);
                Files.createDirectories(target.getParent());
                long t = threads.getCurrentThreadCpuTime();
                try (FSDataOutputStream stream = fs.create(new org.apache.flink.core.fs.Path(target.toUri()), FileSystem.WriteMode.OVERWRITE)) {
                    BulkWriter<Object> writer = writers.create(stream);
                    for (Group g : groups.subList(first, Math.min(groups.size(), first + size))) {
                        writer.addElement(g);
                    }
                    writer.finish();
                }
                cpu += threads.getCurrentThreadCpuTime() - t;
                written++;
            }
            rows += groups.size();
        }
        System.out.printf(Locale.ROOT, "%s, %s: %,d files, %,d rows, writer CPU %,.0f ns per row%n", codec, layout, written, rows, cpu / (double) rows);
    }

    private static List<Group> read(Path file) throws IOException {
        List<Group> rows = new ArrayList<>();
        org.apache.flink.core.fs.Path path = new org.apache.flink.core.fs.Path(file.toUri());
        try (ParquetFileReader reader = ParquetFileReader.open(new FlinkInputFile(path, Files.size(file)))) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            MessageColumnIO io = new ColumnIOFactory().getColumnIO(schema);
            PageReadStore pages;
            while ((pages = reader.readNextRowGroup()) != null) {
                RecordReader<Group> records = io.getRecordReader(pages, new GroupRecordConverter(schema));
                for (long i = 0; i < pages.getRowCount(); i++) {
                    rows.add(records.read());
                }
            }
        }
        return rows;
    }
}
