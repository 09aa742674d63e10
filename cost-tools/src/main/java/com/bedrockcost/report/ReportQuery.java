package com.bedrockcost.report;

import com.bedrockcost.lake.LakeTablesSql;
import com.bedrockcost.lake.LakeViews;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static com.bedrockcost.lake.LakeTablesSql.literal;

/**
 * Reads the lake for a report with DuckDB ({@link LakeViews}): the slice's invocations, at their
 * current cost ({@value LakeViews#INVOCATIONS_CURRENT}), grouped in one scan per tenant, department,
 * model and day together
 * (the dashboard's date ranges and drill-downs; the totals per tenant, department and model are
 * summed from these here, exactly, and the overall totals from the models), per company, per hour,
 * a histogram of latency per model from which the exact nearest-rank percentiles are taken here
 * (bounded by the number of distinct latencies, not of invocations), and the failed inputs.
 */
public final class ReportQuery {
    // GROUPING(company, h) of the three grouping sets: a 1 bit for each of the two not grouped.
    private static final int BY_TENANT_DEPARTMENT_MODEL_DAY = 0b11;
    private static final int BY_COMPANY = 0b01;
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd HH");
    /** The columns of invocations the metrics aggregate. */
    private static final String COLUMNS = "input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, input_cost, output_cost,"
            + " cache_read_cost, cache_write_cost, total_cost, pricing_status, error_code, latency_ms, guardrail_text_units,"
            + " guardrail_cost, image_cost, video_cost, rerank_cost";
    /** Columns of every group, in this order: name and aggregate over the slice. */
    private static final String[][] METRICS = {
        {"invocations", "CAST(count(*) AS BIGINT)"},
        {"input_tokens", "CAST(sum(input_tokens) AS BIGINT)"},
        {"output_tokens", "CAST(sum(output_tokens) AS BIGINT)"},
        {"cache_read_tokens", "CAST(sum(cache_read_tokens) AS BIGINT)"},
        {"cache_write_tokens", "CAST(sum(cache_write_tokens) AS BIGINT)"},
        {"input_cost", "sum(input_cost)"},
        {"output_cost", "sum(output_cost)"},
        {"cache_read_cost", "sum(cache_read_cost)"},
        {"cache_write_cost", "sum(cache_write_cost)"},
        {"total_cost", "sum(total_cost)"},
        {"unpriced", "CAST(count(*) FILTER (WHERE pricing_status = 'UNPRICED') AS BIGINT)"},
        {"errors", "CAST(count(error_code) AS BIGINT)"},
        {"latency_count", "CAST(count(latency_ms) AS BIGINT)"},
        {"latency_ms_sum", "CAST(sum(latency_ms) AS BIGINT)"},
        {"latency_ms_max", "max(latency_ms)"},
        {"guardrail_text_units", "CAST(sum(guardrail_text_units) AS BIGINT)"},
        {"guardrail_cost", "sum(guardrail_cost)"},
        {"image_cost", "sum(image_cost)"},
        {"video_cost", "sum(video_cost)"},
        {"rerank_cost", "sum(rerank_cost)"},
    };

    private ReportQuery() {}

    /** Reads the slice of the lake that {@code options} names. */
    static ReportData read(ReportOptions options, LakeViews lake) throws IOException {
        ReportData data = new ReportData(options);
        if (!lake.has(LakeViews.INVOCATIONS)) {
            return data;
        }
        data.failedShown = options.tenant == null && options.model == null;
        try (Statement st = lake.statement()) {
            // One scan of the slice, grouped three ways; hours and days as whole hours since the epoch (UTC), named here.
            String slice = "(SELECT tenant_id, request_metadata['company'] AS company, request_metadata['department'] AS department,"
                    + " model, epoch_us(event_time) // 3600000000 AS h, epoch_us(event_time) // 86400000000 AS d, " + COLUMNS
                    + " FROM " + LakeViews.INVOCATIONS_CURRENT + where(options, true) + ")";
            try (ResultSet rs = st.executeQuery("SELECT GROUPING(company, h) AS g, tenant_id, department, model, d, company, h, "
                    + metrics() + " FROM " + slice + " GROUP BY GROUPING SETS ((tenant_id, department, model, d), (company), (h))")) {
                while (rs.next()) {
                    int g = rs.getInt(1);
                    if (g == BY_TENANT_DEPARTMENT_MODEL_DAY) {
                        ReportData.Cell cell = new ReportData.Cell(orElse(rs.getString(2), ReportData.NO_TENANT),
                                orElse(rs.getString(3), ReportData.NONE), orElse(rs.getString(4), ReportData.UNKNOWN_MODEL),
                                LocalDate.ofEpochDay(rs.getLong(5)).toString(), totals(rs, 8));
                        data.daily.add(cell);
                        data.tenants.computeIfAbsent(cell.tenant, x -> new Totals()).add(cell.totals);
                        data.departments.computeIfAbsent(cell.department, x -> new Totals()).add(cell.totals);
                        data.models.computeIfAbsent(cell.model, x -> new Totals()).add(cell.totals);
                    } else if (g == BY_COMPANY) {
                        data.companies.put(orElse(rs.getString(6), ReportData.NONE), totals(rs, 8));
                    } else {
                        data.hours.put(HOUR.format(LocalDateTime.ofEpochSecond(rs.getLong(7) * 3600, 0, ZoneOffset.UTC)), totals(rs, 8));
                    }
                }
            }
            // Java's order of the labels, as the tables are sorted.
            data.daily.sort(Comparator.comparing((ReportData.Cell c) -> c.day).thenComparing(c -> c.tenant)
                    .thenComparing(c -> c.department).thenComparing(c -> c.model));
            for (Totals model : data.models.values()) {
                data.overall.add(model);
            }
            // How many invocations of each model had each latency: the percentiles are read from it.
            Map<String, TreeMap<Long, Long>> latencies = new HashMap<>();
            String where = where(options, true);
            try (ResultSet rs = st.executeQuery("SELECT model, latency_ms, CAST(count(*) AS BIGINT) FROM " + LakeViews.INVOCATIONS_CURRENT
                    + where + (where.isEmpty() ? " WHERE" : " AND") + " latency_ms IS NOT NULL GROUP BY ALL")) {
                while (rs.next()) {
                    latencies.computeIfAbsent(orElse(rs.getString(1), ReportData.UNKNOWN_MODEL), x -> new TreeMap<>())
                            .merge(rs.getLong(2), rs.getLong(3), Long::sum);
                }
            }
            percentiles(data, latencies);
            if (data.failedShown && lake.has(LakeViews.FAILED)) {
                String failed = "(SELECT error_type, " + LakeViews.PARTITION_DAY + " AS fday FROM " + LakeViews.FAILED
                        + where(options, false) + ")";
                try (ResultSet rs = st.executeQuery("SELECT error_type, CAST(count(*) AS BIGINT) FROM " + failed + " GROUP BY ALL")) {
                    while (rs.next()) {
                        data.failedByType.put(rs.getString(1), rs.getLong(2));
                        data.failedTotal += rs.getLong(2);
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT fday, CAST(count(*) AS BIGINT) FROM " + failed + " GROUP BY ALL")) {
                    while (rs.next()) {
                        data.failedByDay.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IOException("Reading the lake at " + options.lake + " failed: " + e.getMessage(), e);
        }
        return data;
    }

    /** Every distinct value of {@code column} of invocations in the whole lake, NULL shown as {@code nullLabel}; sorted. */
    static List<String> distinct(String column, String nullLabel, String root) throws IOException {
        List<String> out = new ArrayList<>();
        try (LakeViews lake = LakeViews.open(root); Statement st = lake.statement();
             ResultSet rs = st.executeQuery("SELECT DISTINCT " + column + " FROM " + LakeViews.INVOCATIONS)) {
            while (rs.next()) {
                out.add(orElse(rs.getString(1), nullLabel));
            }
        } catch (SQLException e) {
            throw new IOException("Reading the lake at " + root + " failed: " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }

    /** The filters as a WHERE clause; tenant and model do not apply to the failed table. */
    static String where(ReportOptions o, boolean invocations) {
        List<String> c = new ArrayList<>();
        String day = LakeViews.PARTITION_DAY;
        if (o.from != null) {
            c.add(day + " >= " + literal(o.from.toString()));
        }
        if (o.to != null) {
            c.add(day + " <= " + literal(o.to.toString()));
        }
        if (o.ingestedSince != null) {
            c.add(LakeSummary.ingestedSince(o.ingestedSince));
        }
        if (invocations && o.tenant != null) {
            c.add(o.tenant.equals(ReportData.NO_TENANT) ? "tenant_id IS NULL" : "tenant_id = " + literal(o.tenant));
        }
        if (invocations && o.model != null) {
            c.add(o.model.equals(ReportData.UNKNOWN_MODEL) ? "model IS NULL" : "model = " + literal(o.model));
        }
        return c.isEmpty() ? "" : " WHERE " + String.join(" AND ", c);
    }

    private static String metrics() {
        List<String> cols = new ArrayList<>();
        for (String[] m : METRICS) {
            cols.add(m[1] + " AS " + m[0]);
        }
        return String.join(", ", cols);
    }

    private static String orElse(String v, String label) {
        return v == null ? label : v;
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

    /** The metric columns of a group ({@link #METRICS}, in order), which start at column {@code first}. */
    private static Totals totals(ResultSet rs, int first) throws SQLException {
        int c = first;
        Totals t = new Totals();
        t.invocations = rs.getLong(c++);
        t.inputTokens = rs.getLong(c++);
        t.outputTokens = rs.getLong(c++);
        t.cacheReadTokens = rs.getLong(c++);
        t.cacheWriteTokens = rs.getLong(c++);
        t.inputCost = rs.getBigDecimal(c++);
        t.outputCost = rs.getBigDecimal(c++);
        t.cacheReadCost = rs.getBigDecimal(c++);
        t.cacheWriteCost = rs.getBigDecimal(c++);
        t.totalCost = rs.getBigDecimal(c++);
        t.unpriced = rs.getLong(c++);
        t.errors = rs.getLong(c++);
        t.latencyCount = rs.getLong(c++);
        t.latencyMsSum = rs.getLong(c++);
        long max = rs.getLong(c++);
        t.latencyMsMax = rs.wasNull() ? null : max;
        t.guardrailTextUnits = rs.getLong(c++);
        t.guardrailCost = rs.getBigDecimal(c++);
        t.imageCost = rs.getBigDecimal(c++);
        t.videoCost = rs.getBigDecimal(c++);
        t.rerankCost = rs.getBigDecimal(c);
        return t;
    }
}
