package com.bedrockcost.pricing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * The unit price rows in force (guardrail policies, images, video seconds, rerank queries). Finds the
 * row for a charge: exact region over {@code *}, exact model over {@code *}; images by size bucket
 * (the smallest {@code <width>x<height>} that holds the requested size, same quality) or {@code *}.
 */
public final class UnitPrices {
    private static final UnitPrices EMPTY = new UnitPrices(List.of());

    private final List<UnitPriceRow> rows;
    /** {@code charge + " " + model} of every row, to tell which models have per-unit charges. */
    private final Set<String> chargedModels;

    private UnitPrices(List<UnitPriceRow> rows) {
        this.rows = Collections.unmodifiableList(rows);
        Set<String> charged = new HashSet<>();
        for (UnitPriceRow r : rows) {
            charged.add(r.charge + " " + r.model);
        }
        this.chargedModels = charged;
    }

    public static UnitPrices of(Collection<UnitPriceRow> rows) {
        return rows.isEmpty() ? EMPTY : new UnitPrices(new ArrayList<>(rows));
    }

    public int size() {
        return rows.size();
    }

    /** True when some row (at any time) prices {@code charge} for {@code model}: the model is billed by that unit. */
    public boolean charges(String charge, String model) {
        return model != null && chargedModels.contains(charge + " " + model);
    }

    /** The row for {@code charge} of {@code model} in {@code region} at {@code at}; null when none applies. */
    public UnitPriceRow find(String charge, String model, String region, String variant, Instant at) {
        if (at == null) {
            return null;
        }
        int[] wanted = imageSize(variant);
        UnitPriceRow best = null;
        int bestRank = -1;
        long bestArea = Long.MAX_VALUE;
        for (UnitPriceRow r : rows) {
            if (!r.charge.equals(charge) || !r.inForceAt(at)) {
                continue;
            }
            boolean modelExact = r.model.equals(model);
            boolean regionExact = r.region.equals(region);
            if (!modelExact && !r.model.equals(PriceRow.ANY) || !regionExact && !r.region.equals(PriceRow.ANY)) {
                continue;
            }
            long area = Long.MAX_VALUE;
            if (!r.variant.equals(PriceRow.ANY)) {
                if (charge.equals(UnitPriceCsv.IMAGE)) {
                    int[] bucket = imageSize(r.variant);
                    if (wanted == null || bucket == null || !quality(r.variant).equals(quality(variant))
                            || (long) wanted[0] * wanted[1] > (long) bucket[0] * bucket[1]) {
                        continue;
                    }
                    area = (long) bucket[0] * bucket[1];
                } else if (!r.variant.equals(variant)) {
                    continue;
                }
            }
            int rank = (modelExact ? 2 : 0) + (regionExact ? 1 : 0);
            if (rank > bestRank || rank == bestRank && area < bestArea) {
                best = r;
                bestRank = rank;
                bestArea = area;
            }
        }
        return best;
    }

    private static int[] imageSize(String variant) {
        if (variant == null) {
            return null;
        }
        Matcher m = UnitPriceCsv.IMAGE_VARIANT.matcher(variant);
        return m.matches() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : null;
    }

    private static String quality(String variant) {
        Matcher m = UnitPriceCsv.IMAGE_VARIANT.matcher(variant == null ? "" : variant);
        return m.matches() ? m.group(3) : "";
    }
}
