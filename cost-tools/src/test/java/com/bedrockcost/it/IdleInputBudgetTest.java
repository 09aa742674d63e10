package com.bedrockcost.it;

import com.bedrockcost.BudgetAlerts;
import com.bedrockcost.CostPipeline;
import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.model.StreamFactory;
import com.bedrockcost.pricing.PriceFeed;
import com.bedrockcost.sink.LakeSinks;
import com.bedrockcost.testutil.DuckLake;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A streaming job with a watched budget table whose log input (one tenant) pauses for longer than
 * {@code watermark.idle.timeout} in the middle of a month, then goes on with invocations of the same
 * month that cross budget thresholds. The budget side carries no event time: after its first reading
 * it is idle, so the idle log input leaves the budget operator idle, its watermark stands still, the
 * month-to-date spend is kept across the pause and the thresholds crossed after it are alerted.
 * Before, the first budget reading released the end-of-time watermark; with the budget folder empty
 * at that reading (budgets added later) the budget side stayed active at the end of time, took over
 * the budget operator during the pause, dropped every period's spend and made every later invocation
 * too late: no alert at all. (With budgets from the start the budget source marked its output idle
 * right after that watermark, which hid it unless the log input was idle already.)
 */
@Timeout(240)
class IdleInputBudgetTest {
    static final int COUNT = IdleInputHourTest.COUNT;
    static final String TENANT = LogGenerator.tenantName(0);
    /** The month's spend of the 400 invocations is 2.43 USD, 0.95 of it before the pause: 10 to 40 % are crossed before, 50 to 100 % after. */
    static final String BUDGETS = "tenant_id,period,amount_usd,thresholds,effective_from,effective_to,note\n"
            + TENANT + ",month,2,10;20;30;40;50;60;70;80;90;100,,,\n";
    static final String EXPECTED = "WITH spend AS (SELECT sum(total_cost) AS usd FROM invocations WHERE event_time < %s)"
            + " SELECT CAST(pct AS VARCHAR) AS alert FROM spend, unnest([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]) AS t(pct)"
            + " WHERE usd >= 2 * pct / 100";
    /** Records from index COUNT / 2 on are read after the pause: 25 of the 50 minutes. */
    static final String PAUSE_AT = "TIMESTAMPTZ '2026-11-01 10:25:00+00'";

    @TempDir Path dir;

    /** Budgets from the start: the thresholds crossed after the pause are alerted with the month-to-date spend. */
    @Test
    void thresholdsCrossedAfterAnIdlePauseAreAlertedWithTheMonthToDateSpend() throws Exception {
        Path lake = run(true);
        try (DuckLake db = new DuckLake(lake)) {
            TreeSet<String> beforePause = BudgetAlertsRunTest.strings(db.rows(String.format(EXPECTED, PAUSE_AT)));
            assertThat(beforePause).as("thresholds crossed before the pause").isNotEmpty();
            assertThat(expected(db).size() - beforePause.size()).as("thresholds crossed after the pause only").isGreaterThanOrEqualTo(3);
            assertAlertsWithMonthToDateSpend(db);
        }
    }

    /**
     * No budget file when the job starts (a running job starts without budgets); the budget file is
     * written during the pause, once the log input is idle: the next invocation after the pause alerts
     * every threshold the month-to-date spend has reached, those the spend before the pause reached too.
     */
    @Test
    void budgetsAddedDuringAnIdlePauseAlertTheMonthToDateSpend() throws Exception {
        Path lake = run(false);
        try (DuckLake db = new DuckLake(lake)) {
            assertAlertsWithMonthToDateSpend(db);
            assertThat(db.count("SELECT count(*) FROM alerts WHERE event_time < " + PAUSE_AT)).as("alerts before the budgets").isZero();
        }
    }

    /** Runs the job until every invocation is in the lake; the budget file is there from the start or written in the pause. */
    private Path run(boolean budgetsAtStart) throws Exception {
        Path lake = dir.resolve("lake");
        Path budgets = dir.resolve("budgets");
        Files.createDirectories(budgets);
        if (budgetsAtStart) {
            Files.writeString(budgets.resolve("budgets.csv"), BUDGETS);
        }
        JobConfig config = JobConfig.defaults().with(Map.of(
                // A watched input folder: unbounded, so the budget table is watched and the job runs until cancelled.
                "input.path", dir.resolve("unused").toString(), "input.monitor.interval", "1s",
                "watermark.idle.timeout", "1s", "budgets.path", budgets.toString(), "budgets.watch.interval", "1s",
                "output.path", lake.toString(), "checkpoint.dir", dir.resolve("checkpoints").toString(),
                "checkpoint.interval", "1s", "job.parallelism", "1"));
        StreamExecutionEnvironment env = LocalRunner.environment(config);
        StreamFactory<RawInput> input = e -> e.fromSource(
                new DataGeneratorSource<>(new OneTenant(), COUNT, new IdleInputHourTest.PauseOnce(), TypeInformation.of(RawInput.class)),
                WatermarkStrategy.noWatermarks(), "pausing-logs").uid("source-generator");
        String root = lake.toString();
        new CostPipeline(config, input, PriceFeed.fromConfig(config), LakeSinks.invocations(root, "SNAPPY"), LakeSinks.failed(root, "SNAPPY"))
                .withBudgets(BudgetAlerts.fromConfig(config)).build(env);
        JobClient job = env.executeAsync("idle-log-input-budgets");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            if (!budgetsAtStart) {
                while (invocations(lake) < COUNT / 2) {
                    assertThat(System.nanoTime()).as("the invocations before the pause in the lake").isLessThan(deadline);
                    Thread.sleep(200);
                }
                assertThat(invocations(lake)).as("invocations in the lake before the budget file").isEqualTo(COUNT / 2);
                Thread.sleep(1500); // the log input is idle now (1 s without a record), the pause lasts 6 s
                Files.writeString(budgets.resolve("budgets.csv"), BUDGETS);
            }
            while (invocations(lake) < COUNT) {
                assertThat(System.nanoTime()).as("all invocations in the lake").isLessThan(deadline);
                Thread.sleep(500);
            }
            Thread.sleep(3000); // a few more checkpoints: the alerts of the last invocations are committed now
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
        return lake;
    }

    /** Every threshold the month's spend reaches is alerted once, with the spend before the pause in it: no spend lost, no invocation too late. */
    private static void assertAlertsWithMonthToDateSpend(DuckLake db) throws Exception {
        assertThat(db.rows("SELECT 1 FROM duckdb_views() WHERE view_name = 'alerts'")).as("alerts in the lake").isNotEmpty();
        assertThat(BudgetAlertsRunTest.strings(db.rows("SELECT CAST(CAST(threshold_pct AS INTEGER) AS VARCHAR) AS alert"
                + " FROM alerts WHERE alert_type = 'THRESHOLD'"))).isEqualTo(expected(db));
        assertThat(db.count("SELECT count(*) FROM alerts WHERE alert_type = 'THRESHOLD'")).as("no alert twice").isEqualTo(expected(db).size());
        // An alert after the pause counts the spend before it too: more than the invocations since the pause.
        assertThat(db.count("SELECT count(*) FROM alerts a WHERE alert_type = 'THRESHOLD' AND event_time >= " + PAUSE_AT
                + " AND spend_usd <= (SELECT sum(total_cost) FROM invocations i WHERE i.event_time >= " + PAUSE_AT
                + " AND i.event_time <= a.event_time)")).as("alerts after the pause without the spend before it").isZero();
    }

    private static TreeSet<String> expected(DuckLake db) throws Exception {
        return BudgetAlertsRunTest.strings(db.rows(String.format(EXPECTED, "TIMESTAMPTZ '2100-01-01 00:00:00+00'")));
    }

    private static long invocations(Path lake) throws Exception {
        if (!Files.isDirectory(lake.resolve("invocations"))) {
            return 0;
        }
        try (DuckLake db = new DuckLake(lake)) {
            return db.rows("SELECT 1 FROM duckdb_views() WHERE view_name = 'invocations'").isEmpty() ? 0
                    : db.count("SELECT count(DISTINCT request_id) FROM invocations");
        }
    }

    /** Invocations of one tenant from 10:00 to 10:50 of one day: one month. */
    static final class OneTenant implements GeneratorFunction<Long, RawInput> {
        private static final long serialVersionUID = 1L;
        private final LogGenerator logs = new LogGenerator(7, COUNT, 1, IdleInputHourTest.START, Duration.ofMinutes(50));

        @Override
        public RawInput map(Long index) {
            return RawInput.logLine("pausing:" + index, logs.recordText(index).getBytes(StandardCharsets.UTF_8));
        }
    }
}
