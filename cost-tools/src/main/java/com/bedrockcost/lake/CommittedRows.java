package com.bedrockcost.lake;

import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts the rows of a lake table that are committed (visible to readers), from Parquet footers only.
 * Committed files never change, so each footer is read once; meant to be asked again and again
 * while a job runs, e.g. to know when every record sent to an unbounded input has landed.
 */
public final class CommittedRows {
    private final Path table;
    private final Map<Path, Long> rowsByFile = new HashMap<>();

    /** {@code root} of the lake (local folder or s3:// URI) and a table name such as {@code invocations}. */
    public CommittedRows(String root, String table) {
        this.table = new Path(root, table);
    }

    /** Rows in committed Parquet files under the table now. */
    public long count() throws IOException {
        long total = 0;
        for (Path file : parquetFiles(table)) {
            Long rows = rowsByFile.get(file);
            if (rows == null) {
                long len = FileSystem.get(file.toUri()).getFileStatus(file).getLen();
                try (ParquetFileReader r = ParquetFileReader.open(new FlinkInputFile(file, len))) {
                    rows = r.getRecordCount();
                }
                rowsByFile.put(file, rows);
            }
            total += rows;
        }
        return total;
    }

    /** Committed Parquet files under a table folder (in-progress files are hidden and skipped). */
    public static List<Path> parquetFiles(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        FileSystem fs = FileSystem.get(dir.toUri());
        if (!fs.exists(dir)) {
            return out;
        }
        for (FileStatus st : fs.listStatus(dir)) {
            String name = st.getPath().getName();
            if (st.isDir()) {
                out.addAll(parquetFiles(st.getPath()));
            } else if (name.endsWith(".parquet") && !name.startsWith(".") && !name.startsWith("_")) {
                out.add(st.getPath());
            }
        }
        return out;
    }
}
