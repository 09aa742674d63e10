package com.bedrockcost.cli;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.lake.CommittedRows;
import com.bedrockcost.lake.LakeTables;
import com.bedrockcost.lake.LakeTablesSql;
import com.bedrockcost.localrun.LocalEnvironments;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.TenantHourly;
import com.bedrockcost.sink.LakeSinks;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.config.OptimizerConfigOptions;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static com.bedrockcost.lake.LakeTablesSql.literal;

/**
 * The Flink side of {@code rollup-repair}: per UTC hour, tenant and model, what {@code tenant_hourly}
 * lacks to equal {@code invocations} plus {@code adjustments} (the tables of record), as
 * {@link TenantHourly#REPAIR} rows to append. The differences are summed in SQL over the three tables
 * at once ({@code tenant_hourly} negated), so sums stay exact decimals: SUM of {@code DECIMAL(38, 12)}
 * is {@code DECIMAL(38, 12)}, where a subtraction in SQL would lose a digit of scale.
 */
final class RollupRepair {
    /** Counts of {@code tenant_hourly}, each with the expression that gives it for one invocation. */
    private static final String[][] COUNTS = {
        {"invocations", "CAST(1 AS BIGINT)"},
        {"input_tokens", "input_tokens"},
        {"output_tokens", "output_tokens"},
        {"cache_read_tokens", "cache_read_tokens"},
        {"cache_write_tokens", "cache_write_tokens"},
        {"cache_write_1h_tokens", "cache_write_1h_tokens"},
        {"unpriced", "CAST(CASE WHEN pricing_status = " + literal(Invocation.UNPRICED) + " THEN 1 ELSE 0 END AS BIGINT)"},
        {"errors", "CAST(CASE WHEN error_code IS NULL THEN 0 ELSE 1 END AS BIGINT)"},
        {"latency_count", "CAST(CASE WHEN latency_ms IS NULL THEN 0 ELSE 1 END AS BIGINT)"},
        {"latency_ms_sum", "latency_ms"},
        {"guardrail_text_units", "guardrail_text_units"},
    };
    /** Costs of {@code tenant_hourly}: the invocation's column of the same name, the adjustment's {@code <name>_delta}. */
    private static final String[] COSTS = {
        "input_cost", "output_cost", "cache_read_cost", "cache_write_cost", "total_cost", "guardrail_cost", "image_cost",
        "video_cost", "rerank_cost"};

    /** The slice of the lake to repair. */
    static final class Slice {
        String lake;
        /** Inclusive UTC days of the hours; null = open. */
        LocalDate from;
        LocalDate to;
        /** Repair hours after the horizon too (no job writes the lake). */
        boolean includeOpen;

        String describe() {
            return from == null && to == null ? "all hours" : "the hours of " + (from == null ? "…" : from) + " to " + (to == null ? "…" : to);
        }
    }

    /** What the diff found. */
    static final class Diff {
        /** End of the newest hour an ON_TIME row was written for; hours ending later may still be open in a running job. Null: none. */
        Instant horizon;
        /** The rows to append. */
        final List<TenantHourly> rows = new ArrayList<>();
        /** Rows of hours after the horizon, left out (none with {@link Slice#includeOpen}). */
        final List<TenantHourly> open = new ArrayList<>();
    }

    private RollupRepair() {}

    /** The difference, per hour, tenant and model, between the tables of record and {@code tenant_hourly}. */
    static Diff diff(JobConfig config, Slice slice) throws Exception {
        StreamExecutionEnvironment env = LocalEnvironments.batchEnvironment(config);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env, EnvironmentSettings.inBatchMode());
        tables.getConfig().setLocalTimeZone(ZoneOffset.UTC);
        tables.getConfig().set(OptimizerConfigOptions.TABLE_OPTIMIZER_SOURCE_REPORT_STATISTICS_ENABLED, false);
        boolean anyInvocations = hasFiles(slice.lake, LakeTables.INVOCATIONS);
        boolean anyAdjustments = hasFiles(slice.lake, LakeTables.ADJUSTMENTS);
        for (String table : new String[] {LakeTables.INVOCATIONS, LakeTables.ADJUSTMENTS, LakeTables.TENANT_HOURLY}) {
            if (!table.equals(LakeTables.INVOCATIONS) || anyInvocations) {
                if (!table.equals(LakeTables.ADJUSTMENTS) || anyAdjustments) {
                    tables.executeSql(LakeTablesSql.createTable(table, slice.lake));
                }
            }
        }
        Diff diff = new Diff();
        try (CloseableIterator<Row> it = tables.executeSql("SELECT MAX(window_end) AS horizon FROM " + LakeTables.TENANT_HOURLY
                + " WHERE row_kind IS NULL OR row_kind = " + literal(TenantHourly.ON_TIME)).collect()) {
            Object horizon = it.hasNext() ? it.next().getField("horizon") : null;
            diff.horizon = horizon == null ? null : ((LocalDateTime) horizon).toInstant(ZoneOffset.UTC);
        }
        try (CloseableIterator<Row> it = tables.executeSql(query(slice, anyInvocations, anyAdjustments)).collect()) {
            while (it.hasNext()) {
                TenantHourly row = row(it.next());
                if (row == null) {
                    continue;
                }
                boolean closed = slice.includeOpen || (diff.horizon != null && !row.windowEnd.isAfter(diff.horizon));
                (closed ? diff.rows : diff.open).add(row);
            }
        }
        return diff;
    }

    /** Appends {@code rows} to {@code tenant_hourly}, committed when the job ends. */
    static void write(JobConfig config, String lake, List<TenantHourly> rows) throws Exception {
        StreamExecutionEnvironment env = LocalEnvironments.batchEnvironment(config);
        env.setParallelism(1);
        env.fromData(rows, TypeInformation.of(TenantHourly.class)).name("repair rows")
                .sinkTo(LakeSinks.tenantHourly(lake, config.get(JobConfig.OUTPUT_COMPRESSION))).name("tenant_hourly");
        env.execute("bedrock-cost-stream rollup-repair");
    }

    private static boolean hasFiles(String lake, String table) throws IOException {
        return !CommittedRows.parquetFiles(new Path(lake, table)).isEmpty();
    }

    /**
     * Per hour, tenant and model: the sums of the invocations and the adjustments of the slice, minus
     * those of its {@code tenant_hourly} rows; {@code latency_ms_max} of the invocations alone.
     */
    static String query(Slice slice, boolean anyInvocations, boolean anyAdjustments) {
        List<String> parts = new ArrayList<>();
        if (anyInvocations) {
            StringBuilder b = new StringBuilder("SELECT CAST(FLOOR(event_time TO HOUR) AS TIMESTAMP(6)) AS hour_start, tenant_id, `model`");
            for (String[] c : COUNTS) {
                b.append(", ").append(c[1]).append(" AS ").append(c[0]);
            }
            for (String c : COSTS) {
                b.append(", ").append(c);
            }
            b.append(", latency_ms AS latency_ms_max FROM ").append(LakeTables.INVOCATIONS).append(partitionWhere(slice));
            parts.add(b.toString());
        }
        if (anyAdjustments) {
            StringBuilder b = new StringBuilder("SELECT CAST(FLOOR(event_time TO HOUR) AS TIMESTAMP(6)) AS hour_start, tenant_id, `model`");
            String wasUnpriced = "old_pricing_status = " + literal(Invocation.UNPRICED);
            String isUnpriced = "new_pricing_status = " + literal(Invocation.UNPRICED);
            for (String[] c : COUNTS) {
                String value = c[0].equals("unpriced")
                        ? "CAST(CASE WHEN " + wasUnpriced + " AND NOT " + isUnpriced + " THEN -1 WHEN " + isUnpriced + " AND NOT "
                                + wasUnpriced + " THEN 1 ELSE 0 END AS BIGINT)"
                        : c[0].equals("latency_ms_sum") || c[0].equals("guardrail_text_units") ? "CAST(NULL AS BIGINT)" : "CAST(0 AS BIGINT)";
                b.append(", ").append(value).append(" AS ").append(c[0]);
            }
            for (String c : COSTS) {
                b.append(", ").append(c).append("_delta AS ").append(c);
            }
            b.append(", CAST(NULL AS BIGINT) AS latency_ms_max FROM ").append(LakeTables.ADJUSTMENTS);
            List<String> where = new ArrayList<>();
            if (slice.from != null) {
                where.add("event_time >= TIMESTAMP " + literal(slice.from + " 00:00:00"));
            }
            if (slice.to != null) {
                where.add("event_time < TIMESTAMP " + literal(slice.to.plusDays(1) + " 00:00:00"));
            }
            b.append(where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where));
            parts.add(b.toString());
        }
        StringBuilder hourly = new StringBuilder("SELECT window_start AS hour_start, tenant_id, `model`");
        for (String[] c : COUNTS) {
            hourly.append(", -").append(c[0]).append(" AS ").append(c[0]);
        }
        for (String c : COSTS) {
            hourly.append(", -").append(c).append(" AS ").append(c);
        }
        hourly.append(", CAST(NULL AS BIGINT) AS latency_ms_max FROM ").append(LakeTables.TENANT_HOURLY).append(partitionWhere(slice));
        parts.add(hourly.toString());

        StringBuilder b = new StringBuilder("SELECT hour_start, tenant_id, `model`");
        for (String[] c : COUNTS) {
            b.append(", SUM(").append(c[0]).append(") AS ").append(c[0]);
        }
        for (String c : COSTS) {
            b.append(", SUM(").append(c).append(") AS ").append(c);
        }
        return b.append(", MAX(latency_ms_max) AS latency_ms_max\nFROM (\n  ").append(String.join("\n  UNION ALL\n  ", parts))
                .append("\n)\nGROUP BY hour_start, tenant_id, `model`").toString();
    }

    /** The slice's days, on the Hive partition folders (the hour's day in invocations and tenant_hourly alike). */
    private static String partitionWhere(Slice slice) {
        String day = LakeTablesSql.PARTITION_DAY;
        List<String> where = new ArrayList<>();
        if (slice.from != null) {
            where.add(day + " >= " + literal(slice.from.toString()));
        }
        if (slice.to != null) {
            where.add(day + " <= " + literal(slice.to.toString()));
        }
        return where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
    }

    /** A row of {@link #query} as a REPAIR row; null when the hour's sums already agree. */
    static TenantHourly row(Row r) {
        TenantHourly h = new TenantHourly();
        h.windowStart = ((LocalDateTime) r.getField("hour_start")).toInstant(ZoneOffset.UTC);
        h.windowEnd = h.windowStart.plus(Duration.ofHours(1));
        h.tenantId = (String) r.getField("tenant_id");
        h.model = (String) r.getField("model");
        h.invocations = count(r, "invocations");
        h.inputTokens = count(r, "input_tokens");
        h.outputTokens = count(r, "output_tokens");
        h.cacheReadTokens = count(r, "cache_read_tokens");
        h.cacheWriteTokens = count(r, "cache_write_tokens");
        h.cacheWrite1hTokens = count(r, "cache_write_1h_tokens");
        h.unpriced = count(r, "unpriced");
        h.errors = count(r, "errors");
        h.latencyCount = count(r, "latency_count");
        h.latencyMsSum = (Long) r.getField("latency_ms_sum");
        h.guardrailTextUnits = (Long) r.getField("guardrail_text_units");
        h.inputCost = (BigDecimal) r.getField("input_cost");
        h.outputCost = (BigDecimal) r.getField("output_cost");
        h.cacheReadCost = (BigDecimal) r.getField("cache_read_cost");
        h.cacheWriteCost = (BigDecimal) r.getField("cache_write_cost");
        h.totalCost = (BigDecimal) r.getField("total_cost");
        h.guardrailCost = (BigDecimal) r.getField("guardrail_cost");
        h.imageCost = (BigDecimal) r.getField("image_cost");
        h.videoCost = (BigDecimal) r.getField("video_cost");
        h.rerankCost = (BigDecimal) r.getField("rerank_cost");
        boolean differs = h.invocations != 0 || h.inputTokens != 0 || h.outputTokens != 0 || h.cacheReadTokens != 0
                || h.cacheWriteTokens != 0 || h.cacheWrite1hTokens != 0 || h.unpriced != 0 || h.errors != 0 || h.latencyCount != 0
                || nonZero(h.latencyMsSum) || nonZero(h.guardrailTextUnits);
        for (BigDecimal cost : new BigDecimal[] {h.inputCost, h.outputCost, h.cacheReadCost, h.cacheWriteCost, h.totalCost,
            h.guardrailCost, h.imageCost, h.videoCost, h.rerankCost}) {
            differs |= cost != null && cost.signum() != 0;
        }
        if (!differs) {
            return null;
        }
        // The hour's maximum is the maximum over its rows: the invocations' own is never too high.
        h.latencyMsMax = (Long) r.getField("latency_ms_max");
        h.latencyMsAvg = h.latencyCount > 0 ? TenantHourly.average(h.latencyMsSum, h.latencyCount) : null;
        h.rowKind = TenantHourly.REPAIR;
        return h;
    }

    private static long count(Row r, String column) {
        Long v = (Long) r.getField(column);
        return v == null ? 0 : v;
    }

    private static boolean nonZero(Long v) {
        return v != null && v != 0;
    }
}
