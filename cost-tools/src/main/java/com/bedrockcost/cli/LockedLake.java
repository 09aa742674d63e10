package com.bedrockcost.cli;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.lake.LakeLeftovers;
import com.bedrockcost.localrun.LakeLock;

import java.io.IOException;
import java.io.PrintStream;
import java.util.function.IntSupplier;

/**
 * A command that appends to a lake outside a run ({@code restate}, {@code rollup-repair}) holds the
 * lake's lock as a run does: refused, naming the holder, while another run or command writes the lake;
 * a killed holder's leftovers removed first; the lock released whatever the command's outcome.
 */
final class LockedLake {
    private LockedLake() {}

    /** Runs {@code body} holding the lock of {@code lake}; its exit code, or 1 when the lock is not had. */
    static int run(String lake, JobConfig config, PrintStream out, PrintStream err, IntSupplier body) {
        LakeLock lock;
        try {
            lock = LakeLock.acquire(lake, config);
            if (lock.staleHolder != null) {
                out.println("bedrock-cost-stream: the previous run into this lake (" + lock.staleHolder
                        + ") ended without finishing; what it committed is kept");
            }
            LakeLeftovers.remove(lake);
        } catch (LakeLock.HeldException e) {
            err.println("bedrock-cost-stream: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("bedrock-cost-stream: cannot lock the lake at " + lake + ": " + e.getMessage());
            return 1;
        }
        try {
            return body.getAsInt();
        } finally {
            try {
                lock.close();
            } catch (IOException e) {
                err.println("bedrock-cost-stream: cannot release the lock " + lock + ": " + e.getMessage());
            }
        }
    }
}
