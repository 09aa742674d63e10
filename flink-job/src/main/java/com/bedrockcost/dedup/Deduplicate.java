package com.bedrockcost.dedup;

import com.bedrockcost.model.Invocation;

import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/** Passes the first copy of each request id and drops later ones for {@code ttl}; keyed by request id. */
public class Deduplicate extends KeyedProcessFunction<String, Invocation, Invocation> {
    private static final long serialVersionUID = 1L;

    private final Duration ttl;
    private transient ValueState<Boolean> seen;
    private transient Counter duplicates;

    public Deduplicate(Duration ttl) {
        this.ttl = ttl;
    }

    @Override
    public void open(Configuration parameters) {
        ValueStateDescriptor<Boolean> d = new ValueStateDescriptor<>("seen", Types.BOOLEAN);
        if (!ttl.isZero()) {
            d.enableTimeToLive(StateTtlConfig.newBuilder(org.apache.flink.api.common.time.Time.milliseconds(ttl.toMillis()))
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .build());
        }
        seen = getRuntimeContext().getState(d);
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicatesDropped");
    }

    @Override
    public void processElement(Invocation inv, Context ctx, Collector<Invocation> out) throws Exception {
        if (seen.value() != null) {
            duplicates.inc();
            return;
        }
        seen.update(Boolean.TRUE);
        out.collect(inv);
    }
}
