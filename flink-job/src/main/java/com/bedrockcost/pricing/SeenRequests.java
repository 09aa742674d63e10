package com.bedrockcost.pricing;

import com.bedrockcost.config.ClusterConfig;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;

import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;

/**
 * De-duplication by request id, inside a keyed operator keyed by request id ({@link RequestIdKey}):
 * the first copy of each request id passes, later ones are dropped and counted in the operator
 * metric {@value #DUPLICATES_METRIC} (also under {@code kinesisanalytics}, so MSF sends it to
 * CloudWatch). The pricing operator runs it before pricing: one keyed operator rather than a
 * de-duplication operator of its own saves serializing every record once more.
 *
 * <p>CloudWatch Logs retries a throttled delivery for up to 24 hours, Kinesis readers and backfills
 * replay, so a copy can arrive long after the first. A request id is remembered for {@code ttl} of
 * <em>processing</em> time (Flink's state TTL has no event-time mode) after the last copy seen: the
 * first copy starts the clock, every dropped copy restarts it. After that the id is forgotten and a
 * further copy would be written again. Zero remembers ids forever (state grows without bound: for
 * bounded backfills only).
 *
 * <p>The state is one {@code Boolean} per request id plus the TTL timestamp: about 40 bytes of key
 * and 10 of value before the backend's own overhead. No timers are registered, so expiry adds no
 * state of its own: on RocksDB (as on MSF) expired ids are dropped by the TTL compaction filter when
 * RocksDB compacts, and files untouched for {@code ttl} are compacted periodically so old ids do not
 * linger in the bottom level; on the heap backend every state access checks
 * {@value #HEAP_CLEANUP_ENTRIES_PER_ACCESS} more entries for expiry (incremental cleanup: with two
 * accesses per record the whole table is swept every quarter of the TTL, so expired ids stay at most
 * a quarter of the live ones); a full snapshot (savepoint, or a heap checkpoint) leaves expired ids
 * out. Expired ids are never read back, whether or not they are cleaned up yet.
 */
public final class SeenRequests implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Operator metric: copies of an already written request id that were dropped. */
    public static final String DUPLICATES_METRIC = "duplicatesDropped";
    /** The metric group MSF forwards to CloudWatch; the counter is registered there too. */
    /** State name: part of the savepoint format, do not rename. */
    static final String STATE_NAME = "seen";
    /** Entries the heap backend checks for expiry on each state access. */
    static final int HEAP_CLEANUP_ENTRIES_PER_ACCESS = 2;
    /** How many entries the RocksDB compaction filter processes before it reads the clock again. */
    static final long ROCKSDB_CLEANUP_QUERY_TIME_AFTER_ENTRIES = 1000;

    private final Duration ttl;
    private transient ValueState<Boolean> seen;
    private transient Counter duplicates;
    private transient LongCounter duplicatesOfRun;

    /** {@code ttl}: how long (processing time) a request id is remembered after its last copy; zero = forever. */
    public SeenRequests(Duration ttl) {
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("dedup ttl must not be negative: " + ttl);
        }
        this.ttl = ttl;
    }

    /** The state: request id (the key) → seen, with TTL. */
    static ValueStateDescriptor<Boolean> descriptor(Duration ttl) {
        ValueStateDescriptor<Boolean> d = new ValueStateDescriptor<>(STATE_NAME, Types.BOOLEAN);
        if (!ttl.isZero()) {
            d.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .cleanupFullSnapshot()
                    .cleanupIncrementally(HEAP_CLEANUP_ENTRIES_PER_ACCESS, false)
                    .cleanupInRocksdbCompactFilter(ROCKSDB_CLEANUP_QUERY_TIME_AFTER_ENTRIES, ttl)
                    .build());
        }
        return d;
    }

    /** Call from the operator's {@code open}. */
    public void open(RuntimeContext context) {
        seen = context.getState(descriptor(ttl));
        duplicates = context.getMetricGroup().counter(DUPLICATES_METRIC);
        context.getMetricGroup().addGroup(ClusterConfig.CLOUDWATCH_METRIC_GROUP).counter(DUPLICATES_METRIC, duplicates);
        // The same count for the run summary of a local run (an accumulator reaches the job's result).
        duplicatesOfRun = context.getLongCounter(DUPLICATES_METRIC);
    }

    /**
     * Whether the record of the current key is the first copy of its request id; a later copy is
     * counted. Every copy restarts the TTL: an id that keeps being redelivered stays remembered.
     */
    public boolean firstCopy() throws IOException {
        boolean duplicate = seen.value() != null;
        seen.update(Boolean.TRUE);
        if (duplicate) {
            duplicates.inc();
            duplicatesOfRun.add(1);
        }
        return !duplicate;
    }

    /** Copies dropped by this instance so far (the metric's value). */
    public long dropped() {
        return duplicates == null ? 0 : duplicates.getCount();
    }
}
