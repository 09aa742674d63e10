package com.bedrockcost.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The machine a benchmark ran on: cores, CPU model, memory, load (Linux /proc; "unknown" elsewhere). */
final class Machine {
    private Machine() {}

    static String describe() {
        return String.format("machine: %d cores (%s), %s RAM, Java %s; load average %s",
                Runtime.getRuntime().availableProcessors(), cpuModel(), memory(), System.getProperty("java.version"), load());
    }

    /** The 1-, 5- and 15-minute load averages. */
    static String load() {
        String s = read(Paths.get("/proc/loadavg"));
        if (s == null) {
            return "unknown";
        }
        String[] f = s.trim().split("\\s+");
        return f[0] + " " + f[1] + " " + f[2];
    }

    private static String cpuModel() {
        String s = read(Paths.get("/proc/cpuinfo"));
        if (s != null) {
            for (String line : s.split("\n")) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        return "CPU model unknown";
    }

    private static String memory() {
        String s = read(Paths.get("/proc/meminfo"));
        if (s != null) {
            for (String line : s.split("\n")) {
                if (line.startsWith("MemTotal:")) {
                    return String.format("%.1f GB", Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0);
                }
            }
        }
        return "unknown";
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
