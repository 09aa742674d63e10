package com.bedrockcost.budget;

import com.bedrockcost.model.Invocation;

import org.apache.flink.api.java.functions.KeySelector;

/**
 * The key budgets are kept under: {@code <dimension>:<value>}, today {@code tenant:<tenant id>}.
 * Another dimension (company, department or cost center from the request metadata, the model) is
 * one more prefix here and one more column in the budget file; state and alert ids already carry the
 * dimension. Invocations without a tenant have no key (they are counted, not budgeted).
 */
public final class BudgetKey implements KeySelector<Invocation, String> {
    private static final long serialVersionUID = 1L;
    public static final String TENANT = "tenant";

    @Override
    public String getKey(Invocation inv) {
        return of(TENANT, inv.tenantId == null ? "" : inv.tenantId);
    }

    public static String of(String dimension, String value) {
        return dimension + ":" + value;
    }

    static String dimension(String key) {
        return key.substring(0, key.indexOf(':'));
    }

    static String value(String key) {
        return key.substring(key.indexOf(':') + 1);
    }
}
