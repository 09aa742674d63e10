package com.bedrockcost.lake;

import com.bedrockcost.config.ClusterConfig;
import com.bedrockcost.model.FailedRecord;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFilterFunction;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.metrics.Counter;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code failed} exactly once per lake: a malformed input whose row is already committed in
 * {@code failed}, by whichever run or job, is not written again (a re-run, a resumed run, a job
 * restarted without its state reading the same records). A row is known by where its input came
 * from and what it was: {@code source} (file and line, or stream, shard and sequence number, and
 * log event), {@code error_type}, {@code raw_bytes} and {@code raw} (which stands for the input when
 * a source names no position). The keys of each committed {@code failed} file are kept in an index
 * beside it, {@code <root>/_failed_keys/year=/month=/day=/<file>.rid}, in the format of the
 * request-id indexes ({@link RequestIdIndex}: 12 bytes per row, built from the file when missing).
 *
 * <p>{@code failed} is partitioned by the day it was written, not by anything of the input, so the
 * first malformed input of a job reads the indexes of every {@code failed} partition (a table of
 * rejects, small next to {@code invocations}: 12 bytes per row, 8 held in memory by each parallel
 * instance); after {@code refresh} only the partitions of the last two days are listed again, where
 * files are committed. Rows found are dropped and counted in the metric {@value #METRIC} (also under
 * {@code kinesisanalytics}) and the accumulator {@value #ACCUMULATOR}. Off with {@code dedup.lake=false}.
 */
public final class LakeFailedRecords extends RichFilterFunction<FailedRecord> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(LakeFailedRecords.class);
    /** Operator metric: failed records not written because the same one is already committed in {@code failed}. */
    public static final String METRIC = "failedAlreadyInLake";
    /** The same count as an accumulator of the job's result (the run summary prints it). */
    public static final String ACCUMULATOR = "failed-already-in-lake";
    /** The folder of the indexes of {@code failed} under the lake root. */
    public static final String DIR = "_failed_keys";
    private static final long DAY_MILLIS = 86_400_000L;

    /** The columns that make a failed row's key. */
    static final RequestIdIndex.RowKey KEY = new RequestIdIndex.RowKey() {
        private final MessageType columns = MessageTypeParser.parseMessageType("message failed { required binary source (STRING); "
                + "required binary error_type (STRING); optional binary raw (STRING); required int64 raw_bytes; }");

        @Override
        public MessageType columns() {
            return columns;
        }

        @Override
        public String of(Group row) {
            String raw = row.getFieldRepetitionCount("raw") == 0 ? null : row.getString("raw", 0);
            return key(row.getString("source", 0), row.getString("error_type", 0), row.getLong("raw_bytes", 0), raw);
        }
    };

    private final boolean enabled;
    private final String root;
    private final long refreshMillis;

    private transient long[] hashes;
    private transient Set<String> files;
    private transient long listedAt;
    private transient Counter alreadyInLake;
    private transient LongCounter found;

    /** {@code enabled} false: every failed record passes (as with {@code dedup.lake=false}). */
    public LakeFailedRecords(boolean enabled, String root, Duration refresh) {
        this.enabled = enabled;
        this.root = root;
        this.refreshMillis = refresh.toMillis();
    }

    /** The key of a failed row: where its input came from, how it failed, and the input itself. */
    static String key(String source, String errorType, long rawBytes, String raw) {
        return source + '\n' + errorType + '\n' + rawBytes + '\n' + (raw == null ? "" : raw);
    }

    @Override
    public void open(OpenContext context) {
        alreadyInLake = getRuntimeContext().getMetricGroup().counter(METRIC);
        getRuntimeContext().getMetricGroup().addGroup(ClusterConfig.CLOUDWATCH_METRIC_GROUP).counter(METRIC, alreadyInLake);
        found = new LongCounter();
        getRuntimeContext().addAccumulator(ACCUMULATOR, found);
    }

    @Override
    public boolean filter(FailedRecord r) {
        if (!enabled) {
            return true;
        }
        if (committed(r)) {
            alreadyInLake.inc();
            found.add(1);
            return false;
        }
        return true;
    }

    /** Whether the same failed row is committed in the lake already. */
    boolean committed(FailedRecord r) {
        long now = System.currentTimeMillis();
        try {
            if (hashes == null) {
                hashes = new long[0];
                files = new HashSet<>();
                read(Long.MIN_VALUE, now);
            } else if (now - listedAt >= refreshMillis) {
                read(Math.floorDiv(listedAt, DAY_MILLIS) - 1, now);
            }
        } catch (IOException e) {
            // Not knowing what the lake holds must not write a duplicate: fail, and let the job restart.
            throw new UncheckedIOException("Cannot read the failed records committed in " + new Path(root, LakeTables.FAILED), e);
        }
        return Arrays.binarySearch(hashes, RequestIdIndex.hash(key(r.source, r.errorType, r.rawBytes, r.raw))) >= 0;
    }

    /** Adds the keys of committed files not read yet, in the partitions of days from {@code fromDay} (epoch days). */
    private void read(long fromDay, long now) throws IOException {
        long start = System.nanoTime();
        listedAt = now;
        Path table = new Path(root, LakeTables.FAILED);
        FileSystem fs = FileSystem.get(table.toUri());
        if (!fs.exists(table)) {
            return;
        }
        long[] added = new long[0];
        int n = 0;
        int read = 0;
        for (FileStatus year : folders(fs, table, "year=")) {
            for (FileStatus month : folders(fs, year.getPath(), "month=")) {
                for (FileStatus day : folders(fs, month.getPath(), "day=")) {
                    String partition = year.getPath().getName() + "/" + month.getPath().getName() + "/" + day.getPath().getName();
                    if (epochDay(partition) < fromDay) {
                        continue;
                    }
                    for (FileStatus st : fs.listStatus(day.getPath())) {
                        String name = st.getPath().getName();
                        String id = partition + "/" + name;
                        if (st.isDir() || !RequestIdIndex.committedParquet(name) || files.contains(id)) {
                            continue;
                        }
                        RequestIdIndex index = RequestIdIndex.forFile(st.getPath(), st.getLen(),
                                new Path(new Path(root, DIR + "/" + partition), name + RequestIdIndex.SUFFIX), KEY);
                        if (added.length - n < index.size()) {
                            added = Arrays.copyOf(added, Math.max(added.length * 2, n + index.size()));
                        }
                        System.arraycopy(index.hashes, 0, added, n, index.size());
                        n += index.size();
                        files.add(id);
                        read++;
                    }
                }
            }
        }
        if (n == 0) {
            return;
        }
        long[] merged = Arrays.copyOf(hashes, hashes.length + n);
        System.arraycopy(added, 0, merged, hashes.length, n);
        Arrays.sort(merged);
        hashes = merged;
        LOG.info("Failed records committed in {}: {} more from {} files ({} held), read in {} ms",
                table, n, read, merged.length, (System.nanoTime() - start) / 1_000_000);
    }

    private static FileStatus[] folders(FileSystem fs, Path dir, String prefix) throws IOException {
        return Arrays.stream(fs.listStatus(dir)).filter(st -> st.isDir() && st.getPath().getName().startsWith(prefix))
                .toArray(FileStatus[]::new);
    }

    /** The epoch day of {@code year=YYYY/month=MM/day=DD}; a folder not of that form counts as the newest. */
    private static long epochDay(String partition) {
        String[] parts = partition.split("/");
        try {
            return LocalDate.of(Integer.parseInt(parts[0].substring(5)), Integer.parseInt(parts[1].substring(6)),
                    Integer.parseInt(parts[2].substring(4))).toEpochDay();
        } catch (RuntimeException e) {
            return Long.MAX_VALUE;
        }
    }
}
