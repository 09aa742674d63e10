package com.bedrockcost.rollup;

import com.bedrockcost.model.Invocation;

import org.apache.flink.api.common.functions.MapFunction;

import java.math.BigDecimal;

/**
 * The part of an invocation the hourly rollup reads: turning only these fields into table rows
 * keeps the Table API's per-record conversion small. Keeps the record's event timestamp.
 */
public class HourlyUsage {
    public String tenantId;
    public String model;
    public long inputTokens;
    public long outputTokens;
    public long cacheReadTokens;
    public long cacheWriteTokens;
    public long cacheWrite1hTokens;
    public BigDecimal inputCost;
    public BigDecimal outputCost;
    public BigDecimal cacheReadCost;
    public BigDecimal cacheWriteCost;
    public BigDecimal totalCost;
    public boolean unpriced;
    public boolean error;
    public Long latencyMs;

    public HourlyUsage() {}

    /** Invocation to its usage; a named class so the step is serializable and shows in the job graph. */
    public static final class Of implements MapFunction<Invocation, HourlyUsage> {
        private static final long serialVersionUID = 1L;

        @Override
        public HourlyUsage map(Invocation inv) {
            HourlyUsage u = new HourlyUsage();
            u.tenantId = inv.tenantId;
            u.model = inv.model;
            u.inputTokens = inv.inputTokens;
            u.outputTokens = inv.outputTokens;
            u.cacheReadTokens = inv.cacheReadTokens;
            u.cacheWriteTokens = inv.cacheWriteTokens;
            u.cacheWrite1hTokens = inv.cacheWrite1hTokens;
            u.inputCost = inv.inputCost;
            u.outputCost = inv.outputCost;
            u.cacheReadCost = inv.cacheReadCost;
            u.cacheWriteCost = inv.cacheWriteCost;
            u.totalCost = inv.totalCost;
            u.unpriced = Invocation.UNPRICED.equals(inv.pricingStatus);
            u.error = inv.errorCode != null;
            u.latencyMs = inv.latencyMs;
            return u;
        }
    }
}
