package com.bedrockcost.pricing;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.csvtable.TableReading;
import com.bedrockcost.model.Invocation;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** De-duplication in the pricing operator: first copy of a request id wins, later copies are dropped and counted, for the TTL. */
class DeduplicationTest {
    private static final long HOUR = Duration.ofHours(1).toMillis();

    private PricingFunction fn;

    @Test
    void duplicateRequestIdIsWrittenOnceAndCounted() throws Exception {
        try (KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> h = open(Duration.ofHours(48), "hashmap", null)) {
            h.processElement(record("a", "first"), 1);
            h.processElement(record("b", "first"), 2);
            h.processElement(record("a", "second"), 3);
            h.processElement(record("a", "third"), 4);
            h.processElement(record("c", "first"), 5);

            assertThat(output(h)).containsExactly("a/first", "b/first", "c/first");
            assertThat(fn.duplicatesDropped()).isEqualTo(2);
        }
    }

    @Test
    void aDuplicateIsDroppedBeforeItWaitsForPrices() throws Exception {
        fn = new PricingFunction(PricingOptions.from(JobConfig.defaults()), null);
        try (KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> h = harness(fn, "hashmap")) {
            h.open();
            h.processElement(record("a", "first"), 1);
            h.processElement(record("a", "second"), 2);
            h.processBroadcastElement(new TableReading("test", 0, PriceLocation.builtIn().read()), 3);

            assertThat(output(h)).containsExactly("a/first");
            assertThat(fn.duplicatesDropped()).isEqualTo(1);
        }
    }

    @Test
    void requestIdIsForgottenTtlAfterItsLastCopy() throws Exception {
        try (KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> h = open(Duration.ofHours(2), "hashmap", null)) {
            h.setStateTtlProcessingTime(0);
            h.processElement(record("a", "t0"), 1);
            h.setStateTtlProcessingTime(HOUR);
            h.processElement(record("a", "t1h"), 2); // dropped; restarts the 2 h
            h.setStateTtlProcessingTime(3 * HOUR - 1);
            h.processElement(record("a", "t3h"), 3); // 2 h - 1 ms after the last copy: still dropped
            h.setStateTtlProcessingTime(5 * HOUR);
            h.processElement(record("a", "t5h"), 4); // 2 h after the last copy: forgotten, written again

            assertThat(output(h)).containsExactly("a/t0", "a/t5h");
            assertThat(fn.duplicatesDropped()).isEqualTo(2);
        }
    }

    @Test
    void zeroTtlRemembersForever() throws Exception {
        try (KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> h = open(Duration.ZERO, "hashmap", null)) {
            h.setStateTtlProcessingTime(0);
            h.processElement(record("a", "first"), 1);
            h.setStateTtlProcessingTime(365 * 24 * HOUR);
            h.processElement(record("a", "a year later"), 2);

            assertThat(output(h)).containsExactly("a/first");
        }
    }

    @Test
    void negativeTtlIsRejected() {
        assertThatThrownBy(() -> new PricingFunction(PricingOptions.from(config(Duration.ofSeconds(-1))), Map.of()))
                .hasMessageContaining("dedup");
    }

    /** The remembered ids survive a snapshot and restore, on the heap and in RocksDB (as on MSF). */
    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void seenIdsSurviveRestore(String backend) throws Exception {
        OperatorSubtaskState snapshot;
        try (KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> h = open(Duration.ofHours(48), backend, null)) {
            h.processElement(record("a", "before"), 1);
            h.processElement(record("b", "before"), 2);
            snapshot = h.snapshot(1, 2);
        }
        try (KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> h = open(Duration.ofHours(48), backend, snapshot)) {
            h.processElement(record("a", "after"), 3);
            h.processElement(record("c", "after"), 4);

            assertThat(output(h)).containsExactly("c/after");
            assertThat(fn.duplicatesDropped()).isEqualTo(1);
        }
    }

    /** Expired ids are left out of a full snapshot (savepoint, heap checkpoint): state does not carry the past. */
    @Test
    void expiredIdsAreLeftOutOfAFullSnapshot() throws Exception {
        try (KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> h = open(Duration.ofHours(2), "hashmap", null)) {
            h.setStateTtlProcessingTime(0);
            for (int i = 0; i < 1000; i++) {
                h.processElement(record("old-request-id-" + i, "x"), i);
            }
            long withAll = h.snapshot(1, 0).getStateSize();
            h.setStateTtlProcessingTime(3 * HOUR);
            h.processElement(record("new", "x"), 1001);
            long afterExpiry = h.snapshot(2, 3 * HOUR).getStateSize();

            // 1,000 ids take tens of kilobytes; the one live id and the price table a fraction of that.
            assertThat(afterExpiry).isLessThan(withAll / 2);
        }
    }

    private KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> open(
            Duration ttl, String backend, OperatorSubtaskState restore) throws Exception {
        fn = new PricingFunction(PricingOptions.from(config(ttl)), PriceLocation.builtIn().read());
        KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> h = harness(fn, backend);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private static KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> harness(PricingFunction fn, String backend)
            throws Exception {
        KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> h = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(fn, List.of(PricingFunction.PRICE_FILES)), i -> i.requestId, Types.STRING, 128, 1, 0);
        h.setStateBackend(backend.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : (StateBackend) new HashMapStateBackend());
        h.setup();
        return h;
    }

    private static JobConfig config(Duration ttl) {
        return JobConfig.defaults().with(Map.of("dedup.ttl", ttl.isZero() ? "0" : ttl.toMillis() + "ms"));
    }

    private static Invocation record(String requestId, String source) {
        Invocation inv = new Invocation();
        inv.requestId = requestId;
        inv.source = source;
        inv.eventTime = Instant.parse("2026-11-01T00:00:00Z");
        return inv;
    }

    private static List<String> output(KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> h) {
        return h.extractOutputValues().stream().map(i -> i.requestId + "/" + i.source).collect(Collectors.toList());
    }
}
