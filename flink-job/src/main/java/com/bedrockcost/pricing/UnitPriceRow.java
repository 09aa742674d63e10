package com.bedrockcost.pricing;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;

/** One validated row of a unit price file: USD per {@code per} units of one charge over a date range. */
public final class UnitPriceRow implements Serializable {
    private static final long serialVersionUID = 1L;

    final String charge;
    final String model;
    final String region;
    final String variant;
    final Instant from;
    /** Exclusive; null = open ended. */
    final Instant to;
    final BigDecimal usd;
    final long per;
    /** {@code <file name>:<line>}. */
    final String source;

    UnitPriceRow(String charge, String model, String region, String variant, Instant from, Instant to, BigDecimal usd,
                 long per, String source) {
        this.charge = charge;
        this.model = model;
        this.region = region;
        this.variant = variant;
        this.from = from;
        this.to = to;
        this.usd = usd;
        this.per = per;
        this.source = source;
    }

    boolean inForceAt(Instant t) {
        return !t.isBefore(from) && (to == null || t.isBefore(to));
    }

    boolean overlaps(UnitPriceRow o) {
        return (o.to == null || from.isBefore(o.to)) && (to == null || o.from.isBefore(to));
    }

    String slot() {
        return "charge " + charge + ", model " + model + ", region " + region + ", variant " + variant;
    }

    /**
     * {@code quantity × usd / per} at the lake's scale. Exact for whole quantities (usd has at most 6
     * decimals, per is a power of ten up to a million); a fractional quantity (video seconds) is rounded
     * half-even at the 12th decimal.
     */
    BigDecimal cost(BigDecimal quantity) {
        return quantity.multiply(usd).divide(BigDecimal.valueOf(per)).setScale(Pricer.SCALE, RoundingMode.HALF_EVEN);
    }

    @Override
    public String toString() {
        return source + " " + slot();
    }
}
