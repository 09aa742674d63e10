package com.bedrockcost.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Everything the dashboard and the CSV files show, read from the lake by {@link ReportQuery}. */
public final class ReportData {
    /** Labels of missing keys: invocations without a tenant, model, company or department. */
    public static final String NO_TENANT = "(no tenant)";
    public static final String UNKNOWN_MODEL = "(unknown)";
    public static final String NONE = "(none)";

    public final ReportOptions options;
    public final Totals overall = new Totals();
    public final Map<String, Totals> tenants = new TreeMap<>();
    public final Map<String, Totals> companies = new TreeMap<>();
    public final Map<String, Totals> departments = new TreeMap<>();
    public final Map<String, Totals> models = new TreeMap<>();
    /** By UTC hour of event time, {@code yyyy-MM-dd HH}. */
    public final TreeMap<String, Totals> hours = new TreeMap<>();
    /** By tenant, department, model and UTC day of event time together: what the dashboard's date ranges and drill-downs add up. */
    public final List<Cell> daily = new ArrayList<>();
    /** Whether failed inputs are part of this report (they carry no tenant or model, so a tenant or model filter leaves them out). */
    public boolean failedShown;
    public long failedTotal;
    public final Map<String, Long> failedByType = new TreeMap<>();
    /** By UTC day of processing (the failed table's partition). */
    public final Map<String, Long> failedByDay = new TreeMap<>();
    /** Budgets and alerts ({@link BudgetPanel}); set by {@link Report} after the query. */
    public BudgetPanel budgets;

    public ReportData(ReportOptions options) {
        this.options = options;
    }

    /** The totals of one tenant's calls of one model on one day, within one department. */
    public static final class Cell {
        public final String tenant;
        public final String department;
        public final String model;
        /** {@code yyyy-MM-dd}, UTC. */
        public final String day;
        public final Totals totals;

        Cell(String tenant, String department, String model, String day, Totals totals) {
            this.tenant = tenant;
            this.department = department;
            this.model = model;
            this.day = day;
            this.totals = totals;
        }
    }
}
