package com.bedrockcost.report;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the dashboard and the CSV files show, derived from {@link ReportData}: rankings, top N + others, the timeline. */
public final class ReportView {
    /** Timelines longer than this many hours are shown per day. */
    static final int MAX_HOURLY_BUCKETS = 7 * 24;
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd HH");

    /** A ranked group: the top rows, and the rest summed up. */
    public static final class Ranked {
        public final List<Map.Entry<String, Totals>> all;
        public final List<Map.Entry<String, Totals>> top;
        /** Sum of the rows beyond the top; null when there are none. */
        public final Totals others;

        Ranked(List<Map.Entry<String, Totals>> all, int n) {
            this.all = all;
            this.top = all.subList(0, Math.min(n, all.size()));
            Totals rest = null;
            for (Map.Entry<String, Totals> e : all.subList(top.size(), all.size())) {
                rest = (rest == null ? new Totals() : rest).add(e.getValue());
            }
            this.others = rest;
        }

        public int othersCount() {
            return all.size() - top.size();
        }
    }

    public final ReportData data;
    public final Ranked tenants;
    public final Ranked companies;
    public final Ranked departments;
    public final Ranked models;
    /** {@code hour} or {@code day}. */
    public final String granularity;
    /** Every hour (or day) from the first to the last with invocations, empty ones included. */
    public final Map<String, Totals> timeline;

    public ReportView(ReportData data) {
        this.data = data;
        int n = data.options.top;
        tenants = new Ranked(ranked(data.tenants), n);
        companies = new Ranked(ranked(data.companies), n);
        departments = new Ranked(ranked(data.departments), n);
        models = new Ranked(ranked(data.models), Integer.MAX_VALUE);
        Map<String, Totals> hourly = fill(data.hours);
        if (hourly.size() <= MAX_HOURLY_BUCKETS) {
            granularity = "hour";
            timeline = hourly;
        } else {
            granularity = "day";
            timeline = daily(data.hours);
        }
    }

    /** Most expensive first; then most tokens; then by name. Unpriced groups rank by tokens. */
    static List<Map.Entry<String, Totals>> ranked(Map<String, Totals> groups) {
        List<Map.Entry<String, Totals>> rows = new ArrayList<>(groups.entrySet());
        rows.sort(Comparator.<Map.Entry<String, Totals>, java.math.BigDecimal>comparing(e -> e.getValue().costOrZero()).reversed()
                .thenComparing(Comparator.<Map.Entry<String, Totals>>comparingLong(e -> e.getValue().tokens()).reversed())
                .thenComparing(Map.Entry::getKey));
        return rows;
    }

    private static Map<String, Totals> fill(Map<String, Totals> hours) {
        Map<String, Totals> out = new LinkedHashMap<>();
        if (hours.isEmpty()) {
            return out;
        }
        LocalDateTime first = LocalDateTime.parse(firstKey(hours) + ":00", DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
        LocalDateTime last = LocalDateTime.parse(lastKey(hours) + ":00", DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
        if (ChronoUnit.HOURS.between(first, last) >= MAX_HOURLY_BUCKETS) {
            // Too long for hours: the caller goes daily; keep what exists.
            out.putAll(hours);
            return out;
        }
        for (LocalDateTime h = first; !h.isAfter(last); h = h.plusHours(1)) {
            String k = HOUR.format(h);
            out.put(k, hours.containsKey(k) ? hours.get(k) : new Totals());
        }
        return out;
    }

    private static Map<String, Totals> daily(Map<String, Totals> hours) {
        Map<String, Totals> days = new LinkedHashMap<>();
        LocalDate first = LocalDate.parse(firstKey(hours).substring(0, 10));
        LocalDate last = LocalDate.parse(lastKey(hours).substring(0, 10));
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            days.put(d.toString(), new Totals());
        }
        hours.forEach((k, t) -> days.get(k.substring(0, 10)).add(t));
        return days;
    }

    private static String firstKey(Map<String, Totals> m) {
        return m.keySet().iterator().next();
    }

    private static String lastKey(Map<String, Totals> m) {
        String last = null;
        for (String k : m.keySet()) {
            last = k;
        }
        return last;
    }
}
