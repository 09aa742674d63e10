package com.bedrockcost.report;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.testutil.BrowserPage;
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
    void dailyCellsAndDailyCsvAddUpToTheLakePerTenantAndDay() throws Exception {
        JsonNode daily = full.get("daily");
        Map<String, BigDecimal> cost = new HashMap<>();
        Map<String, Long> calls = new HashMap<>();
        for (JsonNode c : daily.get("cells")) {
            String k = daily.get("tenants").get(c.get(0).asInt()).asText() + "|" + daily.get("days").get(c.get(3).asInt()).asText();
            calls.merge(k, c.get(4).asLong(), Long::sum);
            if (!c.get(9).isNull()) {
                cost.merge(k, new BigDecimal(c.get(9).asText()), BigDecimal::add);
            }
        }
        List<String> csv = Files.readAllLines(fullDir.resolve("daily.csv"), StandardCharsets.UTF_8);
        assertThat(csv).hasSize(1 + daily.get("cells").size());
        try (DuckLake db = new DuckLake(lake)) {
            List<Map<String, Object>> rows = db.rows("SELECT " + TENANT_KEY + " || '|' || strftime(make_timestamp(epoch_ms(event_time) * 1000), '%Y-%m-%d') AS k,"
                    + " CAST(count(*) AS BIGINT) AS n, sum(total_cost) AS c FROM invocations GROUP BY 1");
            assertThat(calls).hasSize(rows.size());
            for (Map<String, Object> r : rows) {
                String k = (String) r.get("k");
                assertThat(calls.get(k)).as(k).isEqualTo(((Number) r.get("n")).longValue());
                if (r.get("c") == null) {
                    assertThat(cost.get(k)).as(k).isNull();
                } else {
                    assertThat(cost.get(k)).as(k).isEqualByComparingTo((BigDecimal) r.get("c"));
                }
            }
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
        assertThat(oneTenant.get("daily").get("tenants")).extracting(JsonNode::asText).containsExactly(TENANT);
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
    void inARealBrowserTheFiguresSearchDrillDownSortAndDateRangeShowTheLakesNumbers() throws Exception {
        Chromium chromium = Chromium.find(work);
        try (DuckLake db = new DuckLake(lake); BrowserPage page = chromium.page(1280, 900)) {
            page.load(fullDir.resolve("index.html"));
            page.waitFor("document.documentElement.dataset.render === 'done' || document.documentElement.dataset.errors");
            assertThat(page.errors()).as("console errors and exceptions").isEmpty();
            assertThat(page.eval("document.documentElement.dataset.errors || ''").asText()).isEmpty();
            assertThat(page.eval("document.querySelectorAll('[data-rendered=\"true\"] canvas').length").asInt()).as("charts drawn").isGreaterThanOrEqualTo(4);

            // The key figures, exact in data-value and rounded as shown.
            BigDecimal total = (BigDecimal) db.value("SELECT sum(total_cost) FROM invocations");
            assertThat(kpi(page, "total_cost")).isEqualTo(total.setScale(12).toPlainString());
            assertThat(page.eval("document.querySelector('[data-kpi=total_cost] .value').textContent").asText()).isEqualTo(shown(total));
            assertThat(kpi(page, "invocations")).isEqualTo("3000");
            assertThat(kpi(page, "failed")).isEqualTo(String.valueOf(BROKEN_LINES));
            // No budgets, no alerts table: the section says so in one line.
            assertThat(page.eval("document.getElementById('budgets-none').textContent").asText())
                    .isEqualTo("No budgets given (--budgets or budgets.path) and no alerts table in the lake.");

            // Search reaches every tenant, not only the first rows: the cheapest one is found.
            List<Map<String, Object>> tenants = ranked(db, TENANT_KEY, "");
            Map<String, Object> last = tenants.get(tenants.size() - 1);
            String tenant = (String) last.get("k");
            assertThat(page.eval("document.querySelectorAll('#table-tenants tbody tr').length").asInt()).isEqualTo(Math.min(15, tenants.size()));
            page.eval("(function(){var i=document.getElementById('tenant-search'); i.value=" + js(tenant) + ";"
                    + " i.dispatchEvent(new Event('input')); return true;})()");
            String row = "document.querySelector(" + js("#table-tenants tr[data-key=\"" + tenant + "\"]") + ")";
            page.waitFor(row);
            assertThat(page.eval(row + ".querySelector('[data-col=cost]').dataset.value").asText())
                    .isEqualTo(last.get("total_cost") == null ? "" : ((BigDecimal) last.get("total_cost")).setScale(12).toPlainString());
            assertThat(page.eval(row + ".querySelector('[data-col=invocations]').dataset.value").asLong())
                    .isEqualTo(((Number) last.get("invocations")).longValue());

            // A click on the tenant shows its models and its days, with the lake's numbers.
            page.eval(row + ".click(), true");
            page.waitFor("document.getElementById('tenant-detail').dataset.tenant === " + js(tenant));
            Map<String, String> models = new HashMap<>();
            for (Map<String, Object> m : ranked(db, MODEL_KEY, " WHERE tenant_id = " + sql(tenant))) {
                models.put((String) m.get("k"), m.get("total_cost") == null ? "" : ((BigDecimal) m.get("total_cost")).setScale(12).toPlainString());
            }
            assertThat(cells(page, "table-tenant-models", "cost")).isEqualTo(models);
            Map<String, String> days = new HashMap<>();
            for (Map<String, Object> d : db.rows("SELECT strftime(make_timestamp(epoch_ms(event_time) * 1000), '%Y-%m-%d') AS k,"
                    + " CAST(count(*) AS BIGINT) AS n FROM invocations WHERE tenant_id = " + sql(tenant) + " GROUP BY 1")) {
                days.put((String) d.get("k"), String.valueOf(d.get("n")));
            }
            assertThat(cells(page, "table-tenant-days", "invocations")).isEqualTo(days);

            // Sorting: a click on a header orders the rows by that column, largest first.
            page.eval("(function(){var i=document.getElementById('tenant-search'); i.value='';"
                    + " i.dispatchEvent(new Event('input')); return true;})()");
            page.eval("document.querySelector('#table-tenants th[data-col=invocations]').click(), true");
            JsonNode sorted = page.eval("Array.from(document.querySelectorAll('#table-tenants tbody [data-col=invocations]')).map(td => Number(td.dataset.value))");
            List<Long> values = new ArrayList<>();
            sorted.forEach(n -> values.add(n.asLong()));
            assertThat(values).hasSize(Math.min(15, tenants.size())).isSortedAccordingTo(java.util.Comparator.reverseOrder());
            assertThat(values.get(0)).isEqualTo(db.rows("SELECT CAST(count(*) AS BIGINT) AS n FROM invocations GROUP BY " + TENANT_KEY
                    + " ORDER BY n DESC LIMIT 1").get(0).get("n"));

            // A date range: the figures of that day only.
            page.eval("BedrockDashboard.setRange('" + DAY + "', '" + DAY + "'), true");
            page.waitFor("document.documentElement.dataset.range === '" + DAY + ".." + DAY + "'");
            String where = " WHERE year = " + DAY.getYear() + " AND month = " + DAY.getMonthValue() + " AND day = " + DAY.getDayOfMonth();
            assertThat(kpi(page, "invocations")).isEqualTo(String.valueOf(db.count("SELECT count(*) FROM invocations" + where)));
            assertThat(kpi(page, "total_cost")).isEqualTo(((BigDecimal) db.value("SELECT sum(total_cost) FROM invocations" + where)).setScale(12).toPlainString());
            assertThat(page.errors()).isEmpty();

            // The screenshot kept in docs/ (copied from here): the whole page, 1280 px wide.
            page.eval("BedrockDashboard.setRange('2026-11-01', '2026-11-03'), true");
            Path png = Path.of(System.getProperty("project.root", ".."), "cost-tools", "target", "dashboard.png");
            page.screenshot(png);
            assertThat(Files.size(png)).isGreaterThan(50_000);

            // A phone: nothing wider than the screen but the tables' own scroll boxes.
            page.viewport(390, 844);
            page.load(fullDir.resolve("index.html"));
            page.waitFor("document.documentElement.dataset.render === 'done'");
            assertThat(page.eval("document.documentElement.scrollWidth").asInt()).as("page width on a phone").isLessThanOrEqualTo(390);
            page.screenshot(png.resolveSibling("dashboard-phone.png"));
            assertThat(page.errors()).isEmpty();
        }
    }

    private static String kpi(BrowserPage page, String key) throws Exception {
        return page.eval("document.querySelector('[data-kpi=" + key + "]').dataset.value").asText();
    }

    /** Rows of a rendered table: data-key -> the exact value of one column. */
    private static Map<String, String> cells(BrowserPage page, String table, String column) throws Exception {
        JsonNode rows = page.eval("Object.fromEntries(Array.from(document.querySelectorAll('#" + table + " tbody tr'))"
                + ".map(tr => [tr.dataset.key, tr.querySelector('[data-col=" + column + "]').dataset.value]))");
        Map<String, String> out = new HashMap<>();
        rows.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    /** Money as the dashboard shows it: cents from a dollar up, 4 decimals from a cent, 6 below; half-even; grouped. */
    static String shown(BigDecimal v) {
        BigDecimal a = v.abs();
        int places = a.compareTo(BigDecimal.ONE) >= 0 || a.signum() == 0 ? 2 : a.compareTo(new BigDecimal("0.01")) >= 0 ? 4 : 6;
        return "$" + String.format(java.util.Locale.ROOT, "%,." + places + "f", v.setScale(places, RoundingMode.HALF_EVEN));
    }

    private static String js(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String sql(String s) {
        return "'" + s.replace("'", "''") + "'";
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

}
