package com.bedrockcost.rollup;

import org.apache.flink.api.common.accumulators.Accumulator;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RunLineageTest {
    private static final int MAX_PARALLELISM = 128;

    @Test
    void aFreshRunReportsItsOwnIdAndPassesRecordsThrough() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> h = harness("run-a", 1, 0)) {
            h.initializeEmptyState();
            h.open();
            h.processElement(new StreamRecord<>("x", 7));
            assertThat(h.extractOutputValues()).containsExactly("x");
            assertThat(lineage(h)).containsExactly("run-a");
        }
    }

    @Test
    void aRestoredRunReportsEveryRunOfItsLineageAtAnyParallelism() throws Exception {
        OperatorSubtaskState first;
        try (OneInputStreamOperatorTestHarness<String, String> h = harness("run-a", 1, 0)) {
            h.initializeEmptyState();
            h.open();
            first = h.snapshot(1, 1);
        }
        OperatorSubtaskState[] second = new OperatorSubtaskState[2];
        for (int i = 0; i < 2; i++) {
            try (OneInputStreamOperatorTestHarness<String, String> h = harness("run-b", 2, i)) {
                h.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(first, MAX_PARALLELISM, 1, 2, i));
                h.open();
                assertThat(lineage(h)).as("subtask %d", i).containsExactly("run-a", "run-b");
                second[i] = h.snapshot(2, 2);
            }
        }
        // Back to one subtask, a third run: the union of both subtasks' snapshots, each run once.
        try (OneInputStreamOperatorTestHarness<String, String> h = harness("run-c", 1, 0)) {
            h.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(
                    AbstractStreamOperatorTestHarness.repackageState(second), MAX_PARALLELISM, 2, 1, 0));
            h.open();
            assertThat(lineage(h)).containsExactly("run-a", "run-b", "run-c");
        }
    }

    private static OneInputStreamOperatorTestHarness<String, String> harness(String runId, int parallelism, int subtask) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new RunLineage<>(runId), MAX_PARALLELISM, parallelism, subtask);
    }

    private static List<String> lineage(OneInputStreamOperatorTestHarness<String, String> h) {
        Accumulator<?, ?> acc = h.getEnvironment().getAccumulatorRegistry().getUserMap().get(RunLineage.ACCUMULATOR);
        List<String> ids = new ArrayList<>();
        for (Object id : (List<?>) acc.getLocalValue()) {
            ids.add((String) id);
        }
        return ids;
    }
}
