package com.bedrockcost.localrun;

import org.apache.flink.api.common.JobExecutionResult;

/** A local run stopped on request (Ctrl-C, SIGTERM) after committing what it had processed. */
public final class RunStoppedException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The stopped job's result (its accumulators), when it ended with one; else null. */
    public final transient JobExecutionResult result;

    public RunStoppedException(String message) {
        this(message, null);
    }

    public RunStoppedException(String message, JobExecutionResult result) {
        super(message);
        this.result = result;
    }
}
