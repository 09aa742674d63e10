package com.bedrockcost.pricing;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.csvtable.TableReading;
import com.bedrockcost.model.Adjustment;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.SideOutputs;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

/** The pricing operator remembers UNPRICED invocations and emits one PRICED_LATE adjustment each when a price arrives. */
class LatePricesTest {
    static final String HEADER = "model_id,region,effective_from,effective_to,input_per_mtok,output_per_mtok,"
            + "cache_read_per_mtok,cache_write_per_mtok,min_prompt_tokens,profile_scope,cache_write_1h_per_mtok\n";
    static final String LITE = "amazon.nova-lite-v1:0";
    static final String PRO = "amazon.nova-pro-v1:0";
    static final Map<String, String> BASE = Map.of("base.csv", HEADER + LITE + ",us-east-1,2024-01-01,,0.06,0.24,,,,*,\n");
    static final Map<String, String> WITH_PRO = Map.of("base.csv", BASE.get("base.csv"),
            "nova-pro.csv", HEADER + PRO + ",us-east-1,2024-01-01,,0.8,3.2,,,,*,\n");

    @Test
    void aPriceThatArrivesAfterASnapshotAndRestoreAdjustsEachUnpricedInvocationOnce() throws Exception {
        OperatorSubtaskState snapshot;
        try (KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> h = harness(JobConfig.defaults(), null)) {
            h.processElement(invocation("p1", PRO, 1000, 100), 1);
            h.processElement(invocation("p2", PRO, 2000, 300), 2);
            h.processElement(invocation("l1", LITE, 1000, 100), 3);
            assertThat(h.extractOutputValues()).extracting(i -> i.requestId + "/" + i.pricingStatus)
                    .containsExactly("p1/UNPRICED", "p2/UNPRICED", "l1/PRICED");
            snapshot = h.snapshot(1, 10);
        }
        try (KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> h = harness(JobConfig.defaults(), snapshot)) {
            h.processBroadcastElement(new TableReading("prices", 0, WITH_PRO), 20);
            List<Adjustment> first = adjustments(h);
            assertThat(first).extracting(a -> a.requestId).containsExactlyInAnyOrder("p1", "p2");
            Adjustment p2 = first.stream().filter(a -> a.requestId.equals("p2")).findFirst().orElseThrow();
            assertThat(p2.reason).isEqualTo(Adjustment.PRICED_LATE);
            assertThat(p2.oldPricingStatus).isEqualTo(Invocation.UNPRICED);
            assertThat(p2.newPricingStatus).isEqualTo(Invocation.PRICED);
            assertThat(p2.newPriceSource).isEqualTo("nova-pro.csv:2");
            // 2000 * 0.8 / 1e6 + 300 * 3.2 / 1e6
            assertThat(p2.totalCostDelta).isEqualByComparingTo(new BigDecimal("0.00256"));
            assertThat(p2.tenantId).isEqualTo("t1");
            assertThat(p2.eventTime).isEqualTo(Instant.parse("2026-11-10T08:00:00Z"));

            // Another change of the table: nothing is adjusted twice.
            h.processBroadcastElement(new TableReading("prices", 0, Map.of("base.csv", BASE.get("base.csv"),
                    "nova-pro.csv", WITH_PRO.get("nova-pro.csv") + "amazon.nova-micro-v1:0,us-east-1,2024-01-01,,0.035,0.14,,,,*,\n")), 30);
            assertThat(adjustments(h)).hasSize(2);
            assertThat(h.extractOutputValues()).isEmpty();
        }
    }

    @Test
    void beyondTheCountBoundAnUnpricedInvocationIsNotRememberedAndCounted() throws Exception {
        JobConfig config = JobConfig.defaults().with(Map.of("pricing.late.max.records", "1"));
        try (KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> h = harness(config, null)) {
            h.processElement(invocation("p1", PRO, 1000, 100), 1);
            h.processElement(invocation("p2", PRO, 1000, 100), 2);
            h.processBroadcastElement(new TableReading("prices", 0, WITH_PRO), 20);
            assertThat(adjustments(h)).extracting(a -> a.requestId).containsExactly("p1");
        }
    }

    @Test
    void aWindowOfZeroRemembersNothing() throws Exception {
        JobConfig config = JobConfig.defaults().with(Map.of("pricing.late.window", "0"));
        try (KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> h = harness(config, null)) {
            h.processElement(invocation("p1", PRO, 1000, 100), 1);
            h.processBroadcastElement(new TableReading("prices", 0, WITH_PRO), 20);
            assertThat(adjustments(h)).isEmpty();
        }
    }

    @Test
    void anInvocationIsForgottenTheWindowAfterItWasRead() throws Exception {
        long window = java.time.Duration.ofDays(35).toMillis();
        try (KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> h = harness(JobConfig.defaults(), null)) {
            h.setProcessingTime(1000);
            h.processElement(invocation("p1", PRO, 1000, 100), 1);
            h.setProcessingTime(2000);
            h.processElement(invocation("p2", PRO, 1000, 100), 2);
            // The watermark at the end of time (an idle input) forgets nothing.
            h.processWatermark(Long.MAX_VALUE);
            h.processBroadcastWatermark(Long.MAX_VALUE);
            h.setProcessingTime(1000 + window);
            h.processBroadcastElement(new TableReading("prices", 0, WITH_PRO), 20);
            assertThat(adjustments(h)).extracting(a -> a.requestId).containsExactly("p2");
        }
    }

    private static KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> harness(
            JobConfig config, OperatorSubtaskState restore) throws Exception {
        PricingFunction fn = new PricingFunction(PricingOptions.from(config), BASE).withLatePrices(true);
        KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> h = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(fn, List.of(PricingFunction.PRICE_FILES)), i -> i.requestId, Types.STRING, 128, 1, 0);
        h.setStateBackend(new HashMapStateBackend());
        h.setup();
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private static List<Adjustment> adjustments(KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> h) {
        List<Adjustment> out = new ArrayList<>();
        ConcurrentLinkedQueue<StreamRecord<Adjustment>> side = h.getSideOutput(SideOutputs.ADJUSTMENTS);
        if (side != null) {
            side.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    private static Invocation invocation(String id, String model, long in, long out) {
        Invocation inv = new Invocation();
        inv.requestId = id;
        inv.eventTime = Instant.parse("2026-11-10T08:00:00Z");
        inv.region = "us-east-1";
        inv.model = model;
        inv.modelId = model;
        inv.profileScope = "in-region";
        inv.tenantId = "t1";
        inv.inputTokens = in;
        inv.outputTokens = out;
        return inv;
    }
}
