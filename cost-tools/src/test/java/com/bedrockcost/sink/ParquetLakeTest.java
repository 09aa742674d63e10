package com.bedrockcost.sink;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.lake.TableSchema;
import com.bedrockcost.testutil.DuckLake;

import com.bedrockcost.lake.FlinkInputFile;

import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The job's Parquet, read back by independent readers, has the contract's columns, types and partitions. */
class ParquetLakeTest {
    @TempDir static Path lake;

    @BeforeAll
    static void runJob() throws Exception {
        LocalRunner.run(JobConfig.defaults().with(Map.of(
                "output.path", lake.toString(), "generator.count", "3000", "checkpoint.interval", "1s")));
    }

    @Test
    void duckdbSeesTheContractColumnsWithTheirTypes() throws Exception {
        try (DuckLake db = new DuckLake(lake)) {
            Map<String, String> types = db.rows("DESCRIBE SELECT * FROM invocations").stream()
                    .collect(Collectors.toMap(r -> (String) r.get("column_name"), r -> (String) r.get("column_type")));
            assertThat(types).containsEntry("request_id", "VARCHAR")
                    .containsEntry("event_time", "TIMESTAMP WITH TIME ZONE")
                    .containsEntry("ingest_time", "TIMESTAMP WITH TIME ZONE")
                    .containsEntry("request_metadata", "MAP(VARCHAR, VARCHAR)")
                    .containsEntry("input_tokens", "BIGINT")
                    .containsEntry("cache_write_tokens", "BIGINT")
                    .containsEntry("total_cost", "DECIMAL(38,12)")
                    .containsEntry("input_cost", "DECIMAL(38,12)")
                    .containsEntry("pricing_status", "VARCHAR")
                    .containsEntry("year", "BIGINT");
            for (String c : List.of("account_id", "region", "inference_region", "operation", "model_id", "model",
                    "identity_arn", "tenant_id", "output_tokens", "cache_read_tokens", "latency_ms", "error_code",
                    "output_cost", "cache_read_cost", "cache_write_cost", "price_source")) {
                assertThat(types).containsKey(c);
            }
            assertThat(db.count("SELECT count(*) FROM invocations")).isEqualTo(3000);
            assertThat(db.count("SELECT count(DISTINCT request_id) FROM invocations")).isEqualTo(3000);
        }
    }

    @Test
    void everyRowSitsInThePartitionOfItsOwnUtcEventTime() throws Exception {
        try (DuckLake db = new DuckLake(lake)) {
            // Partition values come from the folder names, event_time from the file: they must agree.
            long mismatched = db.count("SELECT count(*) FROM invocations WHERE "
                    + "year <> CAST(strftime(make_timestamp(epoch_ms(event_time) * 1000), '%Y') AS BIGINT) "
                    + "OR month <> CAST(strftime(make_timestamp(epoch_ms(event_time) * 1000), '%m') AS BIGINT) "
                    + "OR day <> CAST(strftime(make_timestamp(epoch_ms(event_time) * 1000), '%d') AS BIGINT)");
            assertThat(mismatched).isZero();
            assertThat(db.count("SELECT count(DISTINCT day) FROM invocations")).isGreaterThan(1);
        }
        try (Stream<Path> dirs = Files.walk(lake.resolve("invocations"), 3)) {
            assertThat(dirs.filter(Files::isDirectory).map(p -> lake.resolve("invocations").relativize(p).toString())
                    .filter(s -> s.chars().filter(ch -> ch == '/').count() == 2))
                    .allMatch(s -> s.matches("year=\\d{4}/month=\\d{2}/day=\\d{2}"));
        }
    }

    /**
     * What makes "cost per tenant per day" cheap (docs/performance.md, Parquet layout): ZSTD, low-cardinality
     * columns dictionary-encoded with no fallback to plain values, request ids not (each is unique),
     * min/max statistics that are each file's true ones on the columns people filter by, and one row group
     * per file (row groups up to 128 MB; a checkpoint's file is far smaller).
     */
    @Test
    void filesAreDictionaryEncodedZstdWithStatisticsAndOneRowGroupEach() throws Exception {
        String glob = lake + "/invocations/**/[!.]*.parquet";
        try (DuckLake db = new DuckLake(lake)) {
            String meta = "parquet_metadata('" + glob + "')";
            assertThat(db.count("SELECT count(DISTINCT file_name) FROM " + meta)).isGreaterThan(1);
            assertThat(db.count("SELECT count(*) FROM " + meta + " WHERE compression <> 'ZSTD'")).isZero();
            assertThat(db.count("SELECT count(*) FROM (SELECT file_name FROM " + meta + " GROUP BY 1 HAVING count(DISTINCT row_group_id) <> 1)"))
                    .as("files with other than one row group").isZero();
            assertThat(ParquetLayout.LAKE.rowGroupBytes()).isEqualTo(128L * 1024 * 1024);
            for (String column : List.of("tenant_id", "model", "model_id", "region", "inference_region", "pricing_status", "price_source", "operation")) {
                List<String> encodings = db.rows("SELECT DISTINCT encodings FROM " + meta + " WHERE path_in_schema = '" + column + "'")
                        .stream().map(r -> (String) r.get("encodings")).collect(Collectors.toList());
                assertThat(encodings).as(column).isNotEmpty().allSatisfy(e -> {
                    assertThat(e).as(column).contains("DICTIONARY");
                    assertThat(List.of(e.split(", "))).as(column + ": no fallback to plain values").doesNotContain("PLAIN");
                });
            }
            assertThat(db.rows("SELECT DISTINCT encodings FROM " + meta + " WHERE path_in_schema = 'request_id'"))
                    .extracting(r -> (String) r.get("encodings")).allSatisfy(e -> assertThat(e).doesNotContain("DICTIONARY"));
            for (String column : List.of("tenant_id", "model", "event_time")) {
                long wrong = db.count("SELECT count(*) FROM " + meta + " m JOIN (SELECT filename, min(" + column + ")::VARCHAR AS lo,"
                        + " max(" + column + ")::VARCHAR AS hi FROM read_parquet('" + glob + "', filename = true) GROUP BY 1) f"
                        + " ON m.file_name = f.filename WHERE m.path_in_schema = '" + column + "'"
                        + " AND (m.stats_min_value IS NULL OR m.stats_max_value IS NULL"
                        + (column.equals("event_time") ? "" : " OR m.stats_min_value <> f.lo OR m.stats_max_value <> f.hi") + ")");
                assertThat(wrong).as(column + " chunks without their file's min/max").isZero();
            }
        }
    }

    @Test
    void parquetFooterHasUtcMicrosTimestampsFixedDecimalsAndAStandardMap() throws Exception {
        Path file;
        try (Stream<Path> files = Files.walk(lake.resolve("invocations"))) {
            file = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        MessageType schema;
        try (ParquetFileReader r = ParquetFileReader.open(
                new FlinkInputFile(new org.apache.flink.core.fs.Path(file.toUri()), Files.size(file)))) {
            schema = r.getFooter().getFileMetaData().getSchema();
            assertThat(r.getFooter().getBlocks().get(0).getColumns().get(0).getCodec().name()).isEqualTo("ZSTD");
        }
        assertThat(schema.getType("event_time").getLogicalTypeAnnotation())
                .isEqualTo(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS));
        assertThat(schema.getType("total_cost").getLogicalTypeAnnotation())
                .isEqualTo(LogicalTypeAnnotation.decimalType(12, 38));
        assertThat(schema.getType("request_metadata").getLogicalTypeAnnotation())
                .isEqualTo(LogicalTypeAnnotation.mapType());
        assertThat(schema.getFields()).extracting(t -> t.getName())
                .containsExactlyElementsOf(TableSchema.load("invocations").columns().stream().map(c -> c.name).collect(Collectors.toList()));
    }

    @Test
    void noHalfWrittenFileIsVisibleUnderAPartition() throws Exception {
        try (Stream<Path> files = Files.walk(lake)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .allMatch(n -> n.startsWith("part-") && n.endsWith(".parquet"));
        }
    }
}
