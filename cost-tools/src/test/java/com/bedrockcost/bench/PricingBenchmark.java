package com.bedrockcost.bench;

import com.bedrockcost.model.Invocation;
import com.bedrockcost.pricing.PriceBook;
import com.bedrockcost.pricing.PriceLocation;
import com.bedrockcost.pricing.PriceTable;
import com.bedrockcost.pricing.Pricer;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Cost of pricing one invocation (lookup in the built-in table + exact decimal costs), the per-record
 * work of the pricing operator apart from Flink itself. A mix of models, scopes and cache usage.
 * Run: see the project's benchmark notes ({@code org.openjdk.jmh.Main PricingBenchmark}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PricingBenchmark {
    private PriceTable table;
    private Invocation[] invocations;
    private int next;

    @Setup
    public void setup() throws Exception {
        table = PriceBook.empty().apply(PriceLocation.builtIn().read()).book.table();
        String[][] calls = {
            {"anthropic.claude-sonnet-4-5-20250929-v1:0", "geo"},
            {"anthropic.claude-sonnet-4-5-20250929-v1:0", "global"},
            {"anthropic.claude-haiku-4-5-20251001-v1:0", "geo"},
            {"amazon.nova-lite-v1:0", "in-region"},
            {"meta.llama3-3-70b-instruct-v1:0", "in-region"},
            {"writer.palmyra-x5-v1:0", "geo"},
        };
        invocations = new Invocation[1024];
        for (int i = 0; i < invocations.length; i++) {
            Invocation inv = new Invocation();
            inv.model = calls[i % calls.length][0];
            inv.profileScope = calls[i % calls.length][1];
            inv.region = "us-east-1";
            inv.eventTime = Instant.parse("2026-11-01T00:00:00Z").plusSeconds(i * 37L);
            inv.inputTokens = 200 + i * 13L;
            inv.outputTokens = 50 + i * 7L;
            inv.cacheReadTokens = i % 3 == 0 ? 4096 : 0;
            inv.cacheWriteTokens = i % 5 == 0 ? 2048 : 0;
            invocations[i] = inv;
        }
    }

    @Benchmark
    public Invocation priceOne() {
        Invocation inv = invocations[next++ & (invocations.length - 1)];
        Pricer.price(inv, table);
        return inv;
    }
}
