package com.bedrockcost.lake;

import com.bedrockcost.config.ClusterConfig;
import com.bedrockcost.model.Invocation;

import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The lake as the unit of exactly-once: whether an invocation's request id is already committed in
 * {@code invocations}, in the partition (UTC day) of its own timestamp, by whichever run or job
 * wrote it. Runs inside the keyed pricing operator, after in-job de-duplication ({@link com.bedrockcost.pricing.SeenRequests}).
 *
 * <p>A partition is looked at only when the first invocation of that day arrives: its committed
 * Parquet files are listed and the request-id index of each ({@link RequestIdIndex}) read, or
 * built from the file when missing. Of each index only the ids of this subtask's key groups are
 * kept (sorted 64-bit hashes, 8 bytes per id). Partitions are held least recently used first up to
 * {@code maxCachedIds} ids per subtask (the partition in use is always held; an evicted one is read
 * again when needed), and a held partition is listed again for newly committed files once it is
 * older than {@code refresh}. Invocations found in the lake are dropped and counted in the metric
 * {@value #METRIC} (also under {@code kinesisanalytics} for CloudWatch).
 */
public final class LakeRequestIds implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(LakeRequestIds.class);
    /** Operator metric: invocations not written because their request id is already committed in the lake. */
    public static final String METRIC = "alreadyInLake";
    /** The same count as an accumulator of the job's result, summed over subtasks (the run summary prints it). */
    public static final String ACCUMULATOR = "already-in-lake";
    private static final long DAY_MILLIS = 86_400_000L;

    private final String root;
    private final long maxCachedIds;
    private final long refreshMillis;
    /** A streaming job: say which days it writes ({@link LiveWriters}). */
    private final boolean live;

    private transient Map<Long, Partition> cache;
    private transient long cachedIds;
    private transient int maxParallelism;
    private transient KeyGroupRange keyGroups;
    private transient Counter alreadyInLake;
    private transient Counter partitionsRead;
    private transient LongCounter found;
    private transient Path marker;
    private transient String job;
    private transient long beatAt;
    private transient long firstDay = Long.MAX_VALUE;
    private transient long lastDay = Long.MIN_VALUE;

    /** The ids of one partition this subtask holds. */
    private static final class Partition {
        long[] hashes = new long[0];
        final Set<String> files = new HashSet<>();
        long listedAt;
    }

    public LakeRequestIds(String root, long maxCachedIds, Duration refresh) {
        this(root, maxCachedIds, refresh, false);
    }

    /** {@code live}: a streaming job, which keeps a live marker ({@link LiveWriters}) while it writes. */
    public LakeRequestIds(String root, long maxCachedIds, Duration refresh, boolean live) {
        this.root = root;
        this.maxCachedIds = maxCachedIds;
        this.refreshMillis = refresh.toMillis();
        this.live = live;
    }

    /** Call from the operator's {@code open}. */
    public void open(RuntimeContext context) {
        TaskInfo task = context.getTaskInfo();
        open(task.getMaxNumberOfParallelSubtasks(), task.getNumberOfParallelSubtasks(), task.getIndexOfThisSubtask());
        alreadyInLake = context.getMetricGroup().counter(METRIC);
        context.getMetricGroup().addGroup(ClusterConfig.CLOUDWATCH_METRIC_GROUP).counter(METRIC, alreadyInLake);
        partitionsRead = context.getMetricGroup().counter("lakePartitionsRead");
        found = new LongCounter();
        context.addAccumulator(ACCUMULATOR, found);
        context.getMetricGroup().gauge("lakeRequestIdsHeld", () -> cachedIds);
        if (live) {
            job = context.getJobInfo().getJobId().toString();
            marker = LiveWriters.path(root, job, task.getIndexOfThisSubtask());
        }
    }

    /** Call from the operator's {@code close}: a stopped job writes no more (its marker goes). */
    public void close() {
        if (marker == null) {
            return;
        }
        try {
            FileSystem.get(marker.toUri()).delete(marker, false);
        } catch (IOException e) {
            LOG.warn("Cannot remove the live marker {} (it goes stale in {}): {}", marker, LiveWriters.FRESH, e.toString());
        }
    }

    /** Rewrites the live marker at most every {@link LiveWriters#BEAT} with the days written since the last one. */
    private void beat(long day, long now) {
        firstDay = Math.min(firstDay, day);
        lastDay = Math.max(lastDay, day);
        if (now - beatAt < LiveWriters.BEAT.toMillis()) {
            return;
        }
        try {
            LiveWriters.write(marker, job, java.time.LocalDate.ofEpochDay(firstDay), java.time.LocalDate.ofEpochDay(lastDay),
                    Instant.ofEpochMilli(now));
            beatAt = now;
            firstDay = Long.MAX_VALUE;
            lastDay = Long.MIN_VALUE;
        } catch (IOException e) {
            // Advisory only: a marker that cannot be written costs a backfill's warning, never a record.
            LOG.warn("Cannot write the live marker {}: {}", marker, e.toString());
            beatAt = now;
        }
    }

    /** For a subtask {@code index} of {@code parallelism} (tools and tests outside an operator). */
    void open(int maxParallelism, int parallelism, int index) {
        this.maxParallelism = maxParallelism;
        this.keyGroups = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(maxParallelism, parallelism, index);
        this.cache = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** Whether the invocation's request id is committed in the lake already; counted when it is. */
    public boolean committed(Invocation inv) {
        long day = Math.floorDiv(inv.eventTime.toEpochMilli(), DAY_MILLIS);
        Partition p = cache.get(day);
        long now = System.currentTimeMillis();
        try {
            if (p == null) {
                p = new Partition();
                read(day, p, now);
                cache.put(day, p);
                evict(day);
            } else if (now - p.listedAt >= refreshMillis) {
                read(day, p, now);
                evict(day);
            }
        } catch (IOException e) {
            // Not knowing what the lake holds must not write a duplicate: fail, and let the job restart.
            throw new UncheckedIOException("Cannot read the request ids committed in " + partitionPath(day), e);
        }
        if (marker != null) {
            beat(day, now);
        }
        boolean hit = Arrays.binarySearch(p.hashes, RequestIdIndex.hash(inv.requestId)) >= 0;
        if (hit && alreadyInLake != null) {
            alreadyInLake.inc();
            found.add(1);
        }
        return hit;
    }

    /** Invocations found in the lake by this subtask (the metric's value). */
    public long count() {
        return alreadyInLake == null ? 0 : alreadyInLake.getCount();
    }

    private Path partitionPath(long day) {
        return new Path(new Path(root, LakeTables.INVOCATIONS), partition(day));
    }

    private static String partition(long day) {
        return DatePartitioner.partition(Instant.ofEpochMilli(day * DAY_MILLIS));
    }

    /** Adds the ids of the partition's committed files not read yet. */
    private void read(long day, Partition p, long now) throws IOException {
        long start = System.nanoTime();
        Path dir = partitionPath(day);
        FileSystem fs = FileSystem.get(dir.toUri());
        p.listedAt = now;
        if (!fs.exists(dir)) {
            return;
        }
        long[] added = new long[0];
        int n = 0;
        int files = 0;
        for (FileStatus st : fs.listStatus(dir)) {
            String name = st.getPath().getName();
            if (st.isDir() || !RequestIdIndex.committedParquet(name) || p.files.contains(name)) {
                continue;
            }
            RequestIdIndex index = RequestIdIndex.forFile(st.getPath(), st.getLen(),
                    RequestIdIndex.location(root, partition(day), name));
            if (added.length - n < index.size()) {
                added = Arrays.copyOf(added, Math.max(added.length * 2, n + index.size()));
            }
            for (int i = 0; i < index.size(); i++) {
                if (keyGroups.contains(KeyGroupRangeAssignment.computeKeyGroupForKeyHash(index.keyHashes[i], maxParallelism))) {
                    added[n++] = index.hashes[i];
                }
            }
            p.files.add(name);
            files++;
        }
        if (n == 0) {
            return;
        }
        long[] merged = Arrays.copyOf(p.hashes, p.hashes.length + n);
        System.arraycopy(added, 0, merged, p.hashes.length, n);
        Arrays.sort(merged);
        cachedIds += n;
        p.hashes = merged;
        if (partitionsRead != null) {
            partitionsRead.inc();
        }
        LOG.info("Request ids committed in {}: {} more from {} files (this subtask holds {} of that partition), read in {} ms",
                dir, n, files, merged.length, (System.nanoTime() - start) / 1_000_000);
    }

    /** Drops least recently used partitions beyond the bound, never {@code keep}. */
    private void evict(long keep) {
        Iterator<Map.Entry<Long, Partition>> it = cache.entrySet().iterator();
        while (cachedIds > maxCachedIds && it.hasNext()) {
            Map.Entry<Long, Partition> e = it.next();
            if (e.getKey() == keep) {
                continue;
            }
            cachedIds -= e.getValue().hashes.length;
            it.remove();
            LOG.info("Request ids of {} no longer held (more than {} ids held); read again when needed",
                    partitionPath(e.getKey()), maxCachedIds);
        }
    }
}
