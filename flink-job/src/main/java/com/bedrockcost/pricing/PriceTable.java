package com.bedrockcost.pricing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The price rows in force, indexed by model. Finds the row for an invocation with the precedence of
 * docs/pricing.md: exact region over {@code *}, then exact profile scope over {@code *}, then the largest
 * {@code min_prompt_tokens} the prompt reaches; only rows in force at the invocation's own time count.
 */
public final class PriceTable {
    private static final PriceRow[] NONE = new PriceRow[0];

    private final Map<String, PriceRow[]> byModel;
    private final int size;

    private PriceTable(Map<String, PriceRow[]> byModel, int size) {
        this.byModel = byModel;
        this.size = size;
    }

    /** A table of validated rows (no two rows of one slot in force at the same time). */
    public static PriceTable of(Collection<PriceRow> rows) {
        Map<String, List<PriceRow>> grouped = new HashMap<>();
        for (PriceRow r : rows) {
            grouped.computeIfAbsent(r.model, k -> new ArrayList<>()).add(r);
        }
        Map<String, PriceRow[]> index = new HashMap<>();
        for (Map.Entry<String, List<PriceRow>> e : grouped.entrySet()) {
            index.put(e.getKey(), e.getValue().toArray(NONE));
        }
        return new PriceTable(Collections.unmodifiableMap(index), rows.size());
    }

    public int size() {
        return size;
    }

    /** True when some row (of any region, scope, tier or time) prices tokens of {@code model}. */
    public boolean hasModel(String model) {
        return model != null && byModel.containsKey(model);
    }

    /**
     * The row that prices an invocation of {@code model} called in {@code region} through a profile of
     * {@code scope} at {@code at} with a prompt of {@code promptTokens}; null when none applies. A null
     * region or scope matches only {@code *} rows.
     */
    public PriceRow find(String model, String region, String scope, Instant at, long promptTokens) {
        return find(model, region, scope, PriceRow.STANDARD, at, promptTokens);
    }

    /** As {@link #find(String, String, String, Instant, long)} for a call in service tier {@code tier}: only that tier's rows apply. */
    public PriceRow find(String model, String region, String scope, String tier, Instant at, long promptTokens) {
        if (model == null || at == null) {
            return null;
        }
        PriceRow[] rows = byModel.getOrDefault(model, NONE);
        PriceRow best = null;
        int bestRank = -1;
        for (PriceRow r : rows) {
            boolean regionExact = r.region.equals(region);
            boolean scopeExact = r.scope.equals(scope);
            if (!r.tier.equals(tier)
                    || !regionExact && !r.region.equals(PriceRow.ANY)
                    || !scopeExact && !r.scope.equals(PriceRow.ANY)
                    || r.minPromptTokens > promptTokens
                    || !r.inForceAt(at)) {
                continue;
            }
            int rank = (regionExact ? 2 : 0) + (scopeExact ? 1 : 0);
            if (rank > bestRank || rank == bestRank && r.minPromptTokens > best.minPromptTokens) {
                best = r;
                bestRank = rank;
            }
        }
        return best;
    }
}
