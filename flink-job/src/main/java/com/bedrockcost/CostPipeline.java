package com.bedrockcost;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.csvtable.TableReading;
import com.bedrockcost.dedup.RequestIdKey;
import com.bedrockcost.lake.LakeFailedRecords;
import com.bedrockcost.model.Adjustment;
import com.bedrockcost.model.FailedRecord;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.model.SideOutputs;
import com.bedrockcost.model.StreamFactory;
import com.bedrockcost.model.TenantHourly;
import com.bedrockcost.parse.DecodeFunction;
import com.bedrockcost.parse.ParseOptions;
import com.bedrockcost.pricing.EventTimeStamps;
import com.bedrockcost.pricing.PricingFunction;
import com.bedrockcost.rollup.AdjustmentRows;
import com.bedrockcost.rollup.RollupState;
import com.bedrockcost.rollup.RunLineage;
import com.bedrockcost.rollup.TenantHourlyRollup;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job, top to bottom: decode → (malformed → failed) → event time → by request id: dedupe and
 * price (broadcast price table) → invocations, and → hourly rollup (Flink SQL window) → tenant_hourly. Knows
 * nothing of where bytes come from or go to: sources and sinks are passed in.
 */
public final class CostPipeline {
    private final JobConfig config;
    private final StreamFactory<RawInput> input;
    private final StreamFactory<TableReading> prices;
    private final Sink<Invocation> invocationSink;
    private final Sink<FailedRecord> failedSink;
    private final Sink<TenantHourly> hourlySink;
    private String runId;
    private BudgetAlerts budgets;
    private Sink<Adjustment> adjustmentSink;

    /** The job without the hourly rollup. */
    public CostPipeline(JobConfig config, StreamFactory<RawInput> input, StreamFactory<TableReading> prices,
                        Sink<Invocation> invocationSink, Sink<FailedRecord> failedSink) {
        this(config, input, prices, invocationSink, failedSink, null);
    }

    /** The whole job; {@code hourlySink} receives {@code tenant_hourly} (null, or output.tenant.hourly false: no rollup). */
    public CostPipeline(JobConfig config, StreamFactory<RawInput> input, StreamFactory<TableReading> prices,
                        Sink<Invocation> invocationSink, Sink<FailedRecord> failedSink, Sink<TenantHourly> hourlySink) {
        this.config = config;
        this.input = input;
        this.prices = prices;
        this.invocationSink = invocationSink;
        this.failedSink = failedSink;
        this.hourlySink = hourlySink;
    }

    /**
     * Records {@code runId} and the ids of the runs this one is restored from in the job's state
     * ({@link RunLineage}): a bounded local run that writes {@code tenant_hourly} after its input
     * finds its invocation files by them.
     */
    public CostPipeline withRunLineage(String runId) {
        this.runId = runId;
        return this;
    }

    /**
     * Writes PRICED_LATE adjustments to {@code sink}: an invocation written UNPRICED is remembered
     * ({@code pricing.late.window}) and a price table that arrives later and prices it adds an
     * adjustment, and an ADJUSTMENT row to {@code tenant_hourly}. Only with an input that does not end
     * (a bounded input reads its price table once).
     */
    public CostPipeline withAdjustments(Sink<Adjustment> sink) {
        this.adjustmentSink = sink;
        return this;
    }

    private boolean hasLatePrices() {
        return adjustmentSink != null && !config.boundedInput();
    }

    /** Adds budgets and alerts after pricing ({@code budgets} null: none, as without budgets.path). */
    public CostPipeline withBudgets(BudgetAlerts budgets) {
        this.budgets = budgets;
        return this;
    }

    private boolean hasRollup() {
        return hourlySink != null && config.get(JobConfig.OUTPUT_TENANT_HOURLY);
    }

    /** Adds the job to {@code env}; returns the priced invocations (for further consumers such as rollups). */
    public DataStream<Invocation> build(StreamExecutionEnvironment env) {
        // Safe here and worth a third of the CPU: every step emits a new object and none keeps a
        // reference to its input or output after returning, and records kept in keyed state arrive
        // over the network (always freshly deserialized), so chained steps need no defensive copies.
        env.getConfig().enableObjectReuse();
        // State must survive job upgrades (savepoint -> new jar): every operator has a stable uid
        // (the job fails to build otherwise), and every record and state type has a Flink
        // serializer, never Kryo, whose format changes with class internals.
        env.getConfig().disableAutoGeneratedUIDs();
        env.getConfig().disableGenericTypes();
        SingleOutputStreamOperator<Invocation> decoded = input.create(env)
                .process(new DecodeFunction(ParseOptions.from(config))).uid("decode").name("decode");

        // Watermarks only drive event-time timers downstream; no step here drops a record behind the
        // watermark: a late invocation is de-duplicated, priced and written into its own day's partition.
        DataStream<Invocation> timed = decoded.assignTimestampsAndWatermarks(
                WatermarkStrategy.<Invocation>forBoundedOutOfOrderness(config.get(JobConfig.WATERMARK_OUT_OF_ORDERNESS))
                        .withTimestampAssigner((inv, ts) -> inv.eventTime.toEpochMilli())
                        .withIdleness(config.get(JobConfig.WATERMARK_IDLE_TIMEOUT)))
                .uid("event-time").name("event-time");

        // De-duplication runs inside the pricing operator, keyed by request id: a separate keyed
        // operator would cost one more serialization of every record (two-input operators do not chain).
        BroadcastStream<TableReading> priceTable = prices.create(env).broadcast(PricingFunction.PRICE_FILES);
        SingleOutputStreamOperator<Invocation> pricing = timed
                .keyBy(new RequestIdKey())
                .connect(priceTable)
                .process(new PricingFunction(config).withLatePrices(hasLatePrices())).uid("price").name("price");
        SingleOutputStreamOperator<Invocation> priced = pricing
                .transform("price-event-time", TypeInformation.of(Invocation.class), new EventTimeStamps()).uid("price-event-time");

        DataStream<Invocation> written = runId == null ? priced
                : priced.transform("run-lineage", TypeInformation.of(Invocation.class), new RunLineage<>(runId)).uid("run-lineage");
        written.sinkTo(invocationSink).uid("sink-invocations").name("invocations");
        if (hasRollup()) {
            DataStream<TenantHourly> hourly = PlannerUids.renumber(TenantHourlyRollup.of(priced, config), RollupState.UID_PREFIX);
            if (hasLatePrices()) {
                hourly = hourly.union(pricing.getSideOutput(SideOutputs.ADJUSTMENTS)
                        .transform("adjustment-rows", TypeInformation.of(TenantHourly.class), new AdjustmentRows())
                        .uid("adjustment-rows"));
            }
            hourly.sinkTo(hourlySink).uid("sink-tenant-hourly").name("tenant_hourly");
        }
        if (hasLatePrices()) {
            pricing.getSideOutput(SideOutputs.ADJUSTMENTS).sinkTo(adjustmentSink).uid("sink-adjustments").name("adjustments");
        }
        if (budgets != null) {
            budgets.attach(priced);
        }
        // A malformed input already committed in failed (a re-run, a resumed run) is not written again.
        decoded.getSideOutput(SideOutputs.FAILED)
                .filter(new LakeFailedRecords(config.get(JobConfig.DEDUP_LAKE), config.get(JobConfig.OUTPUT_PATH),
                        config.get(JobConfig.DEDUP_LAKE_REFRESH))).uid("failed-in-lake").name("failed-in-lake")
                .sinkTo(failedSink).uid("sink-failed").name("failed");
        return priced;
    }
}
