package com.bedrockcost.rollup;

import com.bedrockcost.model.Invocation;

import java.math.BigDecimal;

/**
 * A partial sum of one UTC hour, tenant and model: what the rollup's SQL window adds up. Built by
 * {@link HourlyCombiner} from any number of priced invocations; a sum over the partials of an hour
 * equals the sum over its invocations. Nullable sums follow SQL: null when no invocation had a value.
 */
public class HourlyUsage {
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

    private static BigDecimal plus(BigDecimal sum, BigDecimal value) {
        return value == null ? sum : sum == null ? value : sum.add(value);
    }
}
