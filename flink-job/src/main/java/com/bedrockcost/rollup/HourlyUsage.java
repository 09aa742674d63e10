package com.bedrockcost.rollup;

import com.bedrockcost.model.Adjustment;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.TenantHourly;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * A partial sum of one UTC hour, tenant and model: what the rollup's SQL window adds up. Built by
 * {@link HourlyCombiner} from any number of priced invocations; a sum over the partials of an hour
 * equals the sum over its invocations. Nullable sums follow SQL: null when no invocation had a value.
 */
public class HourlyUsage {
    static final long HOUR_MS = 3_600_000L;

    /** Start of the UTC hour, epoch milliseconds. */
    public long hourStart;
    public String tenantId;
    public String model;
    public long invocations;
    public long inputTokens;
    public long outputTokens;
    public long cacheReadTokens;
    public long cacheWriteTokens;
    public long cacheWrite1hTokens;
    public BigDecimal inputCost;
    public BigDecimal outputCost;
    public BigDecimal cacheReadCost;
    public BigDecimal cacheWriteCost;
    public BigDecimal totalCost;
    public Long guardrailTextUnits;
    public BigDecimal guardrailCost;
    public BigDecimal imageCost;
    public BigDecimal videoCost;
    public BigDecimal rerankCost;
    public long unpriced;
    public long errors;
    public long latencyCount;
    public Long latencyMsSum;
    public Long latencyMsMax;

    public HourlyUsage() {}

    HourlyUsage(long hourStart, String tenantId, String model) {
        this.hourStart = hourStart;
        this.tenantId = tenantId;
        this.model = model;
    }

    /** The start of the UTC hour of {@code epochMillis}. */
    static long hourOf(long epochMillis) {
        return Math.floorDiv(epochMillis, HOUR_MS) * HOUR_MS;
    }

    /**
     * Adds an adjustment of an invocation already counted: its cost deltas, and the move out of (or
     * into) {@link #unpriced} when its pricing status changes. Counts and tokens do not change.
     */
    void add(Adjustment d) {
        inputCost = plus(inputCost, d.inputCostDelta);
        outputCost = plus(outputCost, d.outputCostDelta);
        cacheReadCost = plus(cacheReadCost, d.cacheReadCostDelta);
        cacheWriteCost = plus(cacheWriteCost, d.cacheWriteCostDelta);
        guardrailCost = plus(guardrailCost, d.guardrailCostDelta);
        imageCost = plus(imageCost, d.imageCostDelta);
        videoCost = plus(videoCost, d.videoCostDelta);
        rerankCost = plus(rerankCost, d.rerankCostDelta);
        totalCost = plus(totalCost, d.totalCostDelta);
        boolean wasUnpriced = Invocation.UNPRICED.equals(d.oldPricingStatus);
        boolean isUnpriced = Invocation.UNPRICED.equals(d.newPricingStatus);
        if (wasUnpriced != isUnpriced) {
            unpriced += isUnpriced ? 1 : -1;
        }
    }

    /** Adds one invocation. */
    void add(Invocation inv) {
        invocations++;
        inputTokens += inv.inputTokens;
        outputTokens += inv.outputTokens;
        cacheReadTokens += inv.cacheReadTokens;
        cacheWriteTokens += inv.cacheWriteTokens;
        cacheWrite1hTokens += inv.cacheWrite1hTokens;
        inputCost = plus(inputCost, inv.inputCost);
        outputCost = plus(outputCost, inv.outputCost);
        cacheReadCost = plus(cacheReadCost, inv.cacheReadCost);
        cacheWriteCost = plus(cacheWriteCost, inv.cacheWriteCost);
        totalCost = plus(totalCost, inv.totalCost);
        Long units = inv.guardrailTextUnits();
        if (units != null) {
            guardrailTextUnits = guardrailTextUnits == null ? units : guardrailTextUnits + units;
        }
        guardrailCost = plus(guardrailCost, inv.guardrailCost);
        imageCost = plus(imageCost, inv.imageCost);
        videoCost = plus(videoCost, inv.videoCost);
        rerankCost = plus(rerankCost, inv.rerankCost);
        if (Invocation.UNPRICED.equals(inv.pricingStatus)) {
            unpriced++;
        }
        if (inv.errorCode != null) {
            errors++;
        }
        if (inv.latencyMs != null) {
            latencyCount++;
            latencyMsSum = latencyMsSum == null ? inv.latencyMs : latencyMsSum + inv.latencyMs;
            latencyMsMax = latencyMsMax == null ? inv.latencyMs : Math.max(latencyMsMax, inv.latencyMs);
        }
    }

    /**
     * Adds another partial sum of the same hour, tenant and model: the sum over both partials' invocations,
     * as the rollup's SQL adds them (SUM, and MAX for {@link #latencyMsMax}; null stays null until a value comes).
     */
    void add(HourlyUsage o) {
        invocations += o.invocations;
        inputTokens += o.inputTokens;
        outputTokens += o.outputTokens;
        cacheReadTokens += o.cacheReadTokens;
        cacheWriteTokens += o.cacheWriteTokens;
        cacheWrite1hTokens += o.cacheWrite1hTokens;
        inputCost = plus(inputCost, o.inputCost);
        outputCost = plus(outputCost, o.outputCost);
        cacheReadCost = plus(cacheReadCost, o.cacheReadCost);
        cacheWriteCost = plus(cacheWriteCost, o.cacheWriteCost);
        totalCost = plus(totalCost, o.totalCost);
        guardrailTextUnits = plus(guardrailTextUnits, o.guardrailTextUnits);
        guardrailCost = plus(guardrailCost, o.guardrailCost);
        imageCost = plus(imageCost, o.imageCost);
        videoCost = plus(videoCost, o.videoCost);
        rerankCost = plus(rerankCost, o.rerankCost);
        unpriced += o.unpriced;
        errors += o.errors;
        latencyCount += o.latencyCount;
        latencyMsSum = plus(latencyMsSum, o.latencyMsSum);
        if (o.latencyMsMax != null) {
            latencyMsMax = latencyMsMax == null ? o.latencyMsMax : Math.max(latencyMsMax, o.latencyMsMax);
        }
    }

    private static Long plus(Long sum, Long value) {
        if (value == null) {
            return sum;
        }
        return sum == null ? value : Long.valueOf(sum + value);
    }

    private static BigDecimal plus(BigDecimal sum, BigDecimal value) {
        return value == null ? sum : sum == null ? value : sum.add(value);
    }

    /** Hour, tenant and model; tenant and model may be null. */
    static final class Key {
        final long hour;
        final String tenant;
        final String model;
        final int hash;

        Key(long hour, String tenant, String model) {
            this.hour = hour;
            this.tenant = tenant;
            this.model = model;
            this.hash = (Long.hashCode(hour) * 31 + Objects.hashCode(tenant)) * 31 + Objects.hashCode(model);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key)) {
                return false;
            }
            Key k = (Key) o;
            return hour == k.hour && Objects.equals(tenant, k.tenant) && Objects.equals(model, k.model);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** The row of this sum of one hour, tenant and model ({@code rowKind}: a {@link TenantHourly} row kind). */
    TenantHourly row(String rowKind) {
        HourlyUsage u = this;
        TenantHourly h = new TenantHourly();
        h.windowStart = Instant.ofEpochMilli(u.hourStart);
        h.windowEnd = Instant.ofEpochMilli(u.hourStart + HourlyUsage.HOUR_MS);
        h.tenantId = u.tenantId;
        h.model = u.model;
        h.invocations = u.invocations;
        h.inputTokens = u.inputTokens;
        h.outputTokens = u.outputTokens;
        h.cacheReadTokens = u.cacheReadTokens;
        h.cacheWriteTokens = u.cacheWriteTokens;
        h.cacheWrite1hTokens = u.cacheWrite1hTokens;
        h.inputCost = u.inputCost;
        h.outputCost = u.outputCost;
        h.cacheReadCost = u.cacheReadCost;
        h.cacheWriteCost = u.cacheWriteCost;
        h.totalCost = u.totalCost;
        h.unpriced = u.unpriced;
        h.errors = u.errors;
        h.latencyCount = u.latencyCount;
        h.latencyMsSum = u.latencyMsSum;
        h.latencyMsMax = u.latencyMsMax;
        h.guardrailTextUnits = u.guardrailTextUnits;
        h.guardrailCost = u.guardrailCost;
        h.imageCost = u.imageCost;
        h.videoCost = u.videoCost;
        h.rerankCost = u.rerankCost;
        h.latencyMsAvg = TenantHourly.average(h.latencyMsSum, h.latencyCount);
        h.rowKind = rowKind;
        return h;
    }
}
