package com.bedrockcost.budget;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The budget rows in force, indexed by tenant. A tenant's own row wins over the {@code *} row; only
 * rows in force at the invocation's own time count (the allowance of a period can change inside it).
 */
public final class BudgetTable {
    private final Map<String, List<BudgetRow>> byTenant;
    private final int size;

    private BudgetTable(Map<String, List<BudgetRow>> byTenant, int size) {
        this.byTenant = byTenant;
        this.size = size;
    }

    /** A table of validated rows (no two rows of one tenant and period in force at the same time). */
    public static BudgetTable of(Collection<BudgetRow> rows) {
        Map<String, List<BudgetRow>> index = new HashMap<>();
        for (BudgetRow r : rows) {
            index.computeIfAbsent(r.tenant, k -> new ArrayList<>()).add(r);
        }
        return new BudgetTable(Collections.unmodifiableMap(index), rows.size());
    }

    public int size() {
        return size;
    }

    /** The row that budgets {@code tenant}'s {@code period} at {@code at}; null when none does. */
    public BudgetRow find(String tenant, BudgetPeriod period, Instant at) {
        BudgetRow own = find(byTenant.get(tenant), period, at);
        return own != null ? own : find(byTenant.get(BudgetRow.ANY), period, at);
    }

    /** True when some row (of any period) budgets {@code tenant} at {@code at}. */
    public boolean budgets(String tenant, Instant at) {
        for (BudgetPeriod p : BudgetPeriod.values()) {
            if (find(tenant, p, at) != null) {
                return true;
            }
        }
        return false;
    }

    private static BudgetRow find(List<BudgetRow> rows, BudgetPeriod period, Instant at) {
        if (rows == null) {
            return null;
        }
        for (BudgetRow r : rows) {
            if (r.period == period && r.inForceAt(at)) {
                return r;
            }
        }
        return null;
    }
}
