package com.bedrockcost.pricing;

import com.bedrockcost.csvtable.TableReading;
import com.bedrockcost.lake.LakeRequestIds;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.SideOutputs;

import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * De-duplicates invocations by request id ({@link SeenRequests}: later copies are dropped and
 * counted; then {@link LakeRequestIds}: ids already committed in the lake by any run are dropped and
 * counted) and prices the first copies from the price table held in broadcast state (price file name
 * → content, the accepted version of every file), keyed by request id.
 *
 * <ul>
 *   <li>Each {@link TableReading} (a complete reading of the price location) is validated by every
 *       parallel instance alike; rejected files keep their previous version; the accepted files
 *       replace the broadcast state, which checkpoints carry across restarts.</li>
 *   <li>Invocations arriving before any table is known wait in keyed state — at most
 *       {@value #MAX_WAITING_PER_KEY} per request id and {@code pricing.wait.max.records} per
 *       instance; beyond that they are written UNPRICED at once — until the table arrives (all are
 *       then priced), until {@code pricing.wait.timeout} passes (processing time), or until the input
 *       ends (an event-time timer at the end of time, which the final watermark of a bounded input
 *       fires; Flink does not fire pending processing-time timers at the end of input). Both later
 *       cases write them UNPRICED.</li>
 *   <li>The table read when the operator opens is used until the first update arrives, so in the
 *       common case nothing waits.</li>
 *   <li>With {@link #withLatePrices}: an invocation written UNPRICED is remembered, and a later
 *       table that prices it emits one {@code PRICED_LATE} adjustment ({@link LatePrices}).</li>
 * </ul>
 */
public class PricingFunction extends KeyedBroadcastProcessFunction<String, Invocation, TableReading, Invocation>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PricingFunction.class);

    /** Broadcast state: accepted price file name → its content. */
    public static final MapStateDescriptor<String, String> PRICE_FILES =
            new MapStateDescriptor<>("price-files", Types.STRING, Types.STRING);
    static final ListStateDescriptor<Invocation> WAITING =
            new ListStateDescriptor<>("waiting-for-prices", TypeInformation.of(Invocation.class));
    static final ValueStateDescriptor<Long> WAIT_DEADLINE = new ValueStateDescriptor<>("wait-deadline", Types.LONG);

    /** Later copies of a request id are dropped before they wait; this only bounds a pathological key. */
    static final int MAX_WAITING_PER_KEY = 100;
    /** Distinct models with their own unpriced counter per instance; further ones count under "other". */
    static final int MAX_MODEL_COUNTERS = 500;
    static final String UNKNOWN_MODEL = "unknown";
    private static final long END_OF_TIME = Long.MAX_VALUE;

    private final long waitTimeoutMillis;
    private final long maxWaiting;
    private final PricingOptions options;
    /** Read the table at {@code pricing.path} in {@link #open}; false: start with the {@link #initialFiles} given. */
    private final boolean readTableAtOpen;
    /** The table to start with; null if none was usable. */
    private TreeMap<String, String> initialFiles;
    private final SeenRequests seen;
    /** Request ids committed in the lake by any run (null: dedup.lake off). */
    private final LakeRequestIds lake;
    /** UNPRICED invocations remembered for a late price; null: off. */
    private LatePrices late;

    private transient PriceBook book;
    private transient ListState<Invocation> waiting;
    private transient ValueState<Long> waitDeadline;
    private transient long waitingCount;
    private transient boolean mayHaveWaiting;
    private transient boolean reportsProblems;
    private transient MetricGroup metrics;
    private transient Counter priced;
    private transient Counter unpriced;
    private transient Counter unpricedAfterWait;
    private transient Counter filesRejected;
    private transient Counter tableUpdates;
    private transient Map<String, Counter> unpricedByModel;
    private transient Counter otherModels;
    private transient boolean timeoutReported;

    /** Prices as configured, starting with the table at {@code pricing.path} (or the built-in one), read when it opens. */
    public PricingFunction(PricingOptions options) {
        this(options, true, null);
    }

    /** Starts with {@code initialFiles} (null: no table until the price stream delivers one); reads no table itself. */
    public PricingFunction(PricingOptions options, Map<String, String> initialFiles) {
        this(options, false, initialFiles);
    }

    private PricingFunction(PricingOptions options, boolean readTableAtOpen, Map<String, String> initialFiles) {
        this.options = options;
        this.readTableAtOpen = readTableAtOpen;
        this.waitTimeoutMillis = options.waitTimeout.toMillis();
        this.maxWaiting = options.waitMaxRecords;
        this.initialFiles = initialFiles == null ? null : new TreeMap<>(initialFiles);
        this.seen = new SeenRequests(options.dedupTtl);
        this.lake = options.lakeRoot != null
                ? new LakeRequestIds(options.lakeRoot, options.lakeCacheMaxIds, options.lakeRefresh, !options.boundedInput) : null;
    }

    /**
     * {@code on}: invocations written UNPRICED are remembered for {@code pricing.late.window}, and a
     * later price table that prices one emits a PRICED_LATE adjustment on {@link SideOutputs#ADJUSTMENTS}
     * (the job must write that side output). Off by default.
     */
    public PricingFunction withLatePrices(boolean on) {
        this.late = on && !options.lateWindow.isZero() ? new LatePrices(options.lateWindow, options.lateMaxRecords) : null;
        return this;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        if (late != null) {
            late.initializeState(context, getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                    getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks());
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        if (late != null) {
            late.snapshotState();
        }
    }

    @Override
    public void close() throws Exception {
        if (lake != null) {
            lake.close();
        }
        super.close();
    }

    @Override
    public void open(Configuration parameters) {
        seen.open(getRuntimeContext());
        if (lake != null) {
            lake.open(getRuntimeContext());
        }
        waiting = getRuntimeContext().getListState(WAITING);
        waitDeadline = getRuntimeContext().getState(WAIT_DEADLINE);
        // Every instance sees the same updates: let one of them write the log lines.
        reportsProblems = getRuntimeContext().getIndexOfThisSubtask() == 0;
        if (readTableAtOpen) {
            // A bounded job checked (and logged) the table when it was built: PriceFeed.checkBeforeStart.
            Map<String, String> files = PriceFeed.initialFiles(options, reportsProblems && !options.boundedInput);
            initialFiles = files == null ? null : new TreeMap<>(files);
        }
        mayHaveWaiting = true; // after a restore, waiting records may be in state
        metrics = PricingMetrics.group(getRuntimeContext().getMetricGroup());
        priced = metrics.counter("pricedInvocations");
        unpriced = metrics.counter("unpricedInvocations");
        unpricedAfterWait = metrics.counter("unpricedAfterWaitingForPrices");
        filesRejected = metrics.counter("priceFilesRejected");
        tableUpdates = metrics.counter("priceTableUpdates");
        metrics.gauge("priceRowsInForce", () -> book == null ? 0 : book.table().size());
        metrics.gauge("invocationsWaitingForPrices", () -> waitingCount);
        unpricedByModel = new HashMap<>();
        if (late != null) {
            late.open(getRuntimeContext(), metrics);
        }
    }

    @Override
    public void processElement(Invocation inv, ReadOnlyContext ctx, Collector<Invocation> out) throws Exception {
        if (!seen.firstCopy() || (lake != null && lake.committed(inv))) {
            return;
        }
        PriceBook current = book(ctx.getBroadcastState(PRICE_FILES));
        if (current.hasTable()) {
            price(inv, current);
            rememberIfUnpriced(inv, ctx.timerService(), ctx.timerService().currentProcessingTime());
            out.collect(inv);
            return;
        }
        List<Invocation> same = new ArrayList<>();
        waiting.get().forEach(same::add);
        if (waitingCount >= maxWaiting || same.size() >= MAX_WAITING_PER_KEY) {
            markUnpriced(inv);
            unpricedAfterWait.inc();
            rememberIfUnpriced(inv, ctx.timerService(), ctx.timerService().currentProcessingTime());
            out.collect(inv);
            return;
        }
        waiting.add(inv);
        waitingCount++;
        mayHaveWaiting = true;
        if (same.isEmpty()) {
            long deadline = ctx.timerService().currentProcessingTime() + waitTimeoutMillis;
            waitDeadline.update(deadline);
            ctx.timerService().registerProcessingTimeTimer(deadline);
            ctx.timerService().registerEventTimeTimer(END_OF_TIME);
        }
    }

    @Override
    public void processBroadcastElement(TableReading update, Context ctx, Collector<Invocation> out) throws Exception {
        BroadcastState<String, String> state = ctx.getBroadcastState(PRICE_FILES);
        PriceBook current = book(state);
        PriceBook.Outcome outcome = current.apply(update.files == null ? Map.of() : update.files);
        for (PriceFileException e : outcome.rejected) {
            filesRejected.inc();
            if (reportsProblems) {
                LOG.error("{} — the table in force before stays in force", e.getMessage());
            }
        }
        if (outcome.emptyReading && reportsProblems) {
            LOG.warn("No usable price file at {}; the table in force stays in force", update.location);
        }
        book = outcome.book;
        Map<String, String> stored = new TreeMap<>();
        for (Map.Entry<String, String> e : state.immutableEntries()) {
            stored.put(e.getKey(), e.getValue());
        }
        if (!stored.equals(book.files())) {
            state.clear();
            state.putAll(book.files());
        }
        if (outcome.tableChanged()) {
            tableUpdates.inc();
            if (reportsProblems) {
                LOG.info("Price table from {} now in force: {} rows from {} files (added {}, changed {}, removed {})",
                        update.location, book.table().size(), book.files().size(), outcome.added, outcome.changed, outcome.removed);
            }
        }
        if (late != null && book.hasTable() && outcome.tableChanged()) {
            late.reprice(book, ctx);
        }
        if (book.hasTable() && mayHaveWaiting) {
            long now = ctx.currentProcessingTime();
            ctx.applyToKeyedState(WAITING, (key, list) -> {
                for (Invocation inv : list.get()) {
                    price(inv, book);
                    // No keyed timer service here: one remembered now is forgotten by a later table change after its window.
                    rememberIfUnpriced(inv, null, now);
                    out.collect(inv);
                }
                list.clear();
            });
            waitingCount = 0;
            mayHaveWaiting = false;
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Invocation> out) throws Exception {
        if (late != null && ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            late.onTimer(timestamp);
        }
        Long deadline = waitDeadline.value();
        if (deadline == null || (ctx.timeDomain() == TimeDomain.PROCESSING_TIME && deadline != timestamp)) {
            return; // not the wait's timer (a remembered invocation's, above)
        }
        // Either timer ends the wait; the other one is no longer needed.
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            ctx.timerService().deleteEventTimeTimer(END_OF_TIME);
        } else {
            ctx.timerService().deleteProcessingTimeTimer(deadline);
        }
        waitDeadline.clear();
        PriceBook current = book(ctx.getBroadcastState(PRICE_FILES));
        long n = 0;
        for (Invocation inv : waiting.get()) {
            n++;
            if (current.hasTable()) {
                price(inv, current);
            } else {
                markUnpriced(inv);
                unpricedAfterWait.inc();
                if (!timeoutReported) {
                    timeoutReported = true;
                    LOG.warn("Invocations waited {} for a price table and are written UNPRICED (metric unpricedAfterWaitingForPrices counts them); "
                            + "check pricing.path", ctx.timeDomain() == TimeDomain.PROCESSING_TIME
                            ? Duration.ofMillis(waitTimeoutMillis) : "until the end of the input");
                }
            }
            rememberIfUnpriced(inv, ctx.timerService(), ctx.timerService().currentProcessingTime());
            out.collect(inv);
        }
        waiting.clear();
        waitingCount = Math.max(0, waitingCount - n);
    }

    /** The book in force: cached; after a restore rebuilt from broadcast state, else the initial table. */
    private PriceBook book(ReadOnlyBroadcastState<String, String> state) throws Exception {
        if (book != null && book.hasTable()) {
            return book;
        }
        Map<String, String> stored = new TreeMap<>();
        for (Map.Entry<String, String> e : state.immutableEntries()) {
            stored.put(e.getKey(), e.getValue());
        }
        Map<String, String> files = !stored.isEmpty() ? stored : initialFiles;
        if (files == null || files.isEmpty()) {
            book = PriceBook.empty();
            return book;
        }
        PriceBook.Outcome outcome = PriceBook.empty().apply(files);
        for (PriceFileException e : outcome.rejected) {
            // Only possible when this version of the job validates stricter than the one that accepted the file.
            if (reportsProblems) {
                LOG.error("{} (from {}) — left out", e.getMessage(), stored.isEmpty() ? "the table read at start" : "checkpointed state");
            }
        }
        book = outcome.book;
        return book;
    }

    private void price(Invocation inv, PriceBook current) {
        if (ChargePricer.price(inv, current)) {
            priced.inc();
        } else {
            countUnpriced(inv);
        }
    }

    private void rememberIfUnpriced(Invocation inv, TimerService timers, long now) throws Exception {
        if (late != null && Invocation.UNPRICED.equals(inv.pricingStatus)) {
            late.remember(inv, timers, now);
        }
    }

    private void markUnpriced(Invocation inv) {
        ChargePricer.unpriced(inv, "no price table was available");
        countUnpriced(inv);
    }

    private void countUnpriced(Invocation inv) {
        unpriced.inc();
        String model = inv.model == null ? UNKNOWN_MODEL : inv.model;
        Counter c = unpricedByModel.get(model);
        if (c == null) {
            if (unpricedByModel.size() < MAX_MODEL_COUNTERS) {
                c = metrics.addGroup("UnpricedModel", model).counter("unpricedInvocations");
                unpricedByModel.put(model, c);
                if (book != null && book.hasTable()) {
                    LOG.warn("No price for model {} (region {}, scope {}, at {}, prompt {} tokens): written UNPRICED ({}); add a row "
                                    + "to the price table. Metric UnpricedModel={}.unpricedInvocations counts them",
                            model, inv.region, inv.profileScope, inv.eventTime, inv.promptTokens(), inv.unpricedReason, model);
                }
            } else {
                if (otherModels == null) {
                    otherModels = metrics.addGroup("UnpricedModel", "other").counter("unpricedInvocations");
                }
                c = otherModels;
            }
        }
        c.inc();
    }

    /** Later copies of a request id dropped by this instance (the metric's value), for tests. */
    long duplicatesDropped() {
        return seen.dropped();
    }

    /** Invocations found already committed in the lake by this instance (the metric's value), for tests. */
    long alreadyInLake() {
        return lake == null ? 0 : lake.count();
    }

    /** Unpriced invocations of {@code model} counted by this instance (the metric's value), for tests. */
    long unpricedCount(String model) {
        Counter c = unpricedByModel == null ? null : unpricedByModel.get(model);
        return c == null ? 0 : c.getCount();
    }
}
