package com.bedrockcost.localrun;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Ctrl-C (SIGINT) and SIGTERM while a local run is installed: the first one runs the current stop
 * action (stop the job with a savepoint, so what it processed is committed) on a thread of its own;
 * a second one ends the process at once. Without it the JVM would exit mid-write, leaving
 * uncommitted files and the MiniCluster's temporary files behind.
 */
public final class StopSignals implements AutoCloseable {
    private static final String[] SIGNALS = {"INT", "TERM"};

    private final PrintStream err;
    private final Map<Signal, SignalHandler> previous = new HashMap<>();
    private volatile boolean requested;
    private volatile Runnable action;
    private volatile String signalName;

    private StopSignals(PrintStream err) {
        this.err = err;
    }

    /** Handles SIGINT and SIGTERM until closed. */
    public static StopSignals install(PrintStream err) {
        StopSignals s = new StopSignals(err);
        for (String name : SIGNALS) {
            try {
                Signal signal = new Signal(name);
                s.previous.put(signal, Signal.handle(signal, s::handle));
            } catch (IllegalArgumentException e) {
                // Signal not available on this platform, or the JVM reserves it (-Xrs): the default stays.
            }
        }
        return s;
    }

    private void handle(Signal signal) {
        if (requested) {
            err.println("bedrock-cost-stream: stopped at once (second " + signal.getName() + "): work since the last commit is not committed");
            Runtime.getRuntime().halt(130);
        }
        signalName = "SIG" + signal.getName();
        requested = true;
        err.println("bedrock-cost-stream: stopping (" + signalName + "): committing what is processed; press Ctrl-C again to abort");
        Runnable a = action;
        if (a != null) {
            start(a);
        }
    }

    private static void start(Runnable a) {
        Thread t = new Thread(a, "bedrock-cost-stream-stop");
        t.setDaemon(true);
        t.start();
    }

    /** What a stop does from now on; runs at once if a stop was requested already. */
    public void onStop(Runnable stop) {
        action = stop;
        if (requested) {
            start(stop);
        }
    }

    /** Whether SIGINT or SIGTERM arrived. */
    public boolean requested() {
        return requested;
    }

    /** E.g. {@code SIGINT}; null if none arrived. */
    public String signalName() {
        return signalName;
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
