package com.bedrockcost;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.dedup.Deduplicate;
import com.bedrockcost.model.FailedRecord;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.model.SideOutputs;
import com.bedrockcost.parse.DecodeFunction;
import com.bedrockcost.parse.ParseOptions;
import com.bedrockcost.pricing.EventTimeStamps;
import com.bedrockcost.pricing.PriceUpdate;
import com.bedrockcost.pricing.PricingFunction;
import com.bedrockcost.rollup.TenantHourly;
import com.bedrockcost.rollup.TenantHourlyRollup;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job, top to bottom: decode → (malformed → failed) → event time → dedupe → price (broadcast
 * price table) → invocations, and → hourly rollup (Flink SQL window) → tenant_hourly. Knows
 * nothing of where bytes come from or go to: sources and sinks are passed in.
 */
public final class CostPipeline {
    private final JobConfig config;
    private final StreamFactory<RawInput> input;
    private final StreamFactory<PriceUpdate> prices;
    private final Sink<Invocation> invocationSink;
    private final Sink<FailedRecord> failedSink;
    private final Sink<TenantHourly> hourlySink;

    /** The job without the hourly rollup. */
    public CostPipeline(JobConfig config, StreamFactory<RawInput> input, StreamFactory<PriceUpdate> prices,
                        Sink<Invocation> invocationSink, Sink<FailedRecord> failedSink) {
        this(config, input, prices, invocationSink, failedSink, null);
    }

    /** The whole job; {@code hourlySink} receives {@code tenant_hourly} (null, or output.tenant.hourly false: no rollup). */
    public CostPipeline(JobConfig config, StreamFactory<RawInput> input, StreamFactory<PriceUpdate> prices,
                        Sink<Invocation> invocationSink, Sink<FailedRecord> failedSink, Sink<TenantHourly> hourlySink) {
        this.config = config;
        this.input = input;
        this.prices = prices;
        this.invocationSink = invocationSink;
        this.failedSink = failedSink;
        this.hourlySink = hourlySink;
    }

    /** Adds the job to {@code env}; returns the priced invocations (for further consumers such as rollups). */
    public DataStream<Invocation> build(StreamExecutionEnvironment env) {
        // Safe here and worth a third of the CPU: every step emits a new object and none keeps a
        // reference to its input or output after returning, and records kept in keyed state arrive
        // over the network (always freshly deserialized), so chained steps need no defensive copies.
        env.getConfig().enableObjectReuse();
        SingleOutputStreamOperator<Invocation> decoded = input.create(env)
                .process(new DecodeFunction(ParseOptions.from(config))).uid("decode").name("decode");

        DataStream<Invocation> timed = decoded.assignTimestampsAndWatermarks(
                WatermarkStrategy.<Invocation>forBoundedOutOfOrderness(config.get(JobConfig.WATERMARK_OUT_OF_ORDERNESS))
                        .withTimestampAssigner((inv, ts) -> inv.eventTime.toEpochMilli())
                        .withIdleness(config.get(JobConfig.WATERMARK_IDLE_TIMEOUT)))
                .uid("event-time").name("event-time");

        SingleOutputStreamOperator<Invocation> unique = timed
                .keyBy(inv -> inv.requestId)
                .process(new Deduplicate(config.get(JobConfig.DEDUP_TTL))).uid("dedup").name("dedup");

        BroadcastStream<PriceUpdate> priceTable = prices.create(env).broadcast(PricingFunction.PRICE_FILES);
        SingleOutputStreamOperator<Invocation> priced = DataStreamUtils
                .reinterpretAsKeyedStream(unique, inv -> inv.requestId)
                .connect(priceTable)
                .process(new PricingFunction(config)).uid("price").name("price")
                .transform("price-event-time", TypeInformation.of(Invocation.class), new EventTimeStamps()).uid("price-event-time");

        priced.sinkTo(invocationSink).uid("sink-invocations").name("invocations");
        if (hourlySink != null && config.get(JobConfig.OUTPUT_TENANT_HOURLY)) {
            TenantHourlyRollup.of(priced, config).sinkTo(hourlySink).uid("sink-tenant-hourly").name("tenant_hourly");
        }
        decoded.getSideOutput(SideOutputs.FAILED).sinkTo(failedSink).uid("sink-failed").name("failed");
        return priced;
    }
}
