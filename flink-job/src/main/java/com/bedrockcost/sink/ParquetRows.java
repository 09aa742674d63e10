package com.bedrockcost.sink;

import com.bedrockcost.lake.FlinkInputFile;
import com.bedrockcost.lake.TableSchema;

import org.apache.flink.connector.file.sink.compactor.RecordWiseFileCompactor;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroup;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

import java.io.IOException;

/**
 * Reads the rows of a lake file back for a compaction (Flink's record-wise compactor), as Parquet
 * records ({@link Group}s) in the table's schema, table-agnostic: the sink's own writer takes them
 * ({@link RowWriteSupport} writes a {@code Group} as it is), so a merged file has the settings of
 * every other. Flink types the rows as the sink's records; they are handed on unseen, only to that writer.
 * A file written before a column was added (a job upgraded between two compactions) is read by column
 * name, the new column left null.
 */
final class ParquetRows<T> implements RecordWiseFileCompactor.Reader.Factory<T> {
    private static final long serialVersionUID = 1L;

    private final String table;

    ParquetRows(String table) {
        this.table = table;
    }

    @Override
    public RecordWiseFileCompactor.Reader<T> createFor(Path file) throws IOException {
        long length = FileSystem.get(file.toUri()).getFileStatus(file).getLen();
        return new Rows<>(file, ParquetFileReader.open(new FlinkInputFile(file, length)), TableSchema.load(table).parquetSchema());
    }

    private static final class Rows<T> implements RecordWiseFileCompactor.Reader<T> {
        private final Path file;
        private final ParquetFileReader reader;
        private final MessageType target;
        private final MessageType schema;
        private final boolean same;
        private final MessageColumnIO io;
        private RecordReader<Group> records;
        private long left;

        Rows(Path file, ParquetFileReader reader, MessageType target) {
            this.file = file;
            this.reader = reader;
            this.target = target;
            this.schema = reader.getFooter().getFileMetaData().getSchema();
            this.same = schema.equals(target);
            this.io = new ColumnIOFactory().getColumnIO(schema);
        }

        @Override
        @SuppressWarnings("unchecked")
        public T read() throws IOException {
            while (left == 0) {
                PageReadStore pages = reader.readNextRowGroup();
                if (pages == null) {
                    return null;
                }
                records = io.getRecordReader(pages, new GroupRecordConverter(schema));
                left = pages.getRowCount();
            }
            left--;
            Group row = records.read();
            return (T) (same ? row : byName(row));
        }

        /** The row in the table's current schema: columns matched by name; a column the file lacks stays null. */
        private Group byName(Group row) {
            Group out = new SimpleGroup(target);
            GroupType from = row.getType();
            for (int i = 0; i < target.getFieldCount(); i++) {
                String name = target.getFieldName(i);
                if (!from.containsField(name)) {
                    continue;
                }
                int src = from.getFieldIndex(name);
                Type type = target.getType(i);
                for (int j = 0; j < row.getFieldRepetitionCount(src); j++) {
                    if (!type.isPrimitive()) {
                        out.add(i, row.getGroup(src, j));
                    } else if (type.asPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.INT64) {
                        out.add(i, row.getLong(src, j));
                    } else if (type.asPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.BINARY
                            || type.asPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY) {
                        out.add(i, row.getBinary(src, j));
                    } else {
                        throw new IllegalStateException("Cannot compact " + file + ": column " + name + " has type " + type
                                + ", which the compaction does not copy");
                    }
                }
            }
            return out;
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
