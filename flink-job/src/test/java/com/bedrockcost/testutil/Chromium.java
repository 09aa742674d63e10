package com.bedrockcost.testutil;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Headless Chromium from the command line: the DOM after a page's scripts ran, and screenshots. */
public final class Chromium {
    private final Path binary;
    private final Path profile;

    private Chromium(Path binary, Path profile) {
        this.binary = binary;
        this.profile = profile;
    }

    /** The browser (CHROMIUM environment variable, /usr/bin/chromium, or chromium on the PATH); fails saying what to install. */
    public static Chromium find(Path work) throws IOException {
        List<Path> candidates = new ArrayList<>();
        String env = System.getenv("CHROMIUM");
        if (env != null && !env.isEmpty()) {
            candidates.add(Paths.get(env));
        }
        candidates.add(Paths.get("/usr/bin/chromium"));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Paths.get(dir, "chromium"));
                candidates.add(Paths.get(dir, "chromium-browser"));
            }
        }
        for (Path p : candidates) {
            if (Files.isExecutable(p)) {
                return new Chromium(p, Files.createTempDirectory(work, "chromium-profile"));
            }
        }
        throw new AssertionError("Headless Chromium is needed for the dashboard's browser test and was not found"
                + " (looked at $CHROMIUM, /usr/bin/chromium and the PATH). Install it: apt-get install -y chromium chromium-driver");
    }

    /** A page to drive (load, script, screenshots) in a browser of its own, {@code width} x {@code height} CSS pixels. */
    public BrowserPage page(int width, int height) throws Exception {
        return BrowserPage.open(binary, Files.createTempDirectory(profile, "page"), width, height);
    }

    /** The page's DOM once its scripts ran. */
    public String dumpDom(Path html) throws IOException, InterruptedException {
        return run("--dump-dom", html.toUri().toString());
    }

    /** A PNG of the page at the given window size. */
    public void screenshot(Path html, Path png, int width, int height) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        run("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height, "--hide-scrollbars", html.toUri().toString());
        if (!Files.isRegularFile(png)) {
            throw new AssertionError("Chromium wrote no screenshot to " + png);
        }
    }

    private String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(Arrays.asList(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--no-first-run", "--user-data-dir=" + profile, "--virtual-time-budget=5000"));
        cmd.addAll(Arrays.asList(args));
        Path out = Files.createTempFile(profile, "stdout", ".txt");
        Path err = Files.createTempFile(profile, "stderr", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("Chromium did not finish within 120 s: " + cmd);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("Chromium exited with " + p.exitValue() + ": " + cmd + "\n"
                    + new String(Files.readAllBytes(err), StandardCharsets.UTF_8));
        }
        return new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
    }
}
