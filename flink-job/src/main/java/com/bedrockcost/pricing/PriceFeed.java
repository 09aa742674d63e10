package com.bedrockcost.pricing;

import com.bedrockcost.config.ConfigException;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.csvtable.TableReading;
import com.bedrockcost.model.StreamFactory;
import com.bedrockcost.pricing.pricelist.PriceListFeed;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * The stream of price readings, and the table loaded when the job is built. A job over a bounded
 * input (files without monitoring, the generator) reads the prices once, so that it can end; a
 * running job watches {@code pricing.path} every {@code pricing.watch.interval}.
 */
public final class PriceFeed {
    private static final Logger LOG = LoggerFactory.getLogger(PriceFeed.class);

    private PriceFeed() {}

    /** The configured price stream. */
    public static StreamFactory<TableReading> fromConfig(JobConfig config) {
        PriceLocation location = PriceLocation.fromConfig(config);
        PriceListFeed priceList = PriceListFeed.fromConfig(config);
        if (priceList != null && config.input().bounded()) {
            // A bounded run re-prices logs: it needs a fixed, reviewed table, not whatever AWS publishes today.
            LOG.warn("pricing.aws.offer.enabled is ignored for a run over a bounded input; to price with the AWS Price List, "
                    + "run `prices import` and pass its folder with --pricing");
            priceList = null;
        }
        Duration interval = config.input().bounded() || location.isBuiltIn() && priceList == null
                ? Duration.ZERO : config.get(JobConfig.PRICING_WATCH_INTERVAL);
        return watch(location, interval, priceList);
    }

    /** Readings of {@code location} every {@code interval}; a zero interval reads once and ends. */
    public static StreamFactory<TableReading> watch(PriceLocation location, Duration interval) {
        return watch(location, interval, null);
    }

    /** As {@link #watch(PriceLocation, Duration)}, merging in the AWS Price List fetched by {@code priceList} (null: off). */
    public static StreamFactory<TableReading> watch(PriceLocation location, Duration interval, PriceListFeed priceList) {
        return env -> env.fromSource(new PriceWatchSource(location, interval, priceList), WatermarkStrategy.noWatermarks(),
                        "price-files", TypeInformation.of(TableReading.class))
                .setParallelism(1).uid("source-prices");
    }

    /**
     * A job over a bounded input (a re-pricing run) refuses to start with a price table it cannot read
     * or that has a bad file, before it is submitted: checked when the job is built (the pricing
     * operator reads the table again when it opens). A running job checks nothing here.
     */
    public static void checkBeforeStart(PricingOptions options) {
        if (options.boundedInput) {
            initialFiles(options);
        }
    }

    /**
     * The price files to start with, read and validated now, so that the first invocations need not
     * wait for the price stream. A job over a bounded input (a re-pricing run) refuses to start with a
     * price table it cannot read or that has a bad file: its output would be wrong. A running job
     * (Kinesis, monitored files) starts anyway, logging the problem: its checkpointed table, or the
     * price stream once the files are fixed, takes over. Returns null when there is nothing usable.
     */
    public static Map<String, String> initialFiles(PricingOptions options) {
        return initialFiles(options, true);
    }

    /** As {@link #initialFiles(PricingOptions)}; {@code log} false: without the log lines (all but one parallel instance). */
    static Map<String, String> initialFiles(PricingOptions options, boolean log) {
        PriceLocation location = options.prices;
        boolean strict = options.boundedInput;
        Map<String, String> reading;
        try {
            reading = location.read();
        } catch (IOException e) {
            String msg = "Cannot read the price table at " + location + ": " + e.getMessage();
            if (strict) {
                throw new ConfigException(msg);
            }
            if (log) {
                LOG.warn("{}; invocations wait up to {} for the price stream", msg, options.waitTimeout);
            }
            return null;
        }
        PriceBook.Outcome outcome = PriceBook.empty().apply(reading);
        if (reading.isEmpty()) {
            String msg = "No price files (*.csv) at " + location;
            if (strict) {
                throw new ConfigException(msg);
            }
            if (log) {
                LOG.warn("{}; invocations wait up to {} for the price stream", msg, options.waitTimeout);
            }
            return null;
        }
        if (!outcome.rejected.isEmpty()) {
            if (strict) {
                StringBuilder b = new StringBuilder();
                for (PriceFileException e : outcome.rejected) {
                    b.append(b.length() == 0 ? "" : "\n").append(e.getMessage());
                }
                throw new ConfigException(b.toString());
            }
            for (PriceFileException e : outcome.rejected) {
                if (log) {
                    LOG.error("{}; starting without it", e.getMessage());
                }
            }
        }
        if (log) {
            LOG.info("Price table at {}: {} rows from {}", location, outcome.book.table().size(), outcome.book.files().keySet());
        }
        return outcome.book.hasTable() ? outcome.book.files() : null;
    }
}
