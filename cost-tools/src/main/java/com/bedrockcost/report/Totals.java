package com.bedrockcost.report;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * What a group of invocations (a tenant, a model, an hour ...) used and cost. Costs are exact
 * decimals summed over the priced invocations only, null when none of them is priced.
 */
public final class Totals {
    public long invocations;
    public long inputTokens;
    public long outputTokens;
    public long cacheReadTokens;
    public long cacheWriteTokens;
    public BigDecimal inputCost;
    public BigDecimal outputCost;
    public BigDecimal cacheReadCost;
    public BigDecimal cacheWriteCost;
    public BigDecimal totalCost;
    public long unpriced;
    public long errors;
    public long latencyCount;
    public long latencyMsSum;
    public Long latencyMsMax;
    /** Guardrail text units and their cost (part of {@link #totalCost}). */
    public long guardrailTextUnits;
    public BigDecimal guardrailCost;
    /** Exact nearest-rank percentiles of latency_ms; set for models and the overall totals only. */
    public Long latencyMsP50;
    public Long latencyMsP95;

    public long tokens() {
        return inputTokens + outputTokens + cacheReadTokens + cacheWriteTokens;
    }

    /** Mean latency, half-even to 3 decimals; null when no invocation had a latency. */
    public BigDecimal latencyMsAvg() {
        return latencyCount == 0 ? null
                : BigDecimal.valueOf(latencyMsSum).divide(BigDecimal.valueOf(latencyCount), 3, RoundingMode.HALF_EVEN);
    }

    /** Adds another group (for "others" and for days made of hours); percentiles do not add up and are dropped. */
    public Totals add(Totals o) {
        invocations += o.invocations;
        inputTokens += o.inputTokens;
        outputTokens += o.outputTokens;
        cacheReadTokens += o.cacheReadTokens;
        cacheWriteTokens += o.cacheWriteTokens;
        inputCost = plus(inputCost, o.inputCost);
        outputCost = plus(outputCost, o.outputCost);
        cacheReadCost = plus(cacheReadCost, o.cacheReadCost);
        cacheWriteCost = plus(cacheWriteCost, o.cacheWriteCost);
        totalCost = plus(totalCost, o.totalCost);
        guardrailTextUnits += o.guardrailTextUnits;
        guardrailCost = plus(guardrailCost, o.guardrailCost);
        unpriced += o.unpriced;
        errors += o.errors;
        latencyCount += o.latencyCount;
        latencyMsSum += o.latencyMsSum;
        latencyMsMax = latencyMsMax == null ? o.latencyMsMax
                : o.latencyMsMax == null ? latencyMsMax : Long.valueOf(Math.max(latencyMsMax, o.latencyMsMax));
        latencyMsP50 = null;
        latencyMsP95 = null;
        return this;
    }

    private static BigDecimal plus(BigDecimal a, BigDecimal b) {
        return a == null ? b : b == null ? a : a.add(b);
    }

    /** Total cost or zero: for ranking and chart geometry. */
    public BigDecimal costOrZero() {
        return totalCost == null ? BigDecimal.ZERO : totalCost;
    }
}
