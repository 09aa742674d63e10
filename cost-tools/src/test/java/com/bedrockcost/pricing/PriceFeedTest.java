package com.bedrockcost.pricing;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.ConfigException;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.testutil.DuckLake;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The table read when the job is built, and how the configuration decides between reading once and watching. */
class PriceFeedTest {
    static final String HEADER = PriceCsvTest.HEADER;
    @TempDir Path dir;

    private Path prices(String... nameThenContent) throws Exception {
        Path p = Files.createDirectories(dir.resolve("prices"));
        for (int i = 0; i < nameThenContent.length; i += 2) {
            Files.write(p.resolve(nameThenContent[i]), nameThenContent[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return p;
    }

    @Test
    void aBoundedRunRefusesABadTableNamingFileAndLine() throws Exception {
        Path p = prices("good.csv", HEADER + "m.x,*,2024-01-01,,1,1,,,,*,\n", "bad.csv", HEADER + "m.y,*,2024-01-01,,1,1,,,,everywhere,\n");
        JobConfig bounded = JobConfig.defaults().with(JobConfig.PRICING_PATH, p.toString());
        assertThatThrownBy(() -> PriceFeed.checkBeforeStart(PricingOptions.from(bounded))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("prices/bad.csv:2: unknown profile_scope 'everywhere'");
        assertThatThrownBy(() -> PriceFeed.checkBeforeStart(PricingOptions.from(bounded.with(JobConfig.PRICING_PATH, dir.resolve("nowhere").toString()))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("nowhere");
        Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> PriceFeed.checkBeforeStart(PricingOptions.from(bounded.with(JobConfig.PRICING_PATH, dir.resolve("empty").toString()))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("No price files");
    }

    @Test
    void aRunningJobStartsWithTheGoodFilesOnly() throws Exception {
        Path p = prices("good.csv", HEADER + "m.x,*,2024-01-01,,1,1,,,,*,\n", "bad.csv", HEADER + "m.y,*,2024-01-01,,-1,1,,,,*,\n");
        JobConfig running = JobConfig.defaults().with(Map.of("pricing.path", p.toString(),
                "input.path", dir.toString(), "input.monitor.interval", "10s"));
        PriceFeed.checkBeforeStart(PricingOptions.from(running));
        assertThat(PriceFeed.initialFiles(PricingOptions.from(running))).containsOnlyKeys("prices/good.csv");
        assertThat(PriceFeed.initialFiles(PricingOptions.from(running.with(JobConfig.PRICING_PATH, dir.resolve("nowhere").toString())))).isNull();
    }

    @Test
    @Timeout(120)
    void aBoundedRunWithAWatchedPriceFolderEnds() throws Exception {
        Path p = prices("bedrock.csv", HEADER + "anthropic.claude-3-haiku-20240307-v1:0,*,2024-01-01,,0.25,1.25,0.025,0.3125,,*,\n");
        Path lake = dir.resolve("lake");
        LocalRunner.run(JobConfig.defaults().with(Map.of("generator.count", "200", "pricing.path", p.toString(),
                "pricing.watch.interval", "1s", "output.path", lake.toString(), "checkpoint.interval", "1s",
                "checkpoint.dir", dir.resolve("checkpoints").toString())));
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(*) FROM invocations")).isEqualTo(200);
            assertThat(db.count("SELECT count(*) FROM invocations WHERE price_source = 'prices/bedrock.csv:2'")).isPositive();
            assertThat(db.count("SELECT count(*) FROM invocations WHERE pricing_status = 'PRICED' AND model <> 'anthropic.claude-3-haiku-20240307-v1:0'")).isZero();
        }
    }
}
