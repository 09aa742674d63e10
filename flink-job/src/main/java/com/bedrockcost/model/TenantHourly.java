package com.bedrockcost.model;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Objects;

/**
 * One row of {@code tenant_hourly}: what one tenant spent on one model in one UTC hour (event
 * time), or a correction to it. The table is additive: an hour may have several rows for the same
 * tenant and model (the on-time row, then {@link #LATE} and {@link #ADJUSTMENT} rows), and the
 * hour's figures are their sums. A Flink POJO, written by {@code LakeSinks.tenantHourly}.
 */
public class TenantHourly {
    /** {@link #rowKind} of the row the hour's window wrote when the watermark passed its end. */
    public static final String ON_TIME = "ON_TIME";
    /** {@link #rowKind} of a row of invocations that arrived after their hour's window was written. */
    public static final String LATE = "LATE";
    /** {@link #rowKind} of a row of cost changes of invocations already counted (adjustments): no invocations, cost deltas. */
    public static final String ADJUSTMENT = "ADJUSTMENT";
    /**
     * {@link #rowKind} of a row {@code rollup-repair} appended: what the hour's rows lacked to equal its
     * invocations and adjustments (e.g. hours open in rollup state a restore could not read).
     */
    public static final String REPAIR = "REPAIR";

    public Instant windowStart;
    public Instant windowEnd;
    /** Null for invocations without a tenant. */
    public String tenantId;
    /** Canonical model id; null when it could not be known. */
    public String model;

    public long invocations;
    public long inputTokens;
    public long outputTokens;
    public long cacheReadTokens;
    public long cacheWriteTokens;
    public long cacheWrite1hTokens;

    /** Sums over the priced invocations of the hour, scale 12; null when none of them is priced. */
    public BigDecimal inputCost;
    public BigDecimal outputCost;
    public BigDecimal cacheReadCost;
    public BigDecimal cacheWriteCost;
    public BigDecimal totalCost;
    /** Guardrail text units of the hour's invocations (priced or not); null when none had guardrail usage. */
    public Long guardrailTextUnits;
    /** Parts of {@link #totalCost}: guardrails, images, video, rerank; null when no priced invocation had one. */
    public BigDecimal guardrailCost;
    public BigDecimal imageCost;
    public BigDecimal videoCost;
    public BigDecimal rerankCost;

    public long unpriced;
    public long errors;

    public long latencyCount;
    public Long latencyMsSum;
    /** {@code latencyMsSum / latencyCount}, half-even to 3 decimals; null when no invocation had a latency. */
    public BigDecimal latencyMsAvg;
    public Long latencyMsMax;
    /** {@link #ON_TIME}, {@link #LATE}, {@link #ADJUSTMENT} or {@link #REPAIR}. */
    public String rowKind;

    public TenantHourly() {}

    /** {@code sum / count}, half-even to 3 decimals; null without a value. */
    public static BigDecimal average(Long sum, long count) {
        return count == 0 || sum == null ? null
                : BigDecimal.valueOf(sum).divide(BigDecimal.valueOf(count), 3, RoundingMode.HALF_EVEN);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TenantHourly)) {
            return false;
        }
        TenantHourly t = (TenantHourly) o;
        return invocations == t.invocations && inputTokens == t.inputTokens && outputTokens == t.outputTokens
                && cacheReadTokens == t.cacheReadTokens && cacheWriteTokens == t.cacheWriteTokens
                && cacheWrite1hTokens == t.cacheWrite1hTokens && unpriced == t.unpriced && errors == t.errors
                && latencyCount == t.latencyCount
                && Objects.equals(windowStart, t.windowStart) && Objects.equals(windowEnd, t.windowEnd)
                && Objects.equals(tenantId, t.tenantId) && Objects.equals(model, t.model)
                && Objects.equals(inputCost, t.inputCost) && Objects.equals(outputCost, t.outputCost)
                && Objects.equals(cacheReadCost, t.cacheReadCost) && Objects.equals(cacheWriteCost, t.cacheWriteCost)
                && Objects.equals(totalCost, t.totalCost) && Objects.equals(latencyMsSum, t.latencyMsSum)
                && Objects.equals(latencyMsAvg, t.latencyMsAvg) && Objects.equals(latencyMsMax, t.latencyMsMax)
                && Objects.equals(guardrailTextUnits, t.guardrailTextUnits) && Objects.equals(guardrailCost, t.guardrailCost)
                && Objects.equals(imageCost, t.imageCost) && Objects.equals(videoCost, t.videoCost)
                && Objects.equals(rerankCost, t.rerankCost) && Objects.equals(rowKind, t.rowKind);
    }

    @Override
    public int hashCode() {
        return Objects.hash(windowStart, tenantId, model);
    }

    @Override
    public String toString() {
        return "TenantHourly{" + windowStart + " tenant=" + tenantId + " model=" + model + " n=" + invocations
                + " in=" + inputTokens + " out=" + outputTokens + " total=" + totalCost + " unpriced=" + unpriced + " " + rowKind + "}";
    }
}
