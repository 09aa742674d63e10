package com.bedrockcost.rollup;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.lake.FlinkInputFile;
import com.bedrockcost.sink.LakeTables;
import com.bedrockcost.sink.TableSchema;
import com.bedrockcost.testutil.DuckLake;

import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** After a real run of the job, tenant_hourly holds exactly the sums of invocations per hour, tenant and model. */
class TenantHourlyLakeTest {
    @TempDir static Path lake;

    private static final String KEY = "epoch_ms(%s) // 3600000 AS h, tenant_id, model";
    private static final String SUMS = String.join(", ",
            "CAST(count(*) AS BIGINT)", "CAST(sum(input_tokens) AS BIGINT)", "CAST(sum(output_tokens) AS BIGINT)",
            "CAST(sum(cache_read_tokens) AS BIGINT)", "CAST(sum(cache_write_tokens) AS BIGINT)",
            "CAST(sum(cache_write_1h_tokens) AS BIGINT)",
            "sum(input_cost)", "sum(output_cost)", "sum(cache_read_cost)", "sum(cache_write_cost)", "sum(total_cost)",
            "CAST(count(*) FILTER (WHERE pricing_status = 'UNPRICED') AS BIGINT)", "CAST(count(error_code) AS BIGINT)",
            "CAST(count(latency_ms) AS BIGINT)", "CAST(sum(latency_ms) AS BIGINT)", "max(latency_ms)");
    private static final String COLUMNS = String.join(", ",
            "invocations", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "cache_write_1h_tokens",
            "input_cost", "output_cost", "cache_read_cost", "cache_write_cost", "total_cost",
            "unpriced", "errors", "latency_count", "latency_ms_sum", "latency_ms_max");

    @BeforeAll
    static void runJob() throws Exception {
        LocalRunner.run(JobConfig.defaults().with(Map.of(
                "output.path", lake.toString(), "generator.count", "3000", "checkpoint.interval", "1s")));
    }

    @Test
    void hourlyTotalsEqualTheSumsOverInvocationsForTheSameHours() throws Exception {
        try (DuckLake db = new DuckLake(lake)) {
            Map<List<Object>, List<Object>> fromInvocations = keyed(db.rows(
                    "SELECT " + String.format(KEY, "event_time") + ", " + SUMS + " FROM invocations GROUP BY ALL"));
            Map<List<Object>, List<Object>> rollup = keyed(db.rows(
                    "SELECT " + String.format(KEY, "window_start") + ", " + COLUMNS + " FROM tenant_hourly"));

            assertThat(rollup).hasSameSizeAs(fromInvocations);
            assertThat(rollup).isEqualTo(fromInvocations);
            assertThat(fromInvocations.size()).isGreaterThan(500);
            // The generator's records come in event-time order: none is late, every invocation is in an hour.
            assertThat(db.count("SELECT sum(invocations) FROM tenant_hourly")).isEqualTo(db.count("SELECT count(*) FROM invocations"));
            assertThat(db.count("SELECT count(*) FROM tenant_hourly WHERE tenant_id IS NULL")).isPositive();
            assertThat(db.count("SELECT count(DISTINCT window_start) FROM tenant_hourly")).isEqualTo(72);
        }
    }

    @Test
    void aBoundedInputInReverseTimeOrderStillGivesACompleteRollup(@TempDir Path work) throws Exception {
        // Files are read in no particular time order; the worst case is every record older than the last.
        LogGenerator gen = new LogGenerator(5, 1200, 40, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofHours(30));
        Path logs = work.resolve("logs.jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(logs, StandardCharsets.UTF_8)) {
            for (long i = gen.count() - 1; i >= 0; i--) {
                w.write(gen.recordText(i));
                w.newLine();
            }
        }
        Path out = work.resolve("lake");
        LocalRunner.run(JobConfig.defaults().with(Map.of(
                "input.path", logs.toString(), "output.path", out.toString(), "checkpoint.interval", "1s")));
        try (DuckLake db = new DuckLake(out)) {
            assertThat(db.count("SELECT count(*) FROM invocations")).isEqualTo(1200);
            assertThat(db.count("SELECT sum(invocations) FROM tenant_hourly")).isEqualTo(1200);
            assertThat(keyed(db.rows("SELECT " + String.format(KEY, "window_start") + ", " + COLUMNS + " FROM tenant_hourly")))
                    .isEqualTo(keyed(db.rows("SELECT " + String.format(KEY, "event_time") + ", " + SUMS + " FROM invocations GROUP BY ALL")));
        }
    }

    @Test
    void theRollupCanBeSwitchedOff(@TempDir Path work) throws Exception {
        LocalRunner.run(JobConfig.defaults().with(Map.of("output.path", work.toString(), "generator.count", "200",
                "checkpoint.interval", "1s", "output.tenant.hourly", "false")));
        assertThat(work.resolve("invocations")).isDirectory();
        assertThat(work.resolve("tenant_hourly")).doesNotExist();
    }

    @Test
    void windowsAreWholeUtcHoursInThePartitionOfTheirStart() throws Exception {
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(*) FROM tenant_hourly WHERE epoch_ms(window_end) - epoch_ms(window_start) <> 3600000"
                    + " OR epoch_ms(window_start) % 3600000 <> 0")).isZero();
            assertThat(db.count("SELECT count(*) FROM tenant_hourly WHERE "
                    + "year <> CAST(strftime(make_timestamp(epoch_ms(window_start) * 1000), '%Y') AS BIGINT) "
                    + "OR month <> CAST(strftime(make_timestamp(epoch_ms(window_start) * 1000), '%m') AS BIGINT) "
                    + "OR day <> CAST(strftime(make_timestamp(epoch_ms(window_start) * 1000), '%d') AS BIGINT)")).isZero();
            // The average is the exact mean, half-even to 3 decimals.
            for (Map<String, Object> r : db.rows("SELECT latency_ms_sum, latency_count, latency_ms_avg FROM tenant_hourly")) {
                Object avg = r.get("latency_ms_avg");
                if (((Number) r.get("latency_count")).longValue() == 0) {
                    assertThat(avg).isNull();
                } else {
                    assertThat(avg).isEqualTo(BigDecimal.valueOf(((Number) r.get("latency_ms_sum")).longValue())
                            .divide(BigDecimal.valueOf(((Number) r.get("latency_count")).longValue()), 3, RoundingMode.HALF_EVEN));
                }
            }
        }
        try (Stream<Path> dirs = Files.walk(lake.resolve("tenant_hourly"), 3)) {
            assertThat(dirs.filter(Files::isDirectory).map(p -> lake.resolve("tenant_hourly").relativize(p).toString())
                    .filter(s -> s.chars().filter(ch -> ch == '/').count() == 2))
                    .isNotEmpty()
                    .allMatch(s -> s.matches("year=\\d{4}/month=\\d{2}/day=\\d{2}"));
        }
    }

    @Test
    void theWrittenParquetIsTheSchemaFileAndTheWriterMapsEveryColumn() throws Exception {
        List<String> schemaColumns = TableSchema.load(LakeTables.TENANT_HOURLY).columns().stream()
                .map(c -> c.name).collect(Collectors.toList());
        assertThat(new ArrayList<>(LakeTables.tenantHourlyColumns().getters().keySet())).isEqualTo(schemaColumns);

        Path file;
        try (Stream<Path> files = Files.walk(lake.resolve("tenant_hourly"))) {
            file = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        MessageType schema;
        try (ParquetFileReader r = ParquetFileReader.open(
                new FlinkInputFile(new org.apache.flink.core.fs.Path(file.toUri()), Files.size(file)))) {
            schema = r.getFooter().getFileMetaData().getSchema();
        }
        assertThat(schema.getFields()).extracting(t -> t.getName()).containsExactlyElementsOf(schemaColumns);
        assertThat(schema.getType("window_start").getLogicalTypeAnnotation())
                .isEqualTo(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS));
        assertThat(schema.getType("total_cost").getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.decimalType(12, 38));
        assertThat(schema.getType("latency_ms_avg").getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.decimalType(3, 38));
    }

    /** Rows as (h, tenant, model) -> the other values, with decimals at scale 12 so that equal sums compare equal. */
    private static Map<List<Object>, List<Object>> keyed(List<Map<String, Object>> rows) {
        Map<List<Object>, List<Object>> out = new HashMap<>();
        for (Map<String, Object> r : rows) {
            List<Object> values = new ArrayList<>();
            for (Object v : r.values()) {
                values.add(v instanceof BigDecimal ? ((BigDecimal) v).setScale(12).toPlainString()
                        : v instanceof Number ? (Object) ((Number) v).longValue() : v);
            }
            List<Object> key = new ArrayList<>(values.subList(0, 3));
            if (out.put(key, new ArrayList<>(values.subList(3, values.size()))) != null) {
                throw new AssertionError("two rows for " + key);
            }
        }
        return out;
    }
}
