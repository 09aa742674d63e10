package com.bedrockcost.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The dashboard: one self-contained HTML file (inline CSS, inline script drawing SVG, no network at
 * view time). Tables are plain HTML with the exact values in {@code data-value} attributes; the
 * numbers are also embedded as JSON ({@code <script id="report-data">}) for the charts and for
 * machines. Money is exact decimal text throughout, never a binary floating point number.
 */
public final class Dashboard {
    /** Decimals shown for money in the tables; the exact value (scale 12) is in data-value and in the CSV files. */
    static final int MONEY_DECIMALS = 6;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] CSV_FILES = {
        "summary.csv", "tenants.csv", "companies.csv", "departments.csv", "models.csv", "timeline.csv", "failed.csv"};

    private Dashboard() {}

    public static String html(ReportView v, Instant generatedAt) {
        ReportData d = v.data;
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\" data-render=\"pending\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Bedrock cost dashboard</title>\n")
                .append("<script>\n")
                .append("window.__errors = [];\n")
                .append("window.__reportError = function (m) { window.__errors.push(m);")
                .append(" document.documentElement.setAttribute('data-errors', window.__errors.join(' | '));")
                .append(" var b = document.getElementById('render-errors'); if (b) { b.style.display = 'block';")
                .append(" b.textContent = 'Chart errors: ' + window.__errors.join(' | '); } };\n")
                .append("window.onerror = function (msg, src, line) { window.__reportError(msg + ' (line ' + line + ')'); };\n")
                .append("</script>\n<style>\n").append(resource("dashboard.css")).append("</style>\n</head>\n<body>\n");

        h.append("<header><h1>Bedrock cost dashboard</h1><div class=\"meta\">")
                .append("<span>Lake: ").append(esc(d.options.lake)).append("</span>")
                .append("<span>Slice: ").append(esc(d.options.describe())).append("</span>")
                .append("<span>Event time: ").append(esc(period(v))).append(" (UTC)</span>")
                .append("<span>Generated ").append(esc(generatedAt.toString())).append("</span>")
                .append("</div></header>\n<div id=\"render-errors\"></div>\n<main>\n");

        if (d.overall.invocations == 0) {
            h.append("<section><h2>No invocations</h2><p class=\"note\">The lake has no invocations in this slice (")
                    .append(esc(d.options.describe())).append(").</p></section>\n");
        }
        kpis(h, d);

        section(h, "tenants", "Cost and tokens by tenant", "Top " + d.options.top + " tenants by cost (then tokens), the rest summed as others. "
                + "Tenant from requestMetadata or the configured mapping; " + ReportData.NO_TENANT + " = not attributable.",
                v.tenants, "tenant", "tenants", false);
        section(h, "companies", "By company", "From requestMetadata['company']; " + ReportData.NONE + " = not given.",
                v.companies, "company", "companies", false);
        section(h, "departments", "By department", "From requestMetadata['department']; " + ReportData.NONE + " = not given.",
                v.departments, "department", "departments", false);

        h.append("<section id=\"models\"><h2>By model</h2><p class=\"note\">Canonical model id (geo/global prefixes and ARNs resolved).")
                .append(" Latency percentiles are exact (nearest rank).</p>\n<div class=\"charts\">")
                .append(chart("models-share", "Share of invocations")).append(chart("models-cost", "Cost (USD)"))
                .append(chart("models-tokens", "Tokens")).append("</div>\n");
        table(h, "models", "model", "models", v.models, true);
        h.append("</section>\n");

        h.append("<section id=\"trends\"><h2>Trends</h2><p class=\"note\">Per ").append(v.granularity)
                .append(" of event time (UTC); empty ").append(v.granularity).append("s count zero.</p>\n<div class=\"charts\">")
                .append(chart("trend-tokens", "Tokens by kind")).append(chart("trend-cost", "Cost (USD)"))
                .append(chart("trend-calls", "Invocations, model errors, unpriced"))
                .append(chart("trend-latency", "Latency (ms)")).append("</div>\n");
        timelineTable(h, v);
        h.append("</section>\n");

        h.append("<section id=\"quality\"><h2>Latency, failures and unpriced calls</h2><p class=\"note\">")
                .append("Model errors are invocations Bedrock logged with an errorCode. Unpriced invocations had no price in force")
                .append(" and are not in any cost. Failed inputs are records the job could not read (the failed table, by day of processing).</p>\n")
                .append("<div class=\"charts\">").append(chart("latency-models", "Latency p50 / p95 by model (ms)"))
                .append(chart("unpriced-models", "Unpriced invocations by model"))
                .append(chart("failed-types", "Failed inputs by error type")).append("</div>\n");
        failedTable(h, d);
        h.append("</section>\n");

        h.append("<section id=\"downloads\"><h2>CSV files</h2><p class=\"downloads\">");
        for (String f : CSV_FILES) {
            h.append("<a href=\"").append(f).append("\">").append(f).append("</a>");
        }
        h.append("</p><p class=\"note\">The same tables with every row (all tenants, not only the top) and exact decimals.</p></section>\n");

        h.append("</main>\n<footer>Costs in USD, summed exactly from the lake's decimal(38,12) columns; tables show ")
                .append(MONEY_DECIMALS).append(" decimals (rounded half-even) and hold the exact value in data-value.")
                .append(" Read with Flink SQL (batch) from the lake's invocations and failed tables.</footer>\n");
        h.append("<script type=\"application/json\" id=\"report-data\">").append(scriptSafe(json(v, generatedAt))).append("</script>\n")
                .append("<script>\n").append(resource("dashboard.js")).append("</script>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void kpis(StringBuilder h, ReportData d) {
        Totals t = d.overall;
        h.append("<section id=\"overview\"><h2>Overview</h2><div class=\"kpis\">");
        kpi(h, "total_cost", "Total cost (USD)", money(t.totalCost), t.totalCost == null ? "" : t.totalCost.toPlainString(),
                t.unpriced > 0 ? count(t.unpriced) + " unpriced not included" : "all invocations priced");
        kpi(h, "invocations", "Invocations", count(t.invocations), String.valueOf(t.invocations),
                count(t.invocations - t.unpriced) + " priced");
        kpi(h, "unpriced", "Unpriced", count(t.unpriced), String.valueOf(t.unpriced), "no price in force");
        kpi(h, "errors", "Model errors", count(t.errors), String.valueOf(t.errors), "errorCode set");
        kpi(h, "failed", "Failed inputs", d.failedShown ? count(d.failedTotal) : "n/a", d.failedShown ? String.valueOf(d.failedTotal) : "",
                d.failedShown ? "unreadable records" : "not per tenant or model");
        kpi(h, "input_tokens", "Input tokens", count(t.inputTokens), String.valueOf(t.inputTokens), "");
        kpi(h, "output_tokens", "Output tokens", count(t.outputTokens), String.valueOf(t.outputTokens), "");
        kpi(h, "cache_read_tokens", "Cache read tokens", count(t.cacheReadTokens), String.valueOf(t.cacheReadTokens), "");
        kpi(h, "cache_write_tokens", "Cache write tokens", count(t.cacheWriteTokens), String.valueOf(t.cacheWriteTokens), "");
        kpi(h, "latency_ms_p50", "Latency p50", t.latencyMsP50 == null ? "\u2014" : count(t.latencyMsP50) + " ms",
                t.latencyMsP50 == null ? "" : String.valueOf(t.latencyMsP50),
                t.latencyMsAvg() == null ? "no latencies" : "p95 " + count(t.latencyMsP95) + " ms, avg " + group(t.latencyMsAvg())
                        + " ms, max " + count(t.latencyMsMax) + " ms");
        h.append("</div></section>\n");
    }

    private static void kpi(StringBuilder h, String key, String label, String shown, String exact, String sub) {
        h.append("<div class=\"kpi\" data-kpi=\"").append(key).append("\" data-value=\"").append(esc(exact)).append("\">")
                .append("<div class=\"label\">").append(esc(label)).append("</div><div class=\"value\">").append(esc(shown))
                .append("</div><div class=\"sub\">").append(esc(sub)).append("</div></div>");
    }

    private static void section(StringBuilder h, String id, String title, String note, ReportView.Ranked rows, String keyName,
                                String plural, boolean percentiles) {
        h.append("<section id=\"").append(id).append("\"><h2>").append(esc(title)).append("</h2><p class=\"note\">")
                .append(esc(note)).append("</p>\n<div class=\"charts\">")
                .append(chart(id + "-cost", "Cost (USD)")).append(chart(id + "-tokens", "Tokens")).append("</div>\n");
        table(h, id, keyName, plural, rows, percentiles);
        h.append("</section>\n");
    }

    private static String chart(String id, String title) {
        return "<div class=\"chart\" data-chart=\"" + id + "\"><h3>" + esc(title) + "</h3><div class=\"plot\"></div></div>";
    }

    private static final String[][] COLUMNS = {
        {"invocations", "invocations"}, {"input_tokens", "input tok"}, {"output_tokens", "output tok"},
        {"cache_read_tokens", "cache read tok"}, {"cache_write_tokens", "cache write tok"},
        {"input_cost", "input $"}, {"output_cost", "output $"}, {"cache_read_cost", "cache read $"},
        {"cache_write_cost", "cache write $"}, {"total_cost", "total $"}, {"unpriced", "unpriced"}, {"errors", "errors"},
        {"latency_ms_avg", "avg ms"}, {"latency_ms_max", "max ms"}};

    private static void table(StringBuilder h, String id, String keyName, String plural, ReportView.Ranked rows, boolean percentiles) {
        h.append("<input class=\"filter\" type=\"search\" placeholder=\"filter ").append(plural).append("\" data-table=\"table-")
                .append(id).append("\">\n<div class=\"tablewrap\"><table id=\"table-").append(id).append("\"><thead><tr><th>")
                .append(esc(keyName)).append("</th>");
        for (String[] c : COLUMNS) {
            h.append("<th>").append(c[1]).append("</th>");
        }
        if (percentiles) {
            h.append("<th>p50 ms</th><th>p95 ms</th>");
        }
        h.append("</tr></thead><tbody>\n");
        for (Map.Entry<String, Totals> e : rows.top) {
            row(h, "", e.getKey(), e.getValue(), percentiles);
        }
        h.append("</tbody><tfoot>");
        if (rows.others != null) {
            row(h, "others", "others (" + rows.othersCount() + ")", rows.others, percentiles);
        }
        h.append("</tfoot></table></div>\n");
    }

    private static void row(StringBuilder h, String cls, String key, Totals t, boolean percentiles) {
        h.append("<tr").append(cls.isEmpty() ? "" : " class=\"" + cls + "\"").append(" data-key=\"").append(esc(key))
                .append("\"><td title=\"").append(esc(key)).append("\">").append(esc(key)).append("</td>");
        for (String[] c : COLUMNS) {
            Object v = value(t, c[0]);
            h.append("<td data-col=\"").append(c[0]).append("\" data-value=\"").append(v == null ? "" : esc(exact(v))).append("\">")
                    .append(esc(shown(c[0], v))).append("</td>");
        }
        if (percentiles) {
            h.append("<td data-col=\"latency_ms_p50\" data-value=\"").append(t.latencyMsP50 == null ? "" : t.latencyMsP50).append("\">")
                    .append(t.latencyMsP50 == null ? "\u2014" : count(t.latencyMsP50)).append("</td>")
                    .append("<td data-col=\"latency_ms_p95\" data-value=\"").append(t.latencyMsP95 == null ? "" : t.latencyMsP95).append("\">")
                    .append(t.latencyMsP95 == null ? "\u2014" : count(t.latencyMsP95)).append("</td>");
        }
        h.append("</tr>\n");
    }

    private static void timelineTable(StringBuilder h, ReportView v) {
        h.append("<details><summary>Table: every ").append(v.granularity).append(" (").append(v.timeline.size())
                .append(" rows)</summary>\n<input class=\"filter\" type=\"search\" placeholder=\"filter ").append(v.granularity)
                .append("s\" data-table=\"table-timeline\">\n<div class=\"tablewrap\"><table id=\"table-timeline\"><thead><tr><th>")
                .append(v.granularity).append(" (UTC)</th>");
        for (String[] c : COLUMNS) {
            h.append("<th>").append(c[1]).append("</th>");
        }
        h.append("</tr></thead><tbody>\n");
        for (Map.Entry<String, Totals> e : v.timeline.entrySet()) {
            row(h, "", e.getKey(), e.getValue(), false);
        }
        h.append("</tbody></table></div></details>\n");
    }

    private static void failedTable(StringBuilder h, ReportData d) {
        if (!d.failedShown) {
            h.append("<p class=\"note\">Failed inputs are not part of a report for one tenant or model: they carry neither.</p>\n");
            return;
        }
        h.append("<div class=\"tablewrap\"><table id=\"table-failed\"><thead><tr><th>failed inputs</th><th>count</th></tr></thead><tbody>\n");
        for (Map.Entry<String, Long> e : d.failedByType.entrySet()) {
            h.append("<tr data-key=\"type:").append(esc(e.getKey())).append("\"><td>error type ").append(esc(e.getKey()))
                    .append("</td><td data-value=\"").append(e.getValue()).append("\">").append(count(e.getValue())).append("</td></tr>\n");
        }
        for (Map.Entry<String, Long> e : d.failedByDay.entrySet()) {
            h.append("<tr data-key=\"day:").append(esc(e.getKey())).append("\"><td>processed on ").append(esc(e.getKey()))
                    .append("</td><td data-value=\"").append(e.getValue()).append("\">").append(count(e.getValue())).append("</td></tr>\n");
        }
        h.append("</tbody><tfoot><tr class=\"total\" data-key=\"total\"><td>total</td><td data-value=\"").append(d.failedTotal)
                .append("\">").append(count(d.failedTotal)).append("</td></tr></tfoot></table></div>\n");
    }

    /** The machine-readable numbers: what the charts draw and what tests compare with the lake. */
    static String json(ReportView v, Instant generatedAt) {
        ReportData d = v.data;
        ObjectNode root = JSON.createObjectNode();
        root.put("generated_at", generatedAt.toString());
        root.put("lake", d.options.lake);
        ObjectNode f = root.putObject("filters");
        f.put("from", d.options.from == null ? null : d.options.from.toString());
        f.put("to", d.options.to == null ? null : d.options.to.toString());
        f.put("tenant", d.options.tenant);
        f.put("model", d.options.model);
        f.put("ingested_since", d.options.ingestedSince == null ? null : d.options.ingestedSince.toString());
        f.put("top", d.options.top);
        root.set("overall", totals(JSON.createObjectNode(), "overall", d.overall));
        ranked(root.putObject("tenants"), v.tenants);
        ranked(root.putObject("companies"), v.companies);
        ranked(root.putObject("departments"), v.departments);
        ranked(root.putObject("models"), v.models);
        ObjectNode tl = root.putObject("timeline");
        tl.put("granularity", v.granularity);
        ArrayNode buckets = tl.putArray("buckets");
        v.timeline.forEach((k, t) -> buckets.add(totals(JSON.createObjectNode(), k, t)));
        ObjectNode failed = root.putObject("failed");
        failed.put("shown", d.failedShown);
        failed.put("total", d.failedTotal);
        ArrayNode byType = failed.putArray("by_type");
        d.failedByType.forEach((k, n) -> byType.addObject().put("key", k).put("count", n));
        ArrayNode byDay = failed.putArray("by_day");
        d.failedByDay.forEach((k, n) -> byDay.addObject().put("key", k).put("count", n));
        try {
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void ranked(ObjectNode node, ReportView.Ranked r) {
        node.put("count", r.all.size());
        ArrayNode top = node.putArray("top");
        for (Map.Entry<String, Totals> e : r.top) {
            top.add(totals(JSON.createObjectNode(), e.getKey(), e.getValue()));
        }
        if (r.others == null) {
            node.putNull("others");
        } else {
            node.set("others", totals(JSON.createObjectNode(), "others", r.others));
        }
        node.put("others_count", r.othersCount());
    }

    /** Every number of a group; decimals as exact strings. */
    static ObjectNode totals(ObjectNode n, String key, Totals t) {
        n.put("key", key);
        n.put("invocations", t.invocations);
        n.put("input_tokens", t.inputTokens);
        n.put("output_tokens", t.outputTokens);
        n.put("cache_read_tokens", t.cacheReadTokens);
        n.put("cache_write_tokens", t.cacheWriteTokens);
        n.put("input_cost", plain(t.inputCost));
        n.put("output_cost", plain(t.outputCost));
        n.put("cache_read_cost", plain(t.cacheReadCost));
        n.put("cache_write_cost", plain(t.cacheWriteCost));
        n.put("total_cost", plain(t.totalCost));
        n.put("unpriced", t.unpriced);
        n.put("errors", t.errors);
        n.put("latency_count", t.latencyCount);
        n.put("latency_ms_sum", t.latencyMsSum);
        n.put("latency_ms_avg", plain(t.latencyMsAvg()));
        n.put("latency_ms_max", t.latencyMsMax);
        n.put("latency_ms_p50", t.latencyMsP50);
        n.put("latency_ms_p95", t.latencyMsP95);
        return n;
    }

    /** A column of {@link #COLUMNS} of a group: Long or BigDecimal, or null. */
    static Object value(Totals t, String column) {
        switch (column) {
            case "invocations": return t.invocations;
            case "input_tokens": return t.inputTokens;
            case "output_tokens": return t.outputTokens;
            case "cache_read_tokens": return t.cacheReadTokens;
            case "cache_write_tokens": return t.cacheWriteTokens;
            case "input_cost": return t.inputCost;
            case "output_cost": return t.outputCost;
            case "cache_read_cost": return t.cacheReadCost;
            case "cache_write_cost": return t.cacheWriteCost;
            case "total_cost": return t.totalCost;
            case "unpriced": return t.unpriced;
            case "errors": return t.errors;
            case "latency_ms_avg": return t.latencyMsAvg();
            case "latency_ms_max": return t.latencyMsMax;
            default: throw new IllegalArgumentException(column);
        }
    }

    static List<String> columns() {
        List<String> out = new java.util.ArrayList<>();
        for (String[] c : COLUMNS) {
            out.add(c[0]);
        }
        return out;
    }

    private static String exact(Object v) {
        return v instanceof BigDecimal ? ((BigDecimal) v).toPlainString() : String.valueOf(v);
    }

    private static String shown(String column, Object v) {
        if (v == null) {
            return "\u2014";
        }
        if (column.endsWith("_cost")) {
            return money((BigDecimal) v);
        }
        return v instanceof BigDecimal ? group((BigDecimal) v) : count(((Number) v).longValue());
    }

    private static String plain(BigDecimal b) {
        return b == null ? null : b.toPlainString();
    }

    /** Money rounded half-even to {@link #MONEY_DECIMALS}, thousands grouped; exact decimal arithmetic. */
    static String money(BigDecimal b) {
        return b == null ? "\u2014" : group(b.setScale(MONEY_DECIMALS, RoundingMode.HALF_EVEN));
    }

    private static String group(BigDecimal b) {
        String s = b.toPlainString();
        boolean neg = s.startsWith("-");
        String abs = neg ? s.substring(1) : s;
        int dot = abs.indexOf('.');
        String ip = dot < 0 ? abs : abs.substring(0, dot);
        String fp = dot < 0 ? "" : abs.substring(dot);
        StringBuilder g = new StringBuilder();
        for (int i = 0; i < ip.length(); i++) {
            if (i > 0 && (ip.length() - i) % 3 == 0) {
                g.append(',');
            }
            g.append(ip.charAt(i));
        }
        return (neg ? "-" : "") + g + fp;
    }

    static String count(long n) {
        return String.format(java.util.Locale.ROOT, "%,d", n);
    }

    private static String period(ReportView v) {
        if (v.data.hours.isEmpty()) {
            return "no data";
        }
        String first = v.data.hours.keySet().iterator().next();
        String last = v.data.hours.lastKey();
        return first + ":00 to " + last + ":59";
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&': b.append("&amp;"); break;
                case '<': b.append("&lt;"); break;
                case '>': b.append("&gt;"); break;
                case '"': b.append("&quot;"); break;
                case '\'': b.append("&#39;"); break;
                default: b.append(c);
            }
        }
        return b.toString();
    }

    /** JSON inside a script element: no "</script" or "<!--" can appear once every '<' is escaped. */
    private static String scriptSafe(String json) {
        return json.replace("<", "\\u003c");
    }

    private static String resource(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream("/report/" + name)) {
            if (in == null) {
                throw new IllegalStateException("Resource /report/" + name + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
