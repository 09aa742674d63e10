package com.bedrockcost.rollup;

import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.TenantHourly;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.config.AggregatePhaseStrategy;
import org.apache.flink.table.api.config.ExecutionConfigOptions;
import org.apache.flink.table.api.config.OptimizerConfigOptions;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * {@code tenant_hourly}: the priced invocations summed per UTC hour of event time, tenant and model,
 * with a Flink SQL tumbling window (windowing TVF) on the stream's own timestamps and watermarks.
 *
 * <p>Streaming (Kinesis, a watched folder): an hour is emitted once, when the watermark passes its
 * end; the watermark trails the largest event time seen by {@code watermark.out.of.orderness} (the
 * minimum over the parallel inputs): that is the hour's {@link TenantHourly#ON_TIME} row. An
 * invocation whose hour has already been emitted when it arrives does not reach the window: it is
 * added to a {@link TenantHourly#LATE} row of its hour, written before the next checkpoint
 * ({@link HourlyCombiner}). The table is additive: the sum over an hour's rows is the sum over its
 * invocations, however late they came.
 *
 * <p>Bounded input (files read once, the generator): files are read in no particular time order, so
 * the stream's watermarks would make whole files late. A local run ({@code LocalRunner.run}) leaves
 * the rollup out of the job and writes it after the input, in batch, with the same query
 * ({@code RunRollup} in cost-tools). A job built with the rollup for a bounded input (on MSF) holds every hour open
 * until the input ends instead: complete whatever the order, at the price of state for every hour,
 * tenant and model of the input until then.
 */
public final class TenantHourlyRollup {
    /** The view the rollup query reads: {@link HourlyUsage} columns plus the {@code rowtime} attribute. */
    static final String INPUT_VIEW = "priced_usage";

    /**
     * The window sums the partial sums of {@link HourlyCombiner}. Identifiers are quoted: {@code model}
     * is a reserved word in Flink SQL. Sums are exact: SUM of DECIMAL(38,12) is DECIMAL(38,12) (cast
     * to pin the lake's type); every input cost has at most 12 decimals, so nothing rounds.
     */
    static final String QUERY = String.join("\n",
            "SELECT",
            "  window_start, window_end, `tenantId` AS tenant_id, `model`,",
            "  SUM(`invocations`) AS invocations,",
            "  SUM(`inputTokens`) AS input_tokens,",
            "  SUM(`outputTokens`) AS output_tokens,",
            "  SUM(`cacheReadTokens`) AS cache_read_tokens,",
            "  SUM(`cacheWriteTokens`) AS cache_write_tokens,",
            "  SUM(`cacheWrite1hTokens`) AS cache_write_1h_tokens,",
            "  CAST(SUM(`inputCost`) AS DECIMAL(38, 12)) AS input_cost,",
            "  CAST(SUM(`outputCost`) AS DECIMAL(38, 12)) AS output_cost,",
            "  CAST(SUM(`cacheReadCost`) AS DECIMAL(38, 12)) AS cache_read_cost,",
            "  CAST(SUM(`cacheWriteCost`) AS DECIMAL(38, 12)) AS cache_write_cost,",
            "  CAST(SUM(`totalCost`) AS DECIMAL(38, 12)) AS total_cost,",
            "  SUM(`unpriced`) AS unpriced,",
            "  SUM(`errors`) AS errors,",
            "  SUM(`latencyCount`) AS latency_count,",
            "  SUM(`latencyMsSum`) AS latency_ms_sum,",
            "  MAX(`latencyMsMax`) AS latency_ms_max,",
            "  SUM(`guardrailTextUnits`) AS guardrail_text_units,",
            "  CAST(SUM(`guardrailCost`) AS DECIMAL(38, 12)) AS guardrail_cost,",
            "  CAST(SUM(`imageCost`) AS DECIMAL(38, 12)) AS image_cost,",
            "  CAST(SUM(`videoCost`) AS DECIMAL(38, 12)) AS video_cost,",
            "  CAST(SUM(`rerankCost`) AS DECIMAL(38, 12)) AS rerank_cost",
            "FROM TABLE(TUMBLE(TABLE " + INPUT_VIEW + ", DESCRIPTOR(rowtime), INTERVAL '1' HOUR))",
            "GROUP BY window_start, window_end, `tenantId`, `model`");

    private TenantHourlyRollup() {}

    /** The rollup as the job runs it ({@link RollupPlacement#inJob}): hours held to the end of the input, or closed by the watermark. */
    public static DataStream<TenantHourly> of(DataStream<Invocation> priced, RollupPlacement placement) {
        return of(priced, placement == RollupPlacement.IN_JOB_TO_END_OF_INPUT);
    }

    /** Adds the rollup of {@code priced} (which must carry event timestamps and watermarks) to its job. */
    public static DataStream<TenantHourly> of(DataStream<Invocation> priced) {
        return of(priced, false);
    }

    static DataStream<TenantHourly> of(DataStream<Invocation> priced, boolean toEndOfInput) {
        if (toEndOfInput) {
            // A timestamp assigner drops the watermarks from upstream and passes only the final one
            // (end of input); emitting none itself, it leaves every hour open until then.
            priced = priced.assignTimestampsAndWatermarks(WatermarkStrategy.<Invocation>noWatermarks()
                            .withTimestampAssigner((inv, ts) -> inv.eventTime.toEpochMilli()))
                    .uid("rollup-hold-to-end").name("rollup-hold-to-end-of-input");
        }
        StreamExecutionEnvironment env = priced.getExecutionEnvironment();
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        // Windows of a TIMESTAMP_LTZ time attribute are aligned in the session time zone: make it UTC
        // so hours are UTC hours whatever the machine's zone.
        tables.getConfig().setLocalTimeZone(ZoneOffset.UTC);
        // The job refuses operators without a uid (savepoint compatibility): let the planner give
        // its operators stable uids too, derived from the plan.
        tables.getConfig().set(ExecutionConfigOptions.TABLE_EXEC_UID_GENERATION, ExecutionConfigOptions.UidGeneration.ALWAYS);
        // HourlyCombiner already adds up before the shuffle: the planner's own local pre-aggregation
        // would only cost planning, generated code and CPU per partial.
        tables.getConfig().set(OptimizerConfigOptions.TABLE_OPTIMIZER_AGG_PHASE_STRATEGY, AggregatePhaseStrategy.ONE_PHASE);

        SingleOutputStreamOperator<HourlyUsage> usage = priced.transform("rollup-usage", TypeInformation.of(HourlyUsage.class), new HourlyCombiner())
                .uid("rollup-usage");
        Table input = tables.fromDataStream(usage, Schema.newBuilder()
                .column("hourStart", "BIGINT NOT NULL")
                .column("tenantId", "STRING")
                .column("model", "STRING")
                .column("invocations", "BIGINT NOT NULL")
                .column("inputTokens", "BIGINT NOT NULL")
                .column("outputTokens", "BIGINT NOT NULL")
                .column("cacheReadTokens", "BIGINT NOT NULL")
                .column("cacheWriteTokens", "BIGINT NOT NULL")
                .column("cacheWrite1hTokens", "BIGINT NOT NULL")
                .column("inputCost", "DECIMAL(38, 12)")
                .column("outputCost", "DECIMAL(38, 12)")
                .column("cacheReadCost", "DECIMAL(38, 12)")
                .column("cacheWriteCost", "DECIMAL(38, 12)")
                .column("totalCost", "DECIMAL(38, 12)")
                .column("unpriced", "BIGINT NOT NULL")
                .column("errors", "BIGINT NOT NULL")
                .column("latencyCount", "BIGINT NOT NULL")
                .column("latencyMsSum", "BIGINT")
                .column("latencyMsMax", "BIGINT")
                .column("guardrailTextUnits", "BIGINT")
                .column("guardrailCost", "DECIMAL(38, 12)")
                .column("imageCost", "DECIMAL(38, 12)")
                .column("videoCost", "DECIMAL(38, 12)")
                .column("rerankCost", "DECIMAL(38, 12)")
                .columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)")   // the record's timestamp: its hour's start
                .watermark("rowtime", "SOURCE_WATERMARK()")        // the stream's own watermarks
                .build());
        tables.createTemporaryView(INPUT_VIEW, input);
        return tables.toDataStream(tables.sqlQuery(QUERY))
                .map(new FromRow()).returns(TypeInformation.of(TenantHourly.class)).uid("rollup-rows").name("tenant_hourly")
                .union(usage.getSideOutput(HourlyCombiner.LATE));
    }

    /** A result row of {@link #QUERY} as a {@link TenantHourly}. */
    static final class FromRow implements MapFunction<Row, TenantHourly> {
        private static final long serialVersionUID = 1L;

        @Override
        public TenantHourly map(Row r) {
            TenantHourly h = new TenantHourly();
            // window_start/window_end are TIMESTAMP(3) wall-clock times in the session zone, UTC.
            h.windowStart = r.<LocalDateTime>getFieldAs("window_start").toInstant(ZoneOffset.UTC);
            h.windowEnd = r.<LocalDateTime>getFieldAs("window_end").toInstant(ZoneOffset.UTC);
            h.tenantId = r.getFieldAs("tenant_id");
            h.model = r.getFieldAs("model");
            h.invocations = r.<Long>getFieldAs("invocations");
            h.inputTokens = r.<Long>getFieldAs("input_tokens");
            h.outputTokens = r.<Long>getFieldAs("output_tokens");
            h.cacheReadTokens = r.<Long>getFieldAs("cache_read_tokens");
            h.cacheWriteTokens = r.<Long>getFieldAs("cache_write_tokens");
            h.cacheWrite1hTokens = r.<Long>getFieldAs("cache_write_1h_tokens");
            h.inputCost = r.getFieldAs("input_cost");
            h.outputCost = r.getFieldAs("output_cost");
            h.cacheReadCost = r.getFieldAs("cache_read_cost");
            h.cacheWriteCost = r.getFieldAs("cache_write_cost");
            h.totalCost = r.getFieldAs("total_cost");
            h.unpriced = r.<Long>getFieldAs("unpriced");
            h.errors = r.<Long>getFieldAs("errors");
            h.latencyCount = r.<Long>getFieldAs("latency_count");
            h.latencyMsSum = r.getFieldAs("latency_ms_sum");
            h.latencyMsMax = r.getFieldAs("latency_ms_max");
            h.guardrailTextUnits = r.getFieldAs("guardrail_text_units");
            h.guardrailCost = r.getFieldAs("guardrail_cost");
            h.imageCost = r.getFieldAs("image_cost");
            h.videoCost = r.getFieldAs("video_cost");
            h.rerankCost = r.getFieldAs("rerank_cost");
            h.latencyMsAvg = TenantHourly.average(h.latencyMsSum, h.latencyCount);
            h.rowKind = TenantHourly.ON_TIME;
            return h;
        }
    }
}
