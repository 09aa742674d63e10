package com.bedrockcost.pricing;

import com.bedrockcost.model.Invocation;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Cost of one invocation from one price row, exact in decimal: {@code tokens × price / 1,000,000} per
 * token kind at scale 12, total = the sum. The row's prices apply to every token of the request.
 */
public final class Pricer {
    /** Scale of the lake's cost columns. */
    public static final int SCALE = 12;
    /** Appended to price_source when 1-hour cache writes were priced at the 5-minute rate. */
    public static final String ONE_HOUR_AT_5M_RATE = " (1h cache writes at the 5m rate)";

    private Pricer() {}

    /** Sets the cost columns, status PRICED and price_source. */
    public static void price(Invocation inv, PriceRow row) {
        long write1h = Math.max(0, Math.min(inv.cacheWrite1hTokens, inv.cacheWriteTokens));
        long write5m = inv.cacheWriteTokens - write1h;
        boolean oneHourRate = row.cacheWrite1h != null;
        inv.inputCost = cost(inv.inputTokens, row.input);
        inv.outputCost = cost(inv.outputTokens, row.output);
        inv.cacheReadCost = cost(inv.cacheReadTokens, row.cacheRead);
        inv.cacheWriteCost = cost(write5m, row.cacheWrite).add(cost(write1h, oneHourRate ? row.cacheWrite1h : row.cacheWrite));
        inv.totalCost = inv.inputCost.add(inv.outputCost).add(inv.cacheReadCost).add(inv.cacheWriteCost);
        inv.pricingStatus = Invocation.PRICED;
        inv.priceSource = write1h > 0 && !oneHourRate ? row.source + ONE_HOUR_AT_5M_RATE : row.source;
    }

    /** No price applies: null costs, status UNPRICED; the record is still written. */
    public static void unpriced(Invocation inv) {
        inv.inputCost = null;
        inv.outputCost = null;
        inv.cacheReadCost = null;
        inv.cacheWriteCost = null;
        inv.totalCost = null;
        inv.pricingStatus = Invocation.UNPRICED;
        inv.priceSource = null;
    }

    /** Prices {@code inv} from {@code table}; returns false (and marks it UNPRICED) when no row applies. */
    public static boolean price(Invocation inv, PriceTable table) {
        PriceRow row = table.find(inv.model, inv.region, inv.profileScope, inv.eventTime, inv.promptTokens());
        if (row == null) {
            unpriced(inv);
            return false;
        }
        price(inv, row);
        return true;
    }

    /** Exact: the price has at most 6 decimals (PriceCsv), so the quotient has at most 12. */
    static BigDecimal cost(long tokens, BigDecimal pricePerMillion) {
        return BigDecimal.valueOf(tokens).multiply(pricePerMillion).movePointLeft(6).setScale(SCALE, RoundingMode.UNNECESSARY);
    }
}
