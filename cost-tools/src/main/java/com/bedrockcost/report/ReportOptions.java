package com.bedrockcost.report;

import com.bedrockcost.config.ConfigException;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Options of {@code bedrock-cost-stream report}: which lake, which slice of it, where the files go. */
public final class ReportOptions {
    public static final String DEFAULT_OUT = "report";
    public static final int DEFAULT_TOP = 10;

    /** Root of the lake; null = the configuration's output.path (the run command's --output, default ./lake). */
    public String lake;
    /** First and last UTC day (event time; the failed table: processing day), inclusive; null = open. */
    public LocalDate from;
    public LocalDate to;
    public String tenant;
    public String model;
    public int top = DEFAULT_TOP;
    public Path out = Paths.get(DEFAULT_OUT);
    /** Only rows the job wrote at or after this instant: the run command's "this run". */
    public Instant ingestedSince;

    /** Parsed options, and the arguments that are not report options (configuration keys such as s3.endpoint). */
    public static final class Parsed {
        public final ReportOptions options;
        public final List<String> rest;

        Parsed(ReportOptions options, List<String> rest) {
            this.options = options;
            this.rest = rest;
        }
    }

    public static Parsed parse(List<String> args) {
        ReportOptions o = new ReportOptions();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 2) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            if (!isReportOption(name)) {
                rest.add(a);
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new ConfigException("Option '" + name + "' needs a value");
                }
                value = args.get(++i);
            }
            switch (name) {
                case "--lake":
                    o.lake = nonEmpty(name, value);
                    break;
                case "--from":
                    o.from = day(name, value, false);
                    break;
                case "--to":
                    o.to = day(name, value, true);
                    break;
                case "--tenant":
                    o.tenant = nonEmpty(name, value);
                    break;
                case "--model":
                    o.model = nonEmpty(name, value);
                    break;
                case "--top":
                    o.top = top(value);
                    break;
                case "--out":
                    o.out = Paths.get(nonEmpty(name, value));
                    break;
                default:
                    try {
                        o.ingestedSince = Instant.parse(value);
                    } catch (DateTimeParseException e) {
                        throw new ConfigException("Option '" + name + "' takes an ISO-8601 instant such as 2026-11-01T00:00:00Z, not '" + value + "'");
                    }
            }
        }
        if (o.from != null && o.to != null && o.from.isAfter(o.to)) {
            throw new ConfigException("--from " + o.from + " is after --to " + o.to);
        }
        return new Parsed(o, rest);
    }

    private static boolean isReportOption(String name) {
        switch (name) {
            case "--lake":
            case "--from":
            case "--to":
            case "--tenant":
            case "--model":
            case "--top":
            case "--out":
            case "--ingested-since":
                return true;
            default:
                return false;
        }
    }

    private static String nonEmpty(String name, String value) {
        if (value.trim().isEmpty()) {
            throw new ConfigException("Option '" + name + "' needs a value");
        }
        return value;
    }

    private static int top(String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("Option '--top' takes a whole number of at least 1, not '" + value + "'");
    }

    /** {@code YYYY}, {@code YYYY-MM} or {@code YYYY-MM-DD}: the first day of it for --from, the last for --to. */
    static LocalDate day(String name, String value, boolean last) {
        String v = value.trim();
        try {
            if (v.matches("\\d{4}")) {
                int y = Integer.parseInt(v);
                return last ? LocalDate.of(y, 12, 31) : LocalDate.of(y, 1, 1);
            }
            if (v.matches("\\d{4}-\\d{2}")) {
                YearMonth ym = YearMonth.parse(v);
                return last ? ym.atEndOfMonth() : ym.atDay(1);
            }
            return LocalDate.parse(v);
        } catch (DateTimeParseException e) {
            throw new ConfigException("Option '" + name + "' takes a UTC date YYYY-MM-DD, YYYY-MM or YYYY, not '" + value + "'");
        }
    }

    /** One line saying which slice of the lake this is. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (from != null || to != null) {
            parts.add("days " + (from == null ? "…" : from) + " to " + (to == null ? "…" : to));
        }
        if (tenant != null) {
            parts.add("tenant " + tenant);
        }
        if (model != null) {
            parts.add("model " + model);
        }
        if (ingestedSince != null) {
            parts.add("written since " + ingestedSince);
        }
        return parts.isEmpty() ? "whole lake" : String.join(", ", parts);
    }
}
