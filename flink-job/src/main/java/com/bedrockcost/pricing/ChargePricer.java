package com.bedrockcost.pricing;

import com.bedrockcost.model.GuardrailPolicy;
import com.bedrockcost.model.Invocation;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Prices everything an invocation log explains: tokens at the rate of the call's service tier
 * ({@link Pricer}), guardrail units per policy, images, video seconds and rerank queries (unit price
 * files). {@code total_cost} is the sum of all of them. A charge that applies but cannot be priced — no
 * price for a policy that has units, a tier without its own rates, a per-unit model whose quantity the
 * record does not give — makes the row UNPRICED with every cost null (as for a model without a price),
 * and says why in {@code unpriced_reason}: never a silent 0, never a total that leaves a charge out.
 * When some parts could be priced (the tokens, the guardrail policies that have a price, …), the reason
 * goes on to say what they cost and from which rows ({@link #PRICED_PARTS}), so a user sees both what is
 * missing and what the known part of the bill is; the row stays UNPRICED with null costs (contracts §1).
 */
public final class ChargePricer {
    private ChargePricer() {}

    /** Starts the part of {@code unpriced_reason} that gives the cost of the parts that could be priced. */
    public static final String PRICED_PARTS = "priced without it: USD ";

    /** Prices {@code inv} from {@code book}; false when some charge (or the whole call) could not be priced. */
    public static boolean price(Invocation inv, PriceBook book) {
        UnitPrices units = book.unitPrices();
        List<String> reasons = new ArrayList<>();
        Set<String> sources = new LinkedHashSet<>();
        String tier = pricingTier(inv.serviceTier);
        boolean perUnitModel = units.charges(UnitPriceCsv.IMAGE, inv.model) || units.charges(UnitPriceCsv.VIDEO, inv.model)
                || units.charges(UnitPriceCsv.RERANK, inv.model);

        BigDecimal tokens;
        PriceRow row = tier == null ? null : book.table().find(inv.model, inv.region, inv.profileScope, tier, inv.eventTime, inv.promptTokens());
        if (row != null) {
            Pricer.price(inv, row);
            tokens = inv.totalCost;
            sources.add(inv.priceSource);
        } else if (perUnitModel && !book.table().hasModel(inv.model)) {
            // Image, video and rerank models bill per unit (the unit price file says so); no token price is expected.
            zeroTokenCosts(inv);
            tokens = BigDecimal.ZERO.setScale(Pricer.SCALE);
        } else {
            Pricer.unpriced(inv);
            tokens = null;
            reasons.add(noTokenPrice(inv, tier, book.table()));
        }

        Parts parts = new Parts();
        if (row != null) {
            parts.add("tokens", tokens);
        }
        BigDecimal guardrail = guardrail(inv, units, reasons, sources, parts);
        inv.imageCost = perUnit(UnitPriceCsv.IMAGE, inv.imageCount == null ? null : BigDecimal.valueOf(inv.imageCount),
                inv.imageVariant, "images", inv, units, reasons, sources);
        inv.videoCost = perUnit(UnitPriceCsv.VIDEO, inv.videoSeconds, null, "video seconds", inv, units, reasons, sources);
        inv.rerankCost = perUnit(UnitPriceCsv.RERANK, inv.rerankQueries == null ? null : BigDecimal.valueOf(inv.rerankQueries),
                null, "rerank queries", inv, units, reasons, sources);

        if (!reasons.isEmpty()) {
            // An incomplete bill is no bill: every cost stays null (contracts §1), the reason says what is
            // missing and what the parts that could be priced cost.
            parts.add("guardrail", guardrail);
            parts.add("image", inv.imageCost);
            parts.add("video", inv.videoCost);
            parts.add("rerank", inv.rerankCost);
            unpriced(inv, String.join("; ", reasons) + parts.describe(sources));
            return false;
        }
        BigDecimal total = tokens;
        for (BigDecimal part : new BigDecimal[] {guardrail, inv.imageCost, inv.videoCost, inv.rerankCost}) {
            if (part != null) {
                total = total.add(part);
            }
        }
        inv.totalCost = total;
        inv.pricingStatus = Invocation.PRICED;
        inv.unpricedReason = null;
        inv.priceSource = sources.isEmpty() ? null : String.join(" + ", sources);
        return true;
    }

    /** Every cost null, UNPRICED, with the reason; the quantities stay. */
    public static void unpriced(Invocation inv, String reason) {
        Pricer.unpriced(inv);
        inv.guardrailCost = null;
        inv.imageCost = null;
        inv.videoCost = null;
        inv.rerankCost = null;
        inv.unpricedReason = reason;
    }

    /** The price-file tier of a logged service tier; null for tiers that are not priced per call (reserved) or unknown. */
    static String pricingTier(String logged) {
        if (logged == null || logged.equals("default") || logged.equals(PriceRow.STANDARD)) {
            return PriceRow.STANDARD;
        }
        switch (logged) {
            case "flex":
            case "priority":
            case "batch":
            case PriceRow.LATENCY_OPTIMIZED:
                return logged;
            default:
                return null;
        }
    }

    private static String noTokenPrice(Invocation inv, String tier, PriceTable table) {
        if (tier == null) {
            return "tokens: service tier '" + inv.serviceTier + "' is not priced per call"
                    + ("reserved".equals(inv.serviceTier) ? " (reserved capacity is billed per reservation)" : "");
        }
        if (!tier.equals(PriceRow.STANDARD)
                && table.find(inv.model, inv.region, inv.profileScope, PriceRow.STANDARD, inv.eventTime, inv.promptTokens()) != null) {
            return "tokens: no " + tier + " tier price for " + inv.model + " in " + inv.region + " (the standard rate does not apply)";
        }
        return "tokens: no price for " + (inv.model == null ? "an unknown model" : inv.model) + " in " + inv.region;
    }

    private static void zeroTokenCosts(Invocation inv) {
        BigDecimal zero = BigDecimal.ZERO.setScale(Pricer.SCALE);
        inv.inputCost = zero;
        inv.outputCost = zero;
        inv.cacheReadCost = zero;
        inv.cacheWriteCost = zero;
    }

    /** Σ units × price / per over the policies with units; null (with a reason) when a policy with units has no price. */
    private static BigDecimal guardrail(Invocation inv, UnitPrices units, List<String> reasons, Set<String> sources,
                                        Parts parts) {
        inv.guardrailCost = null;
        String gap = gap(inv.quantityGap, "guardrail");
        if (gap != null) {
            reasons.add("guardrail: " + gap);
            return null;
        }
        if (inv.guardrailUnits == null) {
            return null;
        }
        BigDecimal sum = BigDecimal.ZERO.setScale(Pricer.SCALE);
        List<String> missing = new ArrayList<>();
        List<String> priced = new ArrayList<>();
        for (int i = 0; i < inv.guardrailUnits.length && i < GuardrailPolicy.count(); i++) {
            long n = inv.guardrailUnits[i];
            if (n == 0) {
                continue;
            }
            GuardrailPolicy policy = GuardrailPolicy.at(i);
            UnitPriceRow r = units.find(UnitPriceCsv.GUARDRAIL, inv.model, inv.region, policy.variant, inv.eventTime);
            if (r == null) {
                missing.add(policy.variant + " (" + n + " units)");
            } else {
                sum = sum.add(r.cost(BigDecimal.valueOf(n)));
                sources.add(r.source);
                priced.add(policy.variant);
            }
        }
        if (!missing.isEmpty()) {
            reasons.add("guardrail: no price for " + String.join(", ", missing));
            if (!priced.isEmpty()) {
                parts.add("guardrail " + String.join(", ", priced), sum);
            }
            return null;
        }
        inv.guardrailCost = sum;
        return sum;
    }

    /**
     * One per-unit charge: priced when the record gives the quantity and the table a price; null (with a
     * reason) when the model is billed by this unit (the table has such rows for it) but the quantity is
     * unknown or has no price in force; null without a reason for models the table bills otherwise.
     */
    private static BigDecimal perUnit(String charge, BigDecimal quantity, String variant, String what, Invocation inv,
                                      UnitPrices units, List<String> reasons, Set<String> sources) {
        boolean billed = units.charges(charge, inv.model);
        if (quantity == null) {
            if (billed) {
                String gap = gap(inv.quantityGap, "body");
                reasons.add(charge + ": the number of " + what + " is not in the record"
                        + (gap != null ? " (" + gap + ")" : ""));
            }
            return null;
        }
        if (!billed) {
            return null; // the table has no such charge for this model: the quantity is kept, nothing is billed for it
        }
        UnitPriceRow r = units.find(charge, inv.model, inv.region, variant, inv.eventTime);
        if (r == null) {
            reasons.add(charge + ": no price for " + quantity.toPlainString() + " " + what + " of " + inv.model
                    + (variant != null && !variant.equals(Invocation.ANY_IMAGE_SIZE) ? " at " + variant
                            : charge.equals(UnitPriceCsv.IMAGE) ? " (size not in the request)" : "")
                    + " in " + inv.region);
            return null;
        }
        sources.add(r.source);
        return r.cost(quantity);
    }

    /** The parts of an incomplete bill that could be priced, for the reason of an UNPRICED row. */
    private static final class Parts {
        private final List<String> names = new ArrayList<>();
        private BigDecimal sum = BigDecimal.ZERO.setScale(Pricer.SCALE);

        void add(String name, BigDecimal cost) {
            if (cost != null) {
                names.add(name + " " + plain(cost));
                sum = sum.add(cost);
            }
        }

        /** {@code "; priced without it: USD 0.0041 = tokens 0.0039 + guardrail topic 0.0002 (rows)"}, or "" when nothing was priced. */
        String describe(Set<String> sources) {
            if (names.isEmpty()) {
                return "";
            }
            return "; " + PRICED_PARTS + plain(sum) + " = " + String.join(" + ", names)
                    + (sources.isEmpty() ? "" : " (" + String.join(" + ", sources) + ")");
        }

        private static String plain(BigDecimal v) {
            return v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString();
        }
    }

    /** The part of a parse-time gap note ({@code kind: reason; ...}) for {@code kind}, or null. */
    private static String gap(String note, String kind) {
        if (note == null) {
            return null;
        }
        for (String part : note.split("; ")) {
            if (part.toLowerCase(Locale.ROOT).startsWith(kind + ": ")) {
                return part.substring(kind.length() + 2);
            }
        }
        return null;
    }
}
