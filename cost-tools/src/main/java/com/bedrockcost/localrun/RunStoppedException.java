package com.bedrockcost.localrun;

/** A local run stopped on request (Ctrl-C, SIGTERM) after committing what it had processed. */
public final class RunStoppedException extends Exception {
    private static final long serialVersionUID = 1L;

    public RunStoppedException(String message) {
        super(message);
    }
}
