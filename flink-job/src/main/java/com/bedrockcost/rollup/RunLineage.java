package com.bedrockcost.rollup;

import org.apache.flink.api.common.accumulators.ListAccumulator;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Passes records through and remembers, in the job's snapshots, the ids of every run that wrote
 * this job's files: this run's, and those of the runs it was restored from (a backfill cancelled
 * and resumed from its checkpoint is one lineage of runs). A run's invocation files are named
 * after its id ({@code RunRollup.partPrefix} in cost-tools), so the rollup after the input finds them all. The
 * ids reach the caller as the accumulator {@link #ACCUMULATOR} of the job's result.
 */
public final class RunLineage<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T, T> {
    private static final long serialVersionUID = 1L;
    public static final String ACCUMULATOR = "run-lineage";

    private final String runId;
    private transient ListState<String> state;
    private transient List<String> lineage;

    public RunLineage(String runId) {
        this.runId = runId;
        chainingStrategy = ChainingStrategy.ALWAYS;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        // Union state: after a restore at any parallelism every subtask sees every run id.
        state = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>("runs", String.class));
        TreeSet<String> ids = new TreeSet<>();
        for (String id : state.get()) {
            ids.add(id);
        }
        ids.add(runId);
        lineage = new ArrayList<>(ids);
    }

    @Override
    public void open() throws Exception {
        super.open();
        ListAccumulator<String> runs = new ListAccumulator<>();
        lineage.forEach(runs::add);
        getRuntimeContext().addAccumulator(ACCUMULATOR, runs);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        // One copy is enough: the union hands it to every subtask of the restored job.
        state.update(getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0 ? lineage : List.of());
    }

    @Override
    public void processElement(StreamRecord<T> record) {
        output.collect(record);
    }
}
