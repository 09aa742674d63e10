package com.bedrockcost.cli;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.testutil.DuckLake;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code restate} writes two tables, {@code adjustments} then {@code tenant_hourly}, each committed by
 * its own job. Killed (kill -9) right after the first commit, it leaves the adjustments without their
 * hourly rows; the same command run again writes no adjustment twice and adds exactly the rows
 * {@code tenant_hourly} lacks, so that per tenant, model and hour it sums to invocations plus
 * adjustments again, to the digit; a third run adds nothing.
 */
@Timeout(400)
class RestateInterruptedTest {
    /** tenant_hourly per tenant, model and hour: cost and unpriced count. */
    private static final String HOURLY = "SELECT tenant_id, model, CAST(epoch(window_start) / 3600 AS BIGINT) AS h, sum(total_cost) AS t,"
            + " sum(unpriced) AS u FROM tenant_hourly GROUP BY ALL ORDER BY ALL";
    /** The same from invocations and adjustments. */
    private static final String CURRENT = "SELECT tenant_id, model, CAST(floor(epoch(event_time) / 3600) AS BIGINT) AS h, sum(c) AS t,"
            + " sum(u) AS u FROM (SELECT tenant_id, model, event_time, total_cost AS c, CASE WHEN pricing_status = 'UNPRICED' THEN 1 ELSE 0 END AS u"
            + " FROM invocations UNION ALL SELECT tenant_id, model, event_time, total_cost_delta, CASE WHEN old_pricing_status = 'UNPRICED'"
            + " AND new_pricing_status = 'PRICED' THEN -1 ELSE 0 END FROM adjustments) GROUP BY ALL ORDER BY ALL";

    @TempDir Path dir;

    @Test
    void aRestateKilledBetweenItsTwoCommitsIsCompletedByTheSameCommand() throws Exception {
        Path lake = dir.resolve("lake");
        LocalRunner.run(JobConfig.defaults().with(Map.of("generator.count", "1500", "output.path", lake.toString(),
                "checkpoint.interval", "1s")));
        Path table = dir.resolve("full/pricing");
        RestateCommandTest.copyBuiltInTable(table);
        Files.writeString(table.resolve("writer.csv"), RestateCommandTest.PALMYRA_ROW);
        long unpriced;
        try (DuckLake db = new DuckLake(lake)) {
            unpriced = db.count("SELECT count(*) FROM invocations WHERE model = '" + RestateCommandTest.UNPRICED_MODEL
                    + "' AND pricing_status = 'UNPRICED'");
        }
        assertThat(unpriced).isPositive();

        List<String> args = List.of("--lake", lake.toString(), "--pricing", table.toString(), "--quiet");
        LaunchedRun killed = LaunchedRun.start(dir, Files.createDirectories(dir.resolve("tmp")), "restate", "restate", args);
        killed.awaitOutput(String.format("Wrote %,d adjustments", unpriced), Duration.ofMinutes(4));
        killed.process.destroyForcibly(); // kill -9: the adjustments are committed, tenant_hourly's job has not committed
        killed.process.waitFor();
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(*) FROM adjustments")).isEqualTo(unpriced);
            assertThat(db.count("SELECT count(*) FROM tenant_hourly WHERE row_kind = 'ADJUSTMENT'"))
                    .as("killed before tenant_hourly's commit: " + killed.output()).isZero();
            assertThat(db.rows(HOURLY)).isNotEqualTo(db.rows(CURRENT));
        }

        Cli again = new Cli(args);
        assertThat(again.code).as(again.out + again.err).isZero();
        assertThat(again.out).contains("Nothing to write").contains("tenant_hourly lacked the ADJUSTMENT rows of");
        long hourlyRows;
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(*) FROM adjustments")).isEqualTo(unpriced);
            assertThat(db.count("SELECT count(DISTINCT request_id) FROM adjustments")).isEqualTo(unpriced);
            assertThat(db.count("SELECT count(*) FROM tenant_hourly WHERE row_kind = 'ADJUSTMENT'")).isPositive();
            assertThat(db.rows(HOURLY)).isEqualTo(db.rows(CURRENT));
            hourlyRows = db.count("SELECT count(*) FROM tenant_hourly");
        }

        Cli third = new Cli(args);
        assertThat(third.code).as(third.out + third.err).isZero();
        assertThat(third.out).contains("Nothing to write").doesNotContain("lacked");
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(*) FROM adjustments")).isEqualTo(unpriced);
            assertThat(db.count("SELECT count(*) FROM tenant_hourly")).isEqualTo(hourlyRows);
        }
    }

    private static final class Cli {
        final String out;
        final String err;
        final int code;

        Cli(List<String> args) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            String[] all = new String[args.size() + 1];
            all[0] = "restate";
            for (int i = 0; i < args.size(); i++) {
                all[i + 1] = args.get(i);
            }
            code = Main.run(all, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
            out = o.toString(StandardCharsets.UTF_8);
            err = e.toString(StandardCharsets.UTF_8);
        }
    }
}
