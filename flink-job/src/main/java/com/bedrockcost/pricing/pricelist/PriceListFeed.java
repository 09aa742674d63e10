package com.bedrockcost.pricing.pricelist;

import com.bedrockcost.config.ConfigException;
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
        Duration interval = config.get(JobConfig.PRICING_AWS_OFFER_INTERVAL);
        if (interval.compareTo(Duration.ofMinutes(1)) < 0) {
            // The Price List changes a few times a month; a shorter interval only loads AWS and the job.
            throw new ConfigException(JobConfig.PRICING_AWS_OFFER_INTERVAL.name() + " must be at least 1m, not " + interval);
        }
        return new PriceListFeed(config.get(JobConfig.PRICING_AWS_OFFER_URL), interval, config.get(JobConfig.PRICING_AWS_OFFER_TIMEOUT));
    }

    @Override
    public String toString() {
        return url + " every " + interval;
    }
}
