package com.bedrockcost.pricing;

import com.bedrockcost.config.JobConfig;

import java.io.Serializable;
import java.time.Duration;

/**
 * What the pricing operator ({@link PricingFunction}) uses of the configuration, taken from it when
 * the job is built: where the price table is, how long invocations wait for one, de-duplication (in
 * the job and against the lake) and late prices. Shipped with the operator; reading files is the
 * operator's, in {@code open()}.
 */
public final class PricingOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    final PriceLocation prices;
    /**
     * The job's input ends (a re-pricing run): it refuses a price table it cannot read or that has a
     * bad file, and it keeps no live marker in the lake.
     */
    final boolean boundedInput;
    final Duration waitTimeout;
    final long waitMaxRecords;
    final Duration dedupTtl;
    /** The lake root whose committed request ids are not written again; null: {@code dedup.lake} off. */
    final String lakeRoot;
    final long lakeCacheMaxIds;
    final Duration lakeRefresh;
    final Duration lateWindow;
    final long lateMaxRecords;

    private PricingOptions(JobConfig config) {
        prices = PriceLocation.fromConfig(config);
        boundedInput = config.input().bounded();
        waitTimeout = config.get(JobConfig.PRICING_WAIT_TIMEOUT);
        waitMaxRecords = config.get(JobConfig.PRICING_WAIT_MAX_RECORDS);
        dedupTtl = config.get(JobConfig.DEDUP_TTL);
        lakeRoot = config.get(JobConfig.DEDUP_LAKE) ? config.get(JobConfig.OUTPUT_PATH) : null;
        lakeCacheMaxIds = config.get(JobConfig.DEDUP_LAKE_CACHE_MAX_IDS);
        lakeRefresh = config.get(JobConfig.DEDUP_LAKE_REFRESH);
        lateWindow = config.get(JobConfig.PRICING_LATE_WINDOW);
        lateMaxRecords = config.get(JobConfig.PRICING_LATE_MAX_RECORDS);
    }

    public static PricingOptions from(JobConfig config) {
        return new PricingOptions(config);
    }
}
