package com.bedrockcost.localrun;

import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a local job so that everything it processed is committed: a savepoint (the sinks commit
 * their files when it completes), then the job ends. The savepoint itself is removed: a run into a
 * lake is idempotent ({@code dedup.lake}), so the same command simply runs again rather than
 * resuming from it. If the savepoint cannot be taken the job is cancelled; what the last
 * checkpoint committed stays committed.
 */
public final class StopWithSavepoint implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(StopWithSavepoint.class);

    private static final int ATTEMPTS = 60;
    private static final long RETRY_MILLIS = 500;

    private final MiniCluster cluster;
    private final JobID job;
    private final String directory;

    /**
     * {@code directory}: where the savepoint is taken (and removed from), a folder of its own in the
     * checkpoint folder (whose {@code <job id>} folder is removed too when the job leaves it empty).
     */
    public StopWithSavepoint(MiniCluster cluster, JobID job, String directory) {
        this.cluster = cluster;
        this.job = job;
        this.directory = directory;
    }

    @Override
    public void run() {
        // A job still being submitted or deployed cannot take a savepoint yet: try again for a while.
        Exception last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                String savepoint = cluster.stopWithSavepoint(job, directory, false, SavepointFormatType.CANONICAL).get();
                Path path = new Path(savepoint);
                FileSystem fs = FileSystem.get(path.toUri());
                fs.delete(path, true);
                removeEmpty(fs, new Path(directory));
                return;
            } catch (Exception e) {
                last = e;
                try {
                    if (cluster.getJobStatus(job).get().isGloballyTerminalState()) {
                        return;
                    }
                } catch (Exception notYetSubmitted) {
                    // the job is not known yet: wait for it
                }
                try {
                    Thread.sleep(RETRY_MILLIS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        LOG.warn("Stopping with a savepoint failed ({}); cancelling the job: what the last checkpoint committed stays", String.valueOf(last));
        cluster.cancelJob(job);
    }

    /**
     * After the cluster of a stopped job is closed: its checkpoint folder {@code <checkpoints>/<job id>}
     * keeps only empty {@code shared/} and {@code taskowned/} folders, which are removed.
     */
    public static void removeCheckpointFolder(String checkpoints, JobID job) {
        Path dir = new Path(checkpoints, job.toString());
        try {
            removeEmpty(FileSystem.get(dir.toUri()), dir);
        } catch (java.io.IOException e) {
            LOG.warn("Cannot remove the empty checkpoint folder {}: {}", dir, e.toString());
        }
    }

    /** Deletes {@code dir} if it holds nothing but (nested) empty folders. */
    private static void removeEmpty(FileSystem fs, Path dir) throws java.io.IOException {
        if (fs.exists(dir) && onlyEmptyFolders(fs, dir)) {
            fs.delete(dir, true);
        }
    }

    private static boolean onlyEmptyFolders(FileSystem fs, Path dir) throws java.io.IOException {
        for (org.apache.flink.core.fs.FileStatus st : fs.listStatus(dir)) {
            if (!st.isDir() || !onlyEmptyFolders(fs, st.getPath())) {
                return false;
            }
        }
        return true;
    }
}
