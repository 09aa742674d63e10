package com.bedrockcost.it;

import com.bedrockcost.BudgetAlerts;
import com.bedrockcost.CostPipeline;
import com.bedrockcost.LocalRunner;
import com.bedrockcost.StreamFactory;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.Inputs;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.pricing.PriceFeed;
import com.bedrockcost.sink.LakeSinks;
import com.bedrockcost.testutil.DuckLake;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded run with {@code --budgets} over generated logs writes, for every tenant with a budget,
 * exactly the threshold alerts its final spend per period implies, computed here independently from
 * the {@code invocations} table with DuckDB; the same run again into the same lake adds no alert, and
 * neither does a failure in the middle of a run (restart from the last checkpoint, replay).
 */
public class BudgetAlertsRunTest {
    public static final String BUDGETS = "tenant_id,period,amount_usd,thresholds,effective_from,effective_to,note\n"
            + "*,day,0.25,50;100,,,every tenant\n"
            + "*,month,0.5,50;80;95;100,,,\n"
            + "tenant-0001,month,20,25;50;75;100;150,,,the busiest tenant has its own\n";

    /** Every (tenant, period, start, threshold) the spend in invocations reaches, for the budgets above. */
    static final String EXPECTED = "WITH spend AS ("
            + "  SELECT tenant_id, 'day' AS period, date_trunc('day', event_time AT TIME ZONE 'UTC') AS start, sum(total_cost) AS usd"
            + "  FROM invocations WHERE tenant_id IS NOT NULL AND total_cost IS NOT NULL GROUP BY ALL"
            + "  UNION ALL"
            + "  SELECT tenant_id, 'month', date_trunc('month', event_time AT TIME ZONE 'UTC'), sum(total_cost)"
            + "  FROM invocations WHERE tenant_id IS NOT NULL AND total_cost IS NOT NULL GROUP BY ALL),"
            + " budget AS (SELECT * FROM (VALUES ('*', 'day', 0.25, [50, 100]), ('*', 'month', 0.5, [50, 80, 95, 100]),"
            + "   ('tenant-0001', 'month', 20.0, [25, 50, 75, 100, 150])) b(tenant, period, amount, pcts))"
            + " SELECT s.tenant_id || ' ' || s.period || ' ' || strftime(s.start, '%Y-%m-%d') || ' ' || pct AS alert"
            + " FROM spend s JOIN budget b ON b.period = s.period"
            + "  AND b.tenant = CASE WHEN s.tenant_id = 'tenant-0001' AND s.period = 'month' THEN 'tenant-0001' ELSE '*' END,"
            + " unnest(b.pcts) AS t(pct)"
            + " WHERE s.usd >= b.amount * pct / 100";
    static final String WRITTEN = "SELECT tenant_id || ' ' || period || ' ' || strftime(period_start AT TIME ZONE 'UTC', '%Y-%m-%d') || ' '"
            + " || CAST(CAST(threshold_pct AS INTEGER) AS VARCHAR) AS alert FROM alerts WHERE alert_type = 'THRESHOLD'";

    @TempDir Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aBoundedRunWritesExactlyTheThresholdAlertsTheSpendImpliesAndARerunAddsNone() throws Exception {
        Path budgets = Files.writeString(dir.resolve("budgets.csv"), BUDGETS);
        Path lake = dir.resolve("lake");
        JobConfig config = JobConfig.defaults().with(Map.of(
                "output.path", lake.toString(), "budgets.path", budgets.toString(), "generator.count", "6000",
                "job.parallelism", "2", "checkpoint.interval", "500ms", "checkpoint.dir", dir.resolve("checkpoints").toString()));
        LocalRunner.run(config);

        TreeSet<String> expected;
        List<Map<String, Object>> firstRun;
        try (DuckLake db = new DuckLake(lake)) {
            expected = strings(db.rows(EXPECTED));
            TreeSet<String> written = strings(db.rows(WRITTEN));
            System.out.printf("%d threshold alerts for %d tenants%n", written.size(),
                    db.count("SELECT count(DISTINCT tenant_id) FROM alerts"));
            assertThat(expected).as("the budgets are crossed by some tenants").hasSizeGreaterThan(20);
            assertThat(db.count("SELECT count(DISTINCT tenant_id) FROM invocations WHERE tenant_id NOT IN (SELECT tenant_id FROM alerts)"))
                    .as("and not by others").isPositive();
            assertThat(written).isEqualTo(expected);
            assertThat(db.count("SELECT count(*) FROM alerts WHERE alert_type = 'THRESHOLD'")).isEqualTo(expected.size());
            assertThat(db.count("SELECT count(*) FROM alerts WHERE alert_type = 'THRESHOLD' AND spend_usd < budget_usd * threshold_pct / 100"))
                    .as("alerts whose spend is below their threshold").isZero();
            // The crossing invocation is in the lake, of that tenant and period.
            assertThat(db.count("SELECT count(*) FROM alerts a JOIN invocations i USING (request_id)"
                    + " WHERE a.tenant_id = i.tenant_id AND a.event_time = i.event_time")).isEqualTo(db.count("SELECT count(*) FROM alerts"));
            firstRun = db.rows("SELECT alert_id FROM alerts ORDER BY alert_id");
        }

        LocalRunner.run(config);
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.rows("SELECT alert_id FROM alerts ORDER BY alert_id")).as("alerts after the same run again").isEqualTo(firstRun);
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aFailureMidRunAddsNoDuplicateAndLosesNoAlert() throws Exception {
        Path budgets = Files.writeString(dir.resolve("budgets.csv"), BUDGETS);
        Path lake = dir.resolve("lake");
        JobConfig config = JobConfig.defaults().with(Map.of(
                "output.path", lake.toString(), "budgets.path", budgets.toString(), "generator.count", "6000",
                "generator.rate", "1500", "job.parallelism", "2", "checkpoint.interval", "300ms",
                "checkpoint.dir", dir.resolve("checkpoints").toString()));
        StreamExecutionEnvironment env = LocalRunner.environment(config);
        String run = UUID.randomUUID().toString();
        FailureInjectionTest.Progress progress = FailureInjectionTest.Progress.start(run);
        // Fails once, after a checkpoint, when 3,500 records have passed: alerts emitted since then are replayed.
        StreamFactory<RawInput> input = e -> Inputs.fromConfig(config).create(e)
                .map(new FailureInjectionTest.FailAfter(run, new long[] {3_500})).uid("inject-failure").name("inject-failure");
        String root = lake.toString();
        new CostPipeline(config, input, PriceFeed.fromConfig(config), LakeSinks.invocations(root, "SNAPPY"), LakeSinks.failed(root, "SNAPPY"))
                .withBudgets(BudgetAlerts.fromConfig(config)).build(env);
        env.execute("budget alerts through a failure");

        assertThat(progress.thrown).as("injected failures").hasSize(1);
        assertThat(progress.seen.get()).as("records replayed after the failure").isGreaterThan(6000);
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(*) - count(DISTINCT request_id) FROM invocations")).isZero();
            TreeSet<String> expected = strings(db.rows(EXPECTED));
            assertThat(expected).hasSizeGreaterThan(20);
            assertThat(strings(db.rows(WRITTEN))).isEqualTo(expected);
            assertThat(db.count("SELECT count(*) FROM alerts WHERE alert_type = 'THRESHOLD'")).as("no alert twice").isEqualTo(expected.size());
        }
    }

    static TreeSet<String> strings(List<Map<String, Object>> rows) {
        TreeSet<String> out = new TreeSet<>();
        rows.forEach(r -> out.add(String.valueOf(r.get("alert"))));
        return out;
    }
}
