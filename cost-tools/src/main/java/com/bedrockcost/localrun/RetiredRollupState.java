package com.bedrockcost.localrun;

import com.bedrockcost.rollup.RollupState;

import org.apache.flink.runtime.OperatorIDPair;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.state.CompletedCheckpointStorageLocation;
import org.apache.flink.runtime.state.filesystem.AbstractFsCheckpointStorageAccess;
import org.apache.flink.shaded.guava31.com.google.common.hash.Hashing;
import org.apache.flink.streaming.api.graph.StreamGraph;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A restore across a change of the hourly rollup's state version ({@link RollupState}): the snapshot
 * holds state under the rollup's retired SQL uids that no operator of this job claims. Flink refuses
 * any unclaimed state unless told to allow it, for every operator at once; this allows it only when
 * the snapshot's unclaimed state is all of retired rollup operators. Any other unclaimed state (a
 * renamed operator, a snapshot of another job) still fails the start, as before.
 */
public final class RetiredRollupState {
    private RetiredRollupState() {}

    /** What a restore drops: rollup operators of an older state version, and their state's size. */
    public static final class Dropped {
        public final int operators;
        public final long bytes;

        Dropped(int operators, long bytes) {
            this.operators = operators;
            this.bytes = bytes;
        }

        /** The line the user sees. */
        public String describe() {
            return String.format("the snapshot holds the hourly rollup's state of an older version (%d operator%s, %,d bytes),"
                    + " which this version cannot read: it is dropped. Hours that were open in it are missing from"
                    + " tenant_hourly until `bedrock-cost-stream rollup-repair` adds them from invocations (docs/upgrading.md)",
                    operators, operators == 1 ? "" : "s", bytes);
        }
    }

    /**
     * Reads the snapshot {@code graph} restores from (if any) and, when every piece of state no
     * operator of {@code graph} claims is of a retired rollup operator, lets the restore drop it.
     * Returns what is dropped; null when nothing is (no restore, nothing unclaimed, or unclaimed state
     * of other operators, which Flink then refuses naming it).
     */
    public static Dropped allowIfOnlyRetired(StreamGraph graph, ClassLoader classLoader) throws IOException {
        SavepointRestoreSettings settings = graph.getSavepointRestoreSettings();
        if (!settings.restoreSavepoint() || settings.allowNonRestoredState()) {
            return null;
        }
        Set<OperatorID> claimed = new HashSet<>();
        for (JobVertex vertex : graph.getJobGraph().getVertices()) {
            for (OperatorIDPair ids : vertex.getOperatorIDs()) {
                claimed.add(ids.getGeneratedOperatorID());
                ids.getUserDefinedOperatorID().ifPresent(claimed::add);
            }
        }
        Map<OperatorID, String> retired = new HashMap<>();
        for (String uid : RollupState.RETIRED_UIDS) {
            retired.put(operatorId(uid), uid);
        }
        int dropped = 0;
        long bytes = 0;
        for (OperatorState state : metadata(settings.getRestorePath(), classLoader).getOperatorStates()) {
            if (claimed.contains(state.getOperatorID()) || !hasState(state)) {
                continue;
            }
            if (!retired.containsKey(state.getOperatorID())) {
                return null;
            }
            dropped++;
            bytes += state.getStateSize();
        }
        if (dropped == 0) {
            return null;
        }
        graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(settings.getRestorePath(), true,
                settings.getRestoreMode()));
        return new Dropped(dropped, bytes);
    }

    /** The operator id Flink derives from a uid ({@code StreamGraphHasherV2}: murmur3 128 of its UTF-8 bytes). */
    static OperatorID operatorId(String uid) {
        return new OperatorID(Hashing.murmur3_128(0).newHasher().putString(uid, StandardCharsets.UTF_8).hash().asBytes());
    }

    /** As Flink decides what it must restore: coordinator state, or a subtask with state. */
    private static boolean hasState(OperatorState state) {
        if (state.getCoordinatorState() != null) {
            return true;
        }
        for (OperatorSubtaskState subtask : state.getStates()) {
            if (subtask.hasState()) {
                return true;
            }
        }
        return false;
    }

    private static CheckpointMetadata metadata(String path, ClassLoader classLoader) throws IOException {
        CompletedCheckpointStorageLocation location = AbstractFsCheckpointStorageAccess.resolveCheckpointPointer(path);
        try (DataInputStream in = new DataInputStream(location.getMetadataHandle().openInputStream())) {
            return Checkpoints.loadCheckpointMetadata(in, classLoader, location.getExternalPointer());
        }
    }
}
