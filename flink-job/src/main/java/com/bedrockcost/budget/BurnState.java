package com.bedrockcost.budget;

import java.math.BigDecimal;

/**
 * Keyed state of the burn rate of one budget key, constant in size: the open UTC hour and its spend,
 * the exponentially weighted average of the closed hours before it, and the hour last alerted. Flink POJO.
 */
public class BurnState {
    /** Epoch hour of the open (latest) hour. */
    public long hour;
    public BigDecimal hourSpend = BigDecimal.ZERO;
    /** EWMA over the closed hours since {@link #firstHour}, zero-started (bias-corrected when read). */
    public BigDecimal ewma = BigDecimal.ZERO;
    /** Epoch hour of the first invocation seen. */
    public long firstHour;
    /** Epoch hour of the last BURN_RATE alert; -1 = none. */
    public long alertedHour = -1;

    public BurnState() {}
}
