package com.bedrockcost.it;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.testutil.DuckLake;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real job (generator → decode → dedupe → price → Parquet) over 20,000 generated invocations
 * with the built-in price table, read back with DuckDB; every row's costs must equal, to the last
 * decimal, a calculation done here from the CSV files in {@code pricing/} with a reader and lookup of
 * its own (nothing from the job's pricing package).
 */
class GeneratedCorpusPricingTest {
    static final int COUNT = 20_000;
    static final BigDecimal MILLION = new BigDecimal(1_000_000);

    @TempDir static Path dir;
    static List<Map<String, Object>> rows;
    static List<Price> prices;

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
        prices = readPriceFiles(Paths.get(System.getProperty("project.root", ".."), "pricing"));
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
            Price p = lookup((String) r.get("model"), (String) r.get("region"), (String) r.get("profile_scope"),
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

    /** One CSV row as this test reads it. */
    static final class Price {
        String model;
        String region;
        String scope;
        Instant from;
        Instant to;
        long minPrompt;
        BigDecimal input;
        BigDecimal output;
        BigDecimal cacheRead;
        BigDecimal cacheWrite;
        BigDecimal cacheWrite1h;
        String source;
    }

    /** Contract §1 precedence: exact region, then exact scope, then the largest threshold reached. */
    private static Price lookup(String model, String region, String scope, Instant t, long prompt) {
        List<Price> matches = prices.stream()
                .filter(p -> p.model.equals(model))
                .filter(p -> p.region.equals(region) || p.region.equals("*"))
                .filter(p -> p.scope.equals(scope) || p.scope.equals("*"))
                .filter(p -> p.minPrompt <= prompt)
                .filter(p -> !t.isBefore(p.from) && (p.to == null || t.isBefore(p.to)))
                .sorted((a, b) -> {
                    int c = Boolean.compare(b.region.equals(region), a.region.equals(region));
                    if (c == 0) {
                        c = Boolean.compare(b.scope.equals(scope), a.scope.equals(scope));
                    }
                    return c != 0 ? c : Long.compare(b.minPrompt, a.minPrompt);
                })
                .collect(Collectors.toList());
        if (matches.size() > 1) {
            Price a = matches.get(0);
            Price b = matches.get(1);
            assertThat(a.region.equals(b.region) && a.scope.equals(b.scope) && a.minPrompt == b.minPrompt)
                    .as("ambiguous prices " + a.source + " and " + b.source).isFalse();
        }
        return matches.isEmpty() ? null : matches.get(0);
    }

    private static List<Price> readPriceFiles(Path folder) throws IOException {
        List<Price> out = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(p -> p.toString().endsWith(".csv")).collect(Collectors.toList());
        }
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            List<String> header = List.of(lines.get(0).split(",", -1));
            for (int i = 1; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                // Fields: plain, or a quoted note (no quotes inside) at the end.
                String[] cells = lines.get(i).split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1);
                assertThat(cells).as(f + ":" + (i + 1)).hasSize(header.size());
                Price p = new Price();
                p.model = cells[header.indexOf("model_id")];
                p.region = cells[header.indexOf("region")];
                String scope = cells[header.indexOf("profile_scope")];
                p.scope = scope.isEmpty() ? "*" : scope;
                p.from = instant(cells[header.indexOf("effective_from")]);
                String to = cells[header.indexOf("effective_to")];
                p.to = to.isEmpty() ? null : instant(to);
                String min = cells[header.indexOf("min_prompt_tokens")];
                p.minPrompt = min.isEmpty() ? 0 : Long.parseLong(min);
                p.input = new BigDecimal(cells[header.indexOf("input_per_mtok")]);
                p.output = new BigDecimal(cells[header.indexOf("output_per_mtok")]);
                p.cacheRead = decimalOrZero(cells[header.indexOf("cache_read_per_mtok")]);
                p.cacheWrite = decimalOrZero(cells[header.indexOf("cache_write_per_mtok")]);
                String oneHour = cells[header.indexOf("cache_write_1h_per_mtok")];
                p.cacheWrite1h = oneHour.isEmpty() ? null : new BigDecimal(oneHour);
                p.source = "pricing/" + f.getFileName() + ":" + (i + 1);
                out.add(p);
            }
        }
        return out;
    }

    private static BigDecimal decimalOrZero(String s) {
        return s.isEmpty() ? BigDecimal.ZERO : new BigDecimal(s);
    }

    private static Instant instant(String s) {
        return s.length() == 10 ? LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant() : OffsetDateTime.parse(s).toInstant();
    }
}
