package com.bedrockcost.model;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One budget alert, a row of the {@code alerts} table and a record of the alerts stream. Flink POJO.
 * {@link #alertId} is the same whenever the same alert is emitted again (a replay, a second run).
 */
public class Alert {
    public static final String THRESHOLD = "THRESHOLD";
    public static final String BURN_RATE = "BURN_RATE";

    /** Stable: a hash of type, budget key, period and threshold ({@code budget.AlertIds}). */
    public String alertId;
    /** {@link #THRESHOLD} or {@link #BURN_RATE}. */
    public String alertType;
    /** What the budget is on: {@code tenant} (other dimensions fit the same key). */
    public String dimension;
    public String tenantId;
    /** {@code day}, {@code month} (thresholds) or {@code hour} (burn rate). */
    public String period;
    public Instant periodStart;
    /** Percentage of the budget reached (THRESHOLD); for BURN_RATE the factor over the baseline, as a percentage. */
    public BigDecimal thresholdPct;
    /** The period's budget (THRESHOLD); null for BURN_RATE. */
    public BigDecimal budgetUsd;
    /** Spend in the period (THRESHOLD) or in the hour (BURN_RATE) when the alert fired, the crossing invocation included. */
    public BigDecimal spendUsd;
    /** The tenant's baseline hourly spend (BURN_RATE); null for THRESHOLD. */
    public BigDecimal baselineUsd;
    /** The invocation that crossed. */
    public String requestId;
    /** Its timestamp. */
    public Instant eventTime;
    /** When the job emitted the alert (processing time). */
    public Instant emittedAt;
    /** The budget row that applied, {@code file:line}. */
    public String budgetSource;

    public Alert() {}

    @Override
    public String toString() {
        return alertType + " " + tenantId + " " + period + " " + periodStart + " " + thresholdPct + "% spend " + spendUsd + " (" + alertId + ")";
    }
}
