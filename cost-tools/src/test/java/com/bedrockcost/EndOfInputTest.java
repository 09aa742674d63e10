package com.bedrockcost;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.testutil.DuckLake;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded local run ends when its input has: the last checkpoint, which commits the files, is
 * taken at once instead of at the next periodic one. With an hour between periodic checkpoints, the
 * run could only finish this quickly, and its files could only be visible, through that checkpoint.
 */
class EndOfInputTest {
    @TempDir Path dir;

    @ParameterizedTest(name = "output.tenant.hourly={0}")
    @ValueSource(strings = {"true", "false"})
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aBoundedRunCommitsAndEndsWithoutWaitingForThePeriodicCheckpoint(String rollup) throws Exception {
        Path lake = dir.resolve("lake");
        LocalRunner.run(JobConfig.defaults().with(Map.of(
                "generator.count", "2000", "output.path", lake.toString(), "output.tenant.hourly", rollup,
                "checkpoint.interval", "1h", "checkpoint.dir", dir.resolve("checkpoints").toString())));

        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(*) FROM invocations")).isEqualTo(2000);
            if (rollup.equals("true")) {
                assertThat(db.count("SELECT sum(invocations) FROM tenant_hourly")).isEqualTo(2000);
            }
        }
    }
}
