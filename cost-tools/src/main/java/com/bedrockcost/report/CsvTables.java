package com.bedrockcost.report;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The dashboard's tables as CSV files (RFC 4180, UTF-8, header row, exact decimals, every row). */
final class CsvTables {
    /** Where the files go: a new, empty file by name. */
    interface Folder {
        Appendable open(String name) throws IOException;
    }

    private CsvTables() {}

    static void write(ReportView v, Folder dir) throws IOException {
        ReportData d = v.data;
        List<String> totalsHeader = new ArrayList<>(Dashboard.columns());
        totalsHeader.add("latency_count");
        totalsHeader.add("latency_ms_sum");
        totalsHeader.add("latency_ms_p50");
        totalsHeader.add("latency_ms_p95");
        totalsHeader.add("guardrail_text_units");
        totalsHeader.add("guardrail_cost");
        totalsHeader.add("image_cost");
        totalsHeader.add("video_cost");
        totalsHeader.add("rerank_cost");

        Appendable summary = dir.open("summary.csv");
        line(summary, concat("slice", totalsHeader, "failed_inputs"));
        List<String> row = new ArrayList<>();
        row.add(d.options.describe());
        row.addAll(values(d.overall));
        row.add(d.failedShown ? String.valueOf(d.failedTotal) : "");
        line(summary, row);
        groups(dir.open("tenants.csv"), "tenant_id", totalsHeader, v.tenants.all);
        groups(dir.open("companies.csv"), "company", totalsHeader, v.companies.all);
        groups(dir.open("departments.csv"), "department", totalsHeader, v.departments.all);
        groups(dir.open("models.csv"), "model", totalsHeader, v.models.all);
        groups(dir.open("timeline.csv"), v.granularity + "_utc", totalsHeader, new ArrayList<>(v.timeline.entrySet()));
        Appendable daily = dir.open("daily.csv");
        List<String> h = new ArrayList<>(List.of("tenant_id", "department", "model", "day_utc"));
        h.addAll(totalsHeader);
        line(daily, h);
        for (ReportData.Cell c : d.daily) {
            List<String> r = new ArrayList<>(List.of(c.tenant, c.department, c.model, c.day));
            r.addAll(values(c.totals));
            line(daily, r);
        }
        Appendable failed = dir.open("failed.csv");
        line(failed, List.of("breakdown", "key", "count"));
        if (d.failedShown) {
            for (Map.Entry<String, Long> e : d.failedByType.entrySet()) {
                line(failed, List.of("error_type", e.getKey(), String.valueOf(e.getValue())));
            }
            for (Map.Entry<String, Long> e : d.failedByDay.entrySet()) {
                line(failed, List.of("processing_day", e.getKey(), String.valueOf(e.getValue())));
            }
        }
        if (d.budgets != null) {
            d.budgets.writeCsv(dir);
        }
    }

    private static void groups(Appendable w, String keyName, List<String> header, List<Map.Entry<String, Totals>> rows) throws IOException {
        List<String> h = new ArrayList<>();
        h.add(keyName);
        h.addAll(header);
        line(w, h);
        for (Map.Entry<String, Totals> e : rows) {
            List<String> r = new ArrayList<>();
            r.add(e.getKey());
            r.addAll(values(e.getValue()));
            line(w, r);
        }
    }

    private static List<String> values(Totals t) {
        List<String> out = new ArrayList<>();
        for (String c : Dashboard.columns()) {
            out.add(text(Dashboard.value(t, c)));
        }
        out.add(String.valueOf(t.latencyCount));
        out.add(String.valueOf(t.latencyMsSum));
        out.add(text(t.latencyMsP50));
        out.add(text(t.latencyMsP95));
        out.add(String.valueOf(t.guardrailTextUnits));
        out.add(text(t.guardrailCost));
        out.add(text(t.imageCost));
        out.add(text(t.videoCost));
        out.add(text(t.rerankCost));
        return out;
    }

    private static String text(Object v) {
        return v == null ? "" : v instanceof BigDecimal ? ((BigDecimal) v).toPlainString() : String.valueOf(v);
    }

    private static List<String> concat(String first, List<String> middle, String last) {
        List<String> out = new ArrayList<>();
        out.add(first);
        out.addAll(middle);
        out.add(last);
        return out;
    }

    static void line(Appendable w, List<String> fields) throws IOException {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                w.append(',');
            }
            w.append(quote(fields.get(i)));
        }
        w.append("\r\n");
    }

    static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
