package com.bedrockcost.report;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.it.BudgetAlertsRunTest;
import com.bedrockcost.testutil.BrowserPage;
import com.bedrockcost.testutil.Chromium;
import com.bedrockcost.testutil.DuckLake;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's "Budgets and alerts" of a lake written by a bounded run with budgets: in a real
 * browser, the alert count, a tenant's budget, its spend so far in the month and the thresholds it
 * reached equal what DuckDB reads from the lake's invocations and alerts tables.
 */
class BudgetDashboardTest {
    static final String TENANT = "tenant-0001";

    @TempDir Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void theBudgetsAndAlertsSectionShowsTheLakesSpendBudgetsAndAlerts() throws Exception {
        Path budgets = Files.writeString(dir.resolve("budgets.csv"), BudgetAlertsRunTest.BUDGETS);
        Path lake = dir.resolve("lake");
        JobConfig config = JobConfig.defaults().with(Map.of(
                "output.path", lake.toString(), "budgets.path", budgets.toString(), "generator.count", "3000",
                "checkpoint.interval", "500ms", "checkpoint.dir", dir.resolve("checkpoints").toString()));
        LocalRunner.run(config);

        ReportOptions o = new ReportOptions();
        o.lake = lake.toString();
        o.out = dir.resolve("report");
        Path html = Report.write(o, config);
        JsonNode json = DashboardTest.json(Files.readString(html));

        BigDecimal spend;
        try (DuckLake db = new DuckLake(lake); BrowserPage page = Chromium.find(dir).page(1280, 900)) {
            long alerts = db.count("SELECT count(*) FROM alerts");
            assertThat(alerts).as("the run wrote alerts").isGreaterThan(10);
            String monthStart = "date_trunc('month', (SELECT max(event_time) FROM invocations) AT TIME ZONE 'UTC')";
            spend = (BigDecimal) db.value("SELECT sum(total_cost) FROM invocations WHERE tenant_id = '" + TENANT
                    + "' AND (event_time AT TIME ZONE 'UTC') >= " + monthStart);
            long monthAlerts = db.count("SELECT count(*) FROM alerts WHERE alert_type = 'THRESHOLD' AND tenant_id = '" + TENANT
                    + "' AND period = 'month' AND (period_start AT TIME ZONE 'UTC') = " + monthStart);

            page.load(html);
            page.waitFor("document.documentElement.dataset.render === 'done' || document.documentElement.dataset.errors");
            assertThat(page.errors()).as("console errors and exceptions").isEmpty();
            assertThat(page.eval("document.documentElement.dataset.errors || ''").asText()).isEmpty();

            assertThat(page.eval("document.getElementById('alerts-count').dataset.value").asLong()).as("alerts shown").isEqualTo(alerts);
            page.eval("(function(){var m=document.querySelector('#budgets .more'); if (m.style.display !== 'none') { m.click(); } return true;})()");
            String row = "document.querySelector('#table-budgets tr[data-key=\"" + TENANT + " month\"]')";
            page.waitFor(row);
            assertThat(page.eval(row + ".querySelector('[data-col=budget]').dataset.value").asText()).isEqualTo("20.000000000000");
            assertThat(page.eval(row + ".querySelector('[data-col=spend]').dataset.value").asText())
                    .isEqualTo(spend.setScale(12).toPlainString());
            assertThat(page.eval(row + ".querySelector('[data-col=spend]').textContent").asText()).isEqualTo(DashboardTest.shown(spend));
            String reached = page.eval(row + ".querySelector('[data-col=crossed]').textContent").asText();
            assertThat(reached.split("\\(20").length - 1).as("thresholds reached with an alert time: " + reached).isEqualTo((int) monthAlerts);

            // A range of the first day only: the alerts of that day.
            String first = db.rows("SELECT strftime(min(event_time) AT TIME ZONE 'UTC', '%Y-%m-%d') AS d FROM invocations").get(0).get("d").toString();
            page.eval("BedrockDashboard.setRange('" + first + "', '" + first + "'), true");
            page.waitFor("document.documentElement.dataset.range === '" + first + ".." + first + "'");
            assertThat(page.eval("document.getElementById('alerts-count').dataset.value").asLong())
                    .isEqualTo(db.count("SELECT count(*) FROM alerts WHERE strftime(event_time AT TIME ZONE 'UTC', '%Y-%m-%d') = '" + first + "'"));
            assertThat(page.errors()).isEmpty();
        }

        // The CSV files: every alert, and the tenant's budget lines with the exact spend.
        List<String> alertsCsv = Files.readAllLines(o.out.resolve("alerts.csv"));
        assertThat(alertsCsv).hasSize(json.get("budgets").get("alerts").size() + 1);
        assertThat(Files.readString(o.out.resolve("budgets.csv")))
                .contains(TENANT + ",month,").contains(",20," + spend.setScale(12).toPlainString() + ",");
    }
}
