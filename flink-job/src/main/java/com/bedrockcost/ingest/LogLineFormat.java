package com.bedrockcost.ingest;

import com.bedrockcost.model.FileShape;
import com.bedrockcost.model.RawInput;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Reads Bedrock invocation logs in every shape users hold them ({@link FileShape}: Bedrock's own S3
 * delivery, Firehose archives of a subscription, CloudWatch Logs exports, Logs Insights downloads,
 * arrays and pretty-printed records), plain or gzip whatever the name (every member of a multi-member
 * gzip is read); see {@link ShapedFileReader}. Emits one {@link RawInput} per record, envelope or row,
 * tagged with file and position, after a note naming the file's shape. Damage (a gzip stream cut off)
 * ends the file with one {@code DAMAGED} element after everything complete before it; Bedrock's
 * permission-check and large-body objects are {@code SKIPPED}, an unknown file is one {@code DAMAGED}
 * element. Files are read whole by one reader (gzip cannot be split); on restore the reader skips the
 * elements it had already emitted.
 */
public final class LogLineFormat implements BulkFormat<RawInput, FileSourceSplit> {
    private static final long serialVersionUID = 1L;

    /** Lines longer than this are reported as {@code RECORD_TOO_LARGE} instead of being buffered whole. */
    public static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

    @Override
    public Reader<RawInput> createReader(Configuration config, FileSourceSplit split) throws IOException {
        return new ShapedFileReader(split, 0);
    }

    @Override
    public Reader<RawInput> restoreReader(Configuration config, FileSourceSplit split) throws IOException {
        long skip = split.getReaderPosition().map(CheckpointedPosition::getRecordsAfterOffset).orElse(0L);
        return new ShapedFileReader(split, skip);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<RawInput> getProducedType() {
        return TypeInformation.of(RawInput.class);
    }

    /**
     * A gzip stream over {@code raw} that reads every concatenated member. {@link GZIPInputStream}
     * looks for a next member only when {@code available() > 0} (JDK-7036144, fixed only in JDK 23),
     * which a network stream may answer with 0 at a member boundary: the rest of the file would then
     * be dropped silently. {@link PeekingAvailable} answers by reading ahead one byte.
     */
    static InputStream openGzip(InputStream raw) throws IOException {
        return new GZIPInputStream(new PeekingAvailable(raw), 64 * 1024);
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
}
