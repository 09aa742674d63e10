package com.bedrockcost.ingest;

import com.bedrockcost.model.RawInput;

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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Invocation log records outside a Flink job, one {@link RawInput} at a time, for tools such as the
 * replay: from a file or folder in the S3 delivery format (read by the job's own
 * {@link LogLineFormat}, so the same files give the same lines, skips and damage reports), or from
 * the {@link LogGenerator}.
 */
public abstract class LogRecords implements Iterator<RawInput>, Closeable {

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
        private int splitId;

        FileRecords(List<FileStatus> files) {
            this.files = new ArrayDeque<>(files);
        }

        @Override
        public boolean hasNext() {
            try {
                while (lookahead == null) {
                    if (batch != null) {
                        RecordAndPosition<RawInput> r = batch.next();
                        if (r != null) {
                            lookahead = r.getRecord();
                            break;
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
