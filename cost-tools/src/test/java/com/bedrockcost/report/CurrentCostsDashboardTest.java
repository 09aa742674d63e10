package com.bedrockcost.report;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.localcloud.S3MockServer;
import com.bedrockcost.localrun.LocalEnvironments;
import com.bedrockcost.testutil.BrowserPage;
import com.bedrockcost.testutil.Chromium;
import com.bedrockcost.testutil.S3Objects;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The report reads current costs: a lake (written here with DuckDB, in the lake's layout and the
 * contract's columns) whose invocations carry every kind of charge, and an {@code adjustments} table
 * that prices an unpriced invocation late and changes the price of others. The report, the run
 * summary and the dashboard's cost-by-charge-type panel (in a real browser) show each invocation's
 * own cost plus the sum of its adjustments, to the digit; the expected sums are taken from the two
 * tables separately (an adjustment's own tenant and event day), not through the report's view.
 */
class CurrentCostsDashboardTest {
    @TempDir static Path work;
    static Path lake;
    static Path reportDir;
    static JsonNode report;
    static Connection db;

    /** The charges and their labels in the dashboard's panel. */
    static final Map<String, String> CHARGES = new LinkedHashMap<>();

    static {
        CHARGES.put("input_cost", "input tokens");
        CHARGES.put("output_cost", "output tokens");
        CHARGES.put("cache_read_cost", "cache read tokens");
        CHARGES.put("cache_write_cost", "cache write tokens");
        CHARGES.put("guardrail_cost", "guardrails (text units)");
        CHARGES.put("image_cost", "images");
        CHARGES.put("video_cost", "video (seconds)");
        CHARGES.put("rerank_cost", "rerank (queries)");
    }

    @BeforeAll
    static void writeLakeAndReport() throws Exception {
        lake = Files.createDirectories(work.resolve("lake"));
        db = DriverManager.getConnection("jdbc:duckdb:");
        exec("SET TimeZone = 'UTC'");
        // 48 invocations over two days, three tenants, two models; every kind of charge on some of them;
        // req-7 unpriced. The costs are exact decimals of scale 12.
        exec("CREATE TABLE inv AS SELECT 'req-' || i AS request_id, TIMESTAMPTZ '2026-11-01 00:30:00+00' + to_hours(i) AS event_time,"
                + " 'tenant-' || (i % 3) AS tenant_id, MAP {'department': 'dept-' || (i % 2), 'company': 'acme'} AS request_metadata,"
                + " CASE WHEN i % 2 = 0 THEN 'amazon.nova-canvas-v1:0' ELSE 'cohere.rerank-v3-5:0' END AS model_id,"
                + " CASE WHEN i % 2 = 0 THEN 'amazon.nova-canvas-v1:0' ELSE 'cohere.rerank-v3-5:0' END AS model,"
                + " CAST(i * 100 AS BIGINT) AS input_tokens, CAST(i * 10 AS BIGINT) AS output_tokens, CAST(i AS BIGINT) AS cache_read_tokens,"
                + " CAST(0 AS BIGINT) AS cache_write_tokens, CAST(100 + i AS BIGINT) AS latency_ms, CAST(NULL AS VARCHAR) AS error_code,"
                + " " + cost("i * 0.0003") + " AS input_cost, " + cost("i * 0.0015") + " AS output_cost,"
                + " " + cost("i * 0.00003") + " AS cache_read_cost, " + cost("0") + " AS cache_write_cost,"
                + " " + cost("CASE WHEN i % 5 = 0 THEN 0.00075 END") + " AS guardrail_cost,"
                + " " + cost("CASE WHEN i % 4 = 0 THEN 0.04 END") + " AS image_cost,"
                + " " + cost("CASE WHEN i % 11 = 0 THEN 0.48 END") + " AS video_cost,"
                + " " + cost("CASE WHEN i % 6 = 3 THEN 0.002 END") + " AS rerank_cost,"
                + " CASE WHEN i = 7 THEN 'UNPRICED' ELSE 'PRICED' END AS pricing_status,"
                + " CASE WHEN i = 7 THEN NULL ELSE 'builtin' END AS price_source,"
                + " TIMESTAMPTZ '2026-11-03 00:00:00+00' AS ingest_time, CAST(i % 5 AS BIGINT) AS guardrail_text_units"
                + " FROM range(48) t(i)");
        exec("ALTER TABLE inv ADD COLUMN total_cost DECIMAL(38, 12)");
        exec("UPDATE inv SET total_cost = input_cost + output_cost + cache_read_cost + cache_write_cost + coalesce(guardrail_cost, 0)"
                + " + coalesce(image_cost, 0) + coalesce(video_cost, 0) + coalesce(rerank_cost, 0) WHERE pricing_status = 'PRICED'");
        exec("UPDATE inv SET input_cost = NULL, output_cost = NULL, cache_read_cost = NULL, cache_write_cost = NULL, guardrail_cost = NULL,"
                + " image_cost = NULL, video_cost = NULL, rerank_cost = NULL WHERE pricing_status = 'UNPRICED'");
        exec("COPY (SELECT *, strftime(event_time, '%Y') AS year, strftime(event_time, '%m') AS month, strftime(event_time, '%d') AS day"
                + " FROM inv) TO '" + lake.resolve("invocations") + "' (FORMAT parquet, PARTITION_BY (year, month, day))");

        // Adjustments (CONTRACTS.md): req-7 priced late; req-10 re-priced twice (on two days); req-20 re-priced once,
        // with an image charge changed too. Partitioned by the day of adjusted_at.
        exec("CREATE TABLE adj AS SELECT * FROM (VALUES"
                + adjustment("req-7", 7, "PRICED_LATE", "UNPRICED", "PRICED", "0.0021", "0.0105", "0.00021", "0", "0", "0", "0", "0",
                        "2026-11-04 08:00:00")
                + ", " + adjustment("req-10", 10, "PRICE_CHANGED", "PRICED", "PRICED", "0.001", "-0.002", "0", "0", "0", "0", "0", "0",
                        "2026-11-04 09:00:00")
                + ", " + adjustment("req-10", 10, "PRICE_CHANGED", "PRICED", "PRICED", "-0.0004", "0", "0", "0", "0.00025", "0", "0", "0",
                        "2026-11-05 09:00:00")
                + ", " + adjustment("req-20", 20, "PRICE_CHANGED", "PRICED", "PRICED", "0", "0", "0", "0", "0", "-0.01", "0", "0.0005",
                        "2026-11-05 10:00:00")
                + ") t(request_id, event_time, tenant_id, model, region, reason, old_price_source, new_price_source, old_pricing_status,"
                + " new_pricing_status, input_cost_delta, output_cost_delta, cache_read_cost_delta, cache_write_cost_delta,"
                + " guardrail_cost_delta, image_cost_delta, video_cost_delta, rerank_cost_delta, total_cost_delta, adjusted_at)");
        exec("COPY (SELECT *, strftime(adjusted_at, '%Y') AS year, strftime(adjusted_at, '%m') AS month, strftime(adjusted_at, '%d') AS day"
                + " FROM adj) TO '" + lake.resolve("adjustments") + "' (FORMAT parquet, PARTITION_BY (year, month, day))");

        ReportOptions o = new ReportOptions();
        o.lake = lake.toString();
        o.out = work.resolve("report");
        reportDir = o.out;
        report = DashboardTest.json(Files.readString(Report.write(o, JobConfig.defaults())));
    }

    private static String cost(String expr) {
        return "CAST(CASE WHEN i = 7 THEN NULL ELSE " + expr + " END AS DECIMAL(38, 12))";
    }

    /** One adjustments row: the deltas of the eight charges, their total, and when it was made (UTC). */
    private static String adjustment(String request, int i, String reason, String oldStatus, String newStatus, String input, String output,
                                     String cacheRead, String cacheWrite, String guardrail, String image, String video, String rerank,
                                     String adjustedAt) {
        String[] deltas = {input, output, cacheRead, cacheWrite, guardrail, image, video, rerank};
        BigDecimal total = BigDecimal.ZERO;
        StringBuilder b = new StringBuilder("('" + request + "', TIMESTAMPTZ '2026-11-01 00:30:00+00' + to_hours(" + i + "), 'tenant-" + (i % 3)
                + "', '" + (i % 2 == 0 ? "amazon.nova-canvas-v1:0" : "cohere.rerank-v3-5:0") + "', 'us-east-1', '" + reason + "', "
                + (oldStatus.equals("UNPRICED") ? "NULL" : "'builtin'") + ", 'prices-2026-11-04.csv', '" + oldStatus + "', '" + newStatus + "'");
        for (String d : deltas) {
            b.append(", CAST(").append(d).append(" AS DECIMAL(38, 12))");
            total = total.add(new BigDecimal(d));
        }
        return b.append(", CAST(").append(total.toPlainString()).append(" AS DECIMAL(38, 12)), TIMESTAMPTZ '").append(adjustedAt)
                .append("+00')").toString();
    }

    private static void exec(String sql) throws Exception {
        try (Statement st = db.createStatement()) {
            st.execute(sql);
        }
    }

    private static Object value(String sql) throws Exception {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getObject(1);
        }
    }

    /** The current cost of a charge: the invocations' own plus their adjustments', optionally of one tenant or one event day. */
    private static BigDecimal current(String column, String where) throws Exception {
        BigDecimal own = (BigDecimal) value("SELECT sum(" + column + ") FROM inv" + where);
        BigDecimal adjusted = (BigDecimal) value("SELECT sum(" + column + "_delta) FROM adj" + where);
        return (own == null ? BigDecimal.ZERO : own).add(adjusted == null ? BigDecimal.ZERO : adjusted).setScale(12);
    }

    private static String exact(BigDecimal v) {
        return v.setScale(12).toPlainString();
    }

    @Test
    void theReportShowsEveryInvocationAtItsOwnCostPlusItsAdjustments() throws Exception {
        assertThat(report.get("overall").get("invocations").asLong()).isEqualTo(48);
        for (String c : new String[] {"input_cost", "output_cost", "cache_read_cost", "cache_write_cost", "total_cost", "guardrail_cost",
            "image_cost", "video_cost", "rerank_cost"}) {
            assertThat(report.get("overall").get(c).asText()).as(c).isEqualTo(exact(current(c, "")));
        }
        BigDecimal before = (BigDecimal) value("SELECT sum(total_cost) FROM inv");
        assertThat(new BigDecimal(report.get("overall").get("total_cost").asText())).as("the adjustments moved the total")
                .isNotEqualByComparingTo(before);
        // Priced late: no invocation is unpriced any more.
        assertThat(report.get("overall").get("unpriced").asLong()).isZero();
        for (JsonNode t : report.get("tenants").get("top")) {
            String where = " WHERE tenant_id = '" + t.get("key").asText() + "'";
            assertThat(t.get("total_cost").asText()).as(t.get("key").asText()).isEqualTo(exact(current("total_cost", where)));
            assertThat(t.get("image_cost").asText()).as(t.get("key").asText()).isEqualTo(exact(current("image_cost", where)));
        }
        // The CSV files too: image_cost, video_cost and rerank_cost after guardrail_cost.
        List<String> summary = Files.readAllLines(reportDir.resolve("summary.csv"), StandardCharsets.UTF_8);
        List<String> header = List.of(summary.get(0).split(",", -1));
        String[] row = summary.get(1).split(",", -1);
        assertThat(header.subList(header.size() - 5, header.size()))
                .containsExactly("guardrail_cost", "image_cost", "video_cost", "rerank_cost", "failed_inputs");
        for (String c : new String[] {"total_cost", "image_cost", "video_cost", "rerank_cost"}) {
            assertThat(row[header.indexOf(c)]).as("summary.csv " + c).isEqualTo(exact(current(c, "")));
        }
    }

    @Test
    void theRunSummaryReadsCurrentCostsToo() throws Exception {
        LakeSummary s = LakeSummary.read(lake.toString());
        assertThat(s.invocations).isEqualTo(48);
        assertThat(s.unpriced).isZero();
        assertThat(s.totalCost).isEqualByComparingTo(current("total_cost", ""));
        assertThat(s.byTenant.get("tenant-1").cost).isEqualByComparingTo(current("total_cost", " WHERE tenant_id = 'tenant-1'"));
    }

    @Test
    void withoutAnAdjustmentsFolderTheReportIsTheInvocationsOwnCosts() throws Exception {
        Path plain = Files.createDirectories(work.resolve("plain"));
        exec("COPY (SELECT *, strftime(event_time, '%Y') AS year, strftime(event_time, '%m') AS month, strftime(event_time, '%d') AS day"
                + " FROM inv) TO '" + plain.resolve("invocations") + "' (FORMAT parquet, PARTITION_BY (year, month, day))");
        LakeSummary s = LakeSummary.read(plain.toString());
        assertThat(s.totalCost).isEqualByComparingTo((BigDecimal) value("SELECT sum(total_cost) FROM inv"));
        assertThat(s.unpriced).isEqualTo(1);
    }

    @Test
    void anS3LakeGivesTheSameReportAndSummaryAsTheSameLakeOnDisk() throws Exception {
        String bucket = "report-lake";
        try (S3MockServer s3 = S3MockServer.launch(Paths.get(System.getProperty("s3mock.jar")), work.resolve("s3"), List.of(bucket))) {
            s3.awaitReady(Duration.ofSeconds(120));
            S3Objects objects = new S3Objects(s3.endpoint(), bucket);
            try (Stream<Path> files = Files.walk(lake)) {
                for (Path f : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                    objects.put("lake/" + lake.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
                }
            }
            JobConfig config = JobConfig.defaults().with(Map.of("s3.endpoint", s3.endpoint(), "s3.access.key", S3MockServer.ACCESS_KEY,
                    "s3.secret.key", S3MockServer.SECRET_KEY, "s3.path.style.access", "true"));
            LocalEnvironments.initFileSystems(LocalEnvironments.flinkConfiguration(config));
            String uri = "s3://" + bucket + "/lake";
            // One day (the adjustments of its invocations were made on later days: they are read all the same).
            JsonNode fromS3 = day(uri, "report-s3", config);
            JsonNode onDisk = day(lake.toString(), "report-day", config);
            assertThat(fromS3.get("overall").get("invocations").asLong()).isEqualTo(24);
            for (String part : new String[] {"overall", "tenants", "models", "daily", "timeline"}) {
                assertThat(fromS3.get(part)).as(part).isEqualTo(onDisk.get(part));
            }
            assertThat(fromS3.get("overall").get("total_cost").asText())
                    .isEqualTo(exact(current("total_cost", " WHERE strftime(event_time, '%Y-%m-%d') = '2026-11-01'")));
            LakeSummary summary = LakeSummary.read(uri);
            assertThat(summary.totalCost).isEqualByComparingTo(current("total_cost", ""));
            assertThat(summary.files).isEqualTo(2);
        }
    }

    private static JsonNode day(String lakeRoot, String out, JobConfig config) throws Exception {
        ReportOptions o = new ReportOptions();
        o.lake = lakeRoot;
        o.out = work.resolve(out);
        o.from = LocalDate.parse("2026-11-01");
        o.to = o.from;
        return DashboardTest.json(Files.readString(Report.write(o, config)));
    }

    @Test
    void inARealBrowserTheCostByChargeTypePanelShowsEveryChargeOfThePickedRange() throws Exception {
        try (BrowserPage page = Chromium.find(work).page(1280, 900)) {
            page.load(reportDir.resolve("index.html"));
            page.waitFor("document.documentElement.dataset.render === 'done' || document.documentElement.dataset.errors");
            assertThat(page.errors()).as("console errors and exceptions").isEmpty();
            assertThat(page.eval("document.documentElement.dataset.errors || ''").asText()).isEmpty();
            assertThat(page.eval("document.querySelectorAll('#charges [data-rendered=\"true\"] canvas').length").asInt()).isEqualTo(1);
            assertCharges(page, "");

            // One day: the charges of the invocations of that day (an adjustment counts on its invocation's day).
            page.eval("BedrockDashboard.setRange('2026-11-02', '2026-11-02'), true");
            page.waitFor("document.documentElement.dataset.range === '2026-11-02..2026-11-02'");
            assertCharges(page, " WHERE strftime(event_time, '%Y-%m-%d') = '2026-11-02'");
            assertThat(page.errors()).isEmpty();
        }
    }

    private static void assertCharges(BrowserPage page, String where) throws Exception {
        JsonNode rows = page.eval("Object.fromEntries(Array.from(document.querySelectorAll('#table-charges tbody tr'))"
                + ".map(tr => [tr.dataset.key, tr.querySelector('[data-col=cost]').dataset.value]))");
        assertThat(rows.size()).isEqualTo(CHARGES.size());
        BigDecimal nonToken = BigDecimal.ZERO;
        BigDecimal all = BigDecimal.ZERO;
        int i = 0;
        for (Map.Entry<String, String> c : CHARGES.entrySet()) {
            BigDecimal expected = current(c.getKey(), where);
            assertThat(rows.get(c.getValue()).asText()).as(c.getValue() + where).isEqualTo(exact(expected));
            all = all.add(expected);
            if (i++ >= 4) {
                nonToken = nonToken.add(expected);
            }
        }
        assertThat(nonToken.signum()).as("the lake has non-token charges in the range").isPositive();
        assertThat(page.eval("document.getElementById('charges-non-token').dataset.value").asText()).isEqualTo(exact(nonToken));
        // The charges add up to the total the overview shows.
        assertThat(page.eval("document.querySelector('[data-kpi=total_cost]').dataset.value").asText())
                .isEqualTo(exact(current("total_cost", where))).isEqualTo(exact(all));
    }
}
