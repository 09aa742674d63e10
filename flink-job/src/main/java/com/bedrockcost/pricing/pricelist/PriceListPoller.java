package com.bedrockcost.pricing.pricelist;

import com.bedrockcost.pricing.PriceLayers;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Fetches the AWS Price List every interval on its own thread and keeps the last good conversion.
 * A fetch that fails in any way — an HTTP error, a stalled or truncated download, a file that is not
 * a whole offer, or a result with less than half the rows of the last good one — keeps the last good
 * conversion in force and counts {@code priceListFetchFailures}. Offer versions seen during the run are
 * kept, so a price change closes the old row at the change instead of rewriting history.
 */
public final class PriceListPoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PriceListPoller.class);
    /** Versions of an offer kept for history while the job runs. */
    static final int MAX_VERSIONS = 10;

    private final PriceListFeed feed;
    private final ModelMapping mapping;
    private final Counter failures;
    private final Counter fetched;
    private final Map<String, List<OfferFile>> versions = new TreeMap<>();
    private volatile Map<String, String> latest;
    private ScheduledExecutorService executor;

    public PriceListPoller(PriceListFeed feed, ModelMapping mapping, Counter failures, Counter fetched) {
        this.feed = feed;
        this.mapping = mapping;
        this.failures = failures == null ? new SimpleCounter() : failures;
        this.fetched = fetched == null ? new SimpleCounter() : fetched;
    }

    /** Fetches now and then every interval, on a daemon thread. */
    public void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "aws-price-list");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::fetchOnce, 0, Math.max(1, feed.interval.toMillis()), TimeUnit.MILLISECONDS);
    }

    /** The last good conversion (file name → CSV); null before the first good fetch. */
    public Map<String, String> latest() {
        return latest;
    }

    /** After a restart: the conversion in force before it, until a fetch succeeds (a fetch that already did wins). */
    public synchronized void restore(Map<String, String> files) {
        if (latest == null) {
            latest = files;
            LOG.info("AWS Price List: {} rows of the last good fetch before the restart stay in force until the next fetch", rowsInForce(files));
        }
    }

    public long failures() {
        return failures.getCount();
    }

    /** One fetch and conversion; never throws (a failure is logged and counted). */
    public synchronized boolean fetchOnce() {
        try {
            OfferSource.Offers offers = new OfferSource(feed.timeout).read(feed.url);
            if (offers.offers.isEmpty()) {
                throw new java.io.IOException("no offer file at " + feed.url);
            }
            Map<String, List<OfferFile>> next = new TreeMap<>();
            versions.forEach((k, v) -> next.put(k, new ArrayList<>(v)));
            for (OfferFile o : offers.offers) {
                List<OfferFile> list = next.computeIfAbsent(o.offerCode, k -> new ArrayList<>());
                if (list.isEmpty() || !list.get(list.size() - 1).version.equals(o.version)) {
                    list.add(o);
                    if (list.size() > MAX_VERSIONS) {
                        list.remove(0);
                    }
                } else {
                    list.set(list.size() - 1, o);
                }
            }
            List<OfferFile> all = new ArrayList<>();
            next.values().forEach(all::addAll);
            PriceListConverter.Conversion c = PriceListConverter.convert(all, offers.indexes, mapping);
            int before = latest == null ? 0 : rowsInForce(latest);
            int now = rowsInForce(c.files);
            if (now == 0 || now * 2 < before) {
                throw new java.io.IOException("the Price List at " + feed.url + " gives " + now + " prices in force, the last good fetch "
                        + before + ": taken for a partial publication");
            }
            Map<String, String> previous = latest;
            if (previous != null) {
                for (String change : PriceLayers.changes(previous, c.files)) {
                    LOG.info("AWS Price List price change: {}", change);
                }
            }
            versions.clear();
            versions.putAll(next);
            latest = c.files;
            fetched.inc();
            LOG.info("AWS Price List from {}: {} rows ({} products not in the model mapping, {} dimensions not per token)",
                    feed.url, c.rows, c.unmappedProducts, c.leftOutDimensions);
            return true;
        } catch (Exception e) {
            failures.inc();
            LOG.warn("AWS Price List fetch from {} failed (the prices in force stay; next try in {}): {}", feed.url, feed.interval, e.toString());
            return false;
        }
    }

    /** Rows without effective_to (the importer writes the first four columns unquoted). */
    static int rowsInForce(Map<String, String> files) {
        int n = 0;
        for (String content : files.values()) {
            String[] lines = content.split("\n");
            for (int i = 1; i < lines.length; i++) {
                String[] f = lines[i].split(",", 5);
                if (f.length == 5 && f[3].isEmpty()) {
                    n++;
                }
            }
        }
        return n;
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
