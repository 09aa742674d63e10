package com.bedrockcost.localcloud;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local Kinesis API server: kinesalite (from npm) through our wrapper
 * {@code tools/local-cloud/kinesalite-server.js}, on a free loopback port. Installs the wrapper's
 * packages with {@code npm ci} on first use. Streams are in memory; ARNs are
 * {@code arn:aws:kinesis:us-east-1:000000000000:stream/<name>}.
 */
public final class Kinesalite implements AutoCloseable {
    public static final String REGION = "us-east-1";
    public static final String ACCOUNT = "000000000000";
    private static final Pattern LISTENING = Pattern.compile("Listening at (http://\\S+)");

    private final Process process;
    private final String endpoint;

    private Kinesalite(Process process, String endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /** Starts the server from {@code toolDir} (the folder with the wrapper and its package-lock.json). */
    public static Kinesalite start(Path toolDir, PrintStream log) throws IOException {
        Path script = toolDir.resolve("kinesalite-server.js");
        if (!Files.isRegularFile(script)) {
            throw new IOException("The kinesalite wrapper " + script + " is missing");
        }
        if (!Files.isDirectory(toolDir.resolve("node_modules/kinesalite"))) {
            log.println("local-cloud: installing kinesalite into " + toolDir + "/node_modules (npm ci, first use only)...");
            Processes.runOrFail(toolDir, log, "npm ci", "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
        }
        ProcessBuilder pb = new ProcessBuilder("node", script.toString(), "--port", "0", "--host", "127.0.0.1")
                .directory(toolDir.toFile())
                .redirectErrorStream(true);
        pb.environment().put("AWS_REGION", REGION);
        pb.environment().put("AWS_ACCOUNT_ID", ACCOUNT);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("Cannot start kinesalite: Node.js (node, 16 or newer) is needed: " + e.getMessage(), e);
        }
        BlockingQueue<String> lines = new ArrayBlockingQueue<>(1000);
        Thread drain = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.offer(line);
                }
            } catch (IOException e) {
                // the server is gone; close() handles the process
            }
        }, "kinesalite-output");
        drain.setDaemon(true);
        drain.start();
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            while (System.nanoTime() < deadline) {
                String line = lines.poll(200, TimeUnit.MILLISECONDS);
                if (line != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        return new Kinesalite(p, m.group(1));
                    }
                    seen.append(line).append('\n');
                } else if (!p.isAlive()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        p.destroyForcibly();
        throw new IOException("kinesalite did not start: " + (seen.length() == 0 ? "no output" : seen.toString().trim()));
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String endpoint() {
        return endpoint;
    }

    /** The ARN kinesalite gives a stream of this name. */
    public static String streamArn(String name) {
        return "arn:aws:kinesis:" + REGION + ":" + ACCOUNT + ":stream/" + name;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the server: closing its standard input ends it (so it also ends if this JVM dies). */
    @Override
    public void close() {
        Processes.stop(process, true);
    }
}
