package com.bedrockcost.ingest;

import com.bedrockcost.model.ErrorType;
import com.bedrockcost.model.RawInput;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.ArrayResultIterator;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.Path;

import javax.annotation.Nullable;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Reads Bedrock invocation logs as Bedrock delivers them to S3: one JSON record per line, plain or
 * gzip (several concatenated members are all read). Emits one {@link RawInput} per line, tagged
 * with file and line. Damage (a gzip stream cut off) ends the file with one {@code DAMAGED} element
 * after every complete line before it; Bedrock's permission-check and large-body objects are
 * {@code SKIPPED}. Files are read whole by one reader (gzip cannot be split); on restore the reader
 * skips the elements it had already emitted.
 */
public final class LogLineFormat implements BulkFormat<RawInput, FileSourceSplit> {
    private static final long serialVersionUID = 1L;

    /** Lines longer than this are reported as {@code RECORD_TOO_LARGE} instead of being buffered whole. */
    public static final int MAX_LINE_BYTES = 16 * 1024 * 1024;
    private static final int BATCH = 512;

    @Override
    public Reader<RawInput> createReader(Configuration config, FileSourceSplit split) throws IOException {
        return new LineReader(split, 0);
    }

    @Override
    public Reader<RawInput> restoreReader(Configuration config, FileSourceSplit split) throws IOException {
        long skip = split.getReaderPosition().map(CheckpointedPosition::getRecordsAfterOffset).orElse(0L);
        return new LineReader(split, skip);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<RawInput> getProducedType() {
        return TypeInformation.of(RawInput.class);
    }

    /** Why a path is not read as log records, or null when it is. */
    @Nullable
    static String skipReason(Path path) {
        String p = path.getPath();
        String name = path.getName().toLowerCase(Locale.ROOT);
        if (p.contains("/data/")) {
            return "large-body object under /data/ (not an invocation log file)";
        }
        if (name.startsWith("amazon-bedrock-logs-permission-check")) {
            return "Bedrock permission-check object";
        }
        if (!(name.endsWith(".gz") || name.endsWith(".json") || name.endsWith(".jsonl") || name.endsWith(".log"))) {
            return "not a log file (expected .json, .jsonl, .log or .gz)";
        }
        return null;
    }

    /** A {@code .gz} file that does not start with the gzip magic bytes (or is empty). */
    static final class NotGzip extends IOException {
        private static final long serialVersionUID = 1L;
        final boolean empty;
        final String start;

        NotGzip(boolean empty, String start) {
            super("not gzip");
            this.empty = empty;
            this.start = start;
        }
    }

    /**
     * A gzip stream over {@code raw} that reads every concatenated member. {@link GZIPInputStream}
     * looks for a next member only when {@code available() > 0} (JDK-7036144, fixed only in JDK 23),
     * which a network stream may answer with 0 at a member boundary: the rest of the file would then
     * be dropped silently. {@link PeekingAvailable} answers by reading ahead one byte.
     */
    static InputStream openGzip(InputStream raw, String file, long size) throws IOException {
        BufferedInputStream b = new BufferedInputStream(raw, 64 * 1024);
        b.mark(2);
        int b0 = b.read();
        int b1 = b0 < 0 ? -1 : b.read();
        b.reset();
        if (b0 != 0x1f || b1 != 0x8b) {
            throw new NotGzip(b0 < 0, b0 < 0 ? "nothing" : String.format("%02x %02x", b0, Math.max(b1, 0)));
        }
        return new GZIPInputStream(new PeekingAvailable(b), 64 * 1024);
    }

    /** Reports {@code available() > 0} exactly when another byte follows, by reading it ahead. */
    static final class PeekingAvailable extends FilterInputStream {
        private static final int NONE = -2;
        private int peeked = NONE;

        PeekingAvailable(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            if (peeked != NONE) {
                int b = peeked;
                peeked = NONE;
                return b;
            }
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (peeked != NONE) {
                if (peeked < 0) {
                    return -1;
                }
                b[off] = (byte) peeked;
                peeked = NONE;
                return 1;
            }
            return in.read(b, off, len);
        }

        @Override
        public long skip(long n) throws IOException {
            long done = 0;
            while (done < n && read() >= 0) {
                done++;
            }
            return done;
        }

        @Override
        public int available() throws IOException {
            if (peeked >= 0) {
                return 1 + in.available();
            }
            if (peeked == -1) {
                return 0;
            }
            int a = in.available();
            if (a > 0) {
                return a;
            }
            peeked = in.read();
            return peeked >= 0 ? 1 : 0;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }

    private static final class LineReader implements BulkFormat.Reader<RawInput> {
        private final String file;
        private final InputStream in;
        private final byte[] buf = new byte[64 * 1024];
        private int bufPos;
        private int bufLen;
        private boolean eof;
        private long lineNo;
        private long emitted;
        private long toSkip;
        @Nullable private RawInput pendingEnd;
        private boolean done;

        LineReader(FileSourceSplit split, long toSkip) throws IOException {
            this.file = split.path().toString();
            this.toSkip = toSkip;
            String skip = skipReason(split.path());
            if (skip != null) {
                this.in = null;
                this.pendingEnd = RawInput.skipped(file, skip);
                return;
            }
            FSDataInputStream raw = split.path().getFileSystem().open(split.path());
            InputStream stream = raw;
            if (split.path().getName().toLowerCase(Locale.ROOT).endsWith(".gz")) {
                try {
                    stream = openGzip(raw, file, split.length());
                } catch (NotGzip e) {
                    raw.close();
                    stream = null;
                    pendingEnd = e.empty ? null : RawInput.damaged(file, ErrorType.NOT_GZIP,
                            "File " + file + " is named .gz but is not gzip (it starts with " + e.start + ")",
                            new byte[0], split.length());
                } catch (IOException e) {
                    raw.close();
                    stream = null;
                    pendingEnd = RawInput.damaged(file, ErrorType.TRUNCATED_GZIP,
                            "Cannot read gzip file " + file + ": " + e.getMessage(), new byte[0], split.length());
                }
            }
            this.in = stream;
        }

        @Nullable
        @Override
        public RecordIterator<RawInput> readBatch() throws IOException {
            if (done) {
                return null;
            }
            RawInput[] batch = new RawInput[BATCH];
            int n = 0;
            long skippedBefore = emitted;
            while (n < BATCH) {
                RawInput next = next();
                if (next == null) {
                    done = true;
                    break;
                }
                emitted++;
                if (toSkip > 0) {
                    toSkip--;
                    skippedBefore = emitted;
                    continue;
                }
                batch[n++] = next;
            }
            if (n == 0) {
                return done ? null : readBatch();
            }
            ArrayResultIterator<RawInput> it = new ArrayResultIterator<>();
            it.set(batch, n, CheckpointedPosition.NO_OFFSET, skippedBefore);
            return it;
        }

        /** The next element of this file, or null at its end. */
        @Nullable
        private RawInput next() throws IOException {
            while (in != null && !eof) {
                RawInput line = nextLine();
                if (line != null) {
                    return line;
                }
            }
            RawInput end = pendingEnd;
            pendingEnd = null;
            return end;
        }

        /** One non-blank line, or null when the stream ended (then {@link #eof} is set). */
        @Nullable
        private RawInput nextLine() throws IOException {
            byte[] line = null;
            int lineLen = 0;
            long lineBytes = 0;
            while (true) {
                if (bufPos == bufLen && !fill()) {
                    eof = true;
                    if (lineBytes > 0 && pendingEnd == null) {
                        return emitLine(line, 0, lineLen, lineBytes);
                    }
                    if (lineBytes > 0) {
                        // The stream broke inside this line: the partial line belongs to the damage report.
                        pendingEnd.payload = Arrays.copyOf(line, Math.min(lineLen, 4096));
                        pendingEnd.size = lineBytes;
                    }
                    return null;
                }
                int start = bufPos;
                while (bufPos < bufLen && buf[bufPos] != '\n') {
                    bufPos++;
                }
                int chunk = bufPos - start;
                if (line == null && bufPos < bufLen) {
                    // The common case: the whole line is in the buffer; copied once, by emitLine.
                    bufPos++; // the '\n'
                    if (chunk > 0) {
                        return emitLine(buf, start, chunk, chunk);
                    }
                    lineNo++; // blank line
                    continue;
                }
                lineBytes += chunk;
                if (lineLen + chunk <= MAX_LINE_BYTES) {
                    if (line == null) {
                        line = new byte[Math.max(256, 2 * chunk)];
                    } else if (lineLen + chunk > line.length) {
                        line = Arrays.copyOf(line, Math.max(line.length * 2, lineLen + chunk));
                    }
                    System.arraycopy(buf, start, line, lineLen, chunk);
                    lineLen += chunk;
                } else {
                    lineLen = Math.min(lineLen, MAX_LINE_BYTES);
                }
                if (bufPos < bufLen) {
                    bufPos++; // the '\n'
                    return emitLine(line, 0, lineLen, lineBytes);
                }
            }
        }

        /** The line {@code b[off, off + len)} ({@code lineBytes} long before any cut) as an element; null when blank. */
        @Nullable
        private RawInput emitLine(byte[] b, int off, int len, long lineBytes) {
            lineNo++;
            if (len > 0 && b[off + len - 1] == '\r') {
                len--;
                lineBytes--;
            }
            if (isBlank(b, off, len)) {
                return null;
            }
            String source = file + ":" + lineNo;
            if (lineBytes > MAX_LINE_BYTES) {
                return RawInput.damaged(source, ErrorType.RECORD_TOO_LARGE,
                        "Line " + lineNo + " of " + file + " has " + lineBytes + " bytes, more than the limit of " + MAX_LINE_BYTES,
                        Arrays.copyOfRange(b, off, off + Math.min(len, 4096)), lineBytes);
            }
            return RawInput.logLine(source, Arrays.copyOfRange(b, off, off + len));
        }

        private static boolean isBlank(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                byte c = b[i];
                if (c != ' ' && c != '\t' && c != '\r') {
                    return false;
                }
            }
            return true;
        }

        private boolean fill() throws IOException {
            try {
                int n = in.read(buf, 0, buf.length);
                if (n <= 0) {
                    return false;
                }
                bufPos = 0;
                bufLen = n;
                return true;
            } catch (java.io.EOFException | java.util.zip.ZipException e) {
                // A cut or damaged gzip stream: everything before it was already returned line by line.
                pendingEnd = RawInput.damaged(file + ":" + (lineNo + 1), ErrorType.TRUNCATED_GZIP,
                        "Damaged or truncated data in " + file + " after line " + lineNo + ": " + e.getMessage()
                                + "; the " + lineNo + " lines before it were read",
                        new byte[0], 0);
                return false;
            }
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }
}
