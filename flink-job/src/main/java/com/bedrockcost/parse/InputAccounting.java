package com.bedrockcost.parse;

import com.bedrockcost.model.FileShape;
import com.bedrockcost.model.FileSkip;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.Accumulator;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the decode stage did with the input, for the run summary: files read per detected
 * {@link FileShape}, files skipped per {@link FileSkip} reason (with the first few names), records
 * read, inputs failed, control messages skipped; duplicates dropped come from the de-duplication's
 * own accumulator. A Flink accumulator ({@value #ACCUMULATOR}), summed over the decode instances;
 * the same counts are metrics ({@code DecodeMetrics}). Kept in the decode stage's checkpoints, so a
 * run restored from one counts what came before too. Updated from the task thread and read by Flink
 * from another one, hence synchronized.
 */
public final class InputAccounting implements Accumulator<InputAccounting, InputAccounting>, Serializable {
    private static final long serialVersionUID = 1L;
    /** The accumulator's name in the job result. */
    public static final String ACCUMULATOR = "input-accounting";
    /** The de-duplication's accumulator of dropped copies: {@code SeenRequests.DUPLICATES_METRIC} (a test holds them equal; no stage imports another). */
    public static final String DUPLICATES_ACCUMULATOR = "duplicatesDropped";
    /** Names of skipped files kept per reason. */
    static final int EXAMPLES = 3;
    /** Version of {@link #toBytes}. */
    private static final int FORMAT = 1;

    private final TreeMap<String, Long> filesRead = new TreeMap<>();
    private final TreeMap<String, Long> filesSkipped = new TreeMap<>();
    private final TreeMap<String, List<String>> skippedExamples = new TreeMap<>();
    private long records;
    private long failed;
    private long controlMessages;
    private long duplicates;

    /** A file read as {@code shape} (a {@link FileShape} name). */
    public synchronized void fileRead(String shape) {
        filesRead.merge(shape, 1L, Long::sum);
    }

    /** A file not read, for {@code reason} (a {@link FileSkip} name). */
    public synchronized void fileSkipped(String reason, String file) {
        filesSkipped.merge(reason, 1L, Long::sum);
        List<String> names = skippedExamples.computeIfAbsent(reason, k -> new ArrayList<>(EXAMPLES));
        if (names.size() < EXAMPLES) {
            names.add(file);
        }
    }

    public synchronized void record() {
        records++;
    }

    public synchronized void failed() {
        failed++;
    }

    public synchronized void controlMessage() {
        controlMessages++;
    }

    public synchronized long records() {
        return records;
    }

    public synchronized long failedInputs() {
        return failed;
    }

    public synchronized long controlMessages() {
        return controlMessages;
    }

    public synchronized long duplicates() {
        return duplicates;
    }

    public synchronized long filesRead(FileShape shape) {
        return filesRead.getOrDefault(shape.name(), 0L);
    }

    public synchronized long filesSkipped(FileSkip reason) {
        return filesSkipped.getOrDefault(reason.name(), 0L);
    }

    /** Every file seen: read or skipped. */
    public synchronized long files() {
        long n = 0;
        for (long c : filesRead.values()) {
            n += c;
        }
        for (long c : filesSkipped.values()) {
            n += c;
        }
        return n;
    }

    /** The accounting of a finished job (empty when the job had no decode stage). */
    public static InputAccounting of(JobExecutionResult result) {
        InputAccounting a = result.getAccumulatorResult(ACCUMULATOR);
        InputAccounting out = a == null ? new InputAccounting() : a.clone();
        Long dups = result.getAccumulatorResult(DUPLICATES_ACCUMULATOR);
        out.duplicates = dups == null ? 0 : dups;
        return out;
    }

    /** Whether the input held files and not one record was read from them: the run found nothing it could use. */
    public synchronized boolean readNothing() {
        return files() > 0 && records == 0;
    }

    /** Why a run over files read nothing, naming what it found. */
    public synchronized String nothingReadMessage() {
        StringBuilder s = new StringBuilder("the input holds ").append(files()).append(files() == 1 ? " file" : " files")
                .append(" but not one invocation record was read from them: ");
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Long> e : filesSkipped.entrySet()) {
            parts.add(e.getValue() + (e.getValue() == 1 ? " file" : " files") + " skipped: " + FileSkip.valueOf(e.getKey()).label
                    + " (" + String.join(", ", skippedExamples.get(e.getKey())) + (e.getValue() > EXAMPLES ? ", ..." : "") + ")");
        }
        for (Map.Entry<String, Long> e : filesRead.entrySet()) {
            parts.add(e.getValue() + (e.getValue() == 1 ? " file" : " files") + " read as " + FileShape.valueOf(e.getKey()).label
                    + " gave no record");
        }
        if (failed > 0) {
            parts.add(failed + " inputs failed (rows in the failed table say where and why)");
        }
        return s.append(String.join("; ", parts)).toString();
    }

    /** The input part of the run summary: files per shape, skipped per reason, records, failures, duplicates. */
    public synchronized void print(PrintStream out) {
        if (files() > 0) {
            out.printf("%nInput: %,d files%n", files());
            for (Map.Entry<String, Long> e : filesRead.entrySet()) {
                out.printf("  %,8d read: %s%n", e.getValue(), FileShape.valueOf(e.getKey()).label);
            }
            for (Map.Entry<String, Long> e : filesSkipped.entrySet()) {
                out.printf("  %,8d skipped: %s, e.g. %s%s%n", e.getValue(), FileSkip.valueOf(e.getKey()).label,
                        String.join(", ", skippedExamples.get(e.getKey())), e.getValue() > EXAMPLES ? ", ..." : "");
            }
        }
        out.printf("Records: %,d read, %,d failed inputs, %,d duplicates dropped%s%n", records, failed, duplicates,
                controlMessages > 0 ? String.format(", %,d CloudWatch control messages skipped", controlMessages) : "");
    }

    // ---- Accumulator ----

    @Override
    public void add(InputAccounting value) {
        merge(value);
    }

    @Override
    public InputAccounting getLocalValue() {
        return this;
    }

    @Override
    public synchronized void resetLocal() {
        filesRead.clear();
        filesSkipped.clear();
        skippedExamples.clear();
        records = 0;
        failed = 0;
        controlMessages = 0;
        duplicates = 0;
    }

    @Override
    public void merge(Accumulator<InputAccounting, InputAccounting> other) {
        InputAccounting o = other.getLocalValue().clone();
        synchronized (this) {
            o.filesRead.forEach((k, v) -> filesRead.merge(k, v, Long::sum));
            o.filesSkipped.forEach((k, v) -> filesSkipped.merge(k, v, Long::sum));
            o.skippedExamples.forEach((k, v) -> {
                List<String> names = skippedExamples.computeIfAbsent(k, x -> new ArrayList<>(EXAMPLES));
                for (String n : v) {
                    if (names.size() < EXAMPLES) {
                        names.add(n);
                    }
                }
            });
            records += o.records;
            failed += o.failed;
            controlMessages += o.controlMessages;
            duplicates += o.duplicates;
        }
    }

    @Override
    public synchronized InputAccounting clone() {
        InputAccounting c = new InputAccounting();
        c.filesRead.putAll(filesRead);
        c.filesSkipped.putAll(filesSkipped);
        skippedExamples.forEach((k, v) -> c.skippedExamples.put(k, new ArrayList<>(v)));
        c.records = records;
        c.failed = failed;
        c.controlMessages = controlMessages;
        c.duplicates = duplicates;
        return c;
    }

    /** The counts as bytes, for the decode stage's operator state (a format of our own: Java serialization follows class internals). */
    public synchronized byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(FORMAT);
            writeCounts(out, filesRead);
            writeCounts(out, filesSkipped);
            out.writeInt(skippedExamples.size());
            for (Map.Entry<String, List<String>> e : skippedExamples.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().size());
                for (String name : e.getValue()) {
                    out.writeUTF(name);
                }
            }
            out.writeLong(records);
            out.writeLong(failed);
            out.writeLong(controlMessages);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Counts written by {@link #toBytes}. */
    public static InputAccounting fromBytes(byte[] b) {
        InputAccounting a = new InputAccounting();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IllegalStateException("input accounting state of format " + format + ", this job reads format " + FORMAT);
            }
            readCounts(in, a.filesRead);
            readCounts(in, a.filesSkipped);
            for (int i = in.readInt(); i > 0; i--) {
                String reason = in.readUTF();
                List<String> names = new ArrayList<>();
                for (int k = in.readInt(); k > 0; k--) {
                    names.add(in.readUTF());
                }
                a.skippedExamples.put(reason, names);
            }
            a.records = in.readLong();
            a.failed = in.readLong();
            a.controlMessages = in.readLong();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return a;
    }

    private static void writeCounts(DataOutputStream out, Map<String, Long> counts) throws IOException {
        out.writeInt(counts.size());
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue());
        }
    }

    private static void readCounts(DataInputStream in, Map<String, Long> into) throws IOException {
        for (int i = in.readInt(); i > 0; i--) {
            into.put(in.readUTF(), in.readLong());
        }
    }

    private synchronized void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
    }

    @Override
    public String toString() {
        return "InputAccounting{read " + filesRead + ", skipped " + filesSkipped + ", records " + records() + ", failed " + failedInputs() + "}";
    }
}
