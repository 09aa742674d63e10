package com.bedrockcost.pricing;

import com.bedrockcost.csvtable.TableReading;
import com.bedrockcost.model.Adjustment;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.InvocationSerializer;
import com.bedrockcost.model.SideOutputs;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Invocations written UNPRICED, remembered so that a price that arrives later prices them: each is
 * kept, under its request id, as the few fields pricing reads (model, region, scope, tier, event
 * time, token counts and other billed quantities; no request metadata, no bodies) plus tenant and
 * status, for {@code pricing.late.window} from when the job read it (processing time, its
 * {@code ingestTime}: a timer forgets it; one written UNPRICED when the first table arrived has no
 * timer and is forgotten at the next table change after its window). Not event time: the pricing
 * operator's watermark jumps to the end of time whenever the invocation input is idle (the price
 * input's watermark is the maximum), which would forget everything. When the price table changes, every instance prices what it remembers with the new
 * table ({@link ChargePricer}, as the invocation itself was priced); each one now priced leaves as one
 * {@code PRICED_LATE} {@link Adjustment} on {@link SideOutputs#ADJUSTMENTS} and is forgotten, so it
 * is adjusted once. The remembered ones are checkpointed keyed state: a restore neither loses nor
 * repeats an adjustment (the adjustments' files commit with the checkpoint that forgot them).
 *
 * <p>At most {@code pricing.late.max.records} per instance; an UNPRICED invocation beyond that is not
 * remembered, counted (metric {@code unpricedNotRemembered}, accumulator {@link #NOT_REMEMBERED}),
 * and left to {@code restate}. Metrics: {@code unpricedAwaitingPrice} (remembered now),
 * {@code pricedLateAdjustments}, {@code unpricedWindowExpired}.
 */
public final class LatePrices implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(LatePrices.class);
    /** Adjustments emitted (the job's accumulator). */
    public static final String ADJUSTED = "priced-late-adjustments";
    /** UNPRICED invocations not remembered because the count bound was reached (the job's accumulator). */
    public static final String NOT_REMEMBERED = "unpriced-not-remembered";

    static final ValueStateDescriptor<Invocation> REMEMBERED =
            new ValueStateDescriptor<>("unpriced-awaiting-price", TypeInformation.of(Invocation.class));
    private static final ListStateDescriptor<Long> COUNT = new ListStateDescriptor<>("unpriced-awaiting-price-count", Types.LONG);

    private static final InvocationSerializer COPIER = new InvocationSerializer();

    private final long windowMillis;
    private final long maxRecords;

    private transient ValueState<Invocation> remembered;
    private transient ListState<Long> countState;
    /** Remembered by this instance (after a rescaling restore, its share of the total). */
    private transient long count;
    private transient Counter adjusted;
    private transient Counter notRemembered;
    private transient Counter expired;
    private transient LongCounter adjustedTotal;
    private transient LongCounter notRememberedTotal;
    private transient boolean boundReported;

    LatePrices(Duration window, long maxRecords) {
        this.windowMillis = window.toMillis();
        this.maxRecords = maxRecords;
    }

    /** Call from the function's {@code initializeState}: restores this instance's count. */
    void initializeState(FunctionInitializationContext context, int subtask, int parallelism) throws Exception {
        // Union state: every instance sees every count; each takes its share (exact at the same parallelism).
        countState = context.getOperatorStateStore().getUnionListState(COUNT);
        long total = 0;
        for (Long c : countState.get()) {
            total += c;
        }
        count = total / parallelism + (subtask < total % parallelism ? 1 : 0);
    }

    /** Call from the function's {@code snapshotState}. */
    void snapshotState() throws Exception {
        countState.update(List.of(count));
    }

    /** Call from the function's {@code open}. */
    void open(RuntimeContext context, MetricGroup metrics) {
        remembered = context.getState(REMEMBERED);
        adjusted = metrics.counter("pricedLateAdjustments");
        notRemembered = metrics.counter("unpricedNotRemembered");
        expired = metrics.counter("unpricedWindowExpired");
        metrics.gauge("unpricedAwaitingPrice", () -> count);
        adjustedTotal = new LongCounter();
        notRememberedTotal = new LongCounter();
        context.addAccumulator(ADJUSTED, adjustedTotal);
        context.addAccumulator(NOT_REMEMBERED, notRememberedTotal);
    }

    boolean enabled() {
        return windowMillis > 0;
    }

    /**
     * Remembers {@code inv}, just written UNPRICED, under the current key; {@code timers} (null where
     * there is no keyed timer service) gets the timer that forgets it after the window. {@code now}:
     * the current processing time.
     */
    void remember(Invocation inv, TimerService timers, long now) throws Exception {
        if (!enabled()) {
            return;
        }
        Invocation kept = compact(inv, inv.ingestTime == null ? now : inv.ingestTime.toEpochMilli());
        long until = expiry(kept);
        if (until <= now) {
            expired.inc();
            return;
        }
        if (count >= maxRecords) {
            notRemembered.inc();
            notRememberedTotal.add(1L);
            if (!boundReported) {
                boundReported = true;
                LOG.warn("{} UNPRICED invocations are remembered for a late price on this instance (pricing.late.max.records); "
                        + "further ones are not (metric unpricedNotRemembered counts them): `restate` prices them", maxRecords);
            }
            return;
        }
        remembered.update(kept);
        count++;
        if (timers != null) {
            timers.registerProcessingTimeTimer(until);
        }
    }

    /** A processing-time timer at {@code timestamp} of the current key: forgets its invocation if that is when it expires. */
    void onTimer(long timestamp) throws Exception {
        Invocation inv = remembered.value();
        if (inv != null && expiry(inv) == timestamp) {
            remembered.clear();
            count = Math.max(0, count - 1);
            expired.inc();
        }
    }

    /**
     * With a changed table: prices every invocation this instance remembers; each now priced becomes
     * one PRICED_LATE adjustment and is forgotten; those past their window are forgotten.
     */
    void reprice(PriceBook book, KeyedBroadcastProcessFunction<String, Invocation, TableReading, Invocation>.Context ctx)
            throws Exception {
        if (!enabled()) {
            return;
        }
        long now = ctx.currentProcessingTime();
        Instant adjustedAt = Instant.ofEpochMilli(now);
        long[] changes = new long[3];
        ctx.applyToKeyedState(REMEMBERED, (key, state) -> {
            Invocation before = state.value();
            if (before == null) {
                return;
            }
            changes[0]++;
            if (expiry(before) <= now) {
                state.clear();
                expired.inc();
                changes[2]++;
                return;
            }
            Invocation after = COPIER.copy(before);
            if (!ChargePricer.price(after, book)) {
                return;
            }
            state.clear();
            Adjustment adjustment = Adjustment.between(before, after, adjustedAt);
            if (adjustment != null) {
                ctx.output(SideOutputs.ADJUSTMENTS, adjustment);
                adjusted.inc();
                adjustedTotal.add(1L);
                changes[1]++;
            }
        });
        // The walk saw every remembered invocation of this instance: the count is exact again.
        count = changes[0] - changes[1] - changes[2];
        if (changes[1] > 0) {
            LOG.info("{} invocations written UNPRICED are priced by the new table: {} PRICED_LATE adjustments emitted on this instance",
                    changes[1], changes[1]);
        }
    }

    /** When a remembered invocation is forgotten: the window after it was read. */
    private long expiry(Invocation inv) {
        long t = inv.ingestTime.toEpochMilli();
        return t > Long.MAX_VALUE - windowMillis ? Long.MAX_VALUE - 1 : t + windowMillis;
    }

    /** What pricing reads, what an adjustment names, the status as written and when it was read; nothing else. */
    static Invocation compact(Invocation inv, long readAt) {
        Invocation c = new Invocation();
        c.ingestTime = Instant.ofEpochMilli(readAt);
        c.requestId = inv.requestId;
        c.eventTime = inv.eventTime;
        c.region = inv.region;
        c.model = inv.model;
        c.profileScope = inv.profileScope;
        c.tenantId = inv.tenantId;
        c.inputTokens = inv.inputTokens;
        c.outputTokens = inv.outputTokens;
        c.cacheReadTokens = inv.cacheReadTokens;
        c.cacheWriteTokens = inv.cacheWriteTokens;
        c.cacheWrite1hTokens = inv.cacheWrite1hTokens;
        c.guardrailUnits = inv.guardrailUnits;
        c.serviceTier = inv.serviceTier;
        c.imageCount = inv.imageCount;
        c.imageVariant = inv.imageVariant;
        c.videoSeconds = inv.videoSeconds;
        c.rerankQueries = inv.rerankQueries;
        c.quantityGap = inv.quantityGap;
        c.pricingStatus = inv.pricingStatus;
        c.priceSource = inv.priceSource;
        return c;
    }
}
