package com.bedrockcost.cli;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.testutil.DuckLake;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rollup-repair} on a lake a bounded run wrote whole (nothing to add: the sums of the two
 * tables agree to the digit), then after a run that wrote invocations of later hours without
 * {@code tenant_hourly}: those hours are after the newest hour written on time, so they are left
 * (a running job may hold them open) and said so, until {@code --include-open-hours}.
 */
@Timeout(300)
class RollupRepairCommandTest {
    @TempDir Path dir;

    @Test
    void addsOnlyWhatIsMissingLeavesHoursThatMayBeOpenAndAddsNothingTheSecondTime() throws Exception {
        Path lake = dir.resolve("lake");
        Map<String, String> common = Map.of("output.path", lake.toString(), "checkpoint.interval", "1s",
                "checkpoint.dir", dir.resolve("checkpoints").toString(), "generator.tenants", "7");
        LocalRunner.run(JobConfig.defaults().with(common).with(Map.of("generator.count", "3000",
                "generator.start", "2026-11-01T00:00:00Z", "generator.span", "5h")));

        String whole = repair(lake, 0);
        assertThat(whole).contains("Diff: tenant_hourly equals invocations and adjustments").contains("Nothing to write")
                .doesNotContain("Left:");

        LocalRunner.run(JobConfig.defaults().with(common).with(Map.of("generator.count", "1000", "generator.seed", "7",
                "generator.start", "2026-11-01T06:00:00Z", "generator.span", "2h", "output.tenant.hourly", "false")));
        String open = repair(lake, 0);
        assertThat(open).contains("Left: ").contains("2026-11-01T05:00:00Z").contains("Nothing to write");
        String dryRun = repair(lake, 0, "--include-open-hours", "--dry-run");
        assertThat(dryRun).contains("dry run").contains("1,000").doesNotContain("Wrote");
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT sum(invocations) FROM tenant_hourly")).isEqualTo(3000);
        }

        String repaired = repair(lake, 0, "--include-open-hours");
        assertThat(repaired).contains("Wrote ");
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT sum(invocations) FROM tenant_hourly WHERE row_kind = 'REPAIR'")).isEqualTo(1000);
            assertThat(db.count("SELECT count(*) FROM ("
                    + " SELECT epoch_ms(event_time) // 3600000 AS h, tenant_id, model, count(*) AS n, sum(total_cost) AS c,"
                    + "   sum(input_tokens) AS t FROM invocations GROUP BY ALL"
                    + " EXCEPT"
                    + " SELECT epoch_ms(window_start) // 3600000, tenant_id, model, sum(invocations), sum(total_cost),"
                    + "   sum(input_tokens) FROM tenant_hourly GROUP BY ALL)")).as("hours whose sums differ").isZero();
            assertThat((BigDecimal) db.value("SELECT sum(total_cost) FROM tenant_hourly"))
                    .isEqualTo((BigDecimal) db.value("SELECT sum(total_cost) FROM invocations"));
        }
        assertThat(repair(lake, 0, "--include-open-hours")).contains("Nothing to write");
    }

    /**
     * Invocations written without tenant_hourly, then priced late by restate (adjustments; no rollup
     * to correct yet), then a later run with tenant_hourly: the repair adds the earlier hours with
     * their adjustments, so per hour, tenant and model the sums (cost, unpriced) equal invocations
     * plus adjustments.
     */
    @Test
    void adjustmentsCountInTheRepairedHours() throws Exception {
        Path lake = dir.resolve("lake");
        Path table = dir.resolve("full/pricing");
        RestateCommandTest.copyBuiltInTable(table);
        Files.writeString(table.resolve("writer.csv"), RestateCommandTest.PALMYRA_ROW);
        Map<String, String> common = Map.of("output.path", lake.toString(), "checkpoint.interval", "1s",
                "checkpoint.dir", dir.resolve("checkpoints").toString(), "generator.count", "4000");
        LocalRunner.run(JobConfig.defaults().with(common).with(Map.of("generator.span", "1d", "output.tenant.hourly", "false")));
        ByteArrayOutputStream restateOut = new ByteArrayOutputStream();
        assertThat(Main.run(new String[] {"restate", "--lake", lake.toString(), "--pricing", table.toString(), "--quiet"},
                new PrintStream(restateOut), new PrintStream(new ByteArrayOutputStream()))).isZero();
        LocalRunner.run(JobConfig.defaults().with(common).with(Map.of("generator.seed", "7",
                "generator.start", "2026-11-03T00:00:00Z", "generator.span", "1d")));

        assertThat(repair(lake, 0)).contains("Wrote ").doesNotContain("Left:");
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(*) FROM adjustments")).as("adjustments in the lake").isGreaterThan(10);
            assertThat(db.count("SELECT sum(unpriced) FROM tenant_hourly WHERE row_kind = 'REPAIR'"))
                    .as("unpriced of the repaired hours: none left by the adjustments").isZero();
            assertThat(db.count("SELECT count(*) FROM ("
                    + " SELECT epoch_ms(event_time) // 3600000 AS h, tenant_id, model, sum(n) AS n, sum(c) AS c, sum(u) AS u FROM ("
                    + "   SELECT event_time, tenant_id, model, 1 AS n, total_cost AS c,"
                    + "     CASE WHEN pricing_status = 'UNPRICED' THEN 1 ELSE 0 END AS u FROM invocations"
                    + "   UNION ALL SELECT event_time, tenant_id, model, 0, total_cost_delta, -1 FROM adjustments) GROUP BY ALL"
                    + " EXCEPT"
                    + " SELECT epoch_ms(window_start) // 3600000, tenant_id, model, sum(invocations), sum(total_cost), sum(unpriced)"
                    + " FROM tenant_hourly GROUP BY ALL)")).as("hours whose sums differ").isZero();
        }
        assertThat(repair(lake, 0)).contains("Nothing to write");
    }

    @Test
    void aLakeWithoutTenantHourlyIsNotGivenOne() throws Exception {
        Path lake = dir.resolve("lake");
        LocalRunner.run(JobConfig.defaults().with(Map.of("output.path", lake.toString(), "generator.count", "200",
                "checkpoint.dir", dir.resolve("checkpoints").toString(), "output.tenant.hourly", "false")));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(new String[] {"rollup-repair", "--lake", lake.toString()}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("has no tenant_hourly to repair");
    }

    private static String repair(Path lake, int expectedExit, String... options) {
        String[] args = new String[3 + options.length];
        args[0] = "rollup-repair";
        args[1] = "--lake";
        args[2] = lake.toString();
        System.arraycopy(options, 0, args, 3, options.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as("exit code; out:%n%s%nerr:%n%s", printed, err.toString(StandardCharsets.UTF_8)).isEqualTo(expectedExit);
        return printed;
    }
}
