package com.bedrockcost.cli;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.lake.CommittedRows;
import com.bedrockcost.lake.LakeTables;
import com.bedrockcost.lake.LakeTablesSql;
import com.bedrockcost.model.Adjustment;
import com.bedrockcost.model.GuardrailPolicy;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.TenantHourly;
import com.bedrockcost.pricing.PriceBook;
import com.bedrockcost.pricing.Pricer;
import com.bedrockcost.pricing.Repricer;
import com.bedrockcost.report.ReportData;
import com.bedrockcost.rollup.AdjustmentRows;
import com.bedrockcost.sink.LakeSinks;
import com.bedrockcost.localrun.LocalEnvironments;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.config.OptimizerConfigOptions;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static com.bedrockcost.lake.LakeTablesSql.literal;

/**
 * The Flink side of {@code restate}: a batch job over {@code invocations} and {@code adjustments} of
 * the lake that prices every invocation of the slice again ({@link Repricer}, the job's own pricing)
 * and yields one {@link Adjustment} per invocation whose current cost differs. The same plan runs
 * twice: once to count ({@link #summarise}), once to write ({@link #write}); it is deterministic (the
 * lake is locked, {@code adjusted_at} is fixed), so both see the same adjustments. A third job
 * ({@link #reconcileHourly}) then brings {@code tenant_hourly} up to date with {@code adjustments}:
 * per hour, tenant and model it writes the {@code ADJUSTMENT} row that the adjustments lack there.
 * Derived from what both tables hold, not from this run's adjustments, it is idempotent and completes
 * the work of a restate (or a job) that stopped between its commits to the two tables.
 */
final class Restate {
    /** Accumulator: adjustments the write job wrote. */
    static final String WRITTEN = "restate-adjustments-written";
    /** Accumulator: tenant_hourly ADJUSTMENT rows the reconciling job wrote. */
    static final String HOURLY_WRITTEN = "restate-hourly-rows-written";

    /** The slice of the lake and the table to price it with. */
    static final class Slice implements Serializable {
        private static final long serialVersionUID = 1L;
        String lake;
        /** Inclusive UTC days of event time; null = open. */
        LocalDate from;
        LocalDate to;
        /** One tenant; {@link ReportData#NO_TENANT} = invocations without one; null = all. */
        String tenant;
        /** Accepted price files, name → content. */
        TreeMap<String, String> priceFiles;
        Instant adjustedAt;

        String describe() {
            return (from == null && to == null ? "all days" : "days " + (from == null ? "…" : from) + " to " + (to == null ? "…" : to))
                    + ", " + (tenant == null ? "all tenants" : "tenant " + tenant);
        }
    }

    /** One line of the diff summary: a (day, model, outcome, reason) and its invocations. */
    public static final class Line implements Serializable {
        private static final long serialVersionUID = 1L;
        public String day;
        public String model;
        /** A {@link Repricer.Outcome} name. */
        public String outcome;
        /** The adjustments' reason; null for the other outcomes. */
        public String reason;
        public long count;
        /** Current total of these invocations (a null total as 0). */
        public BigDecimal oldTotal;
        /** Their total after the adjustments. */
        public BigDecimal newTotal;

        public Line() {}

        String key() {
            return day + "|" + model + "|" + outcome + "|" + reason;
        }

        Line plus(Line o) {
            Line l = new Line();
            l.day = day;
            l.model = model;
            l.outcome = outcome;
            l.reason = reason;
            l.count = count + o.count;
            l.oldTotal = oldTotal.add(o.oldTotal);
            l.newTotal = newTotal.add(o.newTotal);
            return l;
        }
    }

    private Restate() {}

    /** The diff summary of the slice: lines per (day, model, outcome, reason), in no order. */
    static List<Line> summarise(JobConfig config, Slice slice) throws Exception {
        StreamExecutionEnvironment env = LocalEnvironments.batchEnvironment(config);
        DataStream<Line> lines = outcomes(env, slice)
                .map(Restate::line).returns(TypeInformation.of(Line.class)).name("diff summary")
                .keyBy(Line::key).reduce(Line::plus).name("per day and model");
        List<Line> out = new ArrayList<>();
        try (CloseableIterator<Line> it = lines.executeAndCollect("bedrock-cost-stream restate (diff)")) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    /**
     * Appends the slice's adjustments to {@code <lake>/adjustments}, committed when the job ends.
     * Returns how many adjustments. {@code tenant_hourly} follows with {@link #reconcileHourly}.
     */
    static long write(JobConfig config, Slice slice) throws Exception {
        StreamExecutionEnvironment env = LocalEnvironments.batchEnvironment(config);
        DataStream<Adjustment> adjustments = outcomes(env, slice)
                .flatMap(new Adjusted()).returns(TypeInformation.of(Adjustment.class)).name("adjustments");
        String codec = config.get(JobConfig.OUTPUT_COMPRESSION);
        String partPrefix = "part-restate-" + slice.adjustedAt.toEpochMilli();
        adjustments.sinkTo(LakeSinks.adjustments(slice.lake, codec, partPrefix)).name("adjustments");
        JobExecutionResult result = env.execute("bedrock-cost-stream restate");
        Long written = result.getAccumulatorResult(WRITTEN);
        return written == null ? 0 : written;
    }

    /**
     * Writes to {@code tenant_hourly}, per hour, tenant and model of the slice, the {@code ADJUSTMENT}
     * row that makes its adjustment rows sum to the lake's adjustments (as {@link AdjustmentRows} adds
     * them up: cost deltas, and unpriced -1 for each that priced an unpriced invocation); nothing where
     * they already do. Call it only when the lake has adjustments and a {@code tenant_hourly}. Returns
     * how many rows it wrote.
     */
    static long reconcileHourly(JobConfig config, Slice slice) throws Exception {
        StreamExecutionEnvironment env = LocalEnvironments.batchEnvironment(config);
        StreamTableEnvironment tables = tableEnvironment(env);
        tables.executeSql(LakeTablesSql.createTable(LakeTables.ADJUSTMENTS, slice.lake));
        tables.executeSql(LakeTablesSql.createTable(LakeTables.TENANT_HOURLY, slice.lake));
        tables.toDataStream(tables.sqlQuery(missingHourlyRows(slice)))
                .flatMap(new HourlyRow()).returns(TypeInformation.of(TenantHourly.class)).name("missing ADJUSTMENT rows")
                .sinkTo(LakeSinks.tenantHourly(slice.lake, config.get(JobConfig.OUTPUT_COMPRESSION))).name("tenant_hourly");
        JobExecutionResult result = env.execute("bedrock-cost-stream restate (tenant_hourly)");
        Long written = result.getAccumulatorResult(HOURLY_WRITTEN);
        return written == null ? 0 : written;
    }

    /** Cost columns of tenant_hourly that adjustments change, each the sum of {@code <cost>_delta}. */
    static final String[] HOURLY_COSTS = {
        "input_cost", "output_cost", "cache_read_cost", "cache_write_cost", "total_cost", "guardrail_cost", "image_cost",
        "video_cost", "rerank_cost"};

    /**
     * Per hour, tenant and model of the slice: the adjustments' sums minus those of tenant_hourly's
     * ADJUSTMENT rows ({@code h}, the costs, {@code unpriced}).
     */
    static String missingHourlyRows(Slice slice) {
        List<String> adj = sliceFilter(slice, "event_time");
        List<String> hourly = sliceFilter(slice, "window_start");
        hourly.add("row_kind = " + literal(TenantHourly.ADJUSTMENT));
        StringBuilder adjusted = new StringBuilder("SELECT tenant_id, `model`, FLOOR(event_time TO HOUR) AS h");
        StringBuilder written = new StringBuilder("SELECT tenant_id, `model`, window_start AS h");
        StringBuilder sums = new StringBuilder("SELECT tenant_id, `model`, h");
        for (String c : HOURLY_COSTS) {
            adjusted.append(", ").append(c).append("_delta AS ").append(c);
            written.append(", -").append(c).append(" AS ").append(c);
            sums.append(", SUM(").append(c).append(") AS ").append(c);
        }
        String unpriced = "CASE WHEN COALESCE(old_pricing_status, '') = 'UNPRICED' AND COALESCE(new_pricing_status, '') <> 'UNPRICED' THEN -1"
                + " WHEN COALESCE(old_pricing_status, '') <> 'UNPRICED' AND COALESCE(new_pricing_status, '') = 'UNPRICED' THEN 1 ELSE 0 END";
        adjusted.append(", CAST(").append(unpriced).append(" AS BIGINT) AS unpriced FROM ").append(LakeTables.ADJUSTMENTS)
                .append(adj.isEmpty() ? "" : " WHERE " + String.join(" AND ", adj));
        written.append(", -unpriced AS unpriced FROM ").append(LakeTables.TENANT_HOURLY).append(" WHERE ").append(String.join(" AND ", hourly));
        return sums.append(", SUM(unpriced) AS unpriced FROM (").append(adjusted).append("\nUNION ALL\n").append(written)
                .append(") GROUP BY tenant_id, `model`, h").toString();
    }

    /** The event-time and tenant conditions of the slice on a table whose time column is {@code timeColumn}. */
    private static List<String> sliceFilter(Slice slice, String timeColumn) {
        List<String> where = new ArrayList<>();
        if (slice.from != null) {
            where.add(timeColumn + " >= TIMESTAMP " + literal(slice.from + " 00:00:00"));
        }
        if (slice.to != null) {
            where.add(timeColumn + " < TIMESTAMP " + literal(slice.to.plusDays(1) + " 00:00:00"));
        }
        if (slice.tenant != null) {
            where.add(slice.tenant.equals(ReportData.NO_TENANT) ? "tenant_id IS NULL" : "tenant_id = " + literal(slice.tenant));
        }
        return where;
    }

    /** A row of {@link #missingHourlyRows} → its ADJUSTMENT row, unless nothing is missing; counted. */
    static final class HourlyRow extends RichFlatMapFunction<Row, TenantHourly> {
        private static final long serialVersionUID = 1L;
        private final LongCounter written = new LongCounter();

        @Override
        public void open(OpenContext context) {
            getRuntimeContext().addAccumulator(HOURLY_WRITTEN, written);
        }

        @Override
        public void flatMap(Row row, Collector<TenantHourly> out) {
            TenantHourly h = new TenantHourly();
            h.windowStart = instant(row.getField("h"));
            h.windowEnd = h.windowStart.plus(Duration.ofHours(1));
            h.tenantId = (String) row.getField("tenant_id");
            h.model = (String) row.getField("model");
            h.inputCost = (BigDecimal) row.getField("input_cost");
            h.outputCost = (BigDecimal) row.getField("output_cost");
            h.cacheReadCost = (BigDecimal) row.getField("cache_read_cost");
            h.cacheWriteCost = (BigDecimal) row.getField("cache_write_cost");
            h.totalCost = (BigDecimal) row.getField("total_cost");
            h.guardrailCost = (BigDecimal) row.getField("guardrail_cost");
            h.imageCost = (BigDecimal) row.getField("image_cost");
            h.videoCost = (BigDecimal) row.getField("video_cost");
            h.rerankCost = (BigDecimal) row.getField("rerank_cost");
            h.unpriced = (Long) row.getField("unpriced");
            h.rowKind = TenantHourly.ADJUSTMENT;
            boolean missing = h.unpriced != 0;
            for (BigDecimal cost : new BigDecimal[] {h.inputCost, h.outputCost, h.cacheReadCost, h.cacheWriteCost, h.totalCost,
                h.guardrailCost, h.imageCost, h.videoCost, h.rerankCost}) {
                missing |= cost != null && cost.signum() != 0;
            }
            if (missing) {
                written.add(1);
                out.collect(h);
            }
        }
    }

    /** Every invocation of the slice at its current cost, priced again: one outcome each. */
    private static DataStream<Outcome> outcomes(StreamExecutionEnvironment env, Slice slice) throws IOException {
        StreamTableEnvironment tables = tableEnvironment(env);
        tables.executeSql(LakeTablesSql.createTable(LakeTables.INVOCATIONS, slice.lake));
        boolean anyAdjustments = !CommittedRows.parquetFiles(new Path(slice.lake, LakeTables.ADJUSTMENTS)).isEmpty();
        if (anyAdjustments) {
            tables.executeSql(LakeTablesSql.createTable(LakeTables.ADJUSTMENTS, slice.lake));
        }
        return tables.toDataStream(tables.sqlQuery(query(slice, anyAdjustments)))
                .flatMap(new Reprice(slice)).returns(TypeInformation.of(Outcome.class)).name("reprice");
    }

    private static StreamTableEnvironment tableEnvironment(StreamExecutionEnvironment env) {
        StreamTableEnvironment tables = StreamTableEnvironment.create(env, EnvironmentSettings.inBatchMode());
        tables.getConfig().setLocalTimeZone(ZoneOffset.UTC);
        tables.getConfig().set(OptimizerConfigOptions.TABLE_OPTIMIZER_SOURCE_REPORT_STATISTICS_ENABLED, false);
        return tables;
    }

    /** Cost columns of invocations, each with its {@code _delta} in adjustments. */
    static final String[] COSTS = {
        "input_cost", "output_cost", "cache_read_cost", "cache_write_cost", "guardrail_cost", "image_cost", "video_cost",
        "rerank_cost", "total_cost"};

    /**
     * The slice's invocations, each with the sums of its adjustments' deltas ({@code adj_<cost>}), their
     * number ({@code adj_count}) and the status and price source of the latest one.
     */
    static String query(Slice slice, boolean anyAdjustments) {
        List<String> inv = new ArrayList<>();
        String day = LakeTablesSql.PARTITION_DAY;
        if (slice.from != null) {
            inv.add(day + " >= " + literal(slice.from.toString()));
        }
        if (slice.to != null) {
            inv.add(day + " <= " + literal(slice.to.toString()));
        }
        List<String> adj = sliceFilter(slice, "event_time");
        if (slice.tenant != null) {
            inv.add(slice.tenant.equals(ReportData.NO_TENANT) ? "tenant_id IS NULL" : "tenant_id = " + literal(slice.tenant));
        }
        String invWhere = inv.isEmpty() ? "" : "\nWHERE " + String.join(" AND ", inv);
        String adjWhere = adj.isEmpty() ? "" : "\nWHERE " + String.join(" AND ", adj);
        StringBuilder b = new StringBuilder("SELECT i.request_id, i.event_time, i.region, i.`model`, i.profile_scope, i.tenant_id,"
                + " i.input_tokens, i.output_tokens, i.cache_read_tokens, i.cache_write_tokens, i.cache_write_1h_tokens,"
                + " i.service_tier, i.guardrail_policy_units, i.image_count, i.video_seconds, i.rerank_queries,"
                + " i.pricing_status, i.price_source, i.unpriced_reason, i.image_variant");
        for (String c : COSTS) {
            b.append(", i.").append(c);
        }
        if (!anyAdjustments) {
            b.append(", CAST(NULL AS BIGINT) AS adj_count, CAST(NULL AS STRING) AS adj_status, CAST(NULL AS STRING) AS adj_source");
            for (String c : COSTS) {
                b.append(", CAST(NULL AS DECIMAL(38, 12)) AS adj_").append(c);
            }
            return b.append("\nFROM ").append(LakeTables.INVOCATIONS).append(" i").append(invWhere).toString();
        }
        b.append(", s.adj_count, l.new_pricing_status AS adj_status, l.new_price_source AS adj_source");
        for (String c : COSTS) {
            b.append(", s.adj_").append(c);
        }
        b.append("\nFROM (SELECT * FROM ").append(LakeTables.INVOCATIONS).append(invWhere).append(") i")
                .append("\nLEFT JOIN (SELECT request_id, COUNT(*) AS adj_count");
        for (String c : COSTS) {
            b.append(", SUM(").append(c).append("_delta) AS adj_").append(c);
        }
        b.append(" FROM ").append(LakeTables.ADJUSTMENTS).append(adjWhere).append(" GROUP BY request_id) s ON s.request_id = i.request_id")
                .append("\nLEFT JOIN (SELECT request_id, new_pricing_status, new_price_source FROM (SELECT request_id, new_pricing_status,"
                        + " new_price_source, ROW_NUMBER() OVER (PARTITION BY request_id ORDER BY adjusted_at DESC) AS rn FROM ")
                .append(LakeTables.ADJUSTMENTS).append(adjWhere).append(") WHERE rn = 1) l ON l.request_id = i.request_id");
        return b.toString();
    }

    /** What repricing one invocation gave, with its current total (a null total as 0). */
    public static final class Outcome implements Serializable {
        private static final long serialVersionUID = 1L;
        public String day;
        public String model;
        public String outcome;
        public BigDecimal currentTotal;
        /** Set when the outcome is ADJUSTED. */
        public Adjustment adjustment;

        public Outcome() {}
    }

    /** Invocation at its current cost → {@link Repricer} with the given table. */
    static final class Reprice extends RichFlatMapFunction<Row, Outcome> {
        private static final long serialVersionUID = 1L;
        private final Slice slice;
        private transient PriceBook book;

        Reprice(Slice slice) {
            this.slice = slice;
        }

        @Override
        public void open(OpenContext context) {
            book = PriceBook.empty().apply(slice.priceFiles).book;
        }

        @Override
        public void flatMap(Row row, Collector<Outcome> out) {
            Invocation current = current(row);
            Repricer.Result r = Repricer.reprice(current, book, slice.adjustedAt);
            if (r.outcome == Repricer.Outcome.UNCHANGED) {
                return;
            }
            Outcome o = new Outcome();
            o.day = current.eventTime.atOffset(ZoneOffset.UTC).toLocalDate().toString();
            o.model = current.model;
            o.outcome = r.outcome.name();
            o.currentTotal = current.totalCost == null ? BigDecimal.ZERO.setScale(Pricer.SCALE) : current.totalCost;
            o.adjustment = r.adjustment;
            out.collect(o);
        }
    }

    /** The invocation of a row of {@link #query}, its adjustments applied. */
    static Invocation current(Row row) {
        Invocation inv = new Invocation();
        inv.requestId = (String) row.getField("request_id");
        inv.eventTime = instant(row.getField("event_time"));
        inv.region = (String) row.getField("region");
        inv.model = (String) row.getField("model");
        inv.profileScope = (String) row.getField("profile_scope");
        inv.tenantId = (String) row.getField("tenant_id");
        inv.inputTokens = (Long) row.getField("input_tokens");
        inv.outputTokens = (Long) row.getField("output_tokens");
        inv.cacheReadTokens = (Long) row.getField("cache_read_tokens");
        inv.cacheWriteTokens = (Long) row.getField("cache_write_tokens");
        inv.cacheWrite1hTokens = (Long) row.getField("cache_write_1h_tokens");
        inv.serviceTier = (String) row.getField("service_tier");
        @SuppressWarnings("unchecked")
        Map<String, String> guardrail = (Map<String, String>) row.getField("guardrail_policy_units");
        inv.guardrailUnits = GuardrailPolicy.fromVariants(guardrail);
        inv.imageCount = (Long) row.getField("image_count");
        inv.imageVariant = (String) row.getField("image_variant");
        inv.videoSeconds = (BigDecimal) row.getField("video_seconds");
        inv.rerankQueries = (Long) row.getField("rerank_queries");
        inv.pricingStatus = (String) row.getField("pricing_status");
        inv.priceSource = (String) row.getField("price_source");
        inv.unpricedReason = (String) row.getField("unpriced_reason");
        inv.inputCost = (BigDecimal) row.getField("input_cost");
        inv.outputCost = (BigDecimal) row.getField("output_cost");
        inv.cacheReadCost = (BigDecimal) row.getField("cache_read_cost");
        inv.cacheWriteCost = (BigDecimal) row.getField("cache_write_cost");
        inv.guardrailCost = (BigDecimal) row.getField("guardrail_cost");
        inv.imageCost = (BigDecimal) row.getField("image_cost");
        inv.videoCost = (BigDecimal) row.getField("video_cost");
        inv.rerankCost = (BigDecimal) row.getField("rerank_cost");
        inv.totalCost = (BigDecimal) row.getField("total_cost");
        if (row.getField("adj_count") != null) {
            // All its adjustments as one: the sums of their deltas, the latest one's status and source.
            Adjustment sum = new Adjustment();
            sum.inputCostDelta = (BigDecimal) row.getField("adj_input_cost");
            sum.outputCostDelta = (BigDecimal) row.getField("adj_output_cost");
            sum.cacheReadCostDelta = (BigDecimal) row.getField("adj_cache_read_cost");
            sum.cacheWriteCostDelta = (BigDecimal) row.getField("adj_cache_write_cost");
            sum.guardrailCostDelta = (BigDecimal) row.getField("adj_guardrail_cost");
            sum.imageCostDelta = (BigDecimal) row.getField("adj_image_cost");
            sum.videoCostDelta = (BigDecimal) row.getField("adj_video_cost");
            sum.rerankCostDelta = (BigDecimal) row.getField("adj_rerank_cost");
            sum.totalCostDelta = (BigDecimal) row.getField("adj_total_cost");
            sum.newPricingStatus = (String) row.getField("adj_status");
            sum.newPriceSource = (String) row.getField("adj_source");
            sum.applyTo(inv);
        }
        return inv;
    }

    private static Instant instant(Object sqlTimestamp) {
        return ((LocalDateTime) sqlTimestamp).toInstant(ZoneOffset.UTC);
    }

    private static Line line(Outcome o) {
        Line l = new Line();
        l.day = o.day;
        l.model = o.model;
        l.outcome = o.outcome;
        l.reason = o.adjustment == null ? null : o.adjustment.reason;
        l.count = 1;
        l.oldTotal = o.currentTotal;
        l.newTotal = o.adjustment == null ? o.currentTotal : o.currentTotal.add(o.adjustment.totalCostDelta);
        return l;
    }

    /** The adjustments among the outcomes, counted. */
    static final class Adjusted extends RichFlatMapFunction<Outcome, Adjustment> {
        private static final long serialVersionUID = 1L;
        private final LongCounter written = new LongCounter();

        @Override
        public void open(OpenContext context) {
            getRuntimeContext().addAccumulator(WRITTEN, written);
        }

        @Override
        public void flatMap(Outcome o, Collector<Adjustment> out) {
            if (o.adjustment != null) {
                written.add(1);
                out.collect(o.adjustment);
            }
        }
    }
}
