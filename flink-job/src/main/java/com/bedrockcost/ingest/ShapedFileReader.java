package com.bedrockcost.ingest;

import com.bedrockcost.model.ErrorType;
import com.bedrockcost.model.FileShape;
import com.bedrockcost.model.FileSkip;
import com.bedrockcost.model.RawInput;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;

import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.ArrayResultIterator;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.core.fs.Path;

import javax.annotation.Nullable;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.zip.ZipException;

/**
 * Reads one file of {@link LogLineFormat}: skips it by layout ({@link InputLayout}), opens gzip by
 * its magic bytes (every member), detects its {@link FileShape} from its first 64 KiB
 * ({@link ShapeSniffer}) and frames it: by line (records, export lines with their time prefix cut
 * off) or by JSON value (envelopes one per line or glued, array elements, pretty-printed records),
 * streaming, never the whole file in memory. The first element is a {@link RawInput.Kind#FILE} note
 * naming the shape, or the one note saying why the file is skipped. Deterministic, so that a
 * restored reader can skip the elements it had emitted.
 */
final class ShapedFileReader implements BulkFormat.Reader<RawInput> {
    private static final int BATCH = 512;
    private static final int WINDOW = 64 * 1024;
    private static final JsonFactory JSON = JsonFactory.builder().disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();

    private final String file;
    @Nullable private final InputStream in;
    @Nullable private final FileShape shape;
    /** For batch inference output: the job id, the name of the file's folder ({@code <output uri>/<job id>/}). */
    private final String batchJob;
    private final byte[] buf = new byte[WINDOW];
    private int bufPos;
    private int bufLen;
    private boolean streamEnded;
    private boolean eof;
    private long lineNo;
    private long emitted;
    private long toSkip;
    private final Deque<RawInput> pendingStart = new ArrayDeque<>(1);
    /** Why the stream broke (a cut or damaged gzip stream), reported once after everything read before it. */
    @Nullable private String damage;
    private byte[] partial = new byte[0];
    private long partialBytes;
    private boolean done;

    // JSON value framing: the value being collected and where the scan is.
    private byte[] val;
    private int valLen;
    private long valBytes;
    private long valLine;
    private long valCol;
    private long col;
    private int depth;
    private boolean inValue;
    private boolean scalar;
    private boolean inString;
    private boolean escaped;
    private boolean arrayOpen;

    ShapedFileReader(FileSourceSplit split, long toSkip) throws IOException {
        this.file = split.path().toString();
        this.toSkip = toSkip;
        Path parent = split.path().getParent();
        this.batchJob = parent == null ? "" : parent.getName();
        FileSkip byPath = InputLayout.skipByPath(split.path());
        if (byPath != null) {
            in = null;
            shape = null;
            pendingStart.add(RawInput.skippedFile(file, byPath.name(), byPath.label));
            return;
        }
        InputStream raw = split.path().getFileSystem().open(split.path());
        InputStream stream;
        try {
            stream = open(raw);
        } catch (IOException e) {
            raw.close();
            in = null;
            shape = null;
            pendingStart.add(RawInput.damaged(file, ErrorType.TRUNCATED_GZIP,
                    "Cannot read gzip file " + file + ": " + e.getMessage(), new byte[0], split.length()));
            return;
        }
        in = stream;
        while (bufLen < buf.length && !streamEnded) {
            int n = read(buf, bufLen, buf.length - bufLen);
            if (n > 0) {
                bufLen += n;
            }
        }
        ShapeSniffer.Detection d = ShapeSniffer.detect(buf, bufLen, streamEnded && damage == null,
                InputLayout.bodyName(split.path()), JSON);
        if (d.shape == null) {
            stream.close();
            streamEnded = true;
            eof = true;
            shape = null;
            damage = null;
            if (d.skip == FileSkip.NOT_A_LOG_FILE) {
                pendingStart.add(RawInput.damaged(file, ErrorType.NOT_A_LOG_FILE, "File " + file + " is not a log file in any shape"
                        + " the job reads (" + d.detail + "); it is skipped whole", new byte[0], split.length()));
            } else {
                pendingStart.add(RawInput.skippedFile(file, d.skip.name(), d.skip.label));
            }
            return;
        }
        shape = d.shape;
        pendingStart.add(RawInput.file(file, shape.name()));
        bufPos = ShapeSniffer.bom(buf, bufLen);
        if (shape != FileShape.JSON_LINES && shape != FileShape.CLOUDWATCH_EXPORT && shape != FileShape.BATCH_OUTPUT) {
            val = new byte[8192]; // framed by JSON value
        }
    }

    /** The file's bytes, inflated when it starts with the gzip magic bytes (whatever its name). */
    private static InputStream open(InputStream raw) throws IOException {
        BufferedInputStream b = new BufferedInputStream(raw, WINDOW);
        b.mark(2);
        int b0 = b.read();
        int b1 = b0 < 0 ? -1 : b.read();
        b.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return LogLineFormat.openGzip(b);
        }
        return b;
    }

    @Nullable
    @Override
    public BulkFormat.RecordIterator<RawInput> readBatch() throws IOException {
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
        RawInput start = pendingStart.poll();
        if (start != null) {
            return start;
        }
        while (in != null && !eof) {
            RawInput r = val == null ? nextLine() : nextValue();
            if (r != null) {
                return r;
            }
        }
        if (damage == null) {
            return null;
        }
        RawInput end = RawInput.damaged(file + ":" + (lineNo + 1), ErrorType.TRUNCATED_GZIP,
                "Damaged or truncated data in " + file + " after line " + lineNo + ": " + damage
                        + "; the " + lineNo + " lines before it were read", partial, partialBytes);
        damage = null;
        return end;
    }

    // ---- line framing: one record (or export line) per line ----

    /** One non-blank line, or null when the stream ended (then {@link #eof} is set). */
    @Nullable
    private RawInput nextLine() throws IOException {
        byte[] line = null;
        int lineLen = 0;
        long lineBytes = 0;
        while (true) {
            if (bufPos == bufLen && !fill()) {
                eof = true;
                if (lineBytes > 0 && damage == null) {
                    return emitLine(line, 0, lineLen, lineBytes);
                }
                if (lineBytes > 0) {
                    // The stream broke inside this line: the partial line belongs to the damage report.
                    partial = shape == FileShape.BATCH_OUTPUT ? new byte[0] : Arrays.copyOf(line, Math.min(lineLen, 4096));
                    partialBytes = lineBytes;
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
            if (lineLen + chunk <= LogLineFormat.MAX_LINE_BYTES) {
                if (line == null) {
                    line = new byte[Math.max(256, 2 * chunk)];
                } else if (lineLen + chunk > line.length) {
                    line = Arrays.copyOf(line, Math.max(line.length * 2, lineLen + chunk));
                }
                System.arraycopy(buf, start, line, lineLen, chunk);
                lineLen += chunk;
            } else {
                lineLen = Math.min(lineLen, LogLineFormat.MAX_LINE_BYTES);
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
        if (lineBytes > LogLineFormat.MAX_LINE_BYTES) {
            return RawInput.damaged(source, ErrorType.RECORD_TOO_LARGE,
                    "Line " + lineNo + " of " + file + " has " + lineBytes + " bytes, more than the limit of " + LogLineFormat.MAX_LINE_BYTES,
                    // A batch line starts with its prompt (modelInput), which no redaction marker cuts: none of it is kept.
                    shape == FileShape.BATCH_OUTPUT ? new byte[0] : Arrays.copyOfRange(b, off, off + Math.min(len, 4096)), lineBytes);
        }
        if (shape == FileShape.CLOUDWATCH_EXPORT) {
            // "<ISO time>Z <message>": CloudWatch's ingestion time, not the record's; the message is the record.
            int prefix = ShapeSniffer.exportPrefix(b, off, off + len);
            off += prefix;
            len -= prefix;
        }
        if (shape == FileShape.BATCH_OUTPUT) {
            return RawInput.batchRecord(source, batchJob, Arrays.copyOfRange(b, off, off + len));
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

    // ---- value framing: one JSON value after the other, or the elements of top-level arrays ----

    /**
     * The next JSON value: at the top level (envelopes, pretty-printed records; glued or not), or an
     * element of a top-level array (array and Insights shapes). Junk outside values ends at the
     * line's end and is handed on as it is (it then fails with its position). Null at the end.
     */
    @Nullable
    private RawInput nextValue() throws IOException {
        boolean arrays = shape == FileShape.JSON_ARRAY || shape == FileShape.INSIGHTS_DOWNLOAD;
        while (true) {
            if (bufPos == bufLen && !fill()) {
                eof = true;
                return inValue ? endInsideValue() : null;
            }
            byte b = buf[bufPos++];
            col++;
            if (b == '\n') {
                lineNo++;
                col = 0;
            }
            if (!inValue) {
                if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                    continue;
                }
                if (arrays && !arrayOpen && b == '[') {
                    arrayOpen = true;
                    depth = 1;
                    continue;
                }
                if (arrayOpen && depth == 1) {
                    if (b == ',') {
                        continue;
                    }
                    if (b == ']') {
                        arrayOpen = false;
                        depth = 0;
                        continue;
                    }
                }
                inValue = true;
                valLen = 0;
                valBytes = 0;
                valLine = lineNo + 1;
                valCol = col;
                scalar = b != '{' && b != '[';
                inString = b == '"';
                escaped = false;
                if (!scalar) {
                    depth++;
                }
                append(b);
                continue;
            }
            if (scalar && !inString && (b == '\n' || arrayOpen && (b == ',' || b == ']'))) {
                if (b != '\n') {
                    bufPos--; // the separator belongs to the array
                    col--;
                }
                inValue = false;
                return emitValue();
            }
            append(b);
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (!scalar && (b == '{' || b == '[')) {
                depth++;
            } else if (!scalar && (b == '}' || b == ']') && --depth == (arrayOpen ? 1 : 0)) {
                inValue = false;
                return emitValue();
            }
        }
    }

    private void append(byte b) {
        valBytes++;
        if (valLen < LogLineFormat.MAX_LINE_BYTES) {
            if (valLen == val.length) {
                val = Arrays.copyOf(val, Math.min(LogLineFormat.MAX_LINE_BYTES, val.length * 2));
            }
            val[valLen++] = b;
        }
    }

    private String valueSource() {
        return file + ":" + valLine + (valCol > 1 ? ":" + valCol : "");
    }

    private RawInput emitValue() {
        String source = valueSource();
        if (valBytes > LogLineFormat.MAX_LINE_BYTES) {
            return RawInput.damaged(source, ErrorType.RECORD_TOO_LARGE, "The JSON value at line " + valLine + " of " + file
                    + " has " + valBytes + " bytes, more than the limit of " + LogLineFormat.MAX_LINE_BYTES,
                    Arrays.copyOf(val, Math.min(valLen, 4096)), valBytes);
        }
        byte[] bytes = Arrays.copyOf(val, valLen);
        if (val.length > 1 << 20) {
            val = new byte[8192]; // one huge value must not pin its buffer for the rest of the file
        }
        if (!scalar && shape == FileShape.SUBSCRIPTION_ENVELOPES) {
            return RawInput.of(RawInput.Kind.ENVELOPE_JSON, source, bytes, null, bytes.length);
        }
        if (!scalar && shape == FileShape.INSIGHTS_DOWNLOAD) {
            // A Logs Insights row: its @message string is the record (a log event's message).
            String message = InsightsRows.message(JSON, bytes);
            if (message == null) {
                // Its other fields may be a record's fields flattened by the query (bodies included): none is kept.
                return RawInput.damaged(source, ErrorType.BAD_ENVELOPE, "The Logs Insights row at " + source + " has no @message"
                        + " string (download the results of a query that keeps @message, e.g. fields @timestamp, @message)",
                        new byte[0], bytes.length);
            }
            return RawInput.logLine(source, message.getBytes(StandardCharsets.UTF_8));
        }
        return RawInput.logLine(source, bytes);
    }

    /** The stream ended inside a value: a cut file (or the gzip damage already noted explains it). */
    @Nullable
    private RawInput endInsideValue() {
        inValue = false;
        byte[] cut = Arrays.copyOf(val, Math.min(valLen, 4096));
        if (damage != null) {
            partial = cut;
            partialBytes = valBytes;
            return null;
        }
        if (scalar) {
            return emitValue();
        }
        return RawInput.damaged(valueSource(), ErrorType.TRUNCATED, "The file " + file + " ends inside the JSON value that starts"
                + " at line " + valLine + " (" + valBytes + " bytes read of it): the file is cut off", cut, valBytes);
    }

    // ---- reading ----

    private boolean fill() throws IOException {
        int n = read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        bufPos = 0;
        bufLen = n;
        return true;
    }

    /** Reads from the stream; at its end or damage returns -1 from then on (damage noted in {@link #damage}). */
    private int read(byte[] b, int off, int len) throws IOException {
        if (streamEnded) {
            return -1;
        }
        try {
            int n = in.read(b, off, len);
            if (n < 0) {
                streamEnded = true;
            }
            return n;
        } catch (EOFException | ZipException e) {
            // A cut or damaged gzip stream: everything before it is still read. (Other I/O errors
            // fail the reader: Flink retries the file from the last checkpoint.)
            streamEnded = true;
            damage = e.getMessage();
            return -1;
        }
    }

    @Override
    public void close() throws IOException {
        if (in != null) {
            in.close();
        }
    }
}
