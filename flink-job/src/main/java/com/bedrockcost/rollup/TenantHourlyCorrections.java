package com.bedrockcost.rollup;

import com.bedrockcost.model.Adjustment;
import com.bedrockcost.model.Invocation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place that turns changes to what {@code tenant_hourly} already holds into its correction
 * rows: invocations that arrived after their hour's row was written ({@link TenantHourly#LATE}) and
 * cost changes of invocations already counted, adjustments ({@link TenantHourly#ADJUSTMENT}). Adds
 * them up per UTC hour of event time, tenant and model; {@link #drain} returns one row per group
 * and forgets them. The table is additive, so a group may get any number of correction rows over
 * time: the sum over an hour's rows is the sum over its invocations plus their adjustments.
 *
 * <p>Used by the streaming rollup (late invocations), by {@link AdjustmentRows} (adjustments of the
 * stream and of the {@code restate} command); not thread-safe.
 */
public final class TenantHourlyCorrections {
    private final String rowKind;
    private final Map<HourlyUsage.Key, HourlyUsage> open = new LinkedHashMap<>();

    private TenantHourlyCorrections(String rowKind) {
        this.rowKind = rowKind;
    }

    /** Rows of invocations that came after their hour was written. */
    public static TenantHourlyCorrections late() {
        return new TenantHourlyCorrections(TenantHourly.LATE);
    }

    /** Rows of cost changes (adjustments) of invocations already counted. */
    public static TenantHourlyCorrections adjustments() {
        return new TenantHourlyCorrections(TenantHourly.ADJUSTMENT);
    }

    /** Adds a whole invocation (a late one): its count, tokens, costs, errors and latency. */
    public void add(Invocation inv) {
        group(inv.eventTime.toEpochMilli(), inv.tenantId, inv.model).add(inv);
    }

    /** Adds an adjustment of an invocation already counted: cost deltas, and unpriced -1 when it became priced. */
    public void add(Adjustment adjustment) {
        group(adjustment.eventTime.toEpochMilli(), adjustment.tenantId, adjustment.model).add(adjustment);
    }

    /** Groups (hour, tenant, model) held. */
    public int size() {
        return open.size();
    }

    /** One row per group added since the last drain, in the order groups were first seen; then holds none. */
    public List<TenantHourly> drain() {
        List<TenantHourly> rows = new ArrayList<>(open.size());
        for (HourlyUsage u : open.values()) {
            rows.add(TenantHourly.of(u, rowKind));
        }
        open.clear();
        return rows;
    }

    private HourlyUsage group(long epochMillis, String tenantId, String model) {
        HourlyUsage.Key key = new HourlyUsage.Key(HourlyUsage.hourOf(epochMillis), tenantId, model);
        return open.computeIfAbsent(key, k -> new HourlyUsage(k.hour, k.tenant, k.model));
    }
}
