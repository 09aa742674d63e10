package com.bedrockcost;

import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.ingest.LogLineFormat;
import com.bedrockcost.model.ErrorType;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.parse.CloudWatchEnvelope;

import com.fasterxml.jackson.core.JsonFactory;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import javax.annotation.Nullable;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Invocation log records outside a Flink job, one {@link RawInput} at a time, for tools such as the
 * replay: from a file or folder in any shape the job reads (read by the job's own
 * {@link LogLineFormat}, so the same files give the same records, skips and damage reports; envelopes
 * are unpacked into one log line per log event by the job's envelope decoder), or
 * from the {@link LogGenerator}. Elements are {@code LOG_LINE}, {@code SKIPPED} or {@code DAMAGED}.
 */
public abstract class LogRecords implements Iterator<RawInput>, Closeable {
    private static final JsonFactory JSON = new JsonFactory();

    /** Files under {@code path} (a file or a folder, recursively, in path order; local or any Flink file system). */
    public static LogRecords files(String path) throws IOException {
        Path root = new Path(path);
        FileSystem fs = root.getFileSystem();
        List<FileStatus> files = new ArrayList<>();
        collect(fs, fs.getFileStatus(root), files);
        files.sort(Comparator.comparing(f -> f.getPath().toString()));
        return new FileRecords(files);
    }

    /** Records {@code 0 .. count-1} of the generator. */
    public static LogRecords generator(LogGenerator generator) {
        return new LogRecords() {
            private long next;

            @Override
            public boolean hasNext() {
                return next < generator.count();
            }

            @Override
            public RawInput next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                long i = next++;
                return RawInput.logLine("generator:" + i, generator.record(i));
            }

            @Override
            public void close() {}
        };
    }

    private static void collect(FileSystem fs, FileStatus status, List<FileStatus> out) throws IOException {
        String name = status.getPath().getName();
        // As Flink's FileSource: hidden and underscore files (in-progress, markers) are not data.
        if (name.startsWith(".") || name.startsWith("_")) {
            return;
        }
        if (!status.isDir()) {
            out.add(status);
            return;
        }
        for (FileStatus child : fs.listStatus(status.getPath())) {
            collect(fs, child, out);
        }
    }

    private static final class FileRecords extends LogRecords {
        private final Deque<FileStatus> files;
        private final LogLineFormat format = new LogLineFormat();
        @Nullable private BulkFormat.Reader<RawInput> reader;
        @Nullable private BulkFormat.RecordIterator<RawInput> batch;
        @Nullable private RawInput lookahead;
        private final Deque<RawInput> unpacked = new ArrayDeque<>();
        private final CloudWatchEnvelope envelopes = new CloudWatchEnvelope(JSON, LogLineFormat.MAX_LINE_BYTES);
        private int splitId;

        FileRecords(List<FileStatus> files) {
            this.files = new ArrayDeque<>(files);
        }

        @Override
        public boolean hasNext() {
            try {
                while (lookahead == null) {
                    if (!unpacked.isEmpty()) {
                        lookahead = unpacked.poll();
                        break;
                    }
                    if (batch != null) {
                        RecordAndPosition<RawInput> r = batch.next();
                        if (r != null) {
                            unpack(r.getRecord());
                            continue;
                        }
                        batch.releaseBatch();
                        batch = null;
                    }
                    if (reader != null) {
                        batch = reader.readBatch();
                        if (batch != null) {
                            continue;
                        }
                        reader.close();
                        reader = null;
                    }
                    FileStatus f = files.poll();
                    if (f == null) {
                        return false;
                    }
                    reader = format.createReader(new Configuration(), new FileSourceSplit(
                            String.valueOf(splitId++), f.getPath(), 0, f.getLen(), f.getModificationTime(), f.getLen()));
                }
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public RawInput next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            RawInput r = lookahead;
            lookahead = null;
            return r;
        }

        /** Queues what {@code in} holds as log lines, skips and damage. */
        private void unpack(RawInput in) {
            switch (in.kind) {
                case FILE:
                    return; // a note on the shape: nothing to replay
                case ENVELOPE_JSON:
                    envelopes.decodeJson(in.source, in.payload, new CloudWatchEnvelope.Handler() {
                        @Override
                        public void logEvent(String source, char[] text, int offset, int length) {
                            unpacked.add(RawInput.logLine(source, new String(text, offset, length).getBytes(StandardCharsets.UTF_8)));
                        }

                        @Override
                        public void control(String source) {
                            unpacked.add(RawInput.skipped(source, "CloudWatch Logs control message"));
                        }

                        @Override
                        public void empty(String source) {
                            unpacked.add(RawInput.skipped(source, "DATA_MESSAGE with no log events"));
                        }

                        @Override
                        public void failed(String source, ErrorType type, String message, String raw, long rawBytes) {
                            unpacked.add(RawInput.damaged(source, type, message, new byte[0], rawBytes));
                        }
                    });
                    return;
                default:
                    unpacked.add(in);
            }
        }

        @Override
        public void close() throws IOException {
            if (batch != null) {
                batch.releaseBatch();
            }
            if (reader != null) {
                reader.close();
            }
        }
    }
}
