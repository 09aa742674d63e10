package com.bedrockcost.pricing;

import com.bedrockcost.model.Adjustment;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.InvocationSerializer;

import java.time.Instant;

/**
 * Prices an invocation again from its lake row, with the job's own pricing ({@link ChargePricer}), and
 * says what changes: the adjustment that takes its current cost to the new one, or why there is none.
 * The lake row holds every quantity pricing needs (tokens, tier, guardrail units, image count and
 * variant, video seconds, rerank queries). Rows written before {@code image_variant} existed lack the
 * size and quality of their images: those billed per image are left as they are
 * ({@link Outcome#NOT_REPRICEABLE}).
 */
public final class Repricer {
    /** What repricing one invocation gave. */
    public enum Outcome {
        /** The new price gives the current cost: nothing to write. */
        UNCHANGED,
        /** The cost differs: {@link Result#adjustment} says how. */
        ADJUSTED,
        /** Priced now, but the given table has no price for it: the current cost stays (a table never un-prices history). */
        NOT_PRICED_BY_TABLE,
        /** Its lake row does not hold what its price depends on (the image size, in rows older than image_variant): the current cost stays. */
        NOT_REPRICEABLE
    }

    /** An outcome, with the adjustment when {@link Outcome#ADJUSTED}. */
    public static final class Result {
        public final Outcome outcome;
        public final Adjustment adjustment;

        private Result(Outcome outcome, Adjustment adjustment) {
            this.outcome = outcome;
            this.adjustment = adjustment;
        }
    }

    private static final InvocationSerializer COPIER = new InvocationSerializer();
    /** Where {@code unpriced_reason} says the guardrail units were unknown ({@code parse.ChargeFields}'s gap note). */
    private static final String GUARDRAIL = "guardrail: ";
    private static final String GUARDRAIL_NO_PRICE = GUARDRAIL + "no price for ";

    private Repricer() {}

    /**
     * {@code current}: the invocation as in the lake with its adjustments applied (costs, status, price
     * source, unpriced_reason). Prices a copy with {@code book} at its event time; {@code current} is
     * not changed.
     */
    public static Result reprice(Invocation current, PriceBook book, Instant adjustedAt) {
        if (current.imageCount != null && current.imageVariant == null && book.unitPrices().charges(UnitPriceCsv.IMAGE, current.model)) {
            return new Result(Outcome.NOT_REPRICEABLE, null);
        }
        Invocation repriced = COPIER.copy(current);
        repriced.quantityGap = guardrailGap(current.unpricedReason);
        ChargePricer.price(repriced, book);
        if (Invocation.PRICED.equals(current.pricingStatus) && !Invocation.PRICED.equals(repriced.pricingStatus)) {
            return new Result(Outcome.NOT_PRICED_BY_TABLE, null);
        }
        Adjustment a = Adjustment.between(current, repriced, adjustedAt);
        return a == null ? new Result(Outcome.UNCHANGED, null) : new Result(Outcome.ADJUSTED, a);
    }

    /**
     * The parse-time note that the guardrail's units are unknown, recovered from {@code unpriced_reason}
     * (where {@link ChargePricer} put it), so that such an invocation stays UNPRICED as the job left it.
     */
    static String guardrailGap(String unpricedReason) {
        if (unpricedReason == null) {
            return null;
        }
        for (String part : unpricedReason.split("; ")) {
            if (part.startsWith(GUARDRAIL) && !part.startsWith(GUARDRAIL_NO_PRICE)) {
                return part;
            }
        }
        return null;
    }
}
