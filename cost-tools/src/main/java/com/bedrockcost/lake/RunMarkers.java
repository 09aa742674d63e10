package com.bedrockcost.lake;

import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.TreeSet;

/**
 * Bounded runs not finished yet: {@code <root>/_runs/<run id>} exists from a run's start until its
 * {@code tenant_hourly} is written. A run interrupted (Ctrl-C, kill) leaves its marker; the next run
 * into the lake writes {@code tenant_hourly} for the invocations the interrupted runs committed too.
 */
public final class RunMarkers {
    public static final String DIR = "_runs";

    private RunMarkers() {}

    /** Marks run {@code runId} as started; returns the ids of earlier runs that did not finish. */
    public static Collection<String> begin(String root, String runId) throws IOException {
        Path dir = new Path(root, DIR);
        FileSystem fs = FileSystem.get(dir.toUri());
        TreeSet<String> unfinished = new TreeSet<>();
        if (fs.exists(dir)) {
            for (FileStatus st : fs.listStatus(dir)) {
                String name = st.getPath().getName();
                if (!st.isDir() && !name.startsWith(".")) {
                    unfinished.add(name);
                }
            }
        }
        try (FSDataOutputStream out = fs.create(new Path(dir, runId), FileSystem.WriteMode.OVERWRITE)) {
            out.write(("started " + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return unfinished;
    }

    /** Removes the markers of {@code runIds} (their tenant_hourly is written), and the folder once empty. */
    public static void finish(String root, Collection<String> runIds) throws IOException {
        Path dir = new Path(root, DIR);
        FileSystem fs = FileSystem.get(dir.toUri());
        for (String id : runIds) {
            fs.delete(new Path(dir, id), false);
        }
        FileStatus[] left = fs.exists(dir) ? fs.listStatus(dir) : null;
        if (left != null && left.length == 0) {
            fs.delete(dir, false);
        }
    }
}
