package com.bedrockcost.bench;

import com.bedrockcost.pricing.SeenRequests;
import com.bedrockcost.pricing.RequestIdKey;
import com.bedrockcost.model.Invocation;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.functions.source.SourceFunction;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * State size of de-duplication: runs the job's {@link SeenRequests} (48 h TTL, as configured by
 * default) over N distinct request ids (random UUIDs, as Bedrock's) on one MiniCluster slot, takes a
 * checkpoint once every id is in state, and reports its full size, the bytes on disk, and the size
 * of a canonical savepoint, for RocksDB (incremental checkpoints, as on MSF) and the heap backend,
 * and how much the Java heap grew (the heap backend's state lives there; RocksDB's does not).
 *
 * <p>{@code java -cp cost-tools/target/test-classes:cost-tools/target/classes:$(cat cost-tools/target/test-classpath.txt)
 * com.bedrockcost.bench.DedupStateSize [--ids 1000000] [--dir /tmp/dedup-state-size] [--backends rocksdb,hashmap]}
 */
public final class DedupStateSize {
    static final AtomicLong EMITTED = new AtomicLong();

    public static void main(String[] args) throws Exception {
        long ids = 1_000_000;
        Path dir = Paths.get(System.getProperty("java.io.tmpdir"), "dedup-state-size");
        String backends = "rocksdb,hashmap";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--ids": ids = Long.parseLong(args[i + 1]); break;
                case "--dir": dir = Paths.get(args[i + 1]); break;
                case "--backends": backends = args[i + 1]; break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.printf("%-8s %10s %16s %16s %16s %18s %12s%n", "backend", "ids", "checkpoint full", "checkpoint disk",
                "savepoint disk", "full bytes per id", "MB per 1M ids");
        for (String backend : backends.split(",")) {
            measure(backend, ids, dir.resolve(backend));
        }
    }

    private static void measure(String backend, long ids, Path dir) throws Exception {
        deleteTree(dir);
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.resolve("checkpoints").toUri().toString());
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        // Only the checkpoint this program triggers, once all ids are in state.
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofHours(1));

        try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf).setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build())) {
            cluster.start();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.setParallelism(1);
            env.getConfig().disableGenericTypes();
            EMITTED.set(0);
            env.addSource(new DistinctIds(ids)).uid("ids").name("ids")
                    .keyBy(new RequestIdKey())
                    .process(new FirstCopies()).uid("dedup").name("dedup")
                    .sinkTo(new DiscardingSink<>()).uid("discard");
            JobGraph graph = env.getStreamGraph().getJobGraph();
            long heapBefore = heapAfterGc();
            JobID job = cluster.submitJob(graph).get().getJobID();

            while (EMITTED.get() < ids) {
                Thread.sleep(100);
            }
            // The barrier follows the last id, so the checkpoint holds every id in de-duplication state.
            String checkpoint = cluster.triggerCheckpoint(job).get(10, TimeUnit.MINUTES);
            long heapGrowth = heapAfterGc() - heapBefore;
            CompletedCheckpointStats stats = cluster.getExecutionGraph(job).get().getCheckpointStatsSnapshot()
                    .getHistory().getLatestCompletedCheckpoint();
            Path jobDir = dir.resolve("checkpoints").resolve(job.toString());
            long onDisk = size(jobDir);
            String savepoint = cluster.triggerSavepoint(job, dir.resolve("savepoints").toUri().toString(), true,
                    SavepointFormatType.CANONICAL).get(10, TimeUnit.MINUTES);
            long savepointSize = size(Paths.get(java.net.URI.create(savepoint)));
            System.out.printf("%-8s %,10d %,16d %,16d %,16d %18.1f %12.1f%n", backend, ids, stats.getStateSize(), onDisk,
                    savepointSize, (double) stats.getStateSize() / ids, stats.getStateSize() * 1e6 / ids / (1 << 20));
            System.out.printf("         checkpoint %s; incrementally persisted %,d bytes; Java heap grew %,d bytes (%.0f per id) while the job ran%n",
                    checkpoint, stats.getCheckpointedSize(), heapGrowth, (double) heapGrowth / ids);
        }
    }

    /** The pricing operator's de-duplication on its own: the same state, without prices. */
    static final class FirstCopies extends org.apache.flink.streaming.api.functions.KeyedProcessFunction<String, Invocation, Invocation> {
        private static final long serialVersionUID = 1L;
        private final SeenRequests seen = new SeenRequests(Duration.ofHours(48));

        @Override
        public void open(org.apache.flink.configuration.Configuration parameters) {
            seen.open(getRuntimeContext());
        }

        @Override
        public void processElement(Invocation inv, Context ctx, org.apache.flink.util.Collector<Invocation> out) throws Exception {
            if (seen.firstCopy()) {
                out.collect(inv);
            }
        }
    }

    /** N distinct request ids, then idle until cancelled, so the state stays in the running job. */
    static final class DistinctIds implements SourceFunction<Invocation> {
        private static final long serialVersionUID = 1L;
        private final long count;
        private volatile boolean running = true;

        DistinctIds(long count) {
            this.count = count;
        }

        @Override
        public void run(SourceContext<Invocation> ctx) throws Exception {
            SplittableRandom r = new SplittableRandom(42);
            Instant now = Instant.parse("2026-11-01T00:00:00Z");
            for (long i = 0; i < count && running; i++) {
                Invocation inv = new Invocation();
                inv.requestId = new UUID((r.nextLong() & 0xffffffffffff0fffL) | 0x4000L,
                        (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L).toString();
                inv.eventTime = now;
                synchronized (ctx.getCheckpointLock()) {
                    ctx.collect(inv);
                }
                EMITTED.incrementAndGet();
            }
            while (running) {
                Thread.sleep(50);
            }
        }

        @Override
        public void cancel() {
            running = false;
        }
    }

    /** Used heap after a few full collections: the heap backend keeps all state there, RocksDB off-heap. */
    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static long size(Path p) throws IOException {
        if (!Files.exists(p)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
