package com.bedrockcost.report;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.testutil.Chromium;
import com.bedrockcost.testutil.DuckLake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard of a generated lake shows the lake's numbers: every number in it is compared with
 * the lake read independently by DuckDB. Filters narrow it to a tenant or to days.
 */
class DashboardTest {
    @TempDir static Path work;
    static Path lake;
    static JsonNode full;
    static String fullHtml;
    static JsonNode oneTenant;
    static String oneTenantHtml;
    static JsonNode oneDay;
    static Path fullDir;

    static final String TENANT = "tenant-0002";
    static final LocalDate DAY = LocalDate.parse("2026-11-02");
    static final int TOP = 5;
    static final int BROKEN_LINES = 6;

    /** The dashboard's numbers per group, as DuckDB computes them from invocations. */
    static final String AGGREGATES = String.join(", ",
            "CAST(count(*) AS BIGINT) AS invocations",
            "CAST(sum(input_tokens) AS BIGINT) AS input_tokens",
            "CAST(sum(output_tokens) AS BIGINT) AS output_tokens",
            "CAST(sum(cache_read_tokens) AS BIGINT) AS cache_read_tokens",
            "CAST(sum(cache_write_tokens) AS BIGINT) AS cache_write_tokens",
            "sum(input_cost) AS input_cost", "sum(output_cost) AS output_cost", "sum(cache_read_cost) AS cache_read_cost",
            "sum(cache_write_cost) AS cache_write_cost", "sum(total_cost) AS total_cost",
            "CAST(count(*) FILTER (WHERE pricing_status = 'UNPRICED') AS BIGINT) AS unpriced",
            "CAST(count(error_code) AS BIGINT) AS errors",
            "CAST(count(latency_ms) AS BIGINT) AS latency_count",
            "CAST(coalesce(sum(latency_ms), 0) AS BIGINT) AS latency_ms_sum",
            "max(latency_ms) AS latency_ms_max",
            "CAST(sum(input_tokens + output_tokens + cache_read_tokens + cache_write_tokens) AS BIGINT) AS tokens");
    static final String[] LONGS = {"invocations", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens",
        "unpriced", "errors", "latency_count", "latency_ms_sum"};
    static final String[] DECIMALS = {"input_cost", "output_cost", "cache_read_cost", "cache_write_cost", "total_cost"};
    static final String TENANT_KEY = "coalesce(tenant_id, '(no tenant)')";
    static final String MODEL_KEY = "coalesce(model, '(unknown)')";

    @BeforeAll
    static void writeLakeAndReports() throws Exception {
        // Generated logs in a file, with a few lines the job cannot read (they go to the failed table).
        Path logs = work.resolve("logs");
        Files.createDirectories(logs);
        LogGenerator gen = new LogGenerator(7, 3000, 60, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofDays(3));
        try (BufferedWriter w = Files.newBufferedWriter(logs.resolve("invocations.jsonl"), StandardCharsets.UTF_8)) {
            for (int i = 0; i < gen.count(); i++) {
                if (i % 500 == 0) {
                    w.write(i % 1000 == 0 ? "{\"schemaType\":\"ModelInvocationLog\",\"timestamp\":\"2026-11-01T00:00:00Z\"}" : "not json at all");
                    w.newLine();
                }
                w.write(gen.recordText(i));
                w.newLine();
            }
        }
        lake = work.resolve("lake");
        JobConfig config = JobConfig.defaults().with(Map.of("input.path", logs.toString(), "output.path", lake.toString(),
                "checkpoint.interval", "1s"));
        LocalRunner.run(config);

        fullDir = work.resolve("report-full");
        fullHtml = render(config, fullDir, o -> { });
        full = json(fullHtml);
        oneTenantHtml = render(config, work.resolve("report-tenant"), o -> o.tenant = TENANT);
        oneTenant = json(oneTenantHtml);
        oneDay = json(render(config, work.resolve("report-day"), o -> {
            o.from = DAY;
            o.to = DAY;
        }));
    }

    private static String render(JobConfig config, Path out, java.util.function.Consumer<ReportOptions> filters) throws Exception {
        ReportOptions o = new ReportOptions();
        o.lake = lake.toString();
        o.out = out;
        o.top = TOP;
        filters.accept(o);
        Path html = Report.write(o, config);
        assertThat(html).isEqualTo(out.toAbsolutePath().resolve("index.html"));
        return Files.readString(html);
    }

    static JsonNode json(String html) throws Exception {
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"report-data\">(.*?)</script>", Pattern.DOTALL).matcher(html);
        assertThat(m.find()).as("the dashboard embeds its numbers as JSON").isTrue();
        return new ObjectMapper().readTree(m.group(1));
    }

    @Test
    void overallAndEveryTopTenantAndOthersEqualTheLake() throws Exception {
        try (DuckLake db = new DuckLake(lake)) {
            assertSame(full.get("overall"), db.rows("SELECT " + AGGREGATES + " FROM invocations").get(0), "overall");
            assertThat(full.get("overall").get("invocations").asLong()).isEqualTo(3000);

            List<Map<String, Object>> tenants = ranked(db, TENANT_KEY, "");
            JsonNode top = full.get("tenants").get("top");
            assertThat(top).hasSize(TOP);
            assertThat(full.get("tenants").get("count").asInt()).isEqualTo(tenants.size());
            for (int i = 0; i < TOP; i++) {
                assertThat(top.get(i).get("key").asText()).isEqualTo(tenants.get(i).get("k"));
                assertSame(top.get(i), tenants.get(i), "tenant " + tenants.get(i).get("k"));
            }
            String topKeys = tenants.subList(0, TOP).stream().map(r -> "'" + r.get("k") + "'").collect(Collectors.joining(","));
            assertSame(full.get("tenants").get("others"),
                    db.rows("SELECT " + AGGREGATES + " FROM invocations WHERE " + TENANT_KEY + " NOT IN (" + topKeys + ")").get(0), "others");
            assertThat(full.get("tenants").get("others_count").asInt()).isEqualTo(tenants.size() - TOP);
        }
    }

    @Test
    void companiesDepartmentsAndModelsEqualTheLake() throws Exception {
        try (DuckLake db = new DuckLake(lake)) {
            assertGroups(db, full.get("companies"), "coalesce(list_extract(map_extract(request_metadata, 'company'), 1), '(none)')", TOP);
            assertGroups(db, full.get("departments"), "coalesce(list_extract(map_extract(request_metadata, 'department'), 1), '(none)')", TOP);
            assertGroups(db, full.get("models"), MODEL_KEY, Integer.MAX_VALUE);
            assertThat(full.get("models").get("others").isNull()).isTrue();

            Map<String, Map<String, Object>> percentiles = new HashMap<>();
            for (Map<String, Object> r : db.rows(nearestRank(MODEL_KEY, ""))) {
                percentiles.put((String) r.get("k"), r);
            }
            for (JsonNode m : full.get("models").get("top")) {
                Map<String, Object> p = percentiles.get(m.get("key").asText());
                assertNullableLong(m.get("latency_ms_p50"), p == null ? null : p.get("p50"), "p50 " + m.get("key"));
                assertNullableLong(m.get("latency_ms_p95"), p == null ? null : p.get("p95"), "p95 " + m.get("key"));
            }
            Map<String, Object> all = db.rows(nearestRank("'all'", "")).stream().findFirst().orElse(null);
            assertNullableLong(full.get("overall").get("latency_ms_p50"), all == null ? null : all.get("p50"), "overall p50");
            assertNullableLong(full.get("overall").get("latency_ms_p95"), all == null ? null : all.get("p95"), "overall p95");
        }
    }

    @Test
    void hourlyTimelineEqualsTheLakeWithEmptyHoursAsZero() throws Exception {
        assertThat(full.get("timeline").get("granularity").asText()).isEqualTo("hour");
        try (DuckLake db = new DuckLake(lake)) {
            Map<String, Map<String, Object>> hours = new LinkedHashMap<>();
            for (Map<String, Object> r : db.rows("SELECT strftime(make_timestamp(epoch_ms(event_time) * 1000), '%Y-%m-%d %H') AS k, "
                    + AGGREGATES + " FROM invocations GROUP BY 1 ORDER BY 1")) {
                hours.put((String) r.get("k"), r);
            }
            JsonNode buckets = full.get("timeline").get("buckets");
            assertThat(buckets.get(0).get("key").asText()).isEqualTo(hours.keySet().iterator().next());
            assertThat(buckets.get(buckets.size() - 1).get("key").asText()).isEqualTo(new ArrayList<>(hours.keySet()).get(hours.size() - 1));
            int nonEmpty = 0;
            for (JsonNode b : buckets) {
                Map<String, Object> h = hours.get(b.get("key").asText());
                if (h == null) {
                    assertThat(b.get("invocations").asLong()).as("hour " + b.get("key")).isZero();
                } else {
                    assertSame(b, h, "hour " + b.get("key"));
                    nonEmpty++;
                }
            }
            assertThat(nonEmpty).isEqualTo(hours.size());
        }
    }

    @Test
    void failedInputsAreCountedByType() throws Exception {
        try (DuckLake db = new DuckLake(lake)) {
            JsonNode failed = full.get("failed");
            assertThat(failed.get("shown").asBoolean()).isTrue();
            assertThat(failed.get("total").asLong()).isEqualTo(db.count("SELECT count(*) FROM failed")).isEqualTo(BROKEN_LINES);
            Map<String, Long> byType = new HashMap<>();
            for (Map<String, Object> r : db.rows("SELECT error_type, count(*) AS n FROM failed GROUP BY 1")) {
                byType.put((String) r.get("error_type"), ((Number) r.get("n")).longValue());
            }
            Map<String, Long> shown = new HashMap<>();
            failed.get("by_type").forEach(t -> shown.put(t.get("key").asText(), t.get("count").asLong()));
            assertThat(shown).isEqualTo(byType);
        }
    }

    @Test
    void htmlTablesShowTheSameExactNumbersAsTheEmbeddedData() {
        Map<String, Map<String, String>> rows = tableRows(fullHtml, "table-tenants");
        assertThat(rows).hasSize(TOP + 1);
        List<JsonNode> expected = new ArrayList<>();
        full.get("tenants").get("top").forEach(expected::add);
        for (JsonNode t : expected) {
            Map<String, String> cells = rows.get(t.get("key").asText());
            assertThat(cells).as("row of " + t.get("key")).isNotNull();
            for (String col : Dashboard.columns()) {
                JsonNode v = t.get(col);
                assertThat(cells.get(col)).as(t.get("key") + " " + col).isEqualTo(v.isNull() ? "" : v.asText());
            }
        }
        // Shown money is the exact value rounded half-even to 6 decimals (no binary floating point anywhere).
        Matcher kpi = Pattern.compile("data-kpi=\"total_cost\" data-value=\"([^\"]*)\"><div class=\"label\">[^<]*</div><div class=\"value\">([^<]*)<")
                .matcher(fullHtml);
        assertThat(kpi.find()).isTrue();
        if (!kpi.group(1).isEmpty()) {
            assertThat(kpi.group(2).replace(",", "")).isEqualTo(new BigDecimal(kpi.group(1)).setScale(6, RoundingMode.HALF_EVEN).toPlainString());
        }
    }

    @Test
    void csvFilesHoldEveryTenantWithExactSums() throws Exception {
        List<String> lines = Files.readAllLines(fullDir.resolve("tenants.csv"), StandardCharsets.UTF_8);
        List<String> header = List.of(lines.get(0).split(",", -1));
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(lines).hasSize(1 + (int) db.count("SELECT count(DISTINCT " + TENANT_KEY + ") FROM invocations"));
            long invocations = 0;
            BigDecimal cost = null;
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                invocations += Long.parseLong(f[header.indexOf("invocations")]);
                String c = f[header.indexOf("total_cost")];
                if (!c.isEmpty()) {
                    cost = cost == null ? new BigDecimal(c) : cost.add(new BigDecimal(c));
                }
            }
            assertThat(invocations).isEqualTo(db.count("SELECT count(*) FROM invocations"));
            Object lakeCost = db.value("SELECT sum(total_cost) FROM invocations");
            if (lakeCost == null) {
                assertThat(cost).isNull();
            } else {
                assertThat(cost).isEqualByComparingTo((BigDecimal) lakeCost);
            }
        }
        for (String f : new String[] {"summary.csv", "companies.csv", "departments.csv", "models.csv", "timeline.csv", "failed.csv"}) {
            assertThat(fullDir.resolve(f)).isNotEmptyFile();
        }
    }

    @Test
    void aReportForOneTenantShowsOnlyThatTenantsNumbers() throws Exception {
        try (DuckLake db = new DuckLake(lake)) {
            String where = " WHERE tenant_id = '" + TENANT + "'";
            assertSame(oneTenant.get("overall"), db.rows("SELECT " + AGGREGATES + " FROM invocations" + where).get(0), "overall");
            assertThat(oneTenant.get("tenants").get("top")).extracting(t -> t.get("key").asText()).containsExactly(TENANT);
            assertThat(oneTenant.get("tenants").get("others").isNull()).isTrue();
            List<Map<String, Object>> models = ranked(db, MODEL_KEY, where);
            JsonNode shown = oneTenant.get("models").get("top");
            assertThat(shown).hasSize(models.size());
            for (int i = 0; i < models.size(); i++) {
                assertSame(shown.get(i), models.get(i), "model " + models.get(i).get("k"));
            }
            List<Object> companies = db.rows("SELECT DISTINCT coalesce(list_extract(map_extract(request_metadata, 'company'), 1), '(none)') AS k"
                    + " FROM invocations" + where).stream().map(r -> r.get("k")).collect(Collectors.toList());
            assertThat(oneTenant.get("companies").get("top")).extracting(t -> (Object) t.get("key").asText())
                    .containsExactlyInAnyOrderElementsOf(companies);
            // Failed inputs carry no tenant: a tenant's report does not claim them.
            assertThat(oneTenant.get("failed").get("shown").asBoolean()).isFalse();
        }
        // The same tenant in the whole-lake report has the same numbers.
        JsonNode inFull = null;
        for (JsonNode t : full.get("tenants").get("top")) {
            if (t.get("key").asText().equals(TENANT)) {
                inFull = t;
            }
        }
        assertThat(inFull).as(TENANT + " is among the top tenants of the generated lake").isNotNull();
        for (String f : LONGS) {
            assertThat(oneTenant.get("overall").get(f)).as(f).isEqualTo(inFull.get(f));
        }
        for (String f : DECIMALS) {
            assertThat(oneTenant.get("overall").get(f)).as(f).isEqualTo(inFull.get(f));
        }
        // No other tenant appears anywhere in the page.
        Matcher other = Pattern.compile("tenant-\\d{4}").matcher(oneTenantHtml);
        while (other.find()) {
            assertThat(other.group()).isEqualTo(TENANT);
        }
        assertThat(tableRows(oneTenantHtml, "table-tenants")).containsOnlyKeys(TENANT);
    }

    @Test
    void aDateRangeReadsOnlyThoseDays() throws Exception {
        try (DuckLake db = new DuckLake(lake)) {
            String where = " WHERE year = " + DAY.getYear() + " AND month = " + DAY.getMonthValue() + " AND day = " + DAY.getDayOfMonth();
            assertSame(oneDay.get("overall"), db.rows("SELECT " + AGGREGATES + " FROM invocations" + where).get(0), "overall");
            assertThat(oneDay.get("overall").get("invocations").asLong()).isBetween(1L, 2999L);
            assertThat(oneDay.get("timeline").get("buckets")).hasSize(24)
                    .allMatch(b -> b.get("key").asText().startsWith(DAY.toString()));
            // Failed inputs are partitioned by the day they were processed: none on that day.
            assertThat(oneDay.get("failed").get("total").asLong()).isZero();
        }
    }

    @Test
    void thePageNeedsNoNetwork() {
        assertThat(fullHtml).doesNotContain("src=").doesNotContain("href=\"http").doesNotContain("@import").doesNotContain("url(");
    }

    @Test
    void chromiumRendersEveryChartWithoutScriptErrorsAndTakesAScreenshot() throws Exception {
        Chromium chromium = Chromium.find(work);
        String dom = chromium.dumpDom(fullDir.resolve("index.html"));
        int charts = count(fullHtml, "class=\"chart\" data-chart=\"");
        assertThat(charts).isEqualTo(16);
        assertThat(dom).as("the page's error marker").doesNotContain("data-errors=");
        assertThat(dom).contains("data-render=\"done\"").contains("data-charts=\"" + charts + "\"");
        assertThat(count(dom, "data-rendered=\"true\"")).as("charts marked rendered").isEqualTo(charts);
        assertThat(count(dom, "<svg")).as("charts drawn as SVG").isGreaterThanOrEqualTo(8);
        assertThat(count(dom, "<rect")).as("bars").isGreaterThan(50);
        assertThat(count(dom, "<path")).as("lines and donut slices").isGreaterThan(5);

        Path png = Path.of(System.getProperty("project.root", ".."), "flink-job", "target", "dashboard.png");
        Files.deleteIfExists(png);
        chromium.screenshot(fullDir.resolve("index.html"), png, 1400, 4200);
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes.length).isGreaterThan(50_000);
        assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    @Test
    void aScriptErrorInThePageIsCaughtByTheBrowserTest() throws Exception {
        // Guards the guard: a page whose data cannot be parsed must show up as an error, not as rendered.
        Path broken = work.resolve("broken");
        Files.createDirectories(broken);
        Files.writeString(broken.resolve("index.html"), fullHtml.replaceFirst(
                "(<script type=\"application/json\" id=\"report-data\">)", "$1{\"broken\": "));
        String dom = Chromium.find(work).dumpDom(broken.resolve("index.html"));
        assertThat(dom).contains("data-errors=").doesNotContain("data-render=\"done\"");
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    // ---- helpers -----------------------------------------------------------------------------------

    /** Groups by {@code key}, ranked as the dashboard ranks: cost, then tokens (both descending), then key. */
    static List<Map<String, Object>> ranked(DuckLake db, String key, String where) throws Exception {
        return db.rows("SELECT " + key + " AS k, " + AGGREGATES + " FROM invocations" + where
                + " GROUP BY 1 ORDER BY coalesce(sum(total_cost), 0) DESC, tokens DESC, k ASC");
    }

    private static void assertGroups(DuckLake db, JsonNode shown, String key, int top) throws Exception {
        List<Map<String, Object>> rows = ranked(db, key, "");
        assertThat(shown.get("count").asInt()).isEqualTo(rows.size());
        JsonNode t = shown.get("top");
        assertThat(t).hasSize(Math.min(top, rows.size()));
        for (int i = 0; i < t.size(); i++) {
            assertThat(t.get(i).get("key").asText()).isEqualTo(rows.get(i).get("k"));
            assertSame(t.get(i), rows.get(i), key + " " + rows.get(i).get("k"));
        }
    }

    /** Exact nearest-rank p50/p95 of latency per key: the value at position ceil(p * n) of the sorted values. */
    private static String nearestRank(String key, String where) {
        return "SELECT k, max(CASE WHEN rn = CAST(ceil(n * 0.5) AS BIGINT) THEN latency_ms END) AS p50,"
                + " max(CASE WHEN rn = CAST(ceil(n * 0.95) AS BIGINT) THEN latency_ms END) AS p95 FROM ("
                + " SELECT " + key + " AS k, latency_ms, row_number() OVER (PARTITION BY " + key + " ORDER BY latency_ms) AS rn,"
                + " count(*) OVER (PARTITION BY " + key + ") AS n FROM invocations WHERE latency_ms IS NOT NULL"
                + where.replace(" WHERE ", " AND ") + ") GROUP BY k";
    }

    static void assertSame(JsonNode shown, Map<String, Object> lake, String what) {
        for (String f : LONGS) {
            assertThat(shown.get(f).asLong()).as(what + " " + f).isEqualTo(((Number) lake.get(f)).longValue());
        }
        for (String f : DECIMALS) {
            Object v = lake.get(f);
            if (v == null) {
                assertThat(shown.get(f).isNull()).as(what + " " + f + " is null (nothing priced)").isTrue();
            } else {
                // Exact: the same digits at the lake's scale 12.
                assertThat(shown.get(f).asText()).as(what + " " + f).isEqualTo(((BigDecimal) v).setScale(12).toPlainString());
            }
        }
        assertNullableLong(shown.get("latency_ms_max"), lake.get("latency_ms_max"), what + " latency_ms_max");
    }

    private static void assertNullableLong(JsonNode shown, Object lake, String what) {
        if (lake == null) {
            assertThat(shown.isNull()).as(what + " is null").isTrue();
        } else {
            assertThat(shown.asLong()).as(what).isEqualTo(((Number) lake).longValue());
        }
    }

    /** Rows of an HTML table: data-key -> (data-col -> data-value). */
    static Map<String, Map<String, String>> tableRows(String html, String tableId) {
        int start = html.indexOf("<table id=\"" + tableId + "\">");
        assertThat(start).as("table " + tableId).isNotNegative();
        String table = html.substring(start, html.indexOf("</table>", start));
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        Matcher tr = Pattern.compile("<tr[^>]*data-key=\"([^\"]*)\"[^>]*>(.*?)</tr>", Pattern.DOTALL).matcher(table);
        while (tr.find()) {
            Map<String, String> cells = new LinkedHashMap<>();
            Matcher td = Pattern.compile("data-col=\"([^\"]+)\" data-value=\"([^\"]*)\"").matcher(tr.group(2));
            while (td.find()) {
                cells.put(td.group(1), td.group(2));
            }
            out.put(tr.group(1).replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'")
                    .replace("&lt;", "<").replace("&gt;", ">"), cells);
        }
        return out;
    }
}
