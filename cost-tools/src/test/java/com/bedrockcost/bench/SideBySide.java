package com.bedrockcost.bench;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * The benchmark's table: per configuration the median of its rounds (wall, records/s, CPU, peak
 * RSS), the job's ratio to DuckDB at the same parallelism (DuckDB's wall ÷ the job's: ≥ 1.0 means the
 * job is no slower), and every run's total; totals that differ are flagged.
 */
final class SideBySide {
    private final long records;
    private final Map<String, Row> rows = new LinkedHashMap<>();

    private static final class Row {
        final String what;
        final int parallelism;
        final boolean duckDb;
        final List<Processes.Measurement> runs = new ArrayList<>();

        Row(String what, int parallelism, boolean duckDb) {
            this.what = what;
            this.parallelism = parallelism;
            this.duckDb = duckDb;
        }

        double median(ToDoubleFunction<Processes.Measurement> f) {
            double[] v = runs.stream().mapToDouble(f).sorted().toArray();
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }
    }

    SideBySide(long records) {
        this.records = records;
    }

    void add(String what, int parallelism, boolean duckDb, Processes.Measurement m) {
        rows.computeIfAbsent(what, k -> new Row(what, parallelism, duckDb)).runs.add(m);
    }

    /** True when every run wrote every record and all totals are equal. */
    boolean totalsAgree() {
        BigDecimal first = null;
        boolean any = false;
        for (Row r : rows.values()) {
            for (Processes.Measurement m : r.runs) {
                if (m.records != records) {
                    return false;
                }
                if (!any) {
                    first = m.total;
                    any = true;
                } else if (!Objects.equals(first == null ? null : first.stripTrailingZeros(), m.total == null ? null : m.total.stripTrailingZeros())) {
                    return false;
                }
            }
        }
        return true;
    }

    void print(PrintStream out) {
        out.printf("%-34s %9s %12s %9s %10s %11s  %s%n", "what", "wall s", "records/s", "CPU s", "peak RSS", "job/DuckDB", "rows, sum(total_cost)");
        for (Row r : rows.values()) {
            double wall = r.median(m -> m.wallNanos / 1e9);
            double cpu = r.median(m -> m.cpuNanos / 1e9);
            double rss = r.median(m -> m.peakRssKb);
            String ratio = "";
            if (!r.duckDb) {
                Row duck = rows.values().stream().filter(d -> d.duckDb && d.parallelism == r.parallelism).findFirst().orElse(null);
                ratio = duck == null ? "—" : String.format("%.2f", duck.median(m -> m.wallNanos / 1e9) / wall);
            }
            StringBuilder totals = new StringBuilder();
            for (Processes.Measurement m : r.runs) {
                totals.append(totals.length() == 0 ? "" : "; ").append(String.format("%,d, %s", m.records, m.total == null ? "null" : m.total.toPlainString()));
            }
            out.printf("%-34s %9.1f %,12.0f %9s %10s %11s  %s%n", r.what, wall, records / wall,
                    cpu < 0 ? "n/a" : String.format("%.1f", cpu), rss < 0 ? "n/a" : String.format("%.2f GB", rss / 1024 / 1024), ratio, totals);
            if (!r.duckDb && r.runs.get(0).jobSeconds >= 0) {
                out.printf("  of which \"Job finished in\" %.1f s, the dashboard %.1f s%n",
                        r.median(m -> m.jobSeconds), r.median(m -> m.dashboardSeconds));
            }
        }
        if (rows.values().stream().anyMatch(r -> r.runs.size() > 1)) {
            out.println("(medians of " + rows.values().stream().mapToInt(r -> r.runs.size()).max().orElse(1) + " interleaved rounds)");
        }
        if (totalsAgree()) {
            out.println("totals: equal in every run");
        } else {
            out.println("FINDING: THE TOTALS DIFFER (or a run did not write all " + String.format("%,d", records)
                    + " records): see the last column. Compare per request with the two lakes left in the benchmark's folder.");
        }
    }
}
