package com.bedrockcost.pricing;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.csvtable.TableReading;
import com.bedrockcost.model.Invocation;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The pricing operator with Flink's keyed-broadcast test harness: lookup, table updates, the startup wait. */
class PricingFunctionTest {
    static final String HEADER = PriceCsvTest.HEADER;
    static final Instant T = Instant.parse("2026-11-15T12:00:00Z");
    static final JobConfig CONFIG = JobConfig.defaults();

    static Map<String, String> files(String... nameThenContent) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < nameThenContent.length; i += 2) {
            m.put(nameThenContent[i], nameThenContent[i + 1]);
        }
        return m;
    }

    static TableReading update(Map<String, String> files) {
        return new TableReading("test", 0, files);
    }

    static Invocation inv(String id, String model, String region, String scope, Instant at,
                          long in, long out, long cacheRead, long cacheWrite, long cacheWrite1h) {
        Invocation i = new Invocation();
        i.requestId = id;
        i.model = model;
        i.modelId = model;
        i.region = region;
        i.profileScope = scope;
        i.eventTime = at;
        i.inputTokens = in;
        i.outputTokens = out;
        i.cacheReadTokens = cacheRead;
        i.cacheWriteTokens = cacheWrite;
        i.cacheWrite1hTokens = cacheWrite1h;
        i.pricingStatus = Invocation.UNPRICED;
        return i;
    }

    static Invocation inv(String id, String model, Instant at, long in, long out) {
        return inv(id, model, "us-east-1", "in-region", at, in, out, 0, 0, 0);
    }

    static KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> harness(PricingFunction fn) throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(fn, i -> i.requestId, Types.STRING, PricingFunction.PRICE_FILES);
    }

    static KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> harness(Map<String, String> initial) throws Exception {
        return harness(new PricingFunction(PricingOptions.from(CONFIG), initial));
    }

    static Map<String, Invocation> byId(List<Invocation> out) {
        Map<String, Invocation> m = new HashMap<>();
        for (Invocation i : out) {
            assertThat(m.put(i.requestId, i)).as("emitted twice: " + i.requestId).isNull();
        }
        return m;
    }

    static BigDecimal usd(String v) {
        return new BigDecimal(v).setScale(12);
    }

    @Test
    void theTableAtPricingPathIsReadWhenTheOperatorOpensNotWhenItIsBuilt(@TempDir Path dir) throws Exception {
        Path prices = Files.createDirectories(dir.resolve("prices"));
        PricingFunction fn = new PricingFunction(PricingOptions.from(CONFIG.with(JobConfig.PRICING_PATH, prices.toString())));
        // Built before the folder holds a file: a constructor that read it would have found none.
        Files.writeString(prices.resolve("a.csv"), HEADER + "m.x,*,2024-01-01,,5,25,,,,*,\n");
        try (var h = harness(fn)) {
            h.processElement(inv("r1", "m.x", T, 1000, 100), 0);
            Invocation out = byId(h.extractOutputValues()).get("r1");
            assertThat(out.pricingStatus).isEqualTo(Invocation.PRICED);
            assertThat(out.totalCost).isEqualTo(usd("0.0075"));
            assertThat(out.priceSource).isEqualTo("prices/a.csv:2");
        }
    }

    @Test
    void aPriceChangeAtAnExactInstantPricesEachSideWithItsOwnRow() throws Exception {
        Map<String, String> table = files("p/a.csv", HEADER
                + "m.x,us-east-1,2024-01-01,2026-12-01T00:00:00Z,5,25,,,,*,\n"
                + "m.x,us-east-1,2026-12-01T00:00:00Z,,4,20,,,,*,\n");
        try (var h = harness(table)) {
            h.processElement(inv("before", "m.x", Instant.parse("2026-11-30T23:59:59.999Z"), 1000, 100), 0);
            h.processElement(inv("at", "m.x", Instant.parse("2026-12-01T00:00:00Z"), 1000, 100), 0);
            Map<String, Invocation> out = byId(h.extractOutputValues());
            assertThat(out.get("before").inputCost).isEqualTo(usd("0.005"));
            assertThat(out.get("before").outputCost).isEqualTo(usd("0.0025"));
            assertThat(out.get("before").priceSource).isEqualTo("p/a.csv:2");
            assertThat(out.get("at").inputCost).isEqualTo(usd("0.004"));
            assertThat(out.get("at").outputCost).isEqualTo(usd("0.002"));
            assertThat(out.get("at").totalCost).isEqualTo(usd("0.006"));
            assertThat(out.get("at").priceSource).isEqualTo("p/a.csv:3");
        }
    }

    @Test
    void anExactRegionRowWinsOverStarAndAnExactScopeOverStar() throws Exception {
        Map<String, String> table = files("p/a.csv", HEADER
                + "m.x,*,2024-01-01,,1,1,,,,*,\n"
                + "m.x,eu-west-1,2024-01-01,,2,2,,,,*,\n"
                + "m.x,*,2024-01-01,,3,3,,,,geo,\n"
                + "m.x,eu-west-1,2024-01-01,,4,4,,,,geo,\n");
        try (var h = harness(table)) {
            h.processElement(inv("other-region", "m.x", "us-west-2", "in-region", T, 1_000_000, 0, 0, 0, 0), 0);
            h.processElement(inv("eu", "m.x", "eu-west-1", "in-region", T, 1_000_000, 0, 0, 0, 0), 0);
            h.processElement(inv("other-region-geo", "m.x", "us-west-2", "geo", T, 1_000_000, 0, 0, 0, 0), 0);
            h.processElement(inv("eu-geo", "m.x", "eu-west-1", "geo", T, 1_000_000, 0, 0, 0, 0), 0);
            h.processElement(inv("eu-global", "m.x", "eu-west-1", "global", T, 1_000_000, 0, 0, 0, 0), 0);
            h.processElement(inv("no-region", "m.x", null, "in-region", T, 1_000_000, 0, 0, 0, 0), 0);
            Map<String, Invocation> out = byId(h.extractOutputValues());
            assertThat(out.get("other-region").priceSource).isEqualTo("p/a.csv:2");
            assertThat(out.get("eu").priceSource).isEqualTo("p/a.csv:3");
            assertThat(out.get("other-region-geo").priceSource).isEqualTo("p/a.csv:4");
            assertThat(out.get("eu-geo").priceSource).isEqualTo("p/a.csv:5");
            assertThat(out.get("eu-geo").totalCost).isEqualTo(usd("4"));
            // Region before scope: the eu-west-1 row for any scope beats the * row for the exact scope.
            assertThat(out.get("eu-global").priceSource).isEqualTo("p/a.csv:3");
            assertThat(out.get("no-region").priceSource).isEqualTo("p/a.csv:2");
        }
    }

    @Test
    void theLongContextTierStartsExactlyAtItsThresholdAndPricesEveryToken() throws Exception {
        Map<String, String> table = files("p/a.csv", HEADER
                + "m.x,us-east-1,2024-01-01,,3,15,0.3,3.75,,*,\n"
                + "m.x,us-east-1,2024-01-01,,6,22.5,0.6,7.5,200001,*,\n");
        try (var h = harness(table)) {
            h.processElement(inv("below", "m.x", "us-east-1", "geo", T, 100_000, 1000, 99_999, 1, 0), 0);
            h.processElement(inv("at", "m.x", "us-east-1", "geo", T, 100_000, 1000, 99_999, 2, 0), 0);
            h.processElement(inv("above", "m.x", "us-east-1", "geo", T, 200_002, 1000, 0, 0, 0), 0);
            Map<String, Invocation> out = byId(h.extractOutputValues());
            Invocation below = out.get("below");
            assertThat(below.priceSource).isEqualTo("p/a.csv:2");
            assertThat(below.inputCost).isEqualTo(usd("0.3"));
            assertThat(below.outputCost).isEqualTo(usd("0.015"));
            assertThat(below.cacheReadCost).isEqualTo(usd("0.0299997"));
            assertThat(below.cacheWriteCost).isEqualTo(usd("0.00000375"));
            Invocation at = out.get("at");
            assertThat(at.priceSource).isEqualTo("p/a.csv:3");
            assertThat(at.inputCost).isEqualTo(usd("0.6"));
            assertThat(at.outputCost).isEqualTo(usd("0.0225"));
            assertThat(at.cacheReadCost).isEqualTo(usd("0.0599994"));
            assertThat(at.cacheWriteCost).isEqualTo(usd("0.000015"));
            assertThat(at.totalCost).isEqualTo(usd("0.6825144"));
            assertThat(out.get("above").priceSource).isEqualTo("p/a.csv:3");
            assertThat(out.get("above").inputCost).isEqualTo(usd("1.200012"));
        }
    }

    @Test
    void cacheTokensArePricedPerKindWithOneHourWritesAtTheirOwnRate() throws Exception {
        try (var h = harness(PriceLocation.builtIn().read())) {
            String sonnet45 = "anthropic.claude-sonnet-4-5-20250929-v1:0";
            // 412 input, 3,072 cache read, 187 output through us. = 0.00545886; via global. 0.0049626.
            h.processElement(inv("geo", sonnet45, "us-east-1", "geo", T, 412, 187, 3072, 0, 0), 0);
            h.processElement(inv("global", sonnet45, "us-east-1", "global", T, 412, 187, 3072, 0, 0), 0);
            h.processElement(inv("split", sonnet45, "us-east-1", "geo", T, 0, 0, 0, 1000, 400), 0);
            // Claude Sonnet 4 has no 1-hour rate: all writes at the 5-minute rate, and price_source says so.
            h.processElement(inv("no-1h-rate", "anthropic.claude-sonnet-4-20250514-v1:0", "us-east-1", "geo", T, 0, 0, 0, 1000, 400), 0);
            Map<String, Invocation> out = byId(h.extractOutputValues());
            assertThat(out.get("geo").totalCost).isEqualTo(usd("0.00545886"));
            assertThat(out.get("geo").cacheReadCost).isEqualTo(usd("0.00101376"));
            assertThat(out.get("geo").cacheWriteCost).isEqualTo(usd("0"));
            assertThat(out.get("geo").priceSource).isEqualTo("pricing/anthropic.csv:13");
            assertThat(out.get("global").totalCost).isEqualTo(usd("0.0049626"));
            assertThat(out.get("global").priceSource).isEqualTo("pricing/anthropic.csv:12");
            // 600 × 4.125 + 400 × 6.6 per million
            assertThat(out.get("split").cacheWriteCost).isEqualTo(usd("0.005115"));
            assertThat(out.get("split").totalCost).isEqualTo(usd("0.005115"));
            assertThat(out.get("no-1h-rate").cacheWriteCost).isEqualTo(usd("0.00375"));
            assertThat(out.get("no-1h-rate").priceSource).isEqualTo("pricing/anthropic.csv:7" + Pricer.ONE_HOUR_AT_5M_RATE);
        }
    }

    @Test
    void anUnknownModelIsWrittenUnpricedAndCountedPerModel() throws Exception {
        PricingFunction fn = new PricingFunction(PricingOptions.from(CONFIG), files("p/a.csv", HEADER + "m.x,*,2024-01-01,,1,1,,,,*,\n"));
        try (var h = harness(fn)) {
            h.processElement(inv("a", "writer.palmyra-x5-v1:0", T, 10, 10), 0);
            h.processElement(inv("b", "writer.palmyra-x5-v1:0", T, 10, 10), 0);
            h.processElement(inv("c", null, T, 10, 10), 0);
            // A known model before its first row is in force is unpriced as well.
            h.processElement(inv("d", "m.x", Instant.parse("2023-12-31T23:59:59Z"), 10, 10), 0);
            Map<String, Invocation> out = byId(h.extractOutputValues());
            assertThat(out).hasSize(4);
            for (Invocation i : out.values()) {
                assertThat(i.pricingStatus).isEqualTo(Invocation.UNPRICED);
                assertThat(i.totalCost).isNull();
                assertThat(i.inputCost).isNull();
                assertThat(i.priceSource).isNull();
            }
            assertThat(fn.unpricedCount("writer.palmyra-x5-v1:0")).isEqualTo(2);
            assertThat(fn.unpricedCount(PricingFunction.UNKNOWN_MODEL)).isEqualTo(1);
            assertThat(fn.unpricedCount("m.x")).isEqualTo(1);
        }
    }

    @Test
    void invocationsBeforeTheFirstTableWaitAndArePricedWhenItArrives() throws Exception {
        try (var h = harness((Map<String, String>) null)) {
            h.setProcessingTime(1000);
            h.processElement(inv("a", "m.x", T, 1_000_000, 0), 0);
            h.processElement(inv("b", "m.x", T, 2_000_000, 0), 0);
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.numProcessingTimeTimers()).isEqualTo(2);
            h.processBroadcastElement(update(files("p/a.csv", HEADER + "m.x,*,2024-01-01,,1.5,1,,,,*,\n")), 0);
            Map<String, Invocation> out = byId(h.extractOutputValues());
            assertThat(out.get("a").totalCost).isEqualTo(usd("1.5"));
            assertThat(out.get("b").totalCost).isEqualTo(usd("3"));
            // Their timers later find nothing to do: nothing is emitted twice.
            h.setProcessingTime(1000 + CONFIG.get(JobConfig.PRICING_WAIT_TIMEOUT).toMillis());
            h.processWatermark(Long.MAX_VALUE);
            h.processBroadcastWatermark(Long.MAX_VALUE);
            assertThat(h.extractOutputValues()).hasSize(2);
            assertThat(h.numProcessingTimeTimers()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
            // Later invocations are priced at once.
            h.processElement(inv("c", "m.x", T, 1_000_000, 0), 0);
            assertThat(h.extractOutputValues()).hasSize(3);
        }
    }

    @Test
    void waitingInvocationsAreWrittenUnpricedAfterTheTimeout() throws Exception {
        long timeout = CONFIG.get(JobConfig.PRICING_WAIT_TIMEOUT).toMillis();
        try (var h = harness((Map<String, String>) null)) {
            h.setProcessingTime(1000);
            h.processElement(inv("a", "m.x", T, 10, 10), 0);
            h.setProcessingTime(1000 + timeout - 1);
            assertThat(h.extractOutputValues()).isEmpty();
            h.setProcessingTime(1000 + timeout);
            assertThat(h.extractOutputValues()).singleElement().satisfies(i -> {
                assertThat(i.requestId).isEqualTo("a");
                assertThat(i.pricingStatus).isEqualTo(Invocation.UNPRICED);
            });
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void waitingInvocationsAreWrittenWhenABoundedInputEnds() throws Exception {
        try (var h = harness((Map<String, String>) null)) {
            h.processElement(inv("a", "m.x", T, 10, 10), 0);
            h.processElement(inv("b", "m.x", T, 10, 10), 0);
            // The final watermark of a bounded input; pending processing-time timers would never fire.
            h.processWatermark(Long.MAX_VALUE);
            assertThat(h.extractOutputValues()).isEmpty(); // the price input has not ended: its table may still come
            h.processBroadcastWatermark(Long.MAX_VALUE);
            assertThat(h.extractOutputValues()).extracting(i -> i.pricingStatus).containsExactly(Invocation.UNPRICED, Invocation.UNPRICED);
            assertThat(h.numProcessingTimeTimers()).isZero();
        }
    }

    @Test
    void theWaitIsBoundedPerInstance() throws Exception {
        PricingFunction fn = new PricingFunction(PricingOptions.from(CONFIG.with(JobConfig.PRICING_WAIT_MAX_RECORDS, "2")), null);
        try (var h = harness(fn)) {
            h.processElement(inv("a", "m.x", T, 10, 10), 0);
            h.processElement(inv("b", "m.x", T, 10, 10), 0);
            h.processElement(inv("c", "m.x", T, 10, 10), 0);
            assertThat(h.extractOutputValues()).singleElement().satisfies(i -> {
                assertThat(i.requestId).isEqualTo("c");
                assertThat(i.pricingStatus).isEqualTo(Invocation.UNPRICED);
            });
            h.processBroadcastElement(update(files("p/a.csv", HEADER + "m.x,*,2024-01-01,,1,1,,,,*,\n")), 0);
            assertThat(h.extractOutputValues()).extracting(i -> i.requestId + " " + i.pricingStatus)
                    .containsExactlyInAnyOrder("c UNPRICED", "a PRICED", "b PRICED");
        }
    }

    @Test
    void aBadFileIsRejectedWhileTheOldTableKeepsPricing() throws Exception {
        String good = HEADER + "m.x,*,2024-01-01,,1,1,,,,*,\n";
        try (var h = harness((Map<String, String>) null)) {
            h.processBroadcastElement(update(files("p/a.csv", good)), 0);
            // A new version with a negative price, and a new file that contradicts a.csv.
            h.processBroadcastElement(update(files(
                    "p/a.csv", HEADER + "m.x,*,2024-01-01,,-1,1,,,,*,\n",
                    "p/b.csv", HEADER + "m.y,*,2024-01-01,,9,9,,,,*,\nm.x,*,2026-01-01,,7,7,,,,*,\n")), 0);
            h.processElement(inv("a", "m.x", T, 1_000_000, 0), 0);
            h.processElement(inv("b", "m.y", T, 1_000_000, 0), 0);
            Map<String, Invocation> out = byId(h.extractOutputValues());
            assertThat(out.get("a").totalCost).isEqualTo(usd("1"));
            assertThat(out.get("a").priceSource).isEqualTo("p/a.csv:2");
            assertThat(out.get("b").pricingStatus).isEqualTo(Invocation.UNPRICED); // b.csv was rejected whole
            assertThat(h.getBroadcastState(PricingFunction.PRICE_FILES).get("p/a.csv")).isEqualTo(good);
            assertThat(h.getBroadcastState(PricingFunction.PRICE_FILES).contains("p/b.csv")).isFalse();
        }
    }

    @Test
    void aTableUpdateWhileRecordsFlowAppliesToLaterRecordsOnly() throws Exception {
        String v1 = HEADER + "m.x,*,2024-01-01,,1,1,,,,*,\n";
        String v2 = HEADER + "m.x,*,2024-01-01,2026-11-01,1,1,,,,*,\nm.x,*,2026-11-01,,2,2,,,,*,\n";
        try (var h = harness((Map<String, String>) null)) {
            h.processBroadcastElement(update(files("p/a.csv", v1)), 0);
            h.processElement(inv("1", "m.x", T, 1_000_000, 0), 0);
            h.processElement(inv("2", "m.y", T, 1_000_000, 0), 0);
            h.processBroadcastElement(update(files("p/a.csv", v2, "p/b.csv", HEADER + "m.y,*,2024-01-01,,5,5,,,,*,\n")), 0);
            h.processElement(inv("3", "m.x", T, 1_000_000, 0), 0);
            h.processElement(inv("4", "m.x", Instant.parse("2026-10-31T00:00:00Z"), 1_000_000, 0), 0); // late, before the change
            h.processElement(inv("5", "m.y", T, 1_000_000, 0), 0);
            // b.csv deleted: its rows go; a reading that finds no file at all changes nothing.
            h.processBroadcastElement(update(files("p/a.csv", v2)), 0);
            h.processBroadcastElement(update(files()), 0);
            h.processElement(inv("6", "m.y", T, 1_000_000, 0), 0);
            h.processElement(inv("7", "m.x", T, 1_000_000, 0), 0);
            Map<String, Invocation> out = byId(h.extractOutputValues());
            assertThat(out.get("1").totalCost).isEqualTo(usd("1"));
            assertThat(out.get("2").pricingStatus).isEqualTo(Invocation.UNPRICED);
            assertThat(out.get("3").totalCost).isEqualTo(usd("2"));
            assertThat(out.get("3").priceSource).isEqualTo("p/a.csv:3");
            assertThat(out.get("4").totalCost).isEqualTo(usd("1"));
            assertThat(out.get("4").priceSource).isEqualTo("p/a.csv:2");
            assertThat(out.get("5").totalCost).isEqualTo(usd("5"));
            assertThat(out.get("6").pricingStatus).isEqualTo(Invocation.UNPRICED);
            assertThat(out.get("7").totalCost).isEqualTo(usd("2"));
        }
    }

    @Test
    void theTableAndWaitingInvocationsSurviveARestoreFromACheckpoint() throws Exception {
        OperatorSubtaskState withTable;
        try (var h = harness((Map<String, String>) null)) {
            h.processBroadcastElement(update(files("p/a.csv", HEADER + "m.x,*,2024-01-01,,3,3,,,,*,\n")), 0);
            withTable = h.snapshot(1, 1);
        }
        try (var h = restored(withTable)) {
            h.processElement(inv("a", "m.x", T, 1_000_000, 0), 0);
            assertThat(h.extractOutputValues()).singleElement().satisfies(i -> assertThat(i.totalCost).isEqualTo(usd("3")));
        }

        OperatorSubtaskState withWaiting;
        try (var h = harness((Map<String, String>) null)) {
            h.processElement(inv("w", "m.x", T, 1_000_000, 0), 0);
            withWaiting = h.snapshot(2, 2);
        }
        try (var h = restored(withWaiting)) {
            assertThat(h.extractOutputValues()).isEmpty();
            h.processBroadcastElement(update(files("p/a.csv", HEADER + "m.x,*,2024-01-01,,3,3,,,,*,\n")), 0);
            assertThat(h.extractOutputValues()).singleElement().satisfies(i -> {
                assertThat(i.requestId).isEqualTo("w");
                assertThat(i.totalCost).isEqualTo(usd("3"));
            });
        }
    }

    private static KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> restored(OperatorSubtaskState state) throws Exception {
        var h = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(new PricingFunction(PricingOptions.from(CONFIG), null), List.of(PricingFunction.PRICE_FILES)),
                (Invocation i) -> i.requestId, Types.STRING, 1, 1, 0);
        h.setup();
        h.initializeState(state);
        h.open();
        return h;
    }

    @Test
    void theInitialTableIsUsedUntilTheFirstUpdateAndStoredWithIt() throws Exception {
        String initial = HEADER + "m.x,*,2024-01-01,,1,1,,,,*,\n";
        try (var h = harness(files("p/a.csv", initial))) {
            h.processElement(inv("a", "m.x", T, 1_000_000, 0), 0);
            assertThat(h.getBroadcastState(PricingFunction.PRICE_FILES).immutableEntries()).isEmpty();
            // The first reading has a broken a.csv: the version read at start stays, now in broadcast state.
            h.processBroadcastElement(update(files("p/a.csv", HEADER + "m.x,*,oops,,1,1,,,,*,\n")), 0);
            h.processElement(inv("b", "m.x", T, 1_000_000, 0), 0);
            assertThat(h.extractOutputValues()).extracting(i -> i.totalCost).containsExactly(usd("1"), usd("1"));
            assertThat(h.getBroadcastState(PricingFunction.PRICE_FILES).get("p/a.csv")).isEqualTo(initial);
        }
    }
}
