package com.bedrockcost.lake;

import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.IOException;

/**
 * Removes what interrupted runs leave in a local lake: uncommitted in-progress files (hidden,
 * {@code .part-….inprogress.…}), half-written index files, and folders left empty. Only while
 * holding the lake's lock ({@code localrun.LakeLock}): then no other run writes there. On S3 an uncommitted file is
 * an unfinished multipart upload, which no reader sees (a bucket lifecycle rule aborts them).
 */
public final class LakeLeftovers {
    private static final String[] LAKE_FOLDERS = {
        LakeTables.INVOCATIONS, LakeTables.FAILED, LakeTables.TENANT_HOURLY, LakeTables.ADJUSTMENTS, RequestIdIndex.DIR,
        LakeFailedRecords.DIR, RunMarkers.DIR};

    private LakeLeftovers() {}

    /** Files removed; 0 for an s3:// root. */
    public static int remove(String root) throws IOException {
        Path dir = new Path(root);
        String scheme = dir.toUri().getScheme();
        if (scheme != null && !scheme.equals("file")) {
            return 0;
        }
        FileSystem fs = FileSystem.get(dir.toUri());
        if (!fs.exists(dir)) {
            return 0;
        }
        int removed = 0;
        // Only the lake's own folders: an output root may be a folder that holds other things too.
        for (String name : LAKE_FOLDERS) {
            Path folder = new Path(dir, name);
            if (fs.exists(folder)) {
                removed += clean(fs, folder);
            }
        }
        return removed;
    }

    /** Cleans a folder below the root; removes it when it ends up empty. */
    private static int clean(FileSystem fs, Path dir) throws IOException {
        int removed = 0;
        for (FileStatus st : fs.listStatus(dir)) {
            String name = st.getPath().getName();
            if (st.isDir()) {
                removed += clean(fs, st.getPath());
            } else if (name.startsWith(".") && (name.contains(".inprogress.") || name.endsWith(".tmp"))) {
                fs.delete(st.getPath(), false);
                removed++;
            }
        }
        FileStatus[] left = fs.listStatus(dir);
        if (left == null || left.length == 0) {
            fs.delete(dir, false);
        }
        return removed;
    }
}
