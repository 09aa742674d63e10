package com.bedrockcost.pricing;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.model.Invocation;

import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/** Prices invocations from the price table held in broadcast state. */
public class PricingFunction extends KeyedBroadcastProcessFunction<String, Invocation, PriceUpdate, Invocation> {
    private static final long serialVersionUID = 1L;

    public static final MapStateDescriptor<String, PriceUpdate> PRICE_FILES =
            new MapStateDescriptor<>("price-files", Types.STRING, TypeInformation.of(PriceUpdate.class));

    public PricingFunction(JobConfig config) {}

    @Override
    public void processElement(Invocation inv, ReadOnlyContext ctx, Collector<Invocation> out) {
        inv.pricingStatus = Invocation.UNPRICED;
        out.collect(inv);
    }

    @Override
    public void processBroadcastElement(PriceUpdate update, Context ctx, Collector<Invocation> out) throws Exception {
        ctx.getBroadcastState(PRICE_FILES).put(update.path, update);
    }
}
