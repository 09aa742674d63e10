package com.bedrockcost;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.functions.RuntimeContext;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Tells a local run when the last stage of its job has seen the end of a bounded input. Files are
 * committed, and a bounded job finishes, only with a checkpoint taken after every task has ended its
 * input; without a word the run would idle until the next periodic checkpoint (up to
 * {@code checkpoint.interval}). {@link LocalRunner} listens and takes that checkpoint at once. In a
 * job nobody listens to (MSF, tests with their own cluster) this does nothing.
 *
 * <p>A stage's subtasks report from the {@code endInput} of an operator in the stage's last task.
 * After a restart, a subtask that had ended before may report again: at worst one checkpoint more.
 */
public final class EndOfInput {
    /** The tasks that end last: pricing (and the invocations sink), or the rollup after it. */
    public enum Stage { PRICED, ROLLUP }

    private static final ConcurrentMap<JobID, Listener> LISTENERS = new ConcurrentHashMap<>();

    private EndOfInput() {}

    /** Runs {@code action} once every subtask of {@code last} in {@code job} has reported. */
    static void listen(JobID job, Stage last, Runnable action) {
        LISTENERS.put(job, new Listener(last, action));
    }

    static void forget(JobID job) {
        LISTENERS.remove(job);
    }

    /** A subtask of {@code stage} has ended its input. */
    public static void reached(RuntimeContext context, Stage stage) {
        Listener l = LISTENERS.get(context.getJobInfo().getJobId());
        if (l != null && l.stage == stage) {
            l.ended(context.getTaskInfo().getIndexOfThisSubtask(), context.getTaskInfo().getNumberOfParallelSubtasks());
        }
    }

    private static final class Listener {
        final Stage stage;
        final Runnable action;
        final Set<Integer> ended = ConcurrentHashMap.newKeySet();

        Listener(Stage stage, Runnable action) {
            this.stage = stage;
            this.action = action;
        }

        void ended(int subtask, int parallelism) {
            if (ended.add(subtask) && ended.size() == parallelism) {
                action.run();
            }
        }
    }
}
