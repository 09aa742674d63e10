package com.bedrockcost.bench;

import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.model.FailedRecord;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.parse.InvocationDecoder;
import com.bedrockcost.parse.ParseOptions;
import com.bedrockcost.pricing.ChargePricer;
import com.bedrockcost.pricing.PriceBook;
import com.bedrockcost.pricing.PriceLocation;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark's DuckDB pipeline prices a small generated corpus exactly as the job's decoder and
 * pricer do, request by request (the benchmark compares the two engines' totals, so its SQL must be
 * right), and writes the lake's partition layout.
 */
class DuckDbPipelineTest {
    static final int RECORDS = 3_000;

    @TempDir static Path dir;
    static Path corpus;
    static DuckDbPipeline.Outcome outcome;

    @BeforeAll
    static void runPipeline() throws Exception {
        corpus = dir.resolve("corpus");
        Corpus.ensure(corpus, RECORDS, 50);
        outcome = DuckDbPipeline.run(corpus, pricingFolder(), dir.resolve("out"), 1);
    }

    /** The repository's price table (the job's built-in one), from the module's folder or the root. */
    static Path pricingFolder() {
        Path here = Paths.get("").toAbsolutePath();
        return here.resolve("pricing").toFile().isDirectory() ? here.resolve("pricing") : here.getParent().resolve("pricing");
    }

    @Test
    void everyRequestCostsWhatTheJobsPricerSays() throws Exception {
        Map<String, Invocation> job = jobPricing();
        assertThat(outcome.records).isEqualTo(RECORDS);
        BigDecimal total = BigDecimal.ZERO;
        int priced = 0;
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT request_id, model, profile_scope, input_cost, output_cost, cache_read_cost, "
                     + "cache_write_cost, total_cost, pricing_status FROM read_parquet('" + dir.resolve("out") + "/**/*.parquet')")) {
            while (rs.next()) {
                String id = rs.getString(1);
                Invocation inv = job.remove(id);
                assertThat(inv).as(id).isNotNull();
                assertThat(rs.getString(2)).as(id).isEqualTo(inv.model);
                assertThat(rs.getString(3)).as(id).isEqualTo(inv.profileScope);
                assertThat(rs.getBigDecimal(4)).as(id).isEqualTo(inv.inputCost);
                assertThat(rs.getBigDecimal(5)).as(id).isEqualTo(inv.outputCost);
                assertThat(rs.getBigDecimal(6)).as(id).isEqualTo(inv.cacheReadCost);
                assertThat(rs.getBigDecimal(7)).as(id).isEqualTo(inv.cacheWriteCost);
                assertThat(rs.getBigDecimal(8)).as(id).isEqualTo(inv.totalCost);
                assertThat(rs.getString(9)).as(id).isEqualTo(inv.pricingStatus);
                if (inv.totalCost != null) {
                    total = total.add(inv.totalCost);
                    priced++;
                }
            }
        }
        assertThat(job).as("requests the SQL did not write").isEmpty();
        assertThat(priced).isGreaterThan(RECORDS * 9 / 10).isLessThan(RECORDS); // the corpus has unpriced models too
        assertThat(outcome.total).isEqualByComparingTo(total);
    }

    @Test
    void writesHivePartitionsByTheUtcDayOfTheEventTime() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT day) FROM read_parquet('" + dir.resolve("out")
                     + "/**/*.parquet', hive_partitioning = true) WHERE year = '2026' AND month = '11' "
                     + "AND day = strftime(event_time AT TIME ZONE 'UTC', '%d')")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(RECORDS);
            assertThat(rs.getLong(2)).isEqualTo(3); // the generator spreads the corpus over three days
        }
    }

    /** The job's decoder and pricer over the same records, by request id. */
    private static Map<String, Invocation> jobPricing() throws Exception {
        PriceBook book = PriceBook.empty().apply(PriceLocation.builtIn().read()).book;
        LogGenerator gen = new LogGenerator(1, RECORDS, 50, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofDays(3));
        InvocationDecoder decoder = new InvocationDecoder(ParseOptions.defaults());
        Map<String, Invocation> out = new HashMap<>();
        InvocationDecoder.Output sink = new InvocationDecoder.Output() {
            @Override
            public void invocation(Invocation inv) {
                ChargePricer.price(inv, book);
                out.put(inv.requestId, inv);
            }

            @Override
            public void failed(FailedRecord f) {
                throw new IllegalStateException("generated record failed: " + f.errorType);
            }

            @Override
            public void skipped(String source, String reason) {
                throw new IllegalStateException("generated record skipped: " + reason);
            }

            @Override
            public void control(String source) {
                throw new IllegalStateException("no control messages in generated logs");
            }
        };
        for (int i = 0; i < RECORDS; i++) {
            decoder.decode(RawInput.logLine("test:" + (i + 1), gen.record(i)), 1_795_000_000_000L + i, sink);
        }
        return out;
    }
}
