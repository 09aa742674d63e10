package com.bedrockcost.localrun;

import com.bedrockcost.config.JobConfig;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
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
 * a killed run is stale and taken over). An s3:// root gets the object {@value #S3_NAME}, created
 * only if absent ({@code If-None-Match: *}: of two runs starting at the same moment exactly one gets
 * it) and removed only if it is still this run's ({@code If-Match}, {@link S3LockObject}). One left
 * by a killed run of this host (its pid no longer runs) is taken over, conditionally on its ETag, so
 * of two runs taking it over only one does; one of another host must be deleted by hand. Either
 * way the lock names its holder (pid, host, start time), and the refusal says so.
 */
public final class LakeLock implements AutoCloseable {
    static final String LOCAL_NAME = ".bedrock-cost-stream.lock";
    static final String S3_NAME = "_bedrock-cost-stream.lock";
    /** Rounds of create / read / take over before giving up on an S3 lock that keeps changing. */
    private static final int S3_ATTEMPTS = 5;

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
    private final S3LockObject object;
    /** The ETag of the S3 lock object this run wrote. */
    private final String etag;
    /** The holder that ended without releasing the lock, if any (a killed run), e.g. {@code pid 12 on host, started …}. */
    public final String staleHolder;

    private LakeLock(FileChannel channel, FileLock lock, java.nio.file.Path localFile, S3LockObject object, String etag,
                     String staleHolder) {
        this.channel = channel;
        this.lock = lock;
        this.localFile = localFile;
        this.object = object;
        this.etag = etag;
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

    /** {@link #acquire(String, JobConfig)} with the default S3 access (AWS, the default credentials chain). */
    public static LakeLock acquire(String root) throws IOException {
        return acquire(root, JobConfig.defaults());
    }

    /**
     * Takes the lock of the lake at {@code root} (a folder or s3:// URI; S3 reached as {@code config}'s
     * {@code s3.*} keys say), or fails naming the run that holds it.
     */
    public static LakeLock acquire(String root, JobConfig config) throws IOException {
        if (root.contains("://") && !root.startsWith("file:")) {
            String scheme = URI.create(root).getScheme();
            if (!scheme.equals("s3") && !scheme.equals("s3a") && !scheme.equals("s3p")) {
                throw new IOException("a lake at " + root + " cannot be locked: use a local folder or an s3:// URI");
            }
            return acquireS3(root, config);
        }
        java.nio.file.Path dir = root.startsWith("file:") ? Paths.get(URI.create(root)) : Paths.get(root);
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
        return new LakeLock(ch, lock, file, null, null, previous.isEmpty() ? null : previous);
    }

    private static String read(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ch.size(), 4096));
        ch.read(buf, 0);
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).trim();
    }

    private static LakeLock acquireS3(String root, JobConfig config) throws IOException {
        S3LockObject object = S3LockObject.of(root, S3_NAME, config);
        try {
            String me = holder();
            for (int attempt = 0; attempt < S3_ATTEMPTS; attempt++) {
                String etag = object.createIfAbsent(me);
                if (etag != null) {
                    return new LakeLock(null, null, null, object, etag, null);
                }
                S3LockObject.Version other = object.read();
                if (other == null) {
                    continue; // released between the two requests: try to create it again
                }
                if (!isDeadLocalProcess(other.text)) {
                    throw new HeldException("Another run is writing to " + root + " (" + (other.text.isEmpty() ? "holder unknown" : other.text)
                            + "); wait for it to finish, or write to another --output. If that run is gone, delete " + object.uri());
                }
                // A killed run's lock: taken over only if it is still that one (another run may be taking it over too).
                etag = object.replaceIfMatch(me, other.etag);
                if (etag != null) {
                    return new LakeLock(null, null, null, object, etag, other.text);
                }
            }
            throw new IOException("the lock " + object.uri() + " kept changing while " + S3_ATTEMPTS + " attempts tried to take it; try again");
        } catch (IOException | RuntimeException e) {
            object.close();
            throw e;
        }
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

    /**
     * Releases the lock: deletes the S3 object if it is still the one this run wrote; empties the
     * local lock file (which stays, hidden, in the root).
     */
    @Override
    public void close() throws IOException {
        if (object != null) {
            try {
                if (!object.deleteIfMatch(etag)) {
                    throw new IOException(object.uri() + " is no longer this run's lock (another run replaced it); left as it is");
                }
            } finally {
                object.close();
            }
            return;
        }
        // Emptied, not deleted: a run that opened the file just now must lock the same file, not a new one.
        channel.truncate(0);
        lock.release();
        channel.close();
    }

    @Override
    public String toString() {
        return Objects.toString(localFile != null ? localFile : object.uri());
    }
}
