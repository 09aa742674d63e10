package com.bedrockcost.it;

import com.bedrockcost.CostPipeline;
import com.bedrockcost.StreamingJob;
import com.bedrockcost.cli.Main;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.Inputs;
import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.localrun.LocalEnvironments;
import com.bedrockcost.pricing.PriceFeed;
import com.bedrockcost.rollup.RetiredRollupState;
import com.bedrockcost.sink.LakeSinks;
import com.bedrockcost.testutil.DuckLake;
import com.bedrockcost.testutil.DuplicatingLogs;

import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An in-place upgrade across a change of the {@code tenant_hourly} rollup's state shape (the guardrail,
 * image, video and rerank sums: rollup state version 1 → 2) and of the Invocation state format
 * (version 1 → 2), from a savepoint that the job before that change took (kept as a fixture, see its
 * README: one hour open in the rollup, with the sums of the 234 invocations the old job had committed).
 *
 * <p>Flink SQL cannot read the old window's accumulators; the rollup's SQL operators now carry their
 * state version in their uids, so the restore finds the old window state unclaimed, drops exactly that
 * (and says so), and restores everything else. The hour's 234 invocations committed before the
 * savepoint are then missing from {@code tenant_hourly}; {@code rollup-repair} adds them from
 * {@code invocations}, and a second repair finds nothing.
 */
@Timeout(300)
class OldStateShapeRestoreTest {
    private static final String FIXTURE = "savepoints/tenant-hourly-before-charge-columns";
    /** Invocations the old job had committed when it took the savepoint: the generator's records 0..233. */
    private static final int COMMITTED_BEFORE = 234;
    /**
     * The old job's lake. The savepoint holds its sink's open bucket, with the folder it was started in,
     * and the restored sink goes on writing that bucket there: an upgrade keeps its output root.
     */
    private static final Path OLD_LAKE = Paths.get("/tmp/i26-fixture/lake");
    private static final String SUMS_OF_INVOCATIONS = String.join(", ",
            "count(*)", "sum(input_tokens)", "sum(output_tokens)", "sum(cache_read_tokens)", "sum(cache_write_tokens)",
            "sum(input_cost)", "sum(output_cost)", "sum(cache_read_cost)", "sum(cache_write_cost)", "sum(total_cost)",
            "count(*) FILTER (WHERE pricing_status = 'UNPRICED')", "count(error_code)", "count(latency_ms)", "sum(latency_ms)",
            "max(latency_ms)");
    private static final String SUMS_OF_HOURLY = String.join(", ",
            "sum(invocations)", "sum(input_tokens)", "sum(output_tokens)", "sum(cache_read_tokens)", "sum(cache_write_tokens)",
            "sum(input_cost)", "sum(output_cost)", "sum(cache_read_cost)", "sum(cache_write_cost)", "sum(total_cost)",
            "sum(unpriced)", "sum(errors)", "sum(latency_count)", "sum(latency_ms_sum)", "max(latency_ms_max)");

    @TempDir Path dir;

    @Test
    void anUpgradeFromTheSavepointBeforeTheChargeColumnsStartsAndRollupRepairRestoresTheDroppedHour() throws Exception {
        // The same input as the old job's (README): the restored source resumes where that job stopped.
        DuplicatingLogs logs = new DuplicatingLogs(
                new LogGenerator(26, 1200, 20, Instant.parse("2026-11-01T10:00:00Z"), Duration.ofMinutes(50)));
        Path lake = OLD_LAKE;
        delete(lake.getParent());
        try {
            upgrade(logs, lake);
        } finally {
            delete(lake.getParent());
        }
    }

    private void upgrade(DuplicatingLogs logs, Path lake) throws Exception {
        writeWhatTheOldJobCommitted(logs.generator(), lake);

        JobConfig config = JobConfig.defaults().with(Map.of(
                "output.path", lake.toString(), "checkpoint.dir", dir.resolve("checkpoints").toString(),
                "checkpoint.interval", "500ms", "job.parallelism", "1", "state.backend", "hashmap",
                "restore.path", savepoint().toUri().toString()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(LocalEnvironments.flinkConfiguration(config));
        env.setParallelism(1);
        new CostPipeline(config, logs.stream(0), PriceFeed.fromConfig(config), LakeSinks.invocations(lake.toString(), "SNAPPY"),
                LakeSinks.failed(lake.toString(), "SNAPPY"), LakeSinks.tenantHourly(lake.toString(), "SNAPPY")).build(env);
        StreamGraph graph = env.getStreamGraph();

        RetiredRollupState.Dropped dropped = RetiredRollupState.allowIfOnlyRetired(graph, getClass().getClassLoader());
        assertThat(dropped).as("the old rollup state is recognised as such").isNotNull();
        assertThat(dropped.operators).as("operators of the old rollup with state: its window").isEqualTo(1);
        assertThat(dropped.bytes).isPositive();
        assertThat(graph.getSavepointRestoreSettings().allowNonRestoredState()).isTrue();
        assertThat(dropped.describe()).contains("rollup-repair");
        // On MSF the service allows it (allow_non_restored_state): the job checks that only the rollup's state goes.
        RetiredRollupState.Dropped onMsf = RetiredRollupState.refuseOtherThanRetired(graph, getClass().getClassLoader());
        assertThat(onMsf.operators).isEqualTo(1);

        // Submitted as the local runner does: its job graph, with the restore settings the check left in it.
        JobGraph job = graph.getJobGraph();
        try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(LocalEnvironments.flinkConfiguration(config)).setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build())) {
            cluster.start();
            cluster.submitJob(job).get(60, TimeUnit.SECONDS);
            JobResult result = cluster.requestJobResult(job.getJobID()).get(240, TimeUnit.SECONDS);
            assertThat(result.getSerializedThrowable()).as("the restored job's failure").isEmpty();
        }

        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(*) FROM invocations")).as("every invocation once").isEqualTo(1200);
            assertThat(db.count("SELECT count(DISTINCT request_id) FROM invocations")).isEqualTo(1200);
            assertThat(db.count("SELECT sum(invocations) FROM tenant_hourly"))
                    .as("the restored job's rollup counts the invocations after the savepoint; the old state's are gone")
                    .isEqualTo(1200 - COMMITTED_BEFORE);
        }

        String first = repair(lake, 0);
        assertThat(first).contains("Wrote ").contains(String.format("%,d", COMMITTED_BEFORE));
        try (DuckLake db = new DuckLake(lake)) {
            String key = "epoch_ms(%s) // 3600000 AS h, tenant_id, model";
            Map<List<Object>, List<Object>> invocations = keyed(db.rows(
                    "SELECT " + String.format(key, "event_time") + ", " + SUMS_OF_INVOCATIONS + " FROM invocations GROUP BY ALL"));
            Map<List<Object>, List<Object>> hourly = keyed(db.rows(
                    "SELECT " + String.format(key, "window_start") + ", " + SUMS_OF_HOURLY + " FROM tenant_hourly GROUP BY ALL"));
            assertThat(hourly).as("tenant_hourly per hour, tenant and model after the repair").isEqualTo(invocations);
            assertThat(invocations).hasSizeGreaterThan(10);
            assertThat(db.count("SELECT sum(invocations) FROM tenant_hourly WHERE row_kind = 'REPAIR'")).isEqualTo(COMMITTED_BEFORE);
        }

        assertThat(repair(lake, 0)).as("a second repair").contains("Nothing to write");
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT sum(invocations) FROM tenant_hourly")).isEqualTo(1200);
        }
    }

    /**
     * A job without the rollup's operators at all: their state (the tenant_hourly sink's too) is
     * unclaimed, so the restore is not loosened, and on MSF the job refuses to start.
     */
    @Test
    void unclaimedStateOfOtherOperatorsIsNotAllowed() throws Exception {
        Path lake = dir.resolve("lake");
        JobConfig config = JobConfig.defaults().with(Map.of(
                "output.path", lake.toString(), "job.parallelism", "1", "restore.path", savepoint().toUri().toString()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(LocalEnvironments.flinkConfiguration(config));
        DuplicatingLogs logs = new DuplicatingLogs(
                new LogGenerator(26, 1200, 20, Instant.parse("2026-11-01T10:00:00Z"), Duration.ofMinutes(50)));
        // The same job without tenant_hourly: the old snapshot's rollup sink state is unclaimed as well.
        new CostPipeline(config, logs.stream(0), PriceFeed.fromConfig(config), LakeSinks.invocations(lake.toString(), "SNAPPY"),
                LakeSinks.failed(lake.toString(), "SNAPPY")).build(env);
        StreamGraph graph = env.getStreamGraph();

        assertThat(RetiredRollupState.allowIfOnlyRetired(graph, getClass().getClassLoader())).isNull();
        assertThat(graph.getSavepointRestoreSettings().allowNonRestoredState()).isFalse();
        // On MSF with allow_non_restored_state: the job refuses to start rather than drop the sink's state.
        graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(graph.getSavepointRestoreSettings().getRestorePath(), true));
        assertThatThrownBy(() -> StreamingJob.restoreAcrossRollupVersions(graph))
                .hasMessageContaining("Refusing to start").hasMessageContaining("allow_non_restored_state = false");
    }

    private Path savepoint() throws Exception {
        Path savepoint = dir.resolve("savepoint");
        if (Files.exists(savepoint)) {
            return savepoint;
        }
        Files.createDirectories(savepoint);
        Path fixture = Paths.get(getClass().getClassLoader().getResource(FIXTURE).toURI());
        try (Stream<Path> files = Files.list(fixture)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, savepoint.resolve(f.getFileName()));
            }
        }
        return savepoint;
    }

    /**
     * The lake the old job left (not kept with the fixture): its invocations of records 0..233,
     * written here by a bounded run of this version over those records, without tenant_hourly (the
     * old job had written no hour: its one hour was open in the state).
     */
    private void writeWhatTheOldJobCommitted(LogGenerator generator, Path lake) throws Exception {
        Path input = dir.resolve("committed-before/records.jsonl");
        Files.createDirectories(input.getParent());
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < COMMITTED_BEFORE; i++) {
            lines.append(generator.recordText(i)).append('\n');
        }
        Files.write(input, lines.toString().getBytes(StandardCharsets.UTF_8));
        JobConfig config = JobConfig.defaults().with(Map.of(
                "input.path", input.toString(), "output.path", lake.toString(), "job.parallelism", "1",
                "checkpoint.dir", dir.resolve("checkpoints-before").toString()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(LocalEnvironments.flinkConfiguration(config));
        env.setParallelism(1);
        new CostPipeline(config, Inputs.fromConfig(config), PriceFeed.fromConfig(config), LakeSinks.invocations(lake.toString(), "SNAPPY"),
                LakeSinks.failed(lake.toString(), "SNAPPY")).build(env);
        env.execute("what-the-old-job-committed");
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(*) FROM invocations")).isEqualTo(COMMITTED_BEFORE);
        }
    }

    private static void delete(Path folder) throws Exception {
        if (Files.exists(folder)) {
            try (Stream<Path> all = Files.walk(folder)) {
                for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
    }

    private static String repair(Path lake, int expectedExit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(new String[] {"rollup-repair", "--lake", lake.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as("exit code; out:%n%s%nerr:%n%s", printed, err.toString(StandardCharsets.UTF_8)).isEqualTo(expectedExit);
        return printed;
    }

    /** Rows as (h, tenant, model) -> the other values, with decimals at scale 12 so that equal sums compare equal. */
    private static Map<List<Object>, List<Object>> keyed(List<Map<String, Object>> rows) {
        Map<List<Object>, List<Object>> out = new HashMap<>();
        for (Map<String, Object> r : rows) {
            List<Object> values = new ArrayList<>();
            for (Object v : r.values()) {
                values.add(v instanceof BigDecimal ? ((BigDecimal) v).setScale(12).toPlainString()
                        : v instanceof Number ? (Object) ((Number) v).longValue() : v);
            }
            out.put(new ArrayList<>(values.subList(0, 3)), new ArrayList<>(values.subList(3, values.size())));
        }
        return out;
    }
}
