package com.bedrockcost.localrun;

import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Objects;

/**
 * One run at a time per output root. A local root gets {@value #LOCAL_NAME}, held with an
 * operating-system file lock (released when the process ends, however it ends: a lock file left by
 * a killed run is stale and taken over). An s3:// root gets the marker object {@value #S3_NAME}:
 * Flink's S3 file system (Hadoop S3A 3.3) cannot write conditionally ({@code If-None-Match: *}), so
 * the marker is checked, then written: two runs started within the same second can both pass.
 * Either way the lock names its holder (pid, host, start time), and the refusal says so.
 */
public final class LakeLock implements AutoCloseable {
    static final String LOCAL_NAME = ".bedrock-cost-stream.lock";
    static final String S3_NAME = "_bedrock-cost-stream.lock";

    /** Another run holds the lock; the message names it. */
    public static final class HeldException extends IOException {
        private static final long serialVersionUID = 1L;

        HeldException(String message) {
            super(message);
        }
    }

    private final FileChannel channel;
    private final FileLock lock;
    private final java.nio.file.Path localFile;
    private final Path marker;
    /** The holder that ended without releasing the lock, if any (a killed run), e.g. {@code pid 12 on host, started …}. */
    public final String staleHolder;

    private LakeLock(FileChannel channel, FileLock lock, java.nio.file.Path localFile, Path marker, String staleHolder) {
        this.channel = channel;
        this.lock = lock;
        this.localFile = localFile;
        this.marker = marker;
        this.staleHolder = staleHolder;
    }

    /** This process, as the lock names it. */
    static String holder() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown host";
        }
        return "pid " + ProcessHandle.current().pid() + " on " + host + ", started " + Instant.now();
    }

    /** Takes the lock of the lake at {@code root} (a folder or s3:// URI), or fails naming the run that holds it. */
    public static LakeLock acquire(String root) throws IOException {
        if (root.contains("://") && !root.startsWith("file:")) {
            return acquireMarker(new Path(root, S3_NAME));
        }
        java.nio.file.Path dir = root.startsWith("file:") ? Paths.get(java.net.URI.create(root)) : Paths.get(root);
        Files.createDirectories(dir);
        return acquireLocal(dir.resolve(LOCAL_NAME), root);
    }

    private static LakeLock acquireLocal(java.nio.file.Path file, String root) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very process
        }
        if (lock == null) {
            String other = read(ch);
            ch.close();
            throw new HeldException("Another run is writing to " + root + " (" + (other.isEmpty() ? "holder unknown" : other)
                    + "); wait for it to finish, or write to another --output. Lock file: " + file);
        }
        // A released lock leaves the file empty: text in it is the holder of a run that was killed.
        String previous = read(ch);
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(holder().getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(true);
        return new LakeLock(ch, lock, file, null, previous.isEmpty() ? null : previous);
    }

    private static String read(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ch.size(), 4096));
        ch.read(buf, 0);
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).trim();
    }

    private static LakeLock acquireMarker(Path marker) throws IOException {
        FileSystem fs = FileSystem.get(marker.toUri());
        String stale = null;
        if (fs.exists(marker)) {
            String other = readMarker(fs, marker);
            if (!isDeadLocalProcess(other)) {
                throw new HeldException("Another run is writing to " + marker.getParent() + " (" + other + "); wait for it to finish, "
                        + "or write to another --output. If that run is gone, delete " + marker);
            }
            stale = other;
            fs.delete(marker, false);
        }
        try (FSDataOutputStream out = fs.create(marker, FileSystem.WriteMode.NO_OVERWRITE)) {
            out.write(holder().getBytes(StandardCharsets.UTF_8));
        }
        return new LakeLock(null, null, null, marker, stale);
    }

    private static String readMarker(FileSystem fs, Path marker) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (FSDataInputStream in = fs.open(marker)) {
            in.transferTo(bytes);
        }
        return bytes.toString(StandardCharsets.UTF_8).trim();
    }

    /** A marker written by a process of this host that no longer runs (a killed run): stale. */
    static boolean isDeadLocalProcess(String holder) {
        String[] words = holder.split(" ");
        if (words.length < 4 || !words[0].equals("pid")) {
            return false;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName() + ",";
        } catch (IOException e) {
            return false;
        }
        try {
            long pid = Long.parseLong(words[1]);
            return words[3].equals(host) && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Releases the lock: removes the S3 marker; empties the local lock file (which stays, hidden, in the root). */
    @Override
    public void close() throws IOException {
        if (marker != null) {
            FileSystem.get(marker.toUri()).delete(marker, false);
            return;
        }
        // Emptied, not deleted: a run that opened the file just now must lock the same file, not a new one.
        channel.truncate(0);
        lock.release();
        channel.close();
    }

    @Override
    public String toString() {
        return Objects.toString(localFile != null ? localFile : marker);
    }
}
