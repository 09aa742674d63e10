package com.bedrockcost.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * One correction of one invocation's cost: a row of the {@code adjustments} table. {@code invocations}
 * stays append-only; the current cost of an invocation is its row plus the sum of its adjustments.
 * Each delta is the new cost minus the old one, a missing (null) cost counting as 0; a component delta
 * is null when the component is null before and after. Flink POJO.
 */
public class Adjustment {
    /** The invocation was UNPRICED and is now priced. */
    public static final String PRICED_LATE = "PRICED_LATE";
    /** The invocation's price was corrected. */
    public static final String PRICE_CHANGED = "PRICE_CHANGED";

    public String requestId;
    public Instant eventTime;
    public String tenantId;
    public String model;
    public String region;
    /** {@link #PRICED_LATE} or {@link #PRICE_CHANGED}. */
    public String reason;
    public String oldPriceSource;
    public String newPriceSource;
    public String oldPricingStatus;
    public String newPricingStatus;
    public BigDecimal inputCostDelta;
    public BigDecimal outputCostDelta;
    public BigDecimal cacheReadCostDelta;
    public BigDecimal cacheWriteCostDelta;
    public BigDecimal guardrailCostDelta;
    public BigDecimal imageCostDelta;
    public BigDecimal videoCostDelta;
    public BigDecimal rerankCostDelta;
    /** Never null: new total minus old total, a null total counting as 0. */
    public BigDecimal totalCostDelta;
    /** When the adjustment was made; partitions the table. */
    public Instant adjustedAt;

    public Adjustment() {}

    /**
     * The adjustment that takes {@code before} (an invocation at its current cost) to {@code after} (the
     * same invocation priced again), made at {@code adjustedAt}; null when no cost, status or price
     * source differs. The reason is {@link #PRICED_LATE} when {@code before} was UNPRICED and
     * {@code after} is priced, else {@link #PRICE_CHANGED}.
     */
    public static Adjustment between(Invocation before, Invocation after, Instant adjustedAt) {
        Adjustment a = new Adjustment();
        a.requestId = before.requestId;
        a.eventTime = before.eventTime;
        a.tenantId = before.tenantId;
        a.model = before.model;
        a.region = before.region;
        a.oldPriceSource = before.priceSource;
        a.newPriceSource = after.priceSource;
        a.oldPricingStatus = before.pricingStatus;
        a.newPricingStatus = after.pricingStatus;
        a.reason = Invocation.UNPRICED.equals(before.pricingStatus) && Invocation.PRICED.equals(after.pricingStatus)
                ? PRICED_LATE : PRICE_CHANGED;
        a.inputCostDelta = delta(before.inputCost, after.inputCost);
        a.outputCostDelta = delta(before.outputCost, after.outputCost);
        a.cacheReadCostDelta = delta(before.cacheReadCost, after.cacheReadCost);
        a.cacheWriteCostDelta = delta(before.cacheWriteCost, after.cacheWriteCost);
        a.guardrailCostDelta = delta(before.guardrailCost, after.guardrailCost);
        a.imageCostDelta = delta(before.imageCost, after.imageCost);
        a.videoCostDelta = delta(before.videoCost, after.videoCost);
        a.rerankCostDelta = delta(before.rerankCost, after.rerankCost);
        BigDecimal total = delta(before.totalCost, after.totalCost);
        a.totalCostDelta = total == null ? BigDecimal.ZERO : total;
        a.adjustedAt = adjustedAt;
        boolean changed = !Objects.equals(before.pricingStatus, after.pricingStatus)
                || !Objects.equals(before.priceSource, after.priceSource)
                || nonZero(a.inputCostDelta) || nonZero(a.outputCostDelta) || nonZero(a.cacheReadCostDelta)
                || nonZero(a.cacheWriteCostDelta) || nonZero(a.guardrailCostDelta) || nonZero(a.imageCostDelta)
                || nonZero(a.videoCostDelta) || nonZero(a.rerankCostDelta) || nonZero(a.totalCostDelta)
                || (before.totalCost == null) != (after.totalCost == null);
        return changed ? a : null;
    }

    /**
     * Applies this adjustment to {@code inv} (its invocations row, or the row with earlier adjustments
     * applied): each cost plus its delta (a cost stays null when its delta is null), status and price
     * source the new ones; every cost null when the new status is UNPRICED.
     */
    public void applyTo(Invocation inv) {
        if (Invocation.UNPRICED.equals(newPricingStatus)) {
            inv.inputCost = null;
            inv.outputCost = null;
            inv.cacheReadCost = null;
            inv.cacheWriteCost = null;
            inv.guardrailCost = null;
            inv.imageCost = null;
            inv.videoCost = null;
            inv.rerankCost = null;
            inv.totalCost = null;
        } else {
            inv.inputCost = plus(inv.inputCost, inputCostDelta);
            inv.outputCost = plus(inv.outputCost, outputCostDelta);
            inv.cacheReadCost = plus(inv.cacheReadCost, cacheReadCostDelta);
            inv.cacheWriteCost = plus(inv.cacheWriteCost, cacheWriteCostDelta);
            inv.guardrailCost = plus(inv.guardrailCost, guardrailCostDelta);
            inv.imageCost = plus(inv.imageCost, imageCostDelta);
            inv.videoCost = plus(inv.videoCost, videoCostDelta);
            inv.rerankCost = plus(inv.rerankCost, rerankCostDelta);
            inv.totalCost = plus(inv.totalCost, totalCostDelta);
            inv.unpricedReason = null;
        }
        inv.pricingStatus = newPricingStatus;
        inv.priceSource = newPriceSource;
    }

    /** {@code after - before}, a null counting as 0; null when both are null. */
    static BigDecimal delta(BigDecimal before, BigDecimal after) {
        if (before == null && after == null) {
            return null;
        }
        return (after == null ? BigDecimal.ZERO : after).subtract(before == null ? BigDecimal.ZERO : before);
    }

    private static BigDecimal plus(BigDecimal value, BigDecimal delta) {
        if (delta == null) {
            return value;
        }
        return value == null ? delta : value.add(delta);
    }

    private static boolean nonZero(BigDecimal d) {
        return d != null && d.signum() != 0;
    }

    @Override
    public String toString() {
        return "Adjustment{" + reason + " " + requestId + " " + model + " " + oldPricingStatus + "->" + newPricingStatus
                + " total " + totalCostDelta + " at " + adjustedAt + "}";
    }
}
