package com.bedrockcost.budget;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** One validated row of a budget file: the allowance of one tenant (or of every tenant, {@code *}) per period over a date range. */
public final class BudgetRow implements Serializable {
    private static final long serialVersionUID = 1L;

    /** {@code tenant_id} of the row that applies to every tenant without a row of its own. */
    public static final String ANY = "*";

    final String tenant;
    final BudgetPeriod period;
    final BigDecimal amount;
    /** Percentages of {@link #amount}, ascending, distinct. */
    final BigDecimal[] thresholds;
    /** Inclusive; null = since always. */
    final Instant from;
    /** Exclusive; null = open ended. */
    final Instant to;
    /** Where the row is: {@code <file name>:<line>}. */
    final String source;

    BudgetRow(String tenant, BudgetPeriod period, BigDecimal amount, BigDecimal[] thresholds, Instant from, Instant to, String source) {
        this.tenant = tenant;
        this.period = period;
        this.amount = amount;
        this.thresholds = thresholds;
        this.from = from;
        this.to = to;
        this.source = source;
    }

    public String tenant() {
        return tenant;
    }

    public BudgetPeriod period() {
        return period;
    }

    public BigDecimal amount() {
        return amount;
    }

    public List<BigDecimal> thresholds() {
        return Arrays.asList(thresholds);
    }

    public String source() {
        return source;
    }

    boolean inForceAt(Instant t) {
        return (from == null || !t.isBefore(from)) && (to == null || t.isBefore(to));
    }

    boolean overlaps(BudgetRow o) {
        return (o.to == null || from == null || from.isBefore(o.to)) && (to == null || o.from == null || o.from.isBefore(to));
    }

    /** Tenant and period: rows of one slot must not be in force at the same time. */
    String slot() {
        return "tenant_id " + tenant + ", period " + period.label();
    }

    String range() {
        return "[" + (from == null ? "always" : from.toString()) + ", " + (to == null ? "open" : to.toString()) + ")";
    }

    int line() {
        return Integer.parseInt(source.substring(source.lastIndexOf(':') + 1));
    }

    String file() {
        return source.substring(0, source.lastIndexOf(':'));
    }

    @Override
    public String toString() {
        return source + " " + slot() + " " + amount.toPlainString() + " USD " + range();
    }
}
