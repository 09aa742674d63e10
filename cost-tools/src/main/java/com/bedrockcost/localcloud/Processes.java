package com.bedrockcost.localcloud;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/** Small helpers for the servers the local cloud starts: free ports, commands, stopping. */
final class Processes {
    private Processes() {}

    /** A port free on the loopback interface right now. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Runs a command to its end; its output goes to {@code log} when it fails. */
    static void runOrFail(Path dir, PrintStream log, String what, String... command) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException(what + " could not start (" + command[0] + " not found?): " + e.getMessage(), e);
        }
        p.getOutputStream().close();
        String output = readAll(p.getInputStream());
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(what + " did not finish within 10 minutes");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(what + " interrupted");
        }
        if (p.exitValue() != 0) {
            log.print(output);
            throw new IOException(what + " failed (exit " + p.exitValue() + ") in " + dir + ": " + String.join(" ", Arrays.asList(command)));
        }
    }

    static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Asks a process to end (by closing its stdin when it listens to that, else SIGTERM), and kills it
     * if it does not within a few seconds.
     */
    static void stop(Process p, boolean endsOnStdinClose) {
        if (!p.isAlive()) {
            return;
        }
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            // already closed
        }
        try {
            if (!endsOnStdinClose || !p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
