package com.bedrockcost;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.testutil.DuckLake;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a restart from a savepoint after a job upgrade relies on: every operator keeps its uid, and no
 * record or state type falls back to Kryo (whose format follows class internals).
 */
class PipelineUpgradeSafetyTest {
    /**
     * The uids of the running job. Savepoint state is matched to operators by these: renaming one
     * orphans its state (the restore then fails rather than silently dropping it). Add new ones; never
     * rename or reuse. The committers' uids are derived by Flink from the sinks' uids: if a Flink
     * upgrade changes how, pending files in old savepoints would no longer be committed.
     */
    static final List<String> UIDS = List.of(
            "source-generator", "decode", "event-time", "source-prices", "price", "price-event-time",
            "sink-invocations", "Sink Committer: sink-invocations", "failed-in-lake", "sink-failed", "Sink Committer: sink-failed",
            "rollup-hold-to-end", "rollup-usage", "rollup-rows", "sink-tenant-hourly", "Sink Committer: sink-tenant-hourly");
    /**
     * The rollup's SQL operators, numbered from the plan (see PlannerUids). A change to the rollup
     * query, or a Flink upgrade that plans it differently, changes them, and the hourly window state
     * in older savepoints no longer restores: update this list knowingly, and plan that restore.
     */
    static final List<String> PLANNER_UIDS = List.of(
            "rollup-sql-0_source", "rollup-sql-1_calc", "rollup-sql-3_window-aggregate", "rollup-sql-4_calc",
            "rollup-sql-5_constraint-validator", "rollup-sql-5_external-datastream");

    @TempDir Path dir;

    @Test
    void everyOperatorHasItsStableUid() {
        List<String> uids = uids();

        List<String> expected = new ArrayList<>(UIDS);
        expected.addAll(PLANNER_UIDS);
        assertThat(uids).containsExactlyInAnyOrderElementsOf(expected);
        // The same uids when the job is built again in this JVM: the planner's own numbering would differ.
        assertThat(uids()).containsExactlyInAnyOrderElementsOf(expected);
    }

    /** A bounded local run: the rollup is written after the input; the run ids travel in the snapshots instead. */
    @Test
    void aBoundedLocalRunHasTheJobsUidsAndItsLineageInPlaceOfTheRollup() {
        StreamExecutionEnvironment env = LocalRunner.environment(config(1000));
        LocalRunner.pipeline(config(1000), "0123456789abcdef").build(env);
        List<String> uids = env.getStreamGraph().getStreamNodes().stream().map(StreamNode::getTransformationUID)
                .collect(Collectors.toList());

        List<String> expected = new ArrayList<>(UIDS.subList(0, UIDS.indexOf("rollup-hold-to-end")));
        expected.add("run-lineage");
        assertThat(uids).containsExactlyInAnyOrderElementsOf(expected);
    }

    /** A streaming job also writes PRICED_LATE adjustments (and their tenant_hourly rows): those operators keep uids too. */
    @Test
    void aStreamingJobsAdjustmentOperatorsHaveStableUids() {
        JobConfig config = config(1000).with(Map.of("input.path", dir.toString(), "input.monitor.interval", "1s"));
        StreamExecutionEnvironment env = LocalRunner.environment(config);
        CostPipeline.fromConfig(config).build(env);
        List<String> uids = env.getStreamGraph().getStreamNodes().stream().map(StreamNode::getTransformationUID)
                .collect(Collectors.toList());

        assertThat(uids).doesNotContainNull()
                .contains("price", "adjustment-rows", "sink-adjustments", "Sink Committer: sink-adjustments", "sink-tenant-hourly");
    }

    private List<String> uids() {
        StreamExecutionEnvironment env = LocalRunner.environment(config(1000));
        build(env, config(1000));
        StreamGraph graph = env.getStreamGraph();
        return graph.getStreamNodes().stream().map(StreamNode::getTransformationUID).collect(Collectors.toList());
    }

    @Test
    void anOperatorWithoutUidFailsTheBuild() {
        StreamExecutionEnvironment env = LocalRunner.environment(config(1000));
        DataStream<Invocation> priced = build(env, config(1000));
        priced.map(inv -> inv).returns(Invocation.class).name("no-uid").sinkTo(new DiscardingSink<>()).uid("discard");

        assertThatThrownBy(env::getStreamGraph).hasMessageContaining("no UID").hasMessageContaining("no-uid");
    }

    /**
     * The whole job runs with generic types disabled: records, keys and state (created when the
     * operators open, on RocksDB as on MSF) all have Flink serializers.
     */
    @Test
    void theWholeJobRunsWithoutKryo() throws Exception {
        Path lake = dir.resolve("lake");
        JobConfig config = config(1000).with(Map.of("output.path", lake.toString(), "state.backend", "rocksdb"));
        StreamExecutionEnvironment env = LocalRunner.environment(config);
        build(env, config);
        assertThat(env.getConfig().hasGenericTypesDisabled()).isTrue();

        env.execute("no-kryo");

        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(DISTINCT request_id) FROM invocations")).isEqualTo(1000);
        }
    }

    @Test
    void aTypeThatNeedsKryoFailsTheBuild() {
        StreamExecutionEnvironment env = LocalRunner.environment(config(1000));
        DataStream<Invocation> priced = build(env, config(1000));
        priced.map(new ToOpaque()).uid("opaque").sinkTo(new DiscardingSink<>()).uid("discard");

        assertThatThrownBy(env::getStreamGraph).hasStackTraceContaining("Generic types have been disabled");
    }

    /** Not a POJO (no default constructor), so Flink could serialize it only through Kryo. */
    static final class Opaque {
        final String id;

        Opaque(String id) {
            this.id = id;
        }
    }

    static final class ToOpaque implements MapFunction<Invocation, Opaque> {
        @Override
        public Opaque map(Invocation inv) {
            return new Opaque(inv.requestId);
        }
    }

    private JobConfig config(int count) {
        return JobConfig.defaults().with(Map.of(
                "generator.count", String.valueOf(count), "output.path", dir.resolve("lake").toString(),
                "checkpoint.interval", "1s", "checkpoint.dir", dir.resolve("checkpoints").toString()));
    }

    /** The job as the MSF application builds it. */
    private static DataStream<Invocation> build(StreamExecutionEnvironment env, JobConfig config) {
        return CostPipeline.fromConfig(config).build(env);
    }
}
