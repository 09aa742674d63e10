package com.bedrockcost.pricing;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;

/** One validated row of a price file: the prices of one model in one region and scope over a date range. */
public final class PriceRow implements Serializable {
    private static final long serialVersionUID = 1L;

    /** {@code region} or {@code profile_scope} value that matches any invocation. */
    public static final String ANY = "*";
    /** The service tier of on-demand calls without a tier. */
    public static final String STANDARD = "standard";
    /** The tier of calls with {@code performanceConfig.latency = optimized}. */
    public static final String LATENCY_OPTIMIZED = "latency-optimized";

    final String model;
    final String region;
    final String scope;
    final Instant from;
    /** Exclusive; null = open ended. */
    final Instant to;
    final BigDecimal input;
    final BigDecimal output;
    final BigDecimal cacheRead;
    final BigDecimal cacheWrite;
    /** Null when the row has no 1-hour cache write rate (1-hour writes then cost the 5-minute rate). */
    final BigDecimal cacheWrite1h;
    final long minPromptTokens;
    /** Where the row is: {@code <file name>:<line>}. */
    final String source;
    /** {@link #STANDARD}, batch, flex, priority or latency-optimized; a row prices calls of its own tier only. */
    final String tier;

    PriceRow(String model, String region, String scope, Instant from, Instant to, BigDecimal input, BigDecimal output,
             BigDecimal cacheRead, BigDecimal cacheWrite, BigDecimal cacheWrite1h, long minPromptTokens, String source) {
        this(model, region, scope, from, to, input, output, cacheRead, cacheWrite, cacheWrite1h, minPromptTokens, source, STANDARD);
    }

    PriceRow(String model, String region, String scope, Instant from, Instant to, BigDecimal input, BigDecimal output,
             BigDecimal cacheRead, BigDecimal cacheWrite, BigDecimal cacheWrite1h, long minPromptTokens, String source,
             String tier) {
        this.model = model;
        this.region = region;
        this.scope = scope;
        this.from = from;
        this.to = to;
        this.input = input;
        this.output = output;
        this.cacheRead = cacheRead;
        this.cacheWrite = cacheWrite;
        this.cacheWrite1h = cacheWrite1h;
        this.minPromptTokens = minPromptTokens;
        this.source = source;
        this.tier = tier;
    }

    public String source() {
        return source;
    }

    public String model() {
        return model;
    }

    /** In force at {@code t}: effective_from inclusive, effective_to exclusive. */
    boolean inForceAt(Instant t) {
        return !t.isBefore(from) && (to == null || t.isBefore(to));
    }

    /** Same model, region, scope and threshold: such rows must not be in force at the same time. */
    boolean sameSlot(PriceRow o) {
        return model.equals(o.model) && region.equals(o.region) && scope.equals(o.scope) && minPromptTokens == o.minPromptTokens
                && tier.equals(o.tier);
    }

    boolean overlaps(PriceRow o) {
        return (o.to == null || from.isBefore(o.to)) && (to == null || o.from.isBefore(to));
    }

    String slot() {
        return "model " + model + ", region " + region + ", profile_scope " + scope + ", min_prompt_tokens " + minPromptTokens
                + (tier.equals(STANDARD) ? "" : ", service_tier " + tier);
    }

    String range() {
        return "[" + from + ", " + (to == null ? "open" : to.toString()) + ")";
    }

    @Override
    public String toString() {
        return source + " " + slot() + " " + range();
    }
}
