package com.bedrockcost.budget;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** A budget period in UTC: a calendar day or a calendar month. An invocation counts for the period of its own timestamp. */
public enum BudgetPeriod {
    DAY, MONTH;

    /** As written in budget files and alerts: {@code day}, {@code month}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The period named {@code label} ({@code day} or {@code month}, any case); null when there is none. */
    public static BudgetPeriod parse(String label) {
        for (BudgetPeriod p : values()) {
            if (p.label().equalsIgnoreCase(label.trim())) {
                return p;
            }
        }
        return null;
    }

    /** The start (inclusive) of the period that holds {@code t}. */
    public Instant start(Instant t) {
        LocalDate d = t.atOffset(ZoneOffset.UTC).toLocalDate();
        return (this == DAY ? d : d.withDayOfMonth(1)).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The end (exclusive) of the period that starts at {@code start}. */
    public Instant end(Instant start) {
        return this == DAY ? start.plus(1, ChronoUnit.DAYS)
                : start.atOffset(ZoneOffset.UTC).plusMonths(1).toInstant();
    }
}
