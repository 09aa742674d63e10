package com.bedrockcost.lake;

import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Live markers: a streaming job (an MSF application, a local Kinesis run) says which days of
 * {@code invocations} it is writing, in {@code <root>/_live/<job id>-<subtask>}, rewritten at most
 * every {@link #BEAT} while invocations flow and removed when it stops. A launcher run into the same
 * lake reads them ({@link #fresh}) and refuses to write while one is fresh, unless forced: two
 * writers of one lake find each other's invocations only once committed (docs/guarantees.md,
 * "Writers at the same time").
 */
public final class LiveWriters {
    /** The folder of the markers under the lake root. */
    public static final String DIR = "_live";
    /** How often a marker is rewritten while invocations flow. */
    public static final Duration BEAT = Duration.ofMinutes(1);
    /** A marker not rewritten for this long is of a writer that stopped, failed, or has nothing to write. */
    public static final Duration FRESH = Duration.ofMinutes(10);

    private LiveWriters() {}

    /** One marker as read. */
    public static final class Marker {
        public final String job;
        public final LocalDate firstDay;
        public final LocalDate lastDay;
        public final Instant at;

        Marker(String job, LocalDate firstDay, LocalDate lastDay, Instant at) {
            this.job = job;
            this.firstDay = firstDay;
            this.lastDay = lastDay;
            this.at = at;
        }

        /** E.g. {@code job 1f2e… writing invocations of 2026-12-07..2026-12-07, last at 2026-12-07T16:59:51Z}. */
        @Override
        public String toString() {
            return "job " + job + " writing invocations of " + firstDay + ".." + lastDay + ", last at " + at;
        }
    }

    /** The marker file of subtask {@code subtask} of job {@code job}. */
    public static Path path(String root, String job, int subtask) {
        return new Path(new Path(root, DIR), job + "-" + subtask);
    }

    /** Writes (replaces) a marker: the job writes invocations of {@code firstDay..lastDay}, now. */
    public static void write(Path marker, String job, LocalDate firstDay, LocalDate lastDay, Instant now) throws IOException {
        FileSystem fs = FileSystem.get(marker.toUri());
        try (FSDataOutputStream out = fs.create(marker, FileSystem.WriteMode.OVERWRITE)) {
            out.write((job + " " + firstDay + " " + lastDay + " " + now + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The markers in the lake at {@code root} written less than {@link #FRESH} before {@code now}. */
    public static List<Marker> fresh(String root, Instant now) throws IOException {
        Path dir = new Path(root, DIR);
        FileSystem fs = FileSystem.get(dir.toUri());
        List<Marker> out = new ArrayList<>();
        if (!fs.exists(dir)) {
            return out;
        }
        for (FileStatus st : fs.listStatus(dir)) {
            if (st.isDir() || st.getPath().getName().startsWith(".")) {
                continue;
            }
            Marker m = read(fs, st.getPath());
            if (m != null && m.at.plus(FRESH).isAfter(now)) {
                out.add(m);
            }
        }
        return out;
    }

    /** A marker, or null if it is not one (unreadable, or gone since the listing). */
    private static Marker read(FileSystem fs, Path file) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (FSDataInputStream in = fs.open(file)) {
            in.transferTo(bytes);
        } catch (java.io.FileNotFoundException e) {
            return null;
        }
        String[] w = bytes.toString(StandardCharsets.UTF_8).trim().split(" ");
        if (w.length != 4) {
            return null;
        }
        try {
            return new Marker(w[0], LocalDate.parse(w[1]), LocalDate.parse(w[2]), Instant.parse(w[3]));
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
