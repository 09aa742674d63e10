package com.bedrockcost.lake;

import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * The request ids of one committed {@code invocations} Parquet file, as a small sidecar file under
 * {@code <root>/_request_ids/year=…/month=…/day=…/<parquet file name>.rid}: per id a 64-bit hash
 * (sorted) and Java's {@code String.hashCode()} (to find the id's Flink key group without the id).
 * 12 bytes per id, whatever the id's length.
 *
 * <p>An index is derived from its Parquet file and never written before it: it is made by reading
 * the file's {@code request_id} column once the file is committed (by the run that wrote it, or by
 * the first reader that finds it missing). So it cannot claim ids whose Parquet file is not
 * committed, and a committed file whose index is missing, cut short or stale (its header names the
 * Parquet file's length; a CRC closes it) is simply indexed again.
 */
public final class RequestIdIndex {
    /** The folder of the indexes under the lake root; outside every table, and hidden from Athena and Hive ({@code _}). */
    public static final String DIR = "_request_ids";
    public static final String SUFFIX = ".rid";
    private static final int MAGIC = 0x42435249; // "BCRI"
    private static final int VERSION = 1;
    /** The key of each row of a Parquet file that an index holds: the columns it reads, and the key of a row of them. */
    public interface RowKey {
        MessageType columns();

        String of(Group row);
    }

    /** The request id of an {@code invocations} row. */
    static final RowKey REQUEST_ID = new RowKey() {
        private final MessageType columns = MessageTypeParser.parseMessageType(
                "message invocations { required binary request_id (STRING); }");

        @Override
        public MessageType columns() {
            return columns;
        }

        @Override
        public String of(Group row) {
            return row.getString("request_id", 0);
        }
    };

    /** Sorted 64-bit hashes of the ids. */
    final long[] hashes;
    /** {@code String.hashCode()} of the id of each hash, in the same order. */
    final int[] keyHashes;

    RequestIdIndex(long[] hashes, int[] keyHashes) {
        this.hashes = hashes;
        this.keyHashes = keyHashes;
    }

    /**
     * Whether a file name in a partition folder is a committed Parquet file: in-progress files of
     * Flink's FileSink ({@code .part-….inprogress.…}) and other hidden files start with . or _.
     */
    public static boolean committedParquet(String name) {
        return name.endsWith(".parquet") && !name.startsWith(".") && !name.startsWith("_");
    }

    /** Ids in the index. */
    public int size() {
        return hashes.length;
    }

    /**
     * The 64-bit hash of a request id: the first 8 bytes of its SHA-256. Two different ids share one
     * with probability 2^-64 per pair: a new id is taken for one of n ids already in its partition
     * with probability about n / 1.8e19.
     */
    public static long hash(String requestId) {
        byte[] d = sha256().digest(requestId.getBytes(StandardCharsets.UTF_8));
        long h = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (d[i] & 0xff);
        }
        return h;
    }

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    });

    private static MessageDigest sha256() {
        return SHA256.get();
    }

    /** Where the index of the Parquet file {@code parquet} ({@code <root>/invocations/<partition>/<name>}) lives. */
    public static Path location(String root, String partition, String parquetName) {
        return new Path(new Path(root, DIR + "/" + partition), parquetName + SUFFIX);
    }

    /**
     * The index of a committed Parquet file: read from its sidecar when that is whole and matches
     * the file; else built from the file's {@code request_id} column and written (so the next reader
     * reads 12 bytes per id, not the column).
     */
    public static RequestIdIndex forFile(Path parquet, long parquetLength, Path index) throws IOException {
        return forFile(parquet, parquetLength, index, REQUEST_ID);
    }

    /** {@link #forFile(Path, long, Path)} for the keys {@code key} makes of the file's rows. */
    public static RequestIdIndex forFile(Path parquet, long parquetLength, Path index, RowKey key) throws IOException {
        RequestIdIndex read = read(index, parquetLength);
        if (read != null) {
            return read;
        }
        RequestIdIndex built = build(parquet, key);
        write(index, built, parquetLength);
        return built;
    }

    /** Reads the request ids of a Parquet file. */
    static RequestIdIndex build(Path parquet) throws IOException {
        return build(parquet, REQUEST_ID);
    }

    /** Reads the keys of the rows of a Parquet file. */
    static RequestIdIndex build(Path parquet, RowKey key) throws IOException {
        long[] hashes = new long[1024];
        int[] keys = new int[1024];
        int n = 0;
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
        conf.set(ReadSupport.PARQUET_READ_SCHEMA, key.columns().toString());
        long length = FileSystem.get(parquet.toUri()).getFileStatus(parquet).getLen();
        try (ParquetReader<Group> r = new RequestIdReader(new FlinkInputFile(parquet, length)).withConf(conf).build()) {
            Group g;
            while ((g = r.read()) != null) {
                String id = key.of(g);
                if (n == hashes.length) {
                    hashes = Arrays.copyOf(hashes, n * 2);
                    keys = Arrays.copyOf(keys, n * 2);
                }
                hashes[n] = hash(id);
                keys[n] = id.hashCode();
                n++;
            }
        }
        return sorted(Arrays.copyOf(hashes, n), Arrays.copyOf(keys, n));
    }

    /** Both arrays ordered by hash (sorted in place, together). */
    static RequestIdIndex sorted(long[] hashes, int[] keys) {
        sort(hashes, keys, 0, hashes.length - 1);
        return new RequestIdIndex(hashes, keys);
    }

    /** Quicksort of {@code h[lo..hi]}, moving {@code k} along: no boxing of a million ids. */
    private static void sort(long[] h, int[] k, int lo, int hi) {
        while (lo < hi) {
            long pivot = h[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (h[i] < pivot) {
                    i++;
                }
                while (h[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    long th = h[i];
                    h[i] = h[j];
                    h[j] = th;
                    int tk = k[i];
                    k[i] = k[j];
                    k[j] = tk;
                    i++;
                    j--;
                }
            }
            // Recurse into the smaller part, loop over the larger: the stack stays O(log n).
            if (j - lo < hi - i) {
                sort(h, k, lo, j);
                lo = i;
            } else {
                sort(h, k, i, hi);
                hi = j;
            }
        }
    }

    /**
     * Writes the index of a Parquet file of {@code parquetLength} bytes. Locally to a hidden
     * temporary file renamed into place (readers never see half a file); on an object store
     * directly, since an object appears only when whole. Readers check the CRC either way.
     */
    static void write(Path index, RequestIdIndex ids, long parquetLength) throws IOException {
        FileSystem fs = FileSystem.get(index.toUri());
        boolean local = "file".equals(index.toUri().getScheme()) || index.toUri().getScheme() == null;
        Path target = local ? new Path(index.getParent(), "." + index.getName() + "." + UUID.randomUUID() + ".tmp") : index;
        CRC32 crc = new CRC32();
        try (FSDataOutputStream raw = fs.create(target, FileSystem.WriteMode.OVERWRITE);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(parquetLength);
            out.writeInt(ids.size());
            byte[] entry = new byte[12];
            for (int i = 0; i < ids.size(); i++) {
                long h = ids.hashes[i];
                int k = ids.keyHashes[i];
                for (int b = 0; b < 8; b++) {
                    entry[b] = (byte) (h >>> (56 - 8 * b));
                }
                for (int b = 0; b < 4; b++) {
                    entry[8 + b] = (byte) (k >>> (24 - 8 * b));
                }
                crc.update(entry);
                out.write(entry);
            }
            out.writeLong(crc.getValue());
        }
        if (local && !fs.rename(target, index)) {
            fs.delete(target, false);
            if (!fs.exists(index)) {
                throw new IOException("Cannot move the request-id index into place: " + index);
            }
        }
    }

    /** The index at {@code index}, or null when it is missing, cut short, corrupt or not of a file of {@code parquetLength} bytes. */
    static RequestIdIndex read(Path index, long parquetLength) throws IOException {
        FileSystem fs = FileSystem.get(index.toUri());
        if (!fs.exists(index)) {
            return null;
        }
        try (FSDataInputStream raw = fs.open(index);
             DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION || in.readLong() != parquetLength) {
                return null;
            }
            int n = in.readInt();
            if (n < 0) {
                return null;
            }
            long[] hashes = new long[n];
            int[] keys = new int[n];
            byte[] entry = new byte[12];
            CRC32 crc = new CRC32();
            for (int i = 0; i < n; i++) {
                in.readFully(entry);
                crc.update(entry);
                long h = 0;
                for (int b = 0; b < 8; b++) {
                    h = (h << 8) | (entry[b] & 0xff);
                }
                hashes[i] = h;
                keys[i] = ((entry[8] & 0xff) << 24) | ((entry[9] & 0xff) << 16) | ((entry[10] & 0xff) << 8) | (entry[11] & 0xff);
            }
            return in.readLong() == crc.getValue() ? new RequestIdIndex(hashes, keys) : null;
        } catch (EOFException e) {
            return null;
        }
    }

    private static final class RequestIdReader extends ParquetReader.Builder<Group> {
        RequestIdReader(InputFile file) {
            super(file);
        }

        @Override
        protected ReadSupport<Group> getReadSupport() {
            return new GroupReadSupport();
        }
    }
}
