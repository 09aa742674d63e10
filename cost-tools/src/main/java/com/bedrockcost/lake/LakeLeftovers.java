package com.bedrockcost.lake;

import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Removes what interrupted runs leave in a local lake: uncommitted in-progress files (hidden,
 * {@code .part-….inprogress.…}), half-written index files, and folders left empty; it finds, and keeps,
 * committed files a compaction had not merged yet. Only while
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
        return remove(root, new ArrayList<>());
    }

    /**
     * As {@link #remove(String)}, and adds to {@code unmerged} the hidden committed files
     * ({@code .part-…parquet}) that a run with compaction on stopped before merging: no reader sees
     * them and they are kept, since restoring that run from its checkpoint merges them
     * ({@link #unmergedLine}).
     */
    public static int remove(String root, List<Path> unmerged) throws IOException {
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
                removed += clean(fs, folder, unmerged);
            }
        }
        return removed;
    }

    /**
     * The line that tells the user about {@code unmerged} files (none: null): how many, where, and what
     * to do with them.
     */
    public static String unmergedLine(String root, List<Path> unmerged) {
        if (unmerged.isEmpty()) {
            return null;
        }
        TreeSet<String> folders = new TreeSet<>();
        for (Path file : unmerged) {
            folders.add(file.getParent().toUri().getPath());
        }
        String where = folders.first() + (folders.size() > 1 ? " and " + (folders.size() - 1) + " more folders" : "");
        return String.format(Locale.ROOT, "bedrock-cost-stream: %,d hidden file(s) (.part-*.parquet, in %s) hold rows of an earlier run"
                + " that was stopped before compaction merged them: no reader sees them, and their invocations are in the lake only"
                + " once a run writes them again. To keep them, start that run again from its last checkpoint (--restore.path"
                + " <checkpoint.dir>/<job id>/chk-<n>); otherwise delete them: find %s -name '.part-*.parquet' -delete"
                + " (docs/lake.md, File sizes and compaction)", unmerged.size(), where, root);
    }

    /** Cleans a folder below the root; removes it when it ends up empty. */
    private static int clean(FileSystem fs, Path dir, List<Path> unmerged) throws IOException {
        int removed = 0;
        for (FileStatus st : fs.listStatus(dir)) {
            String name = st.getPath().getName();
            if (st.isDir()) {
                removed += clean(fs, st.getPath(), unmerged);
            } else if (name.startsWith(".") && (name.contains(".inprogress.") || name.endsWith(".tmp"))) {
                fs.delete(st.getPath(), false);
                removed++;
            } else if (name.startsWith(".part-") && name.endsWith(".parquet")) {
                unmerged.add(st.getPath());
            }
        }
        FileStatus[] left = fs.listStatus(dir);
        if (left == null || left.length == 0) {
            fs.delete(dir, false);
        }
        return removed;
    }
}
