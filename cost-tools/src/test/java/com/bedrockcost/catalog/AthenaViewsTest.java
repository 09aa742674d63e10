package com.bedrockcost.catalog;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.cli.Main;
import com.bedrockcost.cli.RestateCommandTest;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.LogGenerator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
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
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The Athena views in {@code schemas/views}, run by DuckDB over Parquet the job itself wrote, in the
 * Hive layout Glue catalogs: each view's numbers equal the same figures computed here in Java from
 * the raw rows. The view text is the one Terraform deploys (whole-line comments dropped, as
 * {@code terraform/schemas.tf} does), with two documented DuckDB translations, see {@link #toDuckDb}.
 */
class AthenaViewsTest {
    private static final int INVOCATIONS = 2000;
    private static final List<String> MALFORMED = List.of(
            "this is not json",
            "{\"schemaType\":\"ModelInvocationLog\",\"timestamp\":\"2026-11-01T00:00:00Z\",\"operation\":\"Converse\"}",
            "{\"truncated\": ");

    /** The view of current costs, which the cost views read. */
    private static final String CURRENT = "invocations_current";

    @TempDir static Path dir;
    static Path root = Paths.get(System.getProperty("project.root", ".."));
    static Connection db;
    static final Map<String, String> views = new TreeMap<>();

    @BeforeAll
    static void runJobAndCreateViews() throws Exception {
        // File input rather than the generator alone, so the same run also fills failed/.
        Path input = dir.resolve("logs");
        Files.createDirectories(input);
        LogGenerator gen = new LogGenerator(7, INVOCATIONS, 60, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofDays(3));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < INVOCATIONS; i++) {
            lines.add(gen.recordText(i));
            if (i % 700 == 0) {
                lines.add(MALFORMED.get(i / 700));
            }
        }
        Files.write(input.resolve("logs.jsonl"), String.join("\n", lines).concat("\n").getBytes(StandardCharsets.UTF_8));
        Path lake = dir.resolve("lake");
        Path budgets = Files.writeString(dir.resolve("budgets.csv"),
                "tenant_id,period,amount_usd,thresholds\n*,day,0.05,50;100\n*,month,0.2,50;80;100\n");
        LocalRunner.run(JobConfig.defaults().with(Map.of(
                "input.path", input.toString(), "output.path", lake.toString(), "checkpoint.interval", "1s",
                "budgets.path", budgets.toString())));
        // Adjustments, so that the views' current costs differ from the rows as written: the generator's
        // unpriced model gets a price (PRICED_LATE), Nova Lite's input price is corrected (PRICE_CHANGED).
        Path corrected = dir.resolve("corrected/pricing");
        RestateCommandTest.copyBuiltInTable(corrected);
        Files.writeString(corrected.resolve("writer.csv"), RestateCommandTest.PALMYRA_ROW);
        Path amazon = corrected.resolve("amazon.csv");
        Files.writeString(amazon, Files.readString(amazon).replace("amazon.nova-lite-v1:0,us-east-1,2024-01-01,,0.06,", "amazon.nova-lite-v1:0,us-east-1,2024-01-01,,0.07,"));
        java.io.ByteArrayOutputStream restateOut = new java.io.ByteArrayOutputStream();
        int code = Main.run(new String[] {"restate", "--lake", lake.toString(), "--pricing", corrected.toString(), "--quiet"},
                new java.io.PrintStream(restateOut, true, StandardCharsets.UTF_8), new java.io.PrintStream(restateOut, true, StandardCharsets.UTF_8));
        assertThat(code).as(restateOut.toString(StandardCharsets.UTF_8)).isZero();

        db = DriverManager.getConnection("jdbc:duckdb:");
        exec("SET TimeZone = 'UTC'"); // Athena's session time zone
        for (String table : List.of("invocations", "failed", "alerts", "adjustments")) {
            // Glue declares the partition keys as strings ('03'), so DuckDB must not infer integers.
            String hiveTypes = partitionKeys(table).stream().map(k -> "'" + k + "': VARCHAR").collect(Collectors.joining(", "));
            exec("CREATE VIEW " + table + " AS SELECT * FROM read_parquet('" + lake.resolve(table)
                    + "/**/*.parquet', hive_partitioning = true, hive_types = {" + hiveTypes + "})");
        }
        // Trino's element_at(map, key) is the value or NULL; DuckDB's map_extract returns a list of it (empty
        // when the key is missing), whose first element is the value or NULL.
        exec("CREATE MACRO element_at(m, k) AS map_extract(m, k)[1]");
        try (Stream<Path> files = Files.list(root.resolve("schemas/views"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".sql")).sorted().collect(Collectors.toList())) {
                views.put(f.getFileName().toString().replace(".sql", ""), deployedText(Files.readString(f)));
            }
        }
        // As Terraform's athena_view_order: the view the others read first.
        exec("CREATE VIEW " + CURRENT + " AS " + toDuckDb(views.get(CURRENT)));
        for (Map.Entry<String, String> v : views.entrySet()) {
            if (!v.getKey().equals(CURRENT)) {
                exec("CREATE VIEW " + v.getKey() + " AS " + toDuckDb(v.getValue()));
            }
        }
    }

    @AfterAll
    static void close() throws SQLException {
        if (db != null) {
            db.close();
        }
    }

    /** What Terraform puts after CREATE OR REPLACE VIEW: the file without its whole-line comments. */
    static String deployedText(String file) {
        return file.lines().filter(l -> !l.trim().startsWith("--")).collect(Collectors.joining("\n")).trim();
    }

    /** The only rewrite Athena SQL needs for DuckDB (element_at is handled by a macro above). */
    static String toDuckDb(String athenaSql) {
        return athenaSql.replace("approx_percentile(", "approx_quantile(");
    }

    @Test
    void everyViewFileIsCoveredAndRuns() throws Exception {
        assertThat(views.keySet()).containsExactly("budget_alerts_by_period", "cache_savings_day", "cost_by_department_day", "cost_by_model_day",
                "cost_by_tenant_day", "failed_by_day", CURRENT, "latency_by_model_day", "unpriced_by_model_day");
        for (String v : views.keySet()) {
            rows("SELECT * FROM " + v);
        }
    }

    @Test
    void budgetAlertsByPeriodCountsEveryAlertOnceWithItsHighestThreshold() throws Exception {
        List<Map<String, Object>> view = rows("SELECT v.*, (SELECT sum(total_cost) FROM invocations i WHERE i.tenant_id = v.tenant_id"
                + " AND CASE v.period WHEN 'day' THEN date_trunc('day', i.event_time) ELSE date_trunc('month', i.event_time) END"
                + " = v.period_start) AS final_spend FROM budget_alerts_by_period v WHERE alert_type = 'THRESHOLD'");
        assertThat(view).hasSizeGreaterThan(5);
        assertThat(view.stream().mapToLong(r -> num(r, "alerts")).sum()).isEqualTo(num(rows("SELECT count(*) AS n FROM alerts"
                + " WHERE alert_type = 'THRESHOLD'").get(0), "n"));
        for (Map<String, Object> r : view) {
            // The highest threshold is reached by the period's final spend; no alert saw more than that.
            BigDecimal finalSpend = (BigDecimal) r.get("final_spend");
            BigDecimal reached = ((BigDecimal) r.get("budget_usd")).multiply((BigDecimal) r.get("max_threshold_pct")).movePointLeft(2);
            assertThat(finalSpend).as(r.toString()).isGreaterThanOrEqualTo(reached);
            assertThat((BigDecimal) r.get("max_spend_usd")).as(r.toString()).isLessThanOrEqualTo(finalSpend);
        }
    }

    @Test
    void glueColumnsFromSchemasEqualTheParquetTheJobWrote() throws Exception {
        for (String table : List.of("invocations", "failed", "alerts", "adjustments")) {
            JsonNode schema = schema(table);
            Map<String, String> expected = new LinkedHashMap<>();
            schema.get("columns").forEach(c -> expected.put(c.get("name").asText(), duckType(c.get("type").asText())));
            Map<String, String> expectedPartitions = new LinkedHashMap<>();
            schema.get("partition_keys").forEach(c -> expectedPartitions.put(c.get("name").asText(), duckType(c.get("type").asText())));
            Map<String, String> actual = new LinkedHashMap<>();
            Map<String, String> actualPartitions = new LinkedHashMap<>();
            for (Map<String, Object> r : rows("DESCRIBE SELECT * FROM " + table)) {
                String name = (String) r.get("column_name");
                (expectedPartitions.containsKey(name) ? actualPartitions : actual).put(name, (String) r.get("column_type"));
            }
            // File columns in schema order (Athena maps by name, but order is what a reader sees); the
            // partition columns come from the folders, where DuckDB picks its own order.
            assertThat(actual).as(table).containsExactlyEntriesOf(expected);
            assertThat(actualPartitions).as(table + " partitions").containsExactlyInAnyOrderEntriesOf(expectedPartitions);
        }
    }

    @Test
    void costByTenantDayEqualsTheRawRowsSummedPerTenantAndDay() throws Exception {
        Map<List<Object>, long[]> tokens = new HashMap<>();
        Map<List<Object>, BigDecimal> cost = new HashMap<>();
        for (Map<String, Object> r : currentRows()) {
            List<Object> key = List.of(r.get("year"), r.get("month"), r.get("day"), String.valueOf(r.get("tenant_id")));
            long[] t = tokens.computeIfAbsent(key, k -> new long[5]);
            t[0]++;
            t[1] += (Long) r.get("input_tokens");
            t[2] += (Long) r.get("output_tokens");
            t[3] += (Long) r.get("cache_read_tokens") + (Long) r.get("cache_write_tokens");
            t[4] += "UNPRICED".equals(r.get("pricing_status")) ? 1 : 0;
            if (r.get("total_cost") != null) {
                cost.merge(key, (BigDecimal) r.get("total_cost"), BigDecimal::add);
            }
        }
        List<Map<String, Object>> view = rows("SELECT * FROM cost_by_tenant_day");
        assertThat(view).hasSameSizeAs(tokens.keySet());
        long invocations = 0;
        for (Map<String, Object> r : view) {
            List<Object> key = List.of(r.get("year"), r.get("month"), r.get("day"), String.valueOf(r.get("tenant_id")));
            long[] t = tokens.get(key);
            assertThat(t).as("group %s", key).isNotNull();
            assertThat(num(r, "invocations")).isEqualTo(t[0]);
            assertThat(num(r, "input_tokens")).isEqualTo(t[1]);
            assertThat(num(r, "output_tokens")).isEqualTo(t[2]);
            assertThat(num(r, "cache_read_tokens") + num(r, "cache_write_tokens")).isEqualTo(t[3]);
            assertThat(num(r, "unpriced_invocations")).isEqualTo(t[4]);
            // Exact decimals: the view's SUM must equal the Java sum to the last digit (NULL when all unpriced).
            BigDecimal expected = cost.get(key);
            if (expected == null) {
                assertThat(r.get("total_cost")).isNull();
            } else {
                assertThat((BigDecimal) r.get("total_cost")).isEqualByComparingTo(expected);
            }
            invocations += num(r, "invocations");
        }
        assertThat(invocations).isEqualTo(INVOCATIONS);
        assertThat(view.stream().map(r -> r.get("year") + "-" + r.get("month") + "-" + r.get("day")).distinct())
                .as("three days of traffic, zero-padded string partitions").hasSizeGreaterThanOrEqualTo(3)
                .allMatch(d -> d.matches("\\d{4}-\\d{2}-\\d{2}"));
    }

    /**
     * Every invocation at its current cost, computed here from the two tables: its row, each cost plus
     * the sum of its adjustments' deltas, the status of the latest adjustment.
     */
    private static List<Map<String, Object>> currentRows() throws SQLException {
        Map<String, List<Map<String, Object>>> adjustments = new HashMap<>();
        for (Map<String, Object> a : rows("SELECT * FROM adjustments ORDER BY adjusted_at")) {
            adjustments.computeIfAbsent((String) a.get("request_id"), k -> new ArrayList<>()).add(a);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> r : rows("SELECT * FROM invocations")) {
            for (Map<String, Object> a : adjustments.getOrDefault((String) r.get("request_id"), List.of())) {
                for (String c : List.of("input_cost", "output_cost", "cache_read_cost", "cache_write_cost", "total_cost")) {
                    BigDecimal delta = (BigDecimal) a.get(c + "_delta");
                    if (delta != null) {
                        BigDecimal v = (BigDecimal) r.get(c);
                        r.put(c, (v == null ? BigDecimal.ZERO : v).add(delta));
                    }
                }
                r.put("pricing_status", a.get("new_pricing_status"));
                r.put("adjusted", true);
            }
            out.add(r);
        }
        return out;
    }

    @Test
    void invocationsCurrentIsEachRowPlusItsAdjustments() throws Exception {
        long late = num(rows("SELECT count(*) AS n FROM adjustments WHERE reason = 'PRICED_LATE'").get(0), "n");
        long changed = num(rows("SELECT count(*) AS n FROM adjustments WHERE reason = 'PRICE_CHANGED'").get(0), "n");
        assertThat(late).as("the generator's unpriced model priced late").isGreaterThan(5);
        assertThat(changed).as("Nova Lite's corrected input price").isGreaterThan(5);
        Map<String, Map<String, Object>> expected = new HashMap<>();
        for (Map<String, Object> r : currentRows()) {
            expected.put((String) r.get("request_id"), r);
        }
        List<Map<String, Object>> view = rows("SELECT * FROM " + CURRENT);
        assertThat(view).hasSize(INVOCATIONS);
        long adjusted = 0;
        for (Map<String, Object> r : view) {
            Map<String, Object> e = expected.get((String) r.get("request_id"));
            for (String c : List.of("input_cost", "output_cost", "cache_read_cost", "cache_write_cost", "total_cost")) {
                if (e.get(c) == null) {
                    assertThat(r.get(c)).as(c + " of " + e).isNull();
                } else {
                    assertThat((BigDecimal) r.get(c)).as(c + " of " + e).isEqualByComparingTo((BigDecimal) e.get(c));
                }
            }
            assertThat(r.get("pricing_status")).isEqualTo(e.get("pricing_status"));
            if (Boolean.TRUE.equals(e.get("adjusted"))) {
                adjusted++;
                assertThat(num(r, "adjustments")).isEqualTo(1);
                assertThat((String) r.get("price_source")).isNotNull();
                assertThat(r.get("unpriced_reason")).isNull();
            } else {
                assertThat(num(r, "adjustments")).isZero();
            }
        }
        assertThat(adjusted).isEqualTo(late + changed);
        // The total of the view is the written total plus every delta, to the last digit.
        assertThat((BigDecimal) rows("SELECT sum(total_cost) AS t FROM " + CURRENT).get(0).get("t")).isEqualByComparingTo(
                (BigDecimal) rows("SELECT (SELECT sum(total_cost) FROM invocations) + (SELECT sum(total_cost_delta) FROM adjustments) AS t")
                        .get(0).get("t"));
    }

    @Test
    void costByModelDayCoversEveryInvocationOnce() throws Exception {
        Map<String, Long> perModel = new HashMap<>();
        for (Map<String, Object> r : rows("SELECT model, count(*) AS n FROM invocations GROUP BY model")) {
            perModel.put(String.valueOf(r.get("model")), num(r, "n"));
        }
        Map<String, Long> fromView = new HashMap<>();
        for (Map<String, Object> r : rows("SELECT * FROM cost_by_model_day")) {
            fromView.merge(String.valueOf(r.get("model")), num(r, "invocations"), Long::sum);
        }
        assertThat(fromView).isEqualTo(perModel);
        assertThat(perModel).hasSizeGreaterThan(3);
        Map<String, BigDecimal> cost = new HashMap<>();
        for (Map<String, Object> r : currentRows()) {
            if (r.get("total_cost") != null) {
                cost.merge(String.valueOf(r.get("model")), (BigDecimal) r.get("total_cost"), BigDecimal::add);
            }
        }
        Map<String, BigDecimal> costFromView = new HashMap<>();
        for (Map<String, Object> r : rows("SELECT * FROM cost_by_model_day WHERE total_cost IS NOT NULL")) {
            costFromView.merge(String.valueOf(r.get("model")), (BigDecimal) r.get("total_cost"), BigDecimal::add);
        }
        assertThat(costFromView.keySet()).isEqualTo(cost.keySet()).contains(RestateCommandTest.UNPRICED_MODEL);
        cost.forEach((m, c) -> assertThat(costFromView.get(m)).as(m).isEqualByComparingTo(c));
    }

    @Test
    void costByDepartmentReadsCompanyDepartmentAndCostCenterFromRequestMetadata() throws Exception {
        // Independent reading of the map with DuckDB's own map_extract, keyed the way callers tag calls.
        Map<List<String>, Long> expected = new HashMap<>();
        for (Map<String, Object> r : rows("SELECT map_extract(request_metadata, 'company')[1] AS c, "
                + "map_extract(request_metadata, 'department')[1] AS d, map_extract(request_metadata, 'costCenter')[1] AS cc, "
                + "count(*) AS n FROM invocations GROUP BY ALL")) {
            expected.put(java.util.Arrays.asList((String) r.get("c"), (String) r.get("d"), (String) r.get("cc")), num(r, "n"));
        }
        Map<List<String>, Long> fromView = new HashMap<>();
        for (Map<String, Object> r : rows("SELECT * FROM cost_by_department_day")) {
            fromView.merge(java.util.Arrays.asList((String) r.get("company"), (String) r.get("department"), (String) r.get("cost_center")),
                    num(r, "invocations"), Long::sum);
        }
        assertThat(fromView).isEqualTo(expected);
        assertThat(fromView.keySet()).as("most calls are tagged; untagged ones group under NULL")
                .anyMatch(k -> k.stream().allMatch(Objects::nonNull));
        assertThat(fromView.keySet().stream().map(k -> k.get(1)).distinct().count()).isGreaterThan(1);
    }

    @Test
    void cacheSavingsEqualCachedTokensAtTheRowsInputPriceMinusWhatCachingCost() throws Exception {
        double expected = 0;
        long rowsCounted = 0;
        for (Map<String, Object> r : currentRows()) {
            if (!"PRICED".equals(r.get("pricing_status"))) {
                continue;
            }
            long in = (Long) r.get("input_tokens");
            long cached = (Long) r.get("cache_read_tokens") + (Long) r.get("cache_write_tokens");
            if (in > 0 && cached > 0) {
                expected += ((BigDecimal) r.get("input_cost")).doubleValue() / in * cached
                        - ((BigDecimal) r.get("cache_read_cost")).doubleValue() - ((BigDecimal) r.get("cache_write_cost")).doubleValue();
                rowsCounted++;
            }
        }
        List<Map<String, Object>> view = rows("SELECT * FROM cache_savings_day");
        assertThat(view.stream().mapToLong(r -> num(r, "invocations")).sum()).isEqualTo(rowsCounted);
        double savings = view.stream().mapToDouble(r -> ((Number) r.get("estimated_savings")).doubleValue()).sum();
        assertThat(savings).isCloseTo(expected, within(1e-9 + Math.abs(expected) * 1e-9));
    }

    @Test
    void unpricedAndFailedCountsMatchTheTables() throws Exception {
        long unpriced = currentRows().stream().filter(r -> "UNPRICED".equals(r.get("pricing_status"))).count();
        assertThat(unpriced).as("priced late: no longer unpriced").isLessThan(
                num(rows("SELECT count(*) AS n FROM invocations WHERE pricing_status = 'UNPRICED'").get(0), "n"));
        assertThat(rows("SELECT * FROM unpriced_by_model_day").stream().mapToLong(r -> num(r, "unpriced_invocations")).sum())
                .isEqualTo(unpriced);
        assertThat(rows("SELECT * FROM unpriced_by_model_day").stream().mapToLong(r -> num(r, "invocations")).sum())
                .isEqualTo(INVOCATIONS);

        List<Map<String, Object>> failed = rows("SELECT * FROM failed_by_day");
        assertThat(failed.stream().mapToLong(r -> num(r, "failed_records")).sum()).isEqualTo(MALFORMED.size());
        assertThat(failed).allSatisfy(r -> assertThat((String) r.get("error_type")).isNotBlank());
    }

    @Test
    void latencyPercentilesAreOrderedAndNearTheExactOnes() throws Exception {
        Map<String, List<Long>> latencies = new HashMap<>();
        for (Map<String, Object> r : rows("SELECT model, year, month, day, latency_ms FROM invocations WHERE latency_ms IS NOT NULL")) {
            latencies.computeIfAbsent(r.get("model") + "|" + r.get("year") + r.get("month") + r.get("day"), k -> new ArrayList<>())
                    .add((Long) r.get("latency_ms"));
        }
        List<Map<String, Object>> view = rows("SELECT * FROM latency_by_model_day");
        assertThat(view).hasSameSizeAs(latencies.keySet());
        for (Map<String, Object> r : view) {
            List<Long> l = latencies.get(r.get("model") + "|" + r.get("year") + r.get("month") + r.get("day"));
            l.sort(Long::compare);
            long p50 = num(r, "latency_p50_ms");
            long p90 = num(r, "latency_p90_ms");
            long p99 = num(r, "latency_p99_ms");
            assertThat(num(r, "invocations")).isEqualTo(l.size());
            assertThat(num(r, "latency_max_ms")).isEqualTo(l.get(l.size() - 1));
            assertThat(((Number) r.get("latency_avg_ms")).doubleValue())
                    .isCloseTo(l.stream().mapToLong(Long::longValue).average().orElseThrow(), within(1e-6));
            assertThat(p50).isBetween(l.get(0), p90);
            assertThat(p90).isLessThanOrEqualTo(p99);
            assertThat(p99).isLessThanOrEqualTo(l.get(l.size() - 1));
            if (l.size() >= 20) {
                // Approximate, as in Athena: within the values between the 40th and 60th percentile.
                assertThat(p50).isBetween(l.get((int) (l.size() * 0.4)), l.get((int) (l.size() * 0.6)));
            }
        }
    }

    private static List<String> partitionKeys(String table) throws Exception {
        List<String> keys = new ArrayList<>();
        schema(table).get("partition_keys").forEach(k -> keys.add(k.get("name").asText()));
        return keys;
    }

    private static JsonNode schema(String table) throws Exception {
        return new ObjectMapper().readTree(root.resolve("schemas/" + table + ".json").toFile());
    }

    /** How DuckDB names the Hive/Glue types of schemas/ when it reads the job's Parquet. */
    private static String duckType(String hive) {
        switch (hive) {
            case "string": return "VARCHAR";
            case "bigint": return "BIGINT";
            case "int": return "INTEGER";
            case "boolean": return "BOOLEAN";
            case "double": return "DOUBLE";
            case "timestamp": return "TIMESTAMP WITH TIME ZONE";
            case "map<string,string>": return "MAP(VARCHAR, VARCHAR)";
            default:
                if (hive.startsWith("decimal(")) {
                    return hive.toUpperCase(java.util.Locale.ROOT);
                }
                throw new IllegalArgumentException("no DuckDB mapping for Glue type " + hive);
        }
    }

    private static long num(Map<String, Object> row, String column) {
        return ((Number) row.get(column)).longValue();
    }

    private static void exec(String sql) throws SQLException {
        try (Statement st = db.createStatement()) {
            st.execute(sql);
        }
    }

    private static List<Map<String, Object>> rows(String sql) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), rs.getObject(i));
                }
                out.add(row);
            }
        }
        return out;
    }
}
