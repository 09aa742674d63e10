package com.bedrockcost.budget;

import com.bedrockcost.config.ClusterConfig;
import com.bedrockcost.csvtable.TableReading;
import com.bedrockcost.model.Alert;
import com.bedrockcost.model.Invocation;

import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Budgets and alerts, keyed by budget key ({@link BudgetKey}) after pricing (so every invocation
 * arrives once: duplicates were dropped there). Per key and UTC period (day, month, by the
 * invocation's own timestamp) it keeps the exact spend and the thresholds already alerted; the first
 * time the spend reaches a threshold of the budget in force it emits one {@link Alert#THRESHOLD}.
 * Per key it also keeps a burn rate ({@link BurnState}) and emits one {@link Alert#BURN_RATE} per
 * hour whose spend exceeds {@code budgets.burn.factor} × the key's baseline and {@code budgets.burn.min.usd}.
 *
 * <p>Exactly once: the state that says "alerted" and the alerts sink's pending files are part of
 * the same checkpoint, so after a failure both roll back together and the replay emits the same
 * alerts (same {@code alert_id}) into files committed once. A run that starts without state (the
 * same logs again into the same lake) is given the alert ids the lake already holds and does not
 * emit them again. The Kinesis alerts stream is at least once: consumers dedupe on {@code alert_id}.
 *
 * <p>State is bounded per key: a period is forgotten {@code budgets.retention} after it ends (event
 * time); invocations for it that arrive later are counted in the metric {@code budgetInvocationsTooLate}.
 */
public class BudgetFunction extends KeyedBroadcastProcessFunction<String, Invocation, TableReading, Alert> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(BudgetFunction.class);
    private static final MathContext MC = MathContext.DECIMAL128;
    private static final int SCALE = 12;
    private static final long HOUR_MS = 3_600_000L;
    /** Beyond this many empty hours an EWMA has long decayed to nothing. */
    private static final int MAX_DECAY_HOURS = 100_000;
    static final String HOUR = "hour";

    /** Broadcast state: accepted budget file name → its content. */
    public static final MapStateDescriptor<String, String> BUDGET_FILES =
            new MapStateDescriptor<>("budget-files", Types.STRING, Types.STRING);
    static final MapStateDescriptor<String, PeriodSpend> PERIODS =
            new MapStateDescriptor<>("budget-periods", Types.STRING, TypeInformation.of(PeriodSpend.class));
    static final ValueStateDescriptor<BurnState> BURN = new ValueStateDescriptor<>("burn-rate", TypeInformation.of(BurnState.class));

    private final TreeMap<String, String> initialFiles;
    private final HashSet<String> committedAlertIds;
    private final long retentionMillis;
    private final BigDecimal burnFactor;
    private final BigDecimal burnMinUsd;
    private final long baselineHours;
    private final BigDecimal alpha;

    private transient BudgetBook book;
    private transient MapState<String, PeriodSpend> periods;
    private transient ValueState<BurnState> burn;
    private transient boolean reportsProblems;
    private transient Counter thresholdAlerts;
    private transient Counter burnRateAlerts;
    private transient Counter alreadyInLake;
    private transient Counter tooLate;
    private transient Counter withoutTenant;
    private transient Counter unpriced;
    private transient Counter filesRejected;
    private transient boolean tooLateReported;

    /**
     * @param initialFiles the budget files read when the job was built (null: none until the budget stream delivers them)
     * @param committedAlertIds alert ids already in the lake, not to be emitted again
     */
    public BudgetFunction(Map<String, String> initialFiles, Set<String> committedAlertIds, Duration retention,
                          double burnFactor, double burnMinUsd, long baselineHours) {
        this.initialFiles = initialFiles == null ? null : new TreeMap<>(initialFiles);
        this.committedAlertIds = new HashSet<>(committedAlertIds);
        this.retentionMillis = retention.toMillis();
        this.burnFactor = BigDecimal.valueOf(burnFactor);
        this.burnMinUsd = BigDecimal.valueOf(burnMinUsd);
        this.baselineHours = baselineHours;
        this.alpha = BigDecimal.valueOf(2).divide(BigDecimal.valueOf(baselineHours + 1), MC);
    }

    @Override
    public void open(Configuration parameters) {
        periods = getRuntimeContext().getMapState(PERIODS);
        burn = getRuntimeContext().getState(BURN);
        reportsProblems = getRuntimeContext().getIndexOfThisSubtask() == 0;
        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup(ClusterConfig.CLOUDWATCH_METRIC_GROUP);
        thresholdAlerts = metrics.addGroup("AlertType", Alert.THRESHOLD).counter("alertsEmitted");
        burnRateAlerts = metrics.addGroup("AlertType", Alert.BURN_RATE).counter("alertsEmitted");
        alreadyInLake = metrics.counter("alertsAlreadyInLake");
        tooLate = metrics.counter("budgetInvocationsTooLate");
        withoutTenant = metrics.counter("budgetInvocationsWithoutTenant");
        unpriced = metrics.counter("budgetUnpricedInvocations");
        filesRejected = metrics.counter("budgetFilesRejected");
        metrics.gauge("budgetRowsInForce", () -> book == null ? 0 : book.table().size());
    }

    @Override
    public void processElement(Invocation inv, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        if (inv.tenantId == null) {
            withoutTenant.inc();
            return;
        }
        if (inv.totalCost == null) {
            // Unpriced: no cost to add (the lake has it with pricing_status UNPRICED and its own metric).
            unpriced.inc();
            return;
        }
        BudgetTable table = book(ctx.getBroadcastState(BUDGET_FILES)).table();
        String key = ctx.getCurrentKey();
        long watermark = ctx.timerService().currentWatermark();
        for (BudgetPeriod p : BudgetPeriod.values()) {
            Instant start = p.start(inv.eventTime);
            String id = p.label() + ":" + start;
            PeriodSpend spend = periods.get(id);
            if (spend == null) {
                long expiresAt = p.end(start).toEpochMilli() + retentionMillis;
                if (expiresAt <= watermark) {
                    countTooLate(inv, p);
                    continue;
                }
                spend = new PeriodSpend();
                spend.expiresAt = expiresAt;
                ctx.timerService().registerEventTimeTimer(expiresAt);
            }
            spend.spend = spend.spend.add(inv.totalCost);
            BudgetRow row = table.find(BudgetKey.value(key), p, inv.eventTime);
            if (row != null) {
                thresholds(key, row, start, spend, inv, out);
            }
            periods.put(id, spend);
        }
        if (burnFactor.signum() > 0 && table.budgets(BudgetKey.value(key), inv.eventTime)) {
            burnRate(key, inv, out);
        }
    }

    private void thresholds(String key, BudgetRow row, Instant start, PeriodSpend spend, Invocation inv, Collector<Alert> out) {
        for (BigDecimal pct : row.thresholds) {
            String plain = pct.toPlainString();
            if (spend.hasFired(plain) || spend.spend.compareTo(row.amount.multiply(pct).movePointLeft(2)) < 0) {
                continue;
            }
            spend.markFired(plain);
            Alert a = alert(Alert.THRESHOLD, key, row.period.label(), start, pct, inv);
            a.budgetUsd = row.amount.setScale(SCALE);
            a.spendUsd = spend.spend.setScale(SCALE, RoundingMode.UNNECESSARY);
            a.budgetSource = row.source;
            emit(a, thresholdAlerts, out);
        }
    }

    /**
     * The open hour's spend against the key's baseline: an exponentially weighted average of its
     * closed hours (weight {@code 2/(hours+1)}, empty hours included as zero), zero-started and
     * bias-corrected, so it needs no history buffer. Late invocations of closed hours are folded into
     * the average with their own weight (the average is linear in the hours' spend).
     */
    private void burnRate(String key, Invocation inv, Collector<Alert> out) throws Exception {
        long h = Math.floorDiv(inv.eventTime.toEpochMilli(), HOUR_MS);
        BurnState s = burn.value();
        BigDecimal keep = BigDecimal.ONE.subtract(alpha);
        if (s == null) {
            s = new BurnState();
            s.hour = h;
            s.firstHour = h;
        }
        if (h > s.hour) {
            BigDecimal e = alpha.multiply(s.hourSpend, MC).add(keep.multiply(s.ewma, MC), MC);
            s.ewma = e.multiply(keep.pow((int) Math.min(h - s.hour - 1, MAX_DECAY_HOURS), MC), MC).setScale(SCALE, RoundingMode.HALF_EVEN);
            s.hour = h;
            s.hourSpend = inv.totalCost;
        } else if (h == s.hour) {
            s.hourSpend = s.hourSpend.add(inv.totalCost);
        } else {
            if (h < s.firstHour) {
                s.firstHour = h;
            }
            BigDecimal weight = alpha.multiply(keep.pow((int) Math.min(s.hour - 1 - h, MAX_DECAY_HOURS), MC), MC);
            s.ewma = s.ewma.add(weight.multiply(inv.totalCost, MC)).setScale(SCALE, RoundingMode.HALF_EVEN);
            burn.update(s);
            return;
        }
        long closed = s.hour - s.firstHour;
        if (closed >= baselineHours && s.alertedHour != s.hour && s.hourSpend.compareTo(burnMinUsd) >= 0) {
            BigDecimal coverage = BigDecimal.ONE.subtract(keep.pow((int) Math.min(closed, MAX_DECAY_HOURS), MC), MC);
            BigDecimal baseline = s.ewma.divide(coverage, MC).setScale(SCALE, RoundingMode.HALF_EVEN);
            if (s.hourSpend.compareTo(burnFactor.multiply(baseline)) > 0) {
                s.alertedHour = s.hour;
                Alert a = alert(Alert.BURN_RATE, key, HOUR, Instant.ofEpochMilli(s.hour * HOUR_MS), burnFactor.movePointRight(2), inv);
                a.spendUsd = s.hourSpend.setScale(SCALE, RoundingMode.UNNECESSARY);
                a.baselineUsd = baseline;
                emit(a, burnRateAlerts, out);
            }
        }
        burn.update(s);
    }

    private static Alert alert(String type, String key, String period, Instant start, BigDecimal pct, Invocation inv) {
        Alert a = new Alert();
        a.dimension = BudgetKey.dimension(key);
        a.tenantId = BudgetKey.value(key);
        a.alertType = type;
        a.period = period;
        a.periodStart = start;
        a.thresholdPct = pct.setScale(6, RoundingMode.HALF_EVEN);
        a.alertId = AlertIds.of(type, a.dimension, a.tenantId, period, start, pct);
        a.requestId = inv.requestId;
        a.eventTime = inv.eventTime;
        return a;
    }

    private void emit(Alert a, Counter counter, Collector<Alert> out) {
        if (committedAlertIds.contains(a.alertId)) {
            alreadyInLake.inc();
            return;
        }
        a.emittedAt = Instant.now();
        counter.inc();
        out.collect(a);
    }

    private void countTooLate(Invocation inv, BudgetPeriod p) {
        tooLate.inc();
        if (!tooLateReported) {
            tooLateReported = true;
            LOG.warn("Invocation {} of {} arrived more than budgets.retention after its {} ended: it is in the lake but not in "
                    + "budget spend (metric budgetInvocationsTooLate counts such invocations)", inv.requestId, inv.eventTime, p.label());
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        List<String> expired = new ArrayList<>();
        for (Iterator<Map.Entry<String, PeriodSpend>> it = periods.iterator(); it.hasNext(); ) {
            Map.Entry<String, PeriodSpend> e = it.next();
            if (e.getValue().expiresAt <= timestamp) {
                expired.add(e.getKey());
            }
        }
        for (String id : expired) {
            periods.remove(id);
        }
        if (periods.isEmpty()) {
            // No period left: the key has been idle at least a day plus the retention; its burn history goes too.
            burn.clear();
        }
    }

    @Override
    public void processBroadcastElement(TableReading update, Context ctx, Collector<Alert> out) throws Exception {
        BroadcastState<String, String> state = ctx.getBroadcastState(BUDGET_FILES);
        BudgetBook current = book(state);
        BudgetBook.Outcome outcome = current.apply(update.files == null ? Map.of() : update.files);
        for (BudgetFileException e : outcome.rejected) {
            filesRejected.inc();
            if (reportsProblems) {
                LOG.error("{} — the budgets in force before stay in force", e.getMessage());
            }
        }
        book = outcome.book;
        if (!book.files().equals(current.files()) || !state.immutableEntries().iterator().hasNext()) {
            state.clear();
            state.putAll(book.files());
            if (reportsProblems) {
                LOG.info("Budgets from {} now in force: {} rows from {}", update.location, book.table().size(), book.files().keySet());
            }
        }
    }

    /** The book in force: cached; after a restore rebuilt from broadcast state, else the files read at job start. */
    private BudgetBook book(ReadOnlyBroadcastState<String, String> state) throws Exception {
        if (book != null) {
            return book;
        }
        Map<String, String> stored = new TreeMap<>();
        for (Map.Entry<String, String> e : state.immutableEntries()) {
            stored.put(e.getKey(), e.getValue());
        }
        Map<String, String> files = !stored.isEmpty() ? stored : initialFiles;
        BudgetBook.Outcome outcome = BudgetBook.empty().apply(files == null ? Map.of() : files);
        for (BudgetFileException e : outcome.rejected) {
            if (reportsProblems) {
                LOG.error("{} — left out", e.getMessage());
            }
        }
        book = outcome.book;
        return book;
    }
}
