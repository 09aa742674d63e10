package com.bedrockcost.dedup;

import com.bedrockcost.model.Invocation;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** De-duplication by request id: first copy wins, later copies are dropped and counted, for the TTL. */
class DeduplicateTest {
    private static final long HOUR = Duration.ofHours(1).toMillis();

    private final InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();

    @Test
    void duplicateRequestIdIsWrittenOnceAndCounted() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Invocation, Invocation> h = harness(Duration.ofHours(48))) {
            h.open();
            h.processElement(record("a", "first"), 1);
            h.processElement(record("b", "first"), 2);
            h.processElement(record("a", "second"), 3);
            h.processElement(record("a", "third"), 4);
            h.processElement(record("c", "first"), 5);

            assertThat(output(h)).containsExactly("a/first", "b/first", "c/first");
            assertThat(duplicates()).isEqualTo(2);
        }
    }

    @Test
    void requestIdIsForgottenTtlAfterItsLastCopy() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Invocation, Invocation> h = harness(Duration.ofHours(2))) {
            h.open();
            h.setStateTtlProcessingTime(0);
            h.processElement(record("a", "t0"), 1);
            h.setStateTtlProcessingTime(HOUR);
            h.processElement(record("a", "t1h"), 2); // dropped; restarts the 2 h
            h.setStateTtlProcessingTime(3 * HOUR - 1);
            h.processElement(record("a", "t3h"), 3); // 2 h - 1 ms after the last copy: still dropped
            h.setStateTtlProcessingTime(5 * HOUR);
            h.processElement(record("a", "t5h"), 4); // 2 h after the last copy: forgotten, written again

            assertThat(output(h)).containsExactly("a/t0", "a/t5h");
            assertThat(duplicates()).isEqualTo(2);
        }
    }

    @Test
    void zeroTtlRemembersForever() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Invocation, Invocation> h = harness(Duration.ZERO)) {
            h.open();
            h.setStateTtlProcessingTime(0);
            h.processElement(record("a", "first"), 1);
            h.setStateTtlProcessingTime(365 * 24 * HOUR);
            h.processElement(record("a", "a year later"), 2);

            assertThat(output(h)).containsExactly("a/first");
        }
    }

    @Test
    void negativeTtlIsRejected() {
        assertThatThrownBy(() -> new Deduplicate(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
    }

    /** The remembered ids survive a snapshot and restore, on the heap and in RocksDB (as on MSF). */
    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void seenIdsSurviveRestore(String backend) throws Exception {
        OperatorSubtaskState snapshot;
        try (KeyedOneInputStreamOperatorTestHarness<String, Invocation, Invocation> h = harness(Duration.ofHours(48))) {
            h.setStateBackend(backend(backend));
            h.open();
            h.processElement(record("a", "before"), 1);
            h.processElement(record("b", "before"), 2);
            snapshot = h.snapshot(1, 2);
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, Invocation, Invocation> h = harness(Duration.ofHours(48))) {
            h.setStateBackend(backend(backend));
            h.initializeState(snapshot);
            h.open();
            h.processElement(record("a", "after"), 3);
            h.processElement(record("c", "after"), 4);

            assertThat(output(h)).containsExactly("c/after");
            assertThat(duplicates()).isEqualTo(1);
        }
    }

    /** Expired ids are left out of a full snapshot (savepoint, heap checkpoint): state does not carry the past. */
    @Test
    void expiredIdsAreLeftOutOfAFullSnapshot() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Invocation, Invocation> h = harness(Duration.ofHours(2))) {
            h.open();
            h.setStateTtlProcessingTime(0);
            for (int i = 0; i < 100; i++) {
                h.processElement(record("old-" + i, "x"), i);
            }
            h.setStateTtlProcessingTime(3 * HOUR);
            h.processElement(record("new", "x"), 101);
            assertThat(h.numKeyedStateEntries()).as("entries before the snapshot").isGreaterThan(1);

            OperatorSubtaskState snapshot = h.snapshot(1, 3 * HOUR);
            try (KeyedOneInputStreamOperatorTestHarness<String, Invocation, Invocation> restored = harness(Duration.ofHours(2))) {
                restored.initializeState(snapshot);
                restored.open();
                assertThat(restored.numKeyedStateEntries()).isEqualTo(1);
            }
        }
    }

    private KeyedOneInputStreamOperatorTestHarness<String, Invocation, Invocation> harness(Duration ttl) throws Exception {
        MockEnvironment env = new MockEnvironmentBuilder()
                .setMetricGroup(new UnregisteredMetricGroups.UnregisteredTaskMetricGroup() {
                    @Override
                    public InternalOperatorMetricGroup getOrAddOperator(OperatorID id, String name) {
                        return metrics;
                    }
                })
                .setManagedMemorySize(64 << 20)
                .build();
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new Deduplicate(ttl)), new RequestIdKey(), Types.STRING, env);
    }

    private static StateBackend backend(String name) {
        return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    }

    private long duplicates() {
        return ((Counter) metrics.get(Deduplicate.DUPLICATES_METRIC)).getCount();
    }

    private static Invocation record(String requestId, String source) {
        Invocation inv = new Invocation();
        inv.requestId = requestId;
        inv.source = source;
        inv.eventTime = Instant.parse("2026-11-01T00:00:00Z");
        return inv;
    }

    private static List<String> output(KeyedOneInputStreamOperatorTestHarness<String, Invocation, Invocation> h) {
        return h.extractOutputValues().stream().map(i -> i.requestId + "/" + i.source).collect(Collectors.toList());
    }
}
