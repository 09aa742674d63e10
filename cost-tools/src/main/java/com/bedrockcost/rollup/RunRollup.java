package com.bedrockcost.rollup;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.lake.CommittedRows;
import com.bedrockcost.lake.DatePartitioner;
import com.bedrockcost.lake.LakeTables;
import com.bedrockcost.lake.LakeTablesSql;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.TenantHourly;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.config.AggregatePhaseStrategy;
import org.apache.flink.table.api.config.OptimizerConfigOptions;

import java.io.IOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import static com.bedrockcost.lake.LakeTablesSql.literal;

/**
 * {@code tenant_hourly} of a bounded run (files read once, the generator), computed once its
 * input has ended and its invocations are committed: the rollup's SQL ({@link TenantHourlyRollup#QUERY})
 * in a Flink batch job over the {@code invocations} files the run wrote. Files are read in no time
 * order, so a streaming window would have to hold every hour of the input open until the end, in
 * memory that grows with the number of (hour, tenant, model) groups. A batch aggregation sorts
 * instead, in the TaskManager's managed memory, spilling to disk: the heap does not grow with the
 * number of tenants, and hours are complete whatever the order of the files. The sums are the
 * streaming rollup's, to the last decimal: invocations are the table of record.
 */
public final class RunRollup {
    /** Invocations as the rollup's input: one {@link HourlyUsage} row each, as {@link HourlyUsage#add} counts them. */
    static final String USAGE_COLUMNS = String.join(",\n",
            "SELECT event_time AS rowtime, tenant_id AS `tenantId`, `model`",
            "  CAST(1 AS BIGINT) AS `invocations`",
            "  input_tokens AS `inputTokens`, output_tokens AS `outputTokens`, cache_read_tokens AS `cacheReadTokens`",
            "  cache_write_tokens AS `cacheWriteTokens`, cache_write_1h_tokens AS `cacheWrite1hTokens`",
            "  input_cost AS `inputCost`, output_cost AS `outputCost`, cache_read_cost AS `cacheReadCost`",
            "  cache_write_cost AS `cacheWriteCost`, total_cost AS `totalCost`",
            "  CAST(CASE WHEN pricing_status = " + literal(Invocation.UNPRICED) + " THEN 1 ELSE 0 END AS BIGINT) AS `unpriced`",
            "  CAST(CASE WHEN error_code IS NULL THEN 0 ELSE 1 END AS BIGINT) AS `errors`",
            "  CAST(CASE WHEN latency_ms IS NULL THEN 0 ELSE 1 END AS BIGINT) AS `latencyCount`",
            "  latency_ms AS `latencyMsSum`, latency_ms AS `latencyMsMax`",
            "  guardrail_text_units AS `guardrailTextUnits`, guardrail_cost AS `guardrailCost`",
            "  image_cost AS `imageCost`, video_cost AS `videoCost`, rerank_cost AS `rerankCost`");

    private RunRollup() {}

    /** A new run's id: its invocation files are named {@code part-<id>-…} ({@link #partPrefix}), merged ones {@code compacted-part-<id>-…}. */
    public static String newRunId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /** The part-file prefix of the invocation files of run {@code runId}. */
    public static String partPrefix(String runId) {
        return "part-" + runId;
    }

    /**
     * Adds to {@code env} (a batch environment) the job that writes {@code tenant_hourly} for the
     * invocations of the runs {@code runIds} under the configured output root, into {@code sink} (the
     * lake's {@code tenant_hourly} writer). Returns false, adding nothing, when those runs wrote no invocations.
     */
    public static boolean build(StreamExecutionEnvironment env, JobConfig config, Collection<String> runIds,
                                Sink<TenantHourly> sink) throws IOException {
        String root = config.get(JobConfig.OUTPUT_PATH);
        List<String> partitions = partitionsWritten(root, runIds);
        if (partitions.isEmpty()) {
            return false;
        }
        // Flink SQL's operators are written for object reuse; without it every row is copied between
        // chained operators (measured: docs/performance.md, Measured settings).
        env.getConfig().enableObjectReuse();
        StreamTableEnvironment tables = StreamTableEnvironment.create(env, EnvironmentSettings.inBatchMode());
        // A local pre-aggregation before the shuffle pays only when groups repeat within what it holds;
        // with many tenants it mostly copies rows (measured: docs/performance.md, Measured settings).
        tables.getConfig().set(OptimizerConfigOptions.TABLE_OPTIMIZER_AGG_PHASE_STRATEGY, AggregatePhaseStrategy.ONE_PHASE);
        tables.getConfig().setLocalTimeZone(ZoneOffset.UTC);
        // Planning would otherwise read every Parquet footer for statistics the rollup does not need.
        tables.getConfig().set(OptimizerConfigOptions.TABLE_OPTIMIZER_SOURCE_REPORT_STATISTICS_ENABLED, false);
        tables.executeSql(LakeTablesSql.createTableWithFileName(LakeTables.INVOCATIONS, root));
        List<String> files = new ArrayList<>();
        for (String id : new TreeSet<>(runIds)) {
            files.add(LakeTablesSql.FILE_NAME + " LIKE " + literal(partPrefix(id) + "-%"));
            files.add(LakeTablesSql.FILE_NAME + " LIKE " + literal(LakeTables.COMPACTED_PREFIX + partPrefix(id) + "-%"));
        }
        // Only the partitions holding the runs' files are read (the connector prunes the others), and of
        // their files only the runs' own (by the file name, which the connector reads as metadata).
        tables.executeSql("CREATE TEMPORARY VIEW " + TenantHourlyRollup.INPUT_VIEW + " AS " + USAGE_COLUMNS
                + "\nFROM " + LakeTables.INVOCATIONS + "\nWHERE (" + String.join(" OR ", partitions) + ")\n  AND ("
                + String.join(" OR ", files) + ")");
        tables.toDataStream(tables.sqlQuery(TenantHourlyRollup.QUERY))
                .map(new TenantHourlyRollup.FromRow()).returns(TypeInformation.of(TenantHourly.class)).name("tenant_hourly")
                .sinkTo(sink).name("tenant_hourly");
        return true;
    }

    /** The condition of every invocations partition holding a file of the runs ({@link LakeTablesSql#inPartition}). */
    static List<String> partitionsWritten(String root, Collection<String> runIds) throws IOException {
        TreeSet<LocalDate> days = new TreeSet<>();
        for (Path file : CommittedRows.parquetFiles(new Path(root, LakeTables.INVOCATIONS))) {
            if (!writtenBy(file.getName(), runIds)) {
                continue;
            }
            LocalDate day = DatePartitioner.dayOf(file.toUri().getPath());
            if (day == null) {
                throw new IOException("The invocations file " + file + " is not in a day partition of the lake (" + DatePartitioner.LAYOUT + ")");
            }
            days.add(day);
        }
        return days.stream().map(LakeTablesSql::inPartition).collect(Collectors.toList());
    }

    private static boolean writtenBy(String fileName, Collection<String> runIds) {
        for (String id : runIds) {
            if (fileName.startsWith(partPrefix(id) + "-") || fileName.startsWith(LakeTables.COMPACTED_PREFIX + partPrefix(id) + "-")) {
                return true;
            }
        }
        return false;
    }
}
