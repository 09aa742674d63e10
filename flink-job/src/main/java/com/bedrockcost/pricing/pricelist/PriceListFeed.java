package com.bedrockcost.pricing.pricelist;

import com.bedrockcost.config.JobConfig;

import java.io.Serializable;
import java.time.Duration;

/** The live refresh's settings ({@code pricing.aws.offer.*}); null from {@link #fromConfig} when it is off. */
public final class PriceListFeed implements Serializable {
    private static final long serialVersionUID = 1L;

    public final String url;
    public final Duration interval;
    public final Duration timeout;

    public PriceListFeed(String url, Duration interval, Duration timeout) {
        this.url = url;
        this.interval = interval;
        this.timeout = timeout;
    }

    public static PriceListFeed fromConfig(JobConfig config) {
        if (!config.get(JobConfig.PRICING_AWS_OFFER_ENABLED)) {
            return null;
        }
        return new PriceListFeed(config.get(JobConfig.PRICING_AWS_OFFER_URL), config.get(JobConfig.PRICING_AWS_OFFER_INTERVAL),
                config.get(JobConfig.PRICING_AWS_OFFER_TIMEOUT));
    }

    @Override
    public String toString() {
        return url + " every " + interval;
    }
}
