package com.bedrockcost.it;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.testutil.ContractPricer;
import com.bedrockcost.testutil.DuckLake;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real job (generator → decode → dedupe → price → Parquet) over 20,000 generated invocations
 * with the built-in price table, read back with DuckDB; every row's costs must equal, to the last
 * decimal, a calculation done here from the CSV files in {@code pricing/} with the test yardstick's
 * reader and lookup ({@link ContractPricer}; nothing from the job's pricing package).
 */
class GeneratedCorpusPricingTest {
    static final int COUNT = 20_000;
    static final BigDecimal MILLION = new BigDecimal(1_000_000);

    @TempDir static Path dir;
    static List<Map<String, Object>> rows;
    static ContractPricer prices;

    @BeforeAll
    static void runJob() throws Exception {
        Path lake = dir.resolve("lake");
        LocalRunner.run(JobConfig.defaults().with(Map.of(
                "generator.count", String.valueOf(COUNT), "generator.seed", "4711",
                "output.path", lake.toString(), "checkpoint.interval", "2s", "job.parallelism", "2",
                "checkpoint.dir", dir.resolve("checkpoints").toString())));
        try (DuckLake db = new DuckLake(lake)) {
            rows = db.rows("SELECT request_id, epoch_ms(event_time) AS event_ms, region, model, profile_scope, input_tokens, "
                    + "output_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, input_cost, output_cost, "
                    + "cache_read_cost, cache_write_cost, total_cost, pricing_status, price_source FROM invocations");
        }
        prices = ContractPricer.builtIn();
    }

    @Test
    void everyRowCostsWhatAnIndependentCalculationSays() {
        assertThat(rows.size()).isGreaterThan(COUNT * 95 / 100);
        int priced = 0;
        for (Map<String, Object> r : rows) {
            long in = num(r, "input_tokens");
            long out = num(r, "output_tokens");
            long cacheRead = num(r, "cache_read_tokens");
            long cacheWrite = num(r, "cache_write_tokens");
            long cacheWrite1h = num(r, "cache_write_1h_tokens");
            ContractPricer.Price p = prices.lookup((String) r.get("model"), (String) r.get("region"), (String) r.get("profile_scope"),
                    Instant.ofEpochMilli(num(r, "event_ms")), in + cacheRead + cacheWrite);
            String id = (String) r.get("request_id");
            if (p == null) {
                assertThat(r.get("pricing_status")).as(id).isEqualTo("UNPRICED");
                assertThat(r.get("total_cost")).as(id).isNull();
                assertThat(r.get("price_source")).as(id).isNull();
                continue;
            }
            priced++;
            BigDecimal inputCost = cost(in, p.input);
            BigDecimal outputCost = cost(out, p.output);
            BigDecimal cacheReadCost = cost(cacheRead, p.cacheRead);
            BigDecimal cacheWriteCost = cost(cacheWrite - cacheWrite1h, p.cacheWrite)
                    .add(cost(cacheWrite1h, p.cacheWrite1h != null ? p.cacheWrite1h : p.cacheWrite));
            assertThat(r.get("pricing_status")).as(id).isEqualTo("PRICED");
            assertThat(r.get("input_cost")).as(id).isEqualTo(inputCost);
            assertThat(r.get("output_cost")).as(id).isEqualTo(outputCost);
            assertThat(r.get("cache_read_cost")).as(id).isEqualTo(cacheReadCost);
            assertThat(r.get("cache_write_cost")).as(id).isEqualTo(cacheWriteCost);
            assertThat(r.get("total_cost")).as(id).isEqualTo(inputCost.add(outputCost).add(cacheReadCost).add(cacheWriteCost));
            assertThat((String) r.get("price_source")).as(id).startsWith(p.source);
        }
        assertThat(priced).isGreaterThan(rows.size() * 9 / 10);
    }

    @Test
    void theCorpusExercisesEveryPricingPath() {
        List<String> sources = rows.stream().map(r -> (String) r.get("price_source")).filter(s -> s != null).collect(Collectors.toList());
        // Long-context rows of Claude Sonnet 4.5 (geo and global), cache reads and writes, embeddings, unknown models.
        assertThat(sources).contains("pricing/anthropic.csv:16", "pricing/anthropic.csv:15");
        assertThat(rows).anySatisfy(r -> assertThat((BigDecimal) r.get("cache_read_cost")).isPositive());
        assertThat(rows).anySatisfy(r -> assertThat((BigDecimal) r.get("cache_write_cost")).isPositive());
        assertThat(sources).anySatisfy(s -> assertThat(s).startsWith("pricing/amazon.csv"));
        assertThat(sources).anySatisfy(s -> assertThat(s).startsWith("pricing/cohere.csv"));
        List<Map<String, Object>> unpriced = rows.stream().filter(r -> "UNPRICED".equals(r.get("pricing_status"))).collect(Collectors.toList());
        assertThat(unpriced).isNotEmpty().allSatisfy(r -> assertThat(r.get("model")).isEqualTo("writer.palmyra-x5-v1:0"));
    }

    private static long num(Map<String, Object> r, String column) {
        return ((Number) r.get(column)).longValue();
    }

    private static BigDecimal cost(long tokens, BigDecimal perMillion) {
        return new BigDecimal(tokens).multiply(perMillion).divide(MILLION).setScale(12, RoundingMode.UNNECESSARY);
    }
}
