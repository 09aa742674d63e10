package com.bedrockcost.budget;

import com.bedrockcost.lake.FlinkInputFile;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;

/**
 * The alert ids already committed to the lake's {@code alerts} table, read when the job is built, so
 * that a run without state over logs the lake has seen (a re-run, a backfill) does not alert twice.
 * Reads only the {@code alert_id} column, through Flink's file systems (local or {@code s3://}); the
 * MSF job runs this too, so it does not use the report's lake reader.
 */
public final class AlertLake {
    public static final String TABLE = "alerts";
    private static final MessageType ID_ONLY = Types.buildMessage()
            .addField(Types.primitive(PrimitiveTypeName.BINARY, Type.Repetition.REQUIRED)
                    .as(LogicalTypeAnnotation.stringType()).named("alert_id"))
            .named(TABLE);

    private AlertLake() {}

    /** Every {@code alert_id} in committed files under {@code <root>/alerts} (none when the table does not exist yet). */
    public static Set<String> committedIds(String root) {
        Set<String> ids = new HashSet<>();
        Path table = new Path(root, TABLE);
        try {
            FileSystem fs = table.getFileSystem();
            if (fs.exists(table)) {
                read(fs, table, ids);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the alert ids already in " + table
                    + " (needed so that alerts already sent are not sent again): " + e.getMessage(), e);
        }
        return ids;
    }

    private static void read(FileSystem fs, Path dir, Set<String> ids) throws IOException {
        for (FileStatus st : fs.listStatus(dir)) {
            String name = st.getPath().getName();
            if (name.startsWith(".") || name.startsWith("_")) {
                continue; // in-progress files of the sink are hidden
            }
            if (st.isDir()) {
                read(fs, st.getPath(), ids);
            } else if (name.endsWith(".parquet")) {
                try (ParquetFileReader r = ParquetFileReader.open(new FlinkInputFile(st.getPath(), st.getLen()))) {
                    r.setRequestedSchema(ID_ONLY);
                    MessageColumnIO io = new ColumnIOFactory().getColumnIO(ID_ONLY);
                    for (PageReadStore pages = r.readNextRowGroup(); pages != null; pages = r.readNextRowGroup()) {
                        RecordReader<Group> records = io.getRecordReader(pages, new GroupRecordConverter(ID_ONLY));
                        for (long i = 0; i < pages.getRowCount(); i++) {
                            ids.add(records.read().getString("alert_id", 0));
                        }
                    }
                }
            }
        }
    }
}
