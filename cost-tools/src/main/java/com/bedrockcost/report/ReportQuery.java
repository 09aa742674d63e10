package com.bedrockcost.report;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.sink.LakeTables;

import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.config.OptimizerConfigOptions;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import static com.bedrockcost.report.LakeTablesSql.literal;

/**
 * Reads the lake for a report with Flink SQL in batch mode: the filesystem connector over the
 * Hive-partitioned Parquet ({@code invocations}, {@code failed}), date filters pruning partitions.
 * One job answers everything: a GROUPING SETS aggregation per company, per hour, and per tenant,
 * department, model and day together (the dashboard's date ranges and drill-downs; the totals per
 * tenant, department and model are summed from these here, exactly, and the overall totals from the
 * models), a histogram of latency per model from
 * which the exact nearest-rank percentiles are taken here (bounded by the number of distinct
 * latencies, not of invocations), and the failed inputs.
 */
public final class ReportQuery {
    // GROUPING_ID(tenant_id, company, department, model, hour, day): a 1 bit for each column not grouped.
    private static final int BY_COMPANY = 0b101111;
    private static final int BY_HOUR = 0b111101;
    private static final int BY_TENANT_DEPARTMENT_MODEL_DAY = 0b010010;
    private static final int LATENCY_BY_MODEL = 99;
    private static final int FAILED_BY_TYPE = 100;
    private static final int FAILED_BY_DAY = 101;

    /** Columns after {@code g} and {@code k}, in this order, in every branch of the query. */
    private static final String[][] METRICS = {
        {"invocations", "BIGINT", "COUNT(*)"},
        {"input_tokens", "BIGINT", "SUM(input_tokens)"},
        {"output_tokens", "BIGINT", "SUM(output_tokens)"},
        {"cache_read_tokens", "BIGINT", "SUM(cache_read_tokens)"},
        {"cache_write_tokens", "BIGINT", "SUM(cache_write_tokens)"},
        {"input_cost", "DECIMAL(38, 12)", "SUM(input_cost)"},
        {"output_cost", "DECIMAL(38, 12)", "SUM(output_cost)"},
        {"cache_read_cost", "DECIMAL(38, 12)", "SUM(cache_read_cost)"},
        {"cache_write_cost", "DECIMAL(38, 12)", "SUM(cache_write_cost)"},
        {"total_cost", "DECIMAL(38, 12)", "SUM(total_cost)"},
        {"unpriced", "BIGINT", "COUNT(*) FILTER (WHERE pricing_status = 'UNPRICED')"},
        {"errors", "BIGINT", "COUNT(error_code)"},
        {"latency_count", "BIGINT", "COUNT(latency_ms)"},
        {"latency_ms_sum", "BIGINT", "SUM(latency_ms)"},
        {"latency_ms_max", "BIGINT", "MAX(latency_ms)"},
        {"guardrail_text_units", "BIGINT", "SUM(guardrail_text_units)"},
        {"guardrail_cost", "DECIMAL(38, 12)", "SUM(guardrail_cost)"},
    };

    private static final DateTimeFormatter SQL_TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    private ReportQuery() {}

    /** Runs the report's query on a local Flink MiniCluster (file systems, S3 included, configured from {@code config}). */
    public static ReportData read(ReportOptions options, JobConfig config) throws IOException {
        ReportData data = new ReportData(options);
        String root = options.lake;
        if (LakeSummary.parquetFiles(new Path(root, LakeTables.INVOCATIONS)).isEmpty()) {
            return data;
        }
        data.failedShown = options.tenant == null && options.model == null;
        boolean withFailed = data.failedShown && !LakeSummary.parquetFiles(new Path(root, LakeTables.FAILED)).isEmpty();

        StreamExecutionEnvironment env = LocalRunner.batchEnvironment(config);
        StreamTableEnvironment sql = StreamTableEnvironment.create(env, EnvironmentSettings.inBatchMode());
        sql.getConfig().setLocalTimeZone(ZoneOffset.UTC);
        // Planning would otherwise read every Parquet footer for statistics this query does not need.
        sql.getConfig().set(OptimizerConfigOptions.TABLE_OPTIMIZER_SOURCE_REPORT_STATISTICS_ENABLED, false);
        sql.executeSql(LakeTablesSql.createTable(LakeTables.INVOCATIONS, root));
        sql.executeSql("CREATE TEMPORARY VIEW inv AS SELECT tenant_id, request_metadata['company'] AS company,"
                + " request_metadata['department'] AS department, `model`, DATE_FORMAT(event_time, 'yyyy-MM-dd HH') AS `hour`,"
                + " DATE_FORMAT(event_time, 'yyyy-MM-dd') AS `day`, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,"
                + " input_cost, output_cost, cache_read_cost, cache_write_cost, total_cost, pricing_status, error_code, latency_ms,"
                + " guardrail_text_units, guardrail_cost"
                + " FROM invocations" + where(options, true));
        if (withFailed) {
            sql.executeSql(LakeTablesSql.createTable(LakeTables.FAILED, root));
        }
        try (CloseableIterator<Row> rows = sql.executeSql(query(options, withFailed)).collect()) {
            Map<String, TreeMap<Long, Long>> latencies = new HashMap<>();
            while (rows.hasNext()) {
                add(data, latencies, rows.next());
            }
            for (Totals model : data.models.values()) {
                data.overall.add(model);
            }
            percentiles(data, latencies);
            data.daily.sort(java.util.Comparator.comparing((ReportData.Cell c) -> c.day).thenComparing(c -> c.tenant)
                    .thenComparing(c -> c.department).thenComparing(c -> c.model));
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("Reading the lake at " + root + " failed: " + e.getMessage(), e);
        }
        return data;
    }

    /** Every distinct value of {@code column} of invocations in the whole lake, NULL shown as {@code nullLabel}; sorted. */
    static List<String> distinct(String column, String nullLabel, String root, JobConfig config) throws IOException {
        StreamTableEnvironment sql = StreamTableEnvironment.create(LocalRunner.batchEnvironment(config), EnvironmentSettings.inBatchMode());
        sql.getConfig().set(OptimizerConfigOptions.TABLE_OPTIMIZER_SOURCE_REPORT_STATISTICS_ENABLED, false);
        sql.executeSql(LakeTablesSql.createTable(LakeTables.INVOCATIONS, root));
        List<String> out = new ArrayList<>();
        try (CloseableIterator<Row> rows = sql.executeSql("SELECT DISTINCT " + column + " FROM invocations").collect()) {
            while (rows.hasNext()) {
                Object v = rows.next().getField(0);
                out.add(v == null ? nullLabel : (String) v);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("Reading the lake at " + root + " failed: " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }

    /** The filters as a WHERE clause; tenant and model do not apply to the failed table. */
    static String where(ReportOptions o, boolean invocations) {
        List<String> c = new ArrayList<>();
        String day = "CONCAT(`year`, '-', `month`, '-', `day`)";
        if (o.from != null) {
            c.add(day + " >= " + literal(o.from.toString()));
        }
        if (o.to != null) {
            c.add(day + " <= " + literal(o.to.toString()));
        }
        if (o.ingestedSince != null) {
            c.add("ingest_time >= TIMESTAMP " + literal(SQL_TIMESTAMP.format(LocalDateTime.ofInstant(o.ingestedSince, ZoneOffset.UTC))));
        }
        if (invocations && o.tenant != null) {
            c.add(o.tenant.equals(ReportData.NO_TENANT) ? "tenant_id IS NULL" : "tenant_id = " + literal(o.tenant));
        }
        if (invocations && o.model != null) {
            c.add(o.model.equals(ReportData.UNKNOWN_MODEL) ? "`model` IS NULL" : "`model` = " + literal(o.model));
        }
        return c.isEmpty() ? "" : " WHERE " + String.join(" AND ", c);
    }

    static String query(ReportOptions options, boolean withFailed) {
        // The overall totals are the sum over the models (every invocation has one model key, NULL included).
        String gid = "GROUPING_ID(tenant_id, company, department, `model`, `hour`, `day`)";
        List<String> branches = new ArrayList<>();
        // The (tenant, department, model, day) rows carry the department, model and day in extra key columns.
        branches.add("SELECT " + gid + " AS g, CASE " + gid
                + " WHEN " + BY_COMPANY + " THEN company WHEN " + BY_HOUR + " THEN `hour`"
                + " ELSE tenant_id END AS k, " + metrics(null) + ", " + extraKeys(gid)
                + " FROM inv GROUP BY GROUPING SETS ((company), (`hour`), (tenant_id, department, `model`, `day`))");
        // How many invocations of each model had each latency: the percentiles are read from it.
        branches.add("SELECT " + LATENCY_BY_MODEL + " AS g, `model` AS k, " + latencyHistogram() + ", " + extraKeys(null)
                + " FROM inv WHERE latency_ms IS NOT NULL GROUP BY `model`, latency_ms");
        if (withFailed) {
            String fid = "GROUPING_ID(error_type, fday)";
            branches.add("SELECT CASE " + fid + " WHEN 1 THEN " + FAILED_BY_TYPE + " ELSE " + FAILED_BY_DAY + " END AS g,"
                    + " CASE " + fid + " WHEN 1 THEN error_type ELSE fday END AS k, " + metrics("COUNT(*)") + ", " + extraKeys(null)
                    + " FROM (SELECT error_type, CONCAT(`year`, '-', `month`, '-', `day`) AS fday FROM failed"
                    + where(options, false) + ") GROUP BY GROUPING SETS ((error_type), (fday))");
        }
        return String.join("\nUNION ALL\n", branches);
    }

    /** The last columns of every branch: department, model and day of the (tenant, department, model, day) rows, NULL otherwise. */
    private static String extraKeys(String gid) {
        if (gid == null) {
            return "CAST(NULL AS STRING) AS k_department, CAST(NULL AS STRING) AS k_model, CAST(NULL AS STRING) AS k_day";
        }
        String when = "CASE " + gid + " WHEN " + BY_TENANT_DEPARTMENT_MODEL_DAY + " THEN ";
        return when + "department END AS k_department, " + when + "`model` END AS k_model, " + when + "`day` END AS k_day";
    }

    /** The histogram branch's columns: the count in latency_count, the latency value in latency_ms_max. */
    private static String latencyHistogram() {
        List<String> cols = new ArrayList<>();
        for (String[] m : METRICS) {
            String expr = m[0].equals("latency_count") ? "COUNT(*)" : m[0].equals("latency_ms_max") ? "latency_ms"
                    : "CAST(NULL AS " + m[1] + ")";
            cols.add(expr + " AS " + m[0]);
        }
        return String.join(", ", cols);
    }

    /** The metric columns of one branch: the aggregates of invocations, or only a count (NULL for the rest). */
    private static String metrics(String count) {
        List<String> cols = new ArrayList<>();
        for (String[] m : METRICS) {
            String expr = count == null ? m[2] : m[0].equals("invocations") ? count : "CAST(NULL AS " + m[1] + ")";
            cols.add(expr + " AS " + m[0]);
        }
        return String.join(", ", cols);
    }

    private static void add(ReportData data, Map<String, TreeMap<Long, Long>> latencies, Row r) {
        int g = ((Number) r.getField(0)).intValue();
        String k = (String) r.getField(1);
        switch (g) {
            case BY_COMPANY:
                data.companies.put(k == null ? ReportData.NONE : k, totals(r));
                break;
            case BY_HOUR:
                data.hours.put(k, totals(r));
                break;
            case BY_TENANT_DEPARTMENT_MODEL_DAY:
                int extra = 2 + METRICS.length;
                ReportData.Cell cell = new ReportData.Cell(k == null ? ReportData.NO_TENANT : k,
                        r.getField(extra) == null ? ReportData.NONE : (String) r.getField(extra),
                        r.getField(extra + 1) == null ? ReportData.UNKNOWN_MODEL : (String) r.getField(extra + 1),
                        (String) r.getField(extra + 2), totals(r));
                data.daily.add(cell);
                data.tenants.computeIfAbsent(cell.tenant, x -> new Totals()).add(cell.totals);
                data.departments.computeIfAbsent(cell.department, x -> new Totals()).add(cell.totals);
                data.models.computeIfAbsent(cell.model, x -> new Totals()).add(cell.totals);
                break;
            case LATENCY_BY_MODEL:
                // One row per (model, latency value): how many invocations had exactly that latency.
                Totals t = totals(r);
                latencies.computeIfAbsent(k == null ? ReportData.UNKNOWN_MODEL : k, x -> new TreeMap<>())
                        .merge(t.latencyMsMax, t.latencyCount, Long::sum);
                break;
            case FAILED_BY_TYPE:
                data.failedByType.put(k, asLong(r.getField(2)));
                data.failedTotal += asLong(r.getField(2));
                break;
            case FAILED_BY_DAY:
                data.failedByDay.put(k, asLong(r.getField(2)));
                break;
            default:
                throw new IllegalStateException("Unexpected row of the report query: " + r);
        }
    }

    /** p50 and p95 of every model and overall, from the latency histograms. */
    private static void percentiles(ReportData data, Map<String, TreeMap<Long, Long>> latencies) {
        TreeMap<Long, Long> all = new TreeMap<>();
        for (Map.Entry<String, TreeMap<Long, Long>> e : latencies.entrySet()) {
            Totals t = data.models.get(e.getKey());
            if (t != null) {
                t.latencyMsP50 = percentile(e.getValue(), 50);
                t.latencyMsP95 = percentile(e.getValue(), 95);
            }
            e.getValue().forEach((latency, count) -> all.merge(latency, count, Long::sum));
        }
        data.overall.latencyMsP50 = percentile(all, 50);
        data.overall.latencyMsP95 = percentile(all, 95);
    }

    /** Nearest rank: the value at position ceil(p/100 * n) of the sorted values (1-based); null when there are none. */
    static Long percentile(TreeMap<Long, Long> histogram, int p) {
        long n = 0;
        for (long c : histogram.values()) {
            n += c;
        }
        if (n == 0) {
            return null;
        }
        long rank = (p * n + 99) / 100;
        long seen = 0;
        for (Map.Entry<Long, Long> e : histogram.entrySet()) {
            seen += e.getValue();
            if (seen >= rank) {
                return e.getKey();
            }
        }
        return histogram.lastKey();
    }

    private static Totals totals(Row r) {
        Totals t = new Totals();
        t.invocations = asLong(r.getField(2));
        t.inputTokens = asLong(r.getField(3));
        t.outputTokens = asLong(r.getField(4));
        t.cacheReadTokens = asLong(r.getField(5));
        t.cacheWriteTokens = asLong(r.getField(6));
        t.inputCost = (BigDecimal) r.getField(7);
        t.outputCost = (BigDecimal) r.getField(8);
        t.cacheReadCost = (BigDecimal) r.getField(9);
        t.cacheWriteCost = (BigDecimal) r.getField(10);
        t.totalCost = (BigDecimal) r.getField(11);
        t.unpriced = asLong(r.getField(12));
        t.errors = asLong(r.getField(13));
        t.latencyCount = asLong(r.getField(14));
        t.latencyMsSum = asLong(r.getField(15));
        t.latencyMsMax = (Long) r.getField(16);
        t.guardrailTextUnits = asLong(r.getField(17));
        t.guardrailCost = (BigDecimal) r.getField(18);
        return t;
    }

    private static long asLong(Object v) {
        return v == null ? 0L : ((Number) v).longValue();
    }
}
