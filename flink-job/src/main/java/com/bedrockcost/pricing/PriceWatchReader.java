package com.bedrockcost.pricing;

import com.bedrockcost.csvtable.TableReading;
import com.bedrockcost.pricing.pricelist.ModelMapping;
import com.bedrockcost.pricing.pricelist.PriceListFeed;
import com.bedrockcost.pricing.pricelist.PriceListPoller;

import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.Counter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reads the price location on a background thread (S3 listings must not block checkpoints), emits
 * the reading when it differs from the last one emitted, and schedules the next reading. After a
 * restart it emits its first reading again, which the pricing function ignores when nothing changed.
 */
final class PriceWatchReader implements SourceReader<TableReading, PriceWatchSource.Split> {
    private static final Logger LOG = LoggerFactory.getLogger(PriceWatchReader.class);

    private final SourceReaderContext ctx;
    private final PriceLocation location;
    private final Duration interval;
    private final boolean watching;

    private ScheduledExecutorService executor;
    private boolean hasSplit;
    private boolean noMoreSplits;
    private boolean idle;
    private CompletableFuture<Void> splitSignal = new CompletableFuture<>();
    private CompletableFuture<Map<String, String>> pending;
    private Map<String, String> lastEmitted;
    private Counter readFailures;
    private Counter readingsEmitted;

    private final PriceListFeed priceListFeed;
    private PriceListPoller priceList;
    private Map<String, String> restoredPriceList;
    /** The built-in table's file contents: CSVs equal to one of them lose to the Price List (see PriceLayers). */
    private java.util.Set<String> builtInContents = java.util.Set.of();

    PriceWatchReader(SourceReaderContext ctx, PriceLocation location, Duration interval, PriceListFeed priceListFeed) {
        this.ctx = ctx;
        this.location = location;
        this.interval = interval;
        this.watching = !interval.isZero() && !interval.isNegative();
        this.priceListFeed = priceListFeed;
    }

    @Override
    public void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, location.kind() + "-watch");
            t.setDaemon(true);
            return t;
        });
        readFailures = PricingMetrics.group(ctx.metricGroup()).counter(location.kind() + "ReadFailures");
        readingsEmitted = PricingMetrics.group(ctx.metricGroup()).counter(location.kind() + "ReadingsEmitted");
        if (priceListFeed != null) {
            Counter fetchFailures = PricingMetrics.group(ctx.metricGroup()).counter("priceListFetchFailures");
            try {
                builtInContents = new java.util.HashSet<>(PriceLocation.builtIn().read().values());
                priceList = new PriceListPoller(priceListFeed, ModelMapping.builtIn(), fetchFailures,
                        PricingMetrics.group(ctx.metricGroup()).counter("priceListFetches"));
                if (restoredPriceList != null) {
                    priceList.restore(restoredPriceList);
                }
                priceList.start();
            } catch (java.io.IOException e) {
                fetchFailures.inc();
                LOG.error("The AWS Price List refresh cannot start; prices come from the CSVs only: {}", e.getMessage());
            }
        }
    }

    @Override
    public InputStatus pollNext(ReaderOutput<TableReading> output) {
        if (!hasSplit) {
            return noMoreSplits ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
        }
        if (pending == null) {
            pending = readAfter(0);
            return InputStatus.NOTHING_AVAILABLE;
        }
        if (!pending.isDone()) {
            return InputStatus.NOTHING_AVAILABLE;
        }
        Map<String, String> files = null;
        try {
            files = pending.join();
        } catch (CompletionException e) {
            readFailures.inc();
            LOG.warn("Cannot read {} files at {} (the table in force stays; next try in {}): {}",
                    location.kind(), location, watching ? interval : "never, this run is bounded", e.getCause().toString());
        }
        pending = null;
        if (files != null && !files.equals(lastEmitted)) {
            LOG.info("{} files at {}: {}", location.kind(), location, files.keySet());
            output.collect(new TableReading(location.toString(), System.currentTimeMillis(), files));
            lastEmitted = files;
            readingsEmitted.inc();
        }
        if (!idle && files != null && !files.isEmpty()) {
            // From now on price readings never move event time (see PriceWatchSource).
            idle = true;
            output.markIdle();
        }
        if (!watching) {
            hasSplit = false;
            return noMoreSplits ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
        }
        pending = readAfter(interval.toMillis());
        return InputStatus.NOTHING_AVAILABLE;
    }

    private CompletableFuture<Map<String, String>> readAfter(long delayMillis) {
        CompletableFuture<Map<String, String>> f = new CompletableFuture<>();
        executor.schedule(() -> {
            try {
                Map<String, String> files = location.read();
                f.complete(priceList == null ? files : PriceLayers.compose(files, builtInContents, priceList.latest()));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
        return f;
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        if (!hasSplit && !noMoreSplits) {
            return splitSignal;
        }
        if (hasSplit && pending != null) {
            return pending.handle((files, error) -> null);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public List<PriceWatchSource.Split> snapshotState(long checkpointId) {
        return hasSplit ? List.of(new PriceWatchSource.Split(priceList == null ? null : priceList.latest())) : Collections.emptyList();
    }

    @Override
    public void addSplits(List<PriceWatchSource.Split> splits) {
        if (!splits.isEmpty()) {
            // Flink adds restored splits before start(): keep them for the poller start() creates.
            restoredPriceList = splits.get(0).priceList;
            if (priceList != null && restoredPriceList != null) {
                priceList.restore(restoredPriceList);
            }
            hasSplit = true;
            splitSignal.complete(null);
        }
    }

    @Override
    public void notifyNoMoreSplits() {
        noMoreSplits = true;
        splitSignal.complete(null);
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
        if (priceList != null) {
            priceList.close();
        }
    }
}
