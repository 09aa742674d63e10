package com.bedrockcost.budget;

import java.math.BigDecimal;

/** Keyed state of one budget key in one period: exact spend so far and the thresholds already alerted. Flink POJO. */
public class PeriodSpend {
    public BigDecimal spend = BigDecimal.ZERO;
    /** Thresholds alerted (percentages, plain, {@code ;}-separated, each enclosed: {@code ;50;80;}). */
    public String fired = ";";
    /** Event time (epoch ms) after which the period is forgotten: its end plus budgets.retention. */
    public long expiresAt;

    public PeriodSpend() {}

    boolean hasFired(String pct) {
        return fired.contains(";" + pct + ";");
    }

    void markFired(String pct) {
        fired = fired + pct + ";";
    }
}
