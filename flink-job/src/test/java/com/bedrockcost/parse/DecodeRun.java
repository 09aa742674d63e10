package com.bedrockcost.parse;

import com.bedrockcost.model.FailedRecord;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.model.SideOutputs;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Runs {@link DecodeFunction} in Flink's test harness over some inputs and keeps what came out. */
final class DecodeRun {
    static final long NOW = Instant.parse("2026-11-02T10:00:00Z").toEpochMilli();

    final List<Invocation> rows;
    final List<FailedRecord> failed;
    final DecodeMetrics metrics;

    private DecodeRun(List<Invocation> rows, List<FailedRecord> failed, DecodeMetrics metrics) {
        this.rows = rows;
        this.failed = failed;
        this.metrics = metrics;
    }

    static DecodeRun of(ParseOptions options, List<RawInput> inputs) throws Exception {
        DecodeFunction fn = new DecodeFunction(options);
        try (OneInputStreamOperatorTestHarness<RawInput, Invocation> h = ProcessFunctionTestHarnesses.forProcessFunction(fn)) {
            h.setProcessingTime(NOW);
            for (RawInput in : inputs) {
                h.processElement(in, 0);
            }
            List<Invocation> rows = h.extractOutputValues();
            Queue<StreamRecord<FailedRecord>> side = h.getSideOutput(SideOutputs.FAILED);
            List<FailedRecord> failed = new ArrayList<>();
            if (side != null) {
                for (StreamRecord<FailedRecord> r : side) {
                    failed.add(r.getValue());
                }
            }
            return new DecodeRun(rows, failed, fn.metrics());
        }
    }

    static DecodeRun of(List<RawInput> inputs) throws Exception {
        return of(ParseOptions.defaults(), inputs);
    }

    Map<String, Invocation> byRequestId() {
        return rows.stream().collect(Collectors.toMap(r -> r.requestId, Function.identity()));
    }

    /** The lines of a test resource under {@code logs/}. */
    static List<String> resourceLines(String name) {
        try {
            Path p = Paths.get(DecodeRun.class.getClassLoader().getResource("logs/" + name).toURI());
            return Files.readAllLines(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<RawInput> asLines(String file, List<String> lines) {
        List<RawInput> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            out.add(RawInput.logLine(file + ":" + (i + 1), lines.get(i).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }
}
