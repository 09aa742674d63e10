package com.bedrockcost.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The pipeline a user would write in DuckDB SQL over the same logs: {@code read_json} of the gzip
 * JSON lines → flatten → join with the job's price table (its CSV files, the same precedence:
 * exact region over {@code *}, exact profile scope over {@code *}, largest {@code min_prompt_tokens}
 * reached, in force at the event time) → {@code COPY … (FORMAT parquet, PARTITION_BY (year, month, day))}.
 * Costs are exact decimals at scale 12, as the job's. The benchmark's yardstick, not part of the job.
 *
 * <p>As a process ({@code main}): {@code <corpus> <pricing folder> <output folder> <threads>}; prints one
 * line {@code records=… total=… wall_ns=… cpu_ns=… peak_rss_kb=…} (CPU and peak RSS of this process
 * from /proc, so the parent measures DuckDB, not its own heap).
 */
public final class DuckDbPipeline {
    private DuckDbPipeline() {}

    /** What one run wrote: rows and the sum of total_cost (null when nothing was priced). */
    public static final class Outcome {
        public final long records;
        public final BigDecimal total;

        Outcome(long records, BigDecimal total) {
            this.records = records;
            this.total = total;
        }
    }

    /** The statements of the pipeline, in order; the last one writes {@code out}. */
    public static List<String> statements(Path corpus, Path pricing, Path out, int threads) {
        String prices = "CREATE TEMP TABLE prices AS\n"
                + "SELECT model_id, region,\n"
                + "       CAST(effective_from AS TIMESTAMPTZ) AS valid_from,\n"
                + "       CAST(NULLIF(effective_to, '') AS TIMESTAMPTZ) AS valid_to,\n"
                + "       CAST(input_per_mtok AS DECIMAL(18,6)) AS input_price,\n"
                + "       CAST(output_per_mtok AS DECIMAL(18,6)) AS output_price,\n"
                + "       CAST(COALESCE(NULLIF(cache_read_per_mtok, ''), '0') AS DECIMAL(18,6)) AS cache_read_price,\n"
                + "       CAST(COALESCE(NULLIF(cache_write_per_mtok, ''), '0') AS DECIMAL(18,6)) AS cache_write_price,\n"
                + "       CAST(COALESCE(NULLIF(min_prompt_tokens, ''), '0') AS BIGINT) AS min_prompt,\n"
                + "       COALESCE(NULLIF(profile_scope, ''), '*') AS scope\n"
                + "FROM read_csv('" + sql(pricing) + "/*.csv', header = true, all_varchar = true, union_by_name = true)";
        String logs = "CREATE TEMP VIEW logs AS\n"
                + "WITH raw AS (\n"
                + "  SELECT * FROM read_json('" + sql(corpus) + "/**/*.gz', format = 'newline_delimited', compression = 'gzip',\n"
                + "    columns = {timestamp: 'VARCHAR', accountId: 'VARCHAR', identity: 'STRUCT(arn VARCHAR)', region: 'VARCHAR',\n"
                + "      requestId: 'VARCHAR', operation: 'VARCHAR', modelId: 'VARCHAR', inferenceRegion: 'VARCHAR',\n"
                + "      input: 'STRUCT(inputTokenCount BIGINT, cacheReadInputTokenCount BIGINT, cacheWriteInputTokenCount BIGINT)',\n"
                + "      output: 'STRUCT(outputTokenCount BIGINT)', errorCode: 'VARCHAR', requestMetadata: 'MAP(VARCHAR, VARCHAR)'})\n"
                + "), ids AS (\n"
                + "  SELECT *, CASE WHEN modelId NOT LIKE 'arn:%' THEN modelId\n"
                + "                 ELSE regexp_extract(modelId, '^arn:[^:]+:bedrock:[^:]*:[^:]*:(foundation-model|inference-profile)/([^/]+)$', 2) END AS profile_id\n"
                + "  FROM raw\n"
                + ")\n"
                + "SELECT requestId AS request_id, CAST(\"timestamp\" AS TIMESTAMPTZ) AS event_time, accountId AS account_id, region,\n"
                + "       inferenceRegion AS inference_region, operation, modelId AS model_id,\n"
                + "       NULLIF(regexp_replace(profile_id, '^(us|eu|apac|jp|au|us-gov|global)\\.', ''), '') AS model,\n"
                + "       CASE WHEN COALESCE(profile_id, '') = '' THEN NULL\n"
                + "            WHEN profile_id LIKE 'global.%' THEN 'global'\n"
                + "            WHEN regexp_matches(profile_id, '^(us|eu|apac|jp|au|us-gov)\\.') THEN 'geo'\n"
                + "            ELSE 'in-region' END AS profile_scope,\n"
                + "       identity.arn AS identity_arn, requestMetadata['tenantId'] AS tenant_id, requestMetadata AS request_metadata,\n"
                + "       COALESCE(input.inputTokenCount, 0) AS input_tokens, COALESCE(output.outputTokenCount, 0) AS output_tokens,\n"
                + "       COALESCE(input.cacheReadInputTokenCount, 0) AS cache_read_tokens,\n"
                + "       COALESCE(input.cacheWriteInputTokenCount, 0) AS cache_write_tokens, errorCode AS error_code\n"
                + "FROM ids";
        String priced = "CREATE TEMP VIEW priced AS\n"
                + "SELECT l.*, p.input_price, p.output_price, p.cache_read_price, p.cache_write_price\n"
                + "FROM logs l LEFT JOIN prices p\n"
                + "  ON p.model_id = l.model AND p.region IN (l.region, '*') AND p.scope IN (l.profile_scope, '*')\n"
                + " AND p.min_prompt <= l.input_tokens + l.cache_read_tokens + l.cache_write_tokens\n"
                + " AND l.event_time >= p.valid_from AND (p.valid_to IS NULL OR l.event_time < p.valid_to)\n"
                + "QUALIFY row_number() OVER (PARTITION BY l.request_id\n"
                + "  ORDER BY (p.region = l.region) DESC, (p.scope = l.profile_scope) DESC, p.min_prompt DESC) = 1";
        String cost = "CAST(%s * %s * 0.000001 AS DECIMAL(38,12))";
        String copy = "COPY (\n"
                + "  SELECT * EXCLUDE (input_price, output_price, cache_read_price, cache_write_price),\n"
                + "         input_cost + output_cost + cache_read_cost + cache_write_cost AS total_cost,\n"
                + "         CASE WHEN input_cost IS NULL THEN 'UNPRICED' ELSE 'PRICED' END AS pricing_status,\n"
                + "         strftime(event_time, '%Y') AS year, strftime(event_time, '%m') AS month, strftime(event_time, '%d') AS day\n"
                + "  FROM (SELECT *, " + String.format(cost, "input_tokens", "input_price") + " AS input_cost,\n"
                + "               " + String.format(cost, "output_tokens", "output_price") + " AS output_cost,\n"
                + "               " + String.format(cost, "cache_read_tokens", "cache_read_price") + " AS cache_read_cost,\n"
                + "               " + String.format(cost, "cache_write_tokens", "cache_write_price") + " AS cache_write_cost\n"
                + "        FROM priced)\n"
                + ") TO '" + sql(out) + "' (FORMAT parquet, PARTITION_BY (year, month, day))";
        return List.of("SET threads = " + threads, "SET TimeZone = 'UTC'", "SET preserve_insertion_order = false",
                prices, logs, priced, copy);
    }

    /** Runs the pipeline over {@code corpus} into {@code out} (which must not exist yet). */
    public static Outcome run(Path corpus, Path pricing, Path out, int threads) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            for (String s : statements(corpus, pricing, out, threads)) {
                st.execute(s);
            }
        }
        return totals(out);
    }

    /** Rows and sum of total_cost of the Parquet files under {@code dir} (an invocations table). */
    public static Outcome totals(Path dir) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), sum(total_cost) FROM read_parquet('" + sql(dir)
                     + "/**/*.parquet', hive_partitioning = false)")) {
            rs.next();
            return new Outcome(rs.getLong(1), rs.getBigDecimal(2));
        }
    }

    private static String sql(Path p) {
        return p.toAbsolutePath().toString().replace("'", "''");
    }

    public static void main(String[] args) throws Exception {
        Path corpus = Paths.get(args[0]);
        Path pricing = Paths.get(args[1]);
        Path out = Paths.get(args[2]);
        int threads = Integer.parseInt(args[3]);
        long cpu0 = ProcStat.selfCpuNanos();
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            for (String s : statements(corpus, pricing, out, threads)) {
                st.execute(s);
            }
        }
        long wall = System.nanoTime() - t0;
        long cpu = ProcStat.selfCpuNanos() - cpu0;
        Outcome o = totals(out);
        System.out.printf("records=%d total=%s wall_ns=%d cpu_ns=%d peak_rss_kb=%d%n",
                o.records, o.total == null ? "null" : o.total.toPlainString(), wall, cpu, ProcStat.selfPeakRssKb());
    }

    /** This process's CPU time and peak resident set from /proc (Linux); -1 where unknown. */
    static final class ProcStat {
        private ProcStat() {}

        static long selfCpuNanos() throws IOException {
            Path stat = Paths.get("/proc/self/stat");
            if (!Files.exists(stat)) {
                return -1;
            }
            String s = Files.readString(stat);
            // Fields after the command name (which may hold spaces) start after the last ')'.
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            return ticks * 10_000_000L; // USER_HZ = 100 on Linux
        }

        static long selfPeakRssKb() throws IOException {
            Path status = Paths.get("/proc/self/status");
            if (!Files.exists(status)) {
                return -1;
            }
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        }
    }
}
