package com.bedrockcost.rollup;

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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A restore across a change of the hourly rollup's state version ({@link RollupState}): the snapshot
 * holds state under the rollup's retired SQL uids that no operator of this job claims. Flink refuses
 * any unclaimed state unless told to allow it, and then allows it for every operator at once. Locally
 * ({@link #allowIfOnlyRetired}) the restore is allowed to drop state only when all the unclaimed state
 * is of retired rollup operators; on MSF, where the service decides ({@code allow_non_restored_state}),
 * the job refuses to start when that setting would drop any other state ({@link #refuseOtherThanRetired}).
 * Any other unclaimed state (a renamed operator, a snapshot of another job) fails the start.
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

    /** A restore that would drop state other than the rollup's of an older version. */
    public static final class RefusedRestoreException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        RefusedRestoreException(String message) {
            super(message);
        }
    }

    /** The state of the snapshot that no operator of the job claims. */
    public static final class Unclaimed {
        /** Operators of retired rollup versions with state, and its size. */
        public int retired;
        public long retiredBytes;
        /** Ids of the other operators with state no operator claims. */
        public final List<String> others = new ArrayList<>();

        Dropped dropped() {
            return retired == 0 ? null : new Dropped(retired, retiredBytes);
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
        Unclaimed unclaimed = unclaimed(graph, classLoader);
        if (!unclaimed.others.isEmpty() || unclaimed.retired == 0) {
            return null;
        }
        graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(settings.getRestorePath(), true,
                settings.getRestoreMode()));
        return unclaimed.dropped();
    }

    /**
     * When {@code graph} restores with non-restored state allowed (MSF's {@code allow_non_restored_state}):
     * refuses, naming them, if operators other than retired rollup operators have state no operator
     * claims; returns what is dropped of the rollup's (null: nothing, or no such restore).
     */
    public static Dropped refuseOtherThanRetired(StreamGraph graph, ClassLoader classLoader) throws IOException {
        SavepointRestoreSettings settings = graph.getSavepointRestoreSettings();
        if (!settings.restoreSavepoint() || !settings.allowNonRestoredState()) {
            return null;
        }
        Unclaimed unclaimed = unclaimed(graph, classLoader);
        if (!unclaimed.others.isEmpty()) {
            throw new RefusedRestoreException("Restoring " + settings.getRestorePath() + " with non-restored state allowed"
                    + " would drop the state of operators " + unclaimed.others + ", which are not of an older version of the"
                    + " hourly rollup (their uids changed, or the snapshot is of another job). Refusing to start: set"
                    + " allow_non_restored_state = false, and keep the operators' uids (docs/upgrading.md).");
        }
        return unclaimed.dropped();
    }

    /** The state of the snapshot {@code graph} restores from that no operator of it claims. */
    public static Unclaimed unclaimed(StreamGraph graph, ClassLoader classLoader) throws IOException {
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
        Unclaimed unclaimed = new Unclaimed();
        for (OperatorState state : metadata(graph.getSavepointRestoreSettings().getRestorePath(), classLoader).getOperatorStates()) {
            if (claimed.contains(state.getOperatorID()) || !hasState(state)) {
                continue;
            }
            if (retired.containsKey(state.getOperatorID())) {
                unclaimed.retired++;
                unclaimed.retiredBytes += state.getStateSize();
            } else {
                unclaimed.others.add(state.getOperatorID().toHexString());
            }
        }
        return unclaimed;
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
