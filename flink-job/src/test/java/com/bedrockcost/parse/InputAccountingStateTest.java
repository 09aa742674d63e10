package com.bedrockcost.parse;

import com.bedrockcost.pricing.SeenRequests;
import com.bedrockcost.model.FileShape;
import com.bedrockcost.model.FileSkip;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.testutil.LogShapes;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The run's input accounting survives a restore: a run restored from a checkpoint still counts the files read before it. */
class InputAccountingStateTest {
    private static RawInput record(int i) {
        return RawInput.logLine("f.json:" + (i + 1), LogShapes.DOMAIN_EXAMPLES.get(i).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void countsBeforeTheCheckpointAreKeptAfterARestore() throws Exception {
        OperatorSubtaskState snapshot;
        DecodeFunction first = new DecodeFunction(ParseOptions.defaults());
        try (OneInputStreamOperatorTestHarness<RawInput, Invocation> h = ProcessFunctionTestHarnesses.forProcessFunction(first)) {
            h.processElement(RawInput.file("f.json", FileShape.JSON_LINES.name()), 0);
            h.processElement(record(0), 0);
            h.processElement(record(1), 0);
            h.processElement(RawInput.skippedFile("amazon-bedrock-logs-permission-check", FileSkip.PERMISSION_CHECK.name(),
                    FileSkip.PERMISSION_CHECK.label), 0);
            snapshot = h.snapshot(1, 1);
            h.processElement(record(2), 0); // after the checkpoint: lost with the attempt, read again after the restore
        }
        DecodeFunction restored = new DecodeFunction(ParseOptions.defaults());
        OneInputStreamOperatorTestHarness<RawInput, Invocation> h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(restored));
        try {
            h.initializeState(snapshot);
            h.open();
            h.processElement(record(2), 0);
            h.processElement(RawInput.file("g.json", FileShape.PRETTY_JSON.name()), 0);
            h.processElement(record(3), 0);
            InputAccounting a = restored.accounting();
            assertThat(a.records()).isEqualTo(4);
            assertThat(a.filesRead(FileShape.JSON_LINES)).isEqualTo(1);
            assertThat(a.filesRead(FileShape.PRETTY_JSON)).isEqualTo(1);
            assertThat(a.filesSkipped(FileSkip.PERMISSION_CHECK)).isEqualTo(1);
            assertThat(a.files()).isEqualTo(3);
            assertThat(InputAccounting.fromBytes(a.toBytes()).toString()).isEqualTo(a.toString());
        } finally {
            h.close();
        }
    }

    /** The run summary's duplicates come from the de-duplication's accumulator, by name. */
    @Test
    void theDuplicatesAccumulatorIsTheOneDeDuplicationRegisters() {
        assertThat(InputAccounting.DUPLICATES_ACCUMULATOR).isEqualTo(SeenRequests.DUPLICATES_METRIC);
    }
}
