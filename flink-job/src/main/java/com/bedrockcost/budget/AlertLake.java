package com.bedrockcost.budget;

import com.bedrockcost.report.LakeSummary;
import com.bedrockcost.sink.LakeTables;

import org.apache.flink.core.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
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
 */
public final class AlertLake {
    private static final MessageType ID_ONLY = Types.buildMessage()
            .addField(Types.primitive(PrimitiveTypeName.BINARY, Type.Repetition.REQUIRED)
                    .as(LogicalTypeAnnotation.stringType()).named("alert_id"))
            .named(LakeTables.ALERTS);

    private AlertLake() {}

    /** Every {@code alert_id} in committed files under {@code <root>/alerts} (none when the table does not exist yet). */
    public static Set<String> committedIds(String root) {
        Set<String> ids = new HashSet<>();
        Path table = new Path(root, LakeTables.ALERTS);
        try {
            for (Path file : LakeSummary.parquetFiles(table)) {
                try (ParquetReader<Group> r = LakeSummary.reader(file, ID_ONLY)) {
                    for (Group g = r.read(); g != null; g = r.read()) {
                        ids.add(g.getString("alert_id", 0));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the alert ids already in " + table
                    + " (needed so that alerts already sent are not sent again): " + e.getMessage(), e);
        }
        return ids;
    }
}
