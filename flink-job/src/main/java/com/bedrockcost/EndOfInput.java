package com.bedrockcost;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.functions.RuntimeContext;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Tells a local run when the last tasks of its job, pricing and the invocations sink, have seen the
 * end of a bounded input (a bounded local run has no rollup in the job: {@code LocalRunner} in cost-tools). Files are
 * committed, and a bounded job finishes, only with a checkpoint taken after every task has ended its
 * input; without a word the run would idle until the next periodic checkpoint (up to
 * {@code checkpoint.interval}). {@code LocalRunner} listens and takes that checkpoint at once. In a
 * job nobody listens to (MSF, tests with their own cluster) this does nothing.
 *
 * <p>Pricing subtasks report from the {@code endInput} of the operator chained after pricing.
 * After a restart, a subtask that had ended before may report again: at worst one checkpoint more.
 */
public final class EndOfInput {
    private static final ConcurrentMap<JobID, Listener> LISTENERS = new ConcurrentHashMap<>();

    private EndOfInput() {}

    /** Runs {@code action} once every pricing subtask of {@code job} has reported. */
    static void listen(JobID job, Runnable action) {
        LISTENERS.put(job, new Listener(action));
    }

    static void forget(JobID job) {
        LISTENERS.remove(job);
    }

    /** A pricing subtask has ended its input. */
    public static void reached(RuntimeContext context) {
        Listener l = LISTENERS.get(context.getJobInfo().getJobId());
        if (l != null) {
            l.ended(context.getTaskInfo().getIndexOfThisSubtask(), context.getTaskInfo().getNumberOfParallelSubtasks());
        }
    }

    private static final class Listener {
        final Runnable action;
        final Set<Integer> ended = ConcurrentHashMap.newKeySet();

        Listener(Runnable action) {
            this.action = action;
        }

        void ended(int subtask, int parallelism) {
            if (ended.add(subtask) && ended.size() == parallelism) {
                action.run();
            }
        }
    }
}
