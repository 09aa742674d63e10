package com.bedrockcost.cli;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.testutil.DuckLake;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code restate} over real lakes, read back by DuckDB: a default generated run leaves the model
 * without a price (Writer Palmyra X5) UNPRICED; restating it with a table that has that price makes
 * {@code sum(invocations.total_cost) + sum(adjustments.total_cost_delta)} equal, to the digit, the
 * total of a run priced with that table from the start, overall and per tenant. Run again, restate adds
 * nothing; {@code --dry-run} prints the diff and writes nothing; a corrected price gives PRICE_CHANGED.
 */
public class RestateCommandTest {
    private static final int COUNT = 4000;
    public static final String UNPRICED_MODEL = "writer.palmyra-x5-v1:0";
    public static final String PALMYRA_ROW = "model_id,region,effective_from,effective_to,input_per_mtok,output_per_mtok,"
            + "cache_read_per_mtok,cache_write_per_mtok,min_prompt_tokens,profile_scope,cache_write_1h_per_mtok,note\n"
            + UNPRICED_MODEL + ",*,2024-01-01,,0.6,6,,,,*,,test price\n";

    @TempDir static Path dir;
    static Path lake;
    static Path fresh;
    static Path fullTable;
    static final Map<String, String> GENERATED = Map.of("generator.count", String.valueOf(COUNT), "checkpoint.interval", "1s");

    @BeforeAll
    static void runs() throws Exception {
        fullTable = dir.resolve("full/pricing");
        copyBuiltInTable(fullTable);
        Files.writeString(fullTable.resolve("writer.csv"), PALMYRA_ROW);
        lake = dir.resolve("lake");
        fresh = dir.resolve("fresh");
        Map<String, String> c = new HashMap<>(GENERATED);
        c.put("output.path", lake.toString());
        LocalRunner.run(JobConfig.defaults().with(c));
        c.put("output.path", fresh.toString());
        c.put("pricing.path", fullTable.toString());
        LocalRunner.run(JobConfig.defaults().with(c));
    }

    public static void copyBuiltInTable(Path target) throws IOException {
        Path source = Paths.get(System.getProperty("project.root", "..")).resolve("pricing");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path t = target.resolve(source.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else if (f.toString().endsWith(".csv")) {
                    Files.copy(f, t);
                }
            }
        }
    }

    private static final class Cli {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code;

        Cli(String... args) {
            code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        }

        String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void aLatePriceConvergesToTheFreshRunToTheDigitOnceAndADryRunWritesNothing() throws Exception {
        long unpriced;
        try (DuckLake db = new DuckLake(lake)) {
            unpriced = db.count("SELECT count(*) FROM invocations WHERE model = '" + UNPRICED_MODEL + "' AND pricing_status = 'UNPRICED'");
        }
        assertThat(unpriced).as("the default generated run leaves Writer Palmyra X5 unpriced").isGreaterThan(10);
        try (DuckLake db = new DuckLake(fresh)) {
            assertThat(db.count("SELECT count(*) FROM invocations WHERE pricing_status = 'UNPRICED' AND model = '" + UNPRICED_MODEL + "'")).isZero();
        }

        Cli dry = new Cli("restate", "--lake", lake.toString(), "--pricing", fullTable.toString(), "--dry-run", "--quiet");
        assertThat(dry.code).as(dry.err()).isZero();
        assertThat(dry.out()).contains("dry run: nothing is written").contains(UNPRICED_MODEL).contains("PRICED_LATE")
                .containsPattern("(?m)^total\\s+" + String.format("%,d", unpriced) + "\\s+0\\.0{12}\\s+\\d+\\.\\d{12}\\s+\\+\\d+\\.\\d{12}$");
        assertThat(lake.resolve("adjustments")).doesNotExist();

        Cli restate = new Cli("restate", "--lake", lake.toString(), "--pricing", fullTable.toString());
        assertThat(restate.code).as(restate.err()).isZero();
        assertThat(restate.out()).contains(String.format("Wrote %,d adjustments", unpriced));
        try (DuckLake db = new DuckLake(lake); DuckLake reference = new DuckLake(fresh)) {
            assertThat(db.count("SELECT count(*) FROM adjustments")).isEqualTo(unpriced);
            assertThat(db.count("SELECT count(DISTINCT request_id) FROM adjustments")).isEqualTo(unpriced);
            assertThat(db.count("SELECT count(*) FROM adjustments WHERE reason = 'PRICED_LATE' AND model = '" + UNPRICED_MODEL
                    + "' AND old_pricing_status = 'UNPRICED' AND new_pricing_status = 'PRICED' AND new_price_source LIKE 'pricing/writer.csv:%'"))
                    .isEqualTo(unpriced);
            BigDecimal current = (BigDecimal) db.value("SELECT (SELECT sum(total_cost) FROM invocations) + (SELECT sum(total_cost_delta) FROM adjustments)");
            BigDecimal expected = (BigDecimal) reference.value("SELECT sum(total_cost) FROM invocations");
            assertThat(current).isEqualByComparingTo(expected);
            assertThat(current.scale()).isEqualTo(12);
            assertThat(perTenant(db, true)).isEqualTo(perTenant(reference, false));
            // tenant_hourly converges too: per tenant, model and hour its rows sum to invocations plus adjustments.
            assertThat(db.count("SELECT count(*) FROM tenant_hourly WHERE row_kind = 'ADJUSTMENT'")).isGreaterThan(0);
            assertThat(db.rows("SELECT tenant_id, model, CAST(epoch(window_start) / 3600 AS BIGINT) AS h, sum(total_cost) AS t, sum(unpriced) AS u FROM tenant_hourly"
                    + " GROUP BY ALL ORDER BY ALL")).isEqualTo(db.rows("SELECT tenant_id, model, CAST(floor(epoch(event_time) / 3600) AS BIGINT) AS h,"
                    + " sum(c) AS t, sum(u) AS u FROM (SELECT tenant_id, model, event_time, total_cost AS c,"
                    + " CASE WHEN pricing_status = 'UNPRICED' THEN 1 ELSE 0 END AS u FROM invocations UNION ALL SELECT tenant_id, model,"
                    + " event_time, total_cost_delta, CASE WHEN old_pricing_status = 'UNPRICED' AND new_pricing_status = 'PRICED' THEN -1 ELSE 0 END"
                    + " FROM adjustments) GROUP BY ALL ORDER BY ALL"));
            // The adjustments sit in the partition of the day they were made.
            assertThat(db.count("SELECT count(*) FROM adjustments WHERE make_date(year::INT, month::INT, day::INT) <> CAST(adjusted_at AS DATE)")).isZero();
        }

        Cli again = new Cli("restate", "--lake", lake.toString(), "--pricing", fullTable.toString());
        assertThat(again.code).as(again.err()).isZero();
        assertThat(again.out()).contains("Diff: no invocation's cost changes.").contains("Nothing to write");
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(*) FROM adjustments")).isEqualTo(unpriced);
        }
    }

    /** Current total per tenant (invocations plus, with adjustments, their deltas), scale 12 strings. */
    private static Map<String, BigDecimal> perTenant(DuckLake db, boolean withAdjustments) throws Exception {
        Map<String, BigDecimal> m = new HashMap<>();
        String sql = withAdjustments
                ? "SELECT tenant_id, sum(c) AS total FROM (SELECT tenant_id, total_cost AS c FROM invocations UNION ALL "
                        + "SELECT tenant_id, total_cost_delta FROM adjustments) GROUP BY tenant_id"
                : "SELECT tenant_id, sum(total_cost) AS total FROM invocations GROUP BY tenant_id";
        for (Map<String, Object> r : db.rows(sql)) {
            BigDecimal t = (BigDecimal) r.get("total");
            m.put(String.valueOf(r.get("tenant_id")), t == null ? null : t.setScale(12));
        }
        assertThat(m).hasSizeGreaterThan(50);
        return m;
    }

    @Test
    void aCorrectedPriceGivesPriceChangedAdjustmentsForTheSliceOnly() throws Exception {
        Path corrected = dir.resolve("corrected/pricing");
        copyBuiltInTable(corrected);
        Path amazon = corrected.resolve("amazon.csv");
        String before = Files.readString(amazon);
        String after = before.replace("amazon.nova-lite-v1:0,us-east-1,2024-01-01,,0.06,0.24,", "amazon.nova-lite-v1:0,us-east-1,2024-01-01,,0.07,0.24,");
        assertThat(after).isNotEqualTo(before);
        Files.writeString(amazon, after);
        Path target = dir.resolve("lake-corrected");
        Map<String, String> c = new HashMap<>(GENERATED);
        c.put("output.path", target.toString());
        LocalRunner.run(JobConfig.defaults().with(c));

        String tenant;
        BigDecimal expectedDelta = BigDecimal.ZERO;
        long expectedCount;
        String slice = "model = 'amazon.nova-lite-v1:0' AND region = 'us-east-1' AND pricing_status = 'PRICED' AND input_tokens > 0"
                + " AND year = 2026 AND month = 11 AND day = 2";
        try (DuckLake db = new DuckLake(target)) {
            tenant = (String) db.value("SELECT tenant_id FROM invocations WHERE " + slice + " GROUP BY tenant_id ORDER BY count(*) DESC, tenant_id LIMIT 1");
            List<Map<String, Object>> rows = db.rows("SELECT input_tokens FROM invocations WHERE " + slice + " AND tenant_id = '" + tenant + "'");
            expectedCount = rows.size();
            for (Map<String, Object> r : rows) {
                // 0.01 USD more per million input tokens.
                expectedDelta = expectedDelta.add(BigDecimal.valueOf((Long) r.get("input_tokens")).multiply(new BigDecimal("0.01")).movePointLeft(6));
            }
        }
        assertThat(expectedCount).isGreaterThan(0);

        Cli restate = new Cli("restate", "--lake", target.toString(), "--pricing", corrected.toString(),
                "--from", "2026-11-02", "--to", "2026-11-02", "--tenant", tenant);
        assertThat(restate.code).as(restate.err()).isZero();
        assertThat(restate.out()).contains("PRICE_CHANGED").contains("amazon.nova-lite-v1:0").contains("2026-11-02");
        try (DuckLake db = new DuckLake(target)) {
            assertThat(db.count("SELECT count(*) FROM adjustments")).isEqualTo(expectedCount);
            assertThat(db.count("SELECT count(*) FROM adjustments WHERE reason = 'PRICE_CHANGED' AND tenant_id = '" + tenant
                    + "' AND CAST(event_time AS DATE) = DATE '2026-11-02' AND model = 'amazon.nova-lite-v1:0'"
                    + " AND old_price_source = 'pricing/amazon.csv:3' AND new_price_source = 'pricing/amazon.csv:3'")).isEqualTo(expectedCount);
            assertThat((BigDecimal) db.value("SELECT sum(total_cost_delta) FROM adjustments")).isEqualByComparingTo(expectedDelta);
            assertThat((BigDecimal) db.value("SELECT sum(input_cost_delta) FROM adjustments")).isEqualByComparingTo(expectedDelta);
            assertThat(db.count("SELECT count(*) FROM adjustments WHERE output_cost_delta <> 0 OR cache_read_cost_delta <> 0"
                    + " OR cache_write_cost_delta <> 0")).isZero();
        }
    }
}
