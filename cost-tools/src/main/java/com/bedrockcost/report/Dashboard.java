package com.bedrockcost.report;

import com.bedrockcost.config.BuildInfo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dashboard: one self-contained HTML file (inline CSS, Chart.js and the page's script inlined,
 * no network at view time). The numbers are embedded as JSON ({@code <script id="report-data">}),
 * exact decimals as strings; the script draws the charts and tables from them and adds money up
 * exactly (BigInt), so a picked date range, a search or a drill-down shows the lake's sums. The CSV
 * files beside it hold the same numbers at full precision.
 *
 * <p>The page is a list of sections ({@code <section class="panel">} in {@code <main>}); each has a
 * renderer in dashboard.js, registered with {@code BedrockDashboard.addSection(id, render)} and
 * called with the aggregates of the picked range whenever it changes. A new panel is a
 * {@link #panel} here and a renderer there.
 */
public final class Dashboard {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] CSV_FILES = {
        "summary.csv", "tenants.csv", "companies.csv", "departments.csv", "models.csv", "timeline.csv", "daily.csv", "failed.csv", "budgets.csv", "alerts.csv"};
    /** Columns of each cell of {@code daily.cells} in the JSON, after the four key indexes. */
    static final String[] CELL_COLUMNS = {"invocations", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens",
        "total_cost", "unpriced", "errors"};

    private Dashboard() {}

    public static String html(ReportView v, Instant generatedAt) {
        ReportData d = v.data;
        StringBuilder h = new StringBuilder(512 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\" data-render=\"pending\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Bedrock cost dashboard</title>\n")
                .append("<script>\n")
                .append("window.__errors = [];\n")
                .append("window.__reportError = function (m) { window.__errors.push(m);")
                .append(" document.documentElement.setAttribute('data-errors', window.__errors.join(' | '));")
                .append(" var b = document.getElementById('render-errors'); if (b) { b.style.display = 'block';")
                .append(" b.textContent = 'Errors: ' + window.__errors.join(' | '); } };\n")
                .append("window.onerror = function (msg, src, line) { window.__reportError(msg + ' (line ' + line + ')'); };\n")
                .append("</script>\n<style>\n").append(resource("/report/dashboard.css")).append("</style>\n</head>\n<body>\n");

        h.append("<header><div class=\"title\"><h1>Bedrock cost dashboard</h1><div class=\"meta\">")
                .append("<span>Lake: ").append(esc(d.options.lake)).append("</span>")
                .append("<span>Slice: ").append(esc(d.options.describe())).append("</span>")
                .append("<span>Event time: ").append(esc(period(v))).append(" (UTC)</span>")
                .append("<span>Generated ").append(esc(generatedAt.toString())).append("</span>")
                .append("</div></div>\n<form id=\"range\" class=\"range\" onsubmit=\"return false\">")
                .append("<label>From <input type=\"date\" id=\"range-from\"></label>")
                .append("<label>to <input type=\"date\" id=\"range-to\"></label>")
                .append("<span class=\"presets\"><button type=\"button\" data-days=\"7\">last 7 days</button>")
                .append("<button type=\"button\" data-days=\"30\">last 30 days</button>")
                .append("<button type=\"button\" data-days=\"0\">all</button></span></form></header>\n")
                .append("<div id=\"render-errors\"></div>\n")
                .append("<noscript><p class=\"noscript\">This dashboard draws its charts and tables with JavaScript."
                        + " The CSV files beside it hold every number.</p></noscript>\n<main>\n");

        if (d.overall.invocations == 0) {
            h.append("<section class=\"panel\" id=\"empty\"><h2>No invocations</h2><p class=\"note\">The lake has no invocations in this slice (")
                    .append(esc(d.options.describe())).append(").</p></section>\n");
        }
        panel(h, "overview", "Overview", "Totals of the picked date range (UTC days of event time).");
        panel(h, "over-time", "Cost over time", "Cost per day of the picked range, split by the biggest tenants, models or departments;"
                + " the rest summed as others.");
        panel(h, "tenants", "Tenants", "Every tenant with calls in the picked range (search finds any of them); click a column to sort,"
                + " a row to see its models and days. Tenant from requestMetadata or the configured mapping; "
                + ReportData.NO_TENANT + " = not attributable.");
        panel(h, "models", "Models", "Canonical model id (geo and global prefixes and ARNs resolved). Latency percentiles are exact"
                + " (nearest rank) over the whole slice, not only the picked range.");
        panel(h, "departments", "Departments", "From requestMetadata['department']; " + ReportData.NONE + " = not given.");
        panel(h, "companies", "Companies", "From requestMetadata['company']; " + ReportData.NONE + " = not given. Whole slice.");
        panel(h, "activity", "Activity", "Invocations, model errors and unpriced calls per " + v.granularity
                + " of event time (UTC) in the picked range; empty " + v.granularity + "s count zero.");
        panel(h, "quality", "Failures and unpriced calls", "Model errors are invocations Bedrock logged with an errorCode. Unpriced"
                + " invocations had no price in force and are in no cost. Failed inputs are records the job could not read"
                + " (the failed table, by day of processing; whole slice).");
        panel(h, "budgets", "Budgets and alerts", "Per tenant with a budget (budgets.path / --budgets): the budget of the UTC day"
                + " and month that hold the slice's last day, the spend so far in it (from invocations, current prices), the thresholds"
                + " reached and when their alert fired; and the alerts (the lake's alerts table) of the picked range.");

        h.append("<section class=\"panel\" id=\"downloads\"><h2>CSV files</h2><p class=\"downloads\">");
        for (String f : CSV_FILES) {
            h.append("<a href=\"").append(f).append("\">").append(f).append("</a>");
        }
        h.append("</p><p class=\"note\">The same numbers with every row and the lake's exact decimals (scale 12):"
                + " daily.csv per tenant, department, model and day is what the date range and drill-downs add up.</p></section>\n");

        h.append("</main>\n<footer>Costs in USD, summed exactly from the lake's decimal(38,12) columns; shown rounded half-even"
                + " to cents (to 4 or 6 decimals below a dollar or a cent); hover a figure for its exact value."
                + " Read with Flink SQL (batch) from the lake's invocations and failed tables."
                + " Charts: Chart.js ").append(esc(chartJsVersion())).append(" (MIT licence).</footer>\n");
        h.append("<script type=\"application/json\" id=\"report-data\">").append(scriptSafe(json(v, generatedAt))).append("</script>\n")
                .append("<script>\n").append(chartJs()).append("\n</script>\n")
                .append("<script>\n").append(resource("/report/dashboard.js")).append("</script>\n</body>\n</html>\n");
        return h.toString();
    }

    /** An empty section that dashboard.js fills: its title, a note, and the body the renderer draws into. */
    static void panel(StringBuilder h, String id, String title, String note) {
        h.append("<section class=\"panel\" id=\"").append(id).append("\"><h2>").append(esc(title)).append("</h2><p class=\"note\">")
                .append(esc(note)).append("</p><div class=\"body\"></div></section>\n");
    }

    private static final String[][] COLUMNS = {
        {"invocations", "invocations"}, {"input_tokens", "input tok"}, {"output_tokens", "output tok"},
        {"cache_read_tokens", "cache read tok"}, {"cache_write_tokens", "cache write tok"},
        {"input_cost", "input $"}, {"output_cost", "output $"}, {"cache_read_cost", "cache read $"},
        {"cache_write_cost", "cache write $"}, {"total_cost", "total $"}, {"unpriced", "unpriced"}, {"errors", "errors"},
        {"latency_ms_avg", "avg ms"}, {"latency_ms_max", "max ms"}};

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
        daily(root.putObject("daily"), d);
        ObjectNode failed = root.putObject("failed");
        failed.put("shown", d.failedShown);
        failed.put("total", d.failedTotal);
        ArrayNode byType = failed.putArray("by_type");
        d.failedByType.forEach((k, n) -> byType.addObject().put("key", k).put("count", n));
        ArrayNode byDay = failed.putArray("by_day");
        d.failedByDay.forEach((k, n) -> byDay.addObject().put("key", k).put("count", n));
        if (d.budgets != null) {
            root.set("budgets", d.budgets.json());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The (tenant, department, model, day) totals, compact: names once in lists, each cell as
     * {@code [tenant, department, model, day]} indexes followed by {@link #CELL_COLUMNS}, cost as an exact string.
     */
    private static void daily(ObjectNode node, ReportData d) {
        Map<String, Integer> tenants = new TreeMap<>();
        Map<String, Integer> departments = new TreeMap<>();
        Map<String, Integer> models = new TreeMap<>();
        Map<String, Integer> days = new TreeMap<>();
        for (ReportData.Cell c : d.daily) {
            tenants.put(c.tenant, 0);
            departments.put(c.department, 0);
            models.put(c.model, 0);
            days.put(c.day, 0);
        }
        node.set("tenants", names(tenants));
        node.set("departments", names(departments));
        node.set("models", names(models));
        node.set("days", names(days));
        ArrayNode columns = node.putArray("columns");
        for (String c : CELL_COLUMNS) {
            columns.add(c);
        }
        ArrayNode cells = node.putArray("cells");
        for (ReportData.Cell c : d.daily) {
            Totals t = c.totals;
            ArrayNode a = cells.addArray();
            a.add(tenants.get(c.tenant)).add(departments.get(c.department)).add(models.get(c.model)).add(days.get(c.day))
                    .add(t.invocations).add(t.inputTokens).add(t.outputTokens).add(t.cacheReadTokens).add(t.cacheWriteTokens);
            if (t.totalCost == null) {
                a.addNull();
            } else {
                a.add(t.totalCost.stripTrailingZeros().toPlainString());
            }
            a.add(t.unpriced).add(t.errors);
        }
    }

    /** The sorted names as a JSON list; each map value becomes the name's index. */
    private static ArrayNode names(Map<String, Integer> sorted) {
        ArrayNode a = JSON.createArrayNode();
        for (Map.Entry<String, Integer> e : sorted.entrySet()) {
            e.setValue(a.size());
            a.add(e.getKey());
        }
        return a;
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

    private static String plain(BigDecimal b) {
        return b == null ? null : b.toPlainString();
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

    private static String chartJsVersion() {
        return BuildInfo.get("chartjs.version");
    }

    /** Chart.js from its WebJar on the classpath, without the source map comment (the page fetches nothing). */
    private static String chartJs() {
        String js = resource("/META-INF/resources/webjars/chart.js/" + chartJsVersion() + "/dist/chart.umd.min.js");
        return js.replaceAll("//# sourceMappingURL=\\S+\\s*$", "");
    }

    private static String resource(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Resource " + name + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
