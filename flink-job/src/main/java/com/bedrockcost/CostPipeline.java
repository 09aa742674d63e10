package com.bedrockcost;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.csvtable.TableReading;
import com.bedrockcost.ingest.Inputs;
import com.bedrockcost.pricing.RequestIdKey;
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
import com.bedrockcost.pricing.PriceFeed;
import com.bedrockcost.pricing.PricingFunction;
import com.bedrockcost.pricing.PricingOptions;
import com.bedrockcost.rollup.AdjustmentRows;
import com.bedrockcost.rollup.RollupPlacement;
import com.bedrockcost.rollup.RollupState;
import com.bedrockcost.rollup.RunLineage;
import com.bedrockcost.rollup.TenantHourlyRollup;
import com.bedrockcost.sink.Compaction;
import com.bedrockcost.sink.LakeSinks;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job, top to bottom: decode → (malformed → failed) → event time → by request id: dedupe and
 * price (broadcast price table) → invocations, and → hourly rollup (Flink SQL window) → tenant_hourly. The
 * steps know nothing of where bytes come from or go to: sources and sinks are passed in, or built from the
 * configuration by {@link #fromConfig}, the one wiring of the MSF application and the local runner.
 */
public final class CostPipeline {
    private final JobConfig config;
    private final StreamFactory<RawInput> input;
    private final StreamFactory<TableReading> prices;
    private final Sink<Invocation> invocationSink;
    private final Sink<FailedRecord> failedSink;
    private final Sink<TenantHourly> hourlySink;
    private final RollupPlacement rollup;
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
        this(config, input, prices, invocationSink, failedSink, hourlySink,
                hourlySink == null ? RollupPlacement.NONE : RollupPlacement.of(config, false));
    }

    private CostPipeline(JobConfig config, StreamFactory<RawInput> input, StreamFactory<TableReading> prices,
                         Sink<Invocation> invocationSink, Sink<FailedRecord> failedSink, Sink<TenantHourly> hourlySink,
                         RollupPlacement rollup) {
        this.config = config;
        this.input = input;
        this.prices = prices;
        this.invocationSink = invocationSink;
        this.failedSink = failedSink;
        this.hourlySink = hourlySink;
        this.rollup = rollup;
    }

    /**
     * The job as configured: its input ({@link Inputs#fromConfig}), price feed, budgets and the lake's
     * sinks, with {@code tenant_hourly} in the job where {@link RollupPlacement#of} puts it when no
     * batch rollup follows the input. What the MSF application runs.
     */
    public static CostPipeline fromConfig(JobConfig config) {
        return fromConfig(config, RollupPlacement.of(config, false), null, null);
    }

    /**
     * As {@link #fromConfig(JobConfig)}, for a bounded local run whose {@code tenant_hourly} the runner
     * writes in a batch job after the input ({@link RollupPlacement#AFTER_INPUT}): no rollup in the job,
     * the run's lineage recorded under {@code runId} ({@link #withRunLineage}), and its invocation files
     * named {@code <filePrefix>-…} (merged: {@code compacted-<filePrefix>-…}), so that the batch rollup finds them by name.
     */
    public static CostPipeline rollupAfterInput(JobConfig config, String runId, String filePrefix) {
        RollupPlacement placement = RollupPlacement.of(config, true);
        if (placement != RollupPlacement.AFTER_INPUT) {
            throw new IllegalArgumentException("tenant_hourly is not written after the input of this run: " + placement);
        }
        return fromConfig(config, placement, runId, filePrefix);
    }

    private static CostPipeline fromConfig(JobConfig config, RollupPlacement placement, String runId, String filePrefix) {
        String root = config.get(JobConfig.OUTPUT_PATH);
        String codec = config.get(JobConfig.OUTPUT_COMPRESSION);
        StreamFactory<RawInput> input = Inputs.fromConfig(config);
        StreamFactory<TableReading> prices = PriceFeed.fromConfig(config);
        Compaction compaction = Compaction.fromConfig(config);
        if (placement == RollupPlacement.AFTER_INPUT) {
            return new CostPipeline(config, input, prices, LakeSinks.invocations(root, codec, filePrefix, compaction),
                    LakeSinks.failed(root, codec, compaction), null, placement).withRunLineage(runId).withBudgets(BudgetAlerts.fromConfig(config));
        }
        return new CostPipeline(config, input, prices, LakeSinks.invocations(root, codec, compaction), LakeSinks.failed(root, codec, compaction),
                placement.inJob() ? LakeSinks.tenantHourly(root, codec, compaction) : null, placement)
                .withBudgets(BudgetAlerts.fromConfig(config)).withAdjustments(LakeSinks.adjustments(root, codec));
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
        return adjustmentSink != null && !config.input().bounded();
    }

    /** Adds budgets and alerts after pricing ({@code budgets} null: none, as without budgets.path). */
    public CostPipeline withBudgets(BudgetAlerts budgets) {
        this.budgets = budgets;
        return this;
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
        PricingOptions pricingOptions = PricingOptions.from(config);
        PriceFeed.checkBeforeStart(pricingOptions);
        SingleOutputStreamOperator<Invocation> pricing = timed
                .keyBy(new RequestIdKey())
                .connect(priceTable)
                .process(new PricingFunction(pricingOptions).withLatePrices(hasLatePrices())).uid("price").name("price");
        SingleOutputStreamOperator<Invocation> priced = pricing
                .transform("price-event-time", TypeInformation.of(Invocation.class), new EventTimeStamps()).uid("price-event-time");

        DataStream<Invocation> written = runId == null ? priced
                : priced.transform("run-lineage", TypeInformation.of(Invocation.class), new RunLineage<>(runId)).uid("run-lineage");
        written.sinkTo(invocationSink).uid("sink-invocations").name("invocations");
        if (rollup.inJob()) {
            DataStream<TenantHourly> hourly = PlannerUids.renumber(TenantHourlyRollup.of(priced, rollup), RollupState.UID_PREFIX);
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
