package com.bedrockcost.budget;

import com.bedrockcost.csvtable.CsvFile;
import com.bedrockcost.csvtable.CsvFileException.Problem;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads and validates one budget file: UTF-8 CSV with a header row ({@link CsvFile}, as price files). Columns
 * {@code tenant_id} ({@code *} = every tenant without its own row), {@code period} ({@code day} or
 * {@code month}, UTC), {@code amount_usd}, optional {@code thresholds} (percentages separated by
 * {@code ;}, default {@value #DEFAULT_THRESHOLDS}), {@code effective_from}, {@code effective_to}
 * and {@code note}. Any problem rejects the whole file; every problem is reported with its line.
 */
public final class BudgetCsv {
    static final String TENANT_ID = "tenant_id";
    static final String PERIOD = "period";
    static final String AMOUNT = "amount_usd";
    static final String THRESHOLDS = "thresholds";
    static final String EFFECTIVE_FROM = "effective_from";
    static final String EFFECTIVE_TO = "effective_to";
    static final String NOTE = "note";
    static final String DEFAULT_THRESHOLDS = "50;80;95;100";
    /** Amounts are written to DECIMAL(38,12) columns; 6 decimals is more than any currency needs. */
    static final int MAX_DECIMALS = 6;
    static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000000");
    static final BigDecimal MAX_PERCENT = BigDecimal.valueOf(10_000);

    private static final List<String> REQUIRED = List.of(TENANT_ID, PERIOD, AMOUNT);
    private static final Set<String> KNOWN = Set.of(TENANT_ID, PERIOD, AMOUNT, THRESHOLDS, EFFECTIVE_FROM, EFFECTIVE_TO, NOTE);
    private static final Pattern DECIMAL = Pattern.compile("\\d+(\\.\\d+)?");

    private BudgetCsv() {}

    /** The rows of {@code content}, the file called {@code file}; rows name their source as {@code file:line}. */
    public static List<BudgetRow> parse(String file, String content) throws BudgetFileException {
        CsvFile csv = CsvFile.read(file, content, KNOWN, REQUIRED, String.join(",", REQUIRED) + "," + THRESHOLDS,
                BudgetFileException::new);
        List<Problem> problems = csv.problems();
        List<BudgetRow> rows = new ArrayList<>();
        for (CsvFile.Line line : csv.lines()) {
            int before = problems.size();
            BudgetRow row = row(file, line.number, csv.columns(), line.fields, problems);
            if (problems.size() == before) {
                rows.add(row);
            }
        }
        overlaps(rows, problems);
        csv.rejectIfAny(file, BudgetFileException::new);
        return rows;
    }

    private static BudgetRow row(String file, int line, Map<String, Integer> columns, List<String> fields, List<Problem> problems) {
        java.util.function.Function<String, String> text = c -> columns.containsKey(c) ? fields.get(columns.get(c)).trim() : "";
        String tenant = text.apply(TENANT_ID);
        if (tenant.isEmpty()) {
            problems.add(new Problem(line, "tenant_id is empty (use * for every tenant without a row of its own)"));
        } else if (!tenant.matches("\\S+")) {
            problems.add(new Problem(line, "tenant_id '" + tenant + "' contains white space"));
        }
        BudgetPeriod period = BudgetPeriod.parse(text.apply(PERIOD));
        if (period == null) {
            problems.add(new Problem(line, "period '" + text.apply(PERIOD) + "' is not day or month"));
        }
        BigDecimal amount = decimal(line, AMOUNT, text.apply(AMOUNT), MAX_AMOUNT, problems);
        if (amount != null && amount.signum() == 0) {
            problems.add(new Problem(line, "amount_usd is 0; a budget needs a positive amount (delete the row for no budget)"));
        }
        String t = text.apply(THRESHOLDS);
        TreeSet<BigDecimal> thresholds = new TreeSet<>();
        for (String part : (t.isEmpty() ? DEFAULT_THRESHOLDS : t).split(";", -1)) {
            BigDecimal pct = decimal(line, "threshold", part.trim(), MAX_PERCENT, problems);
            if (pct == null) {
                continue;
            }
            if (pct.signum() == 0) {
                problems.add(new Problem(line, "threshold 0 % would alert on the first cent; thresholds are percentages such as 50;80;100"));
            } else if (!thresholds.add(plain(pct))) {
                problems.add(new Problem(line, "threshold " + pct.toPlainString() + " % appears twice"));
            }
        }
        Instant from = instant(line, EFFECTIVE_FROM, text.apply(EFFECTIVE_FROM), problems);
        Instant to = instant(line, EFFECTIVE_TO, text.apply(EFFECTIVE_TO), problems);
        if (from != null && to != null && !to.isAfter(from)) {
            problems.add(new Problem(line, "effective_to " + to + " is not after effective_from " + from));
        }
        return new BudgetRow(tenant, period, amount, thresholds.toArray(new BigDecimal[0]), from, to, file + ":" + line);
    }

    /** 50, 50.0 and 50.00 are one threshold: the smallest scale that is not negative (never 5E+1). */
    private static BigDecimal plain(BigDecimal v) {
        BigDecimal s = v.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }

    private static BigDecimal decimal(int line, String what, String v, BigDecimal max, List<Problem> problems) {
        if (v.isEmpty()) {
            problems.add(new Problem(line, what + " is empty"));
            return null;
        }
        if (v.startsWith("-")) {
            problems.add(new Problem(line, "negative " + what + " '" + v + "'"));
            return null;
        }
        if (!DECIMAL.matcher(v).matches()) {
            problems.add(new Problem(line, what + " '" + v + "' is not a decimal number such as 250.00"));
            return null;
        }
        BigDecimal d = new BigDecimal(v);
        if (d.stripTrailingZeros().scale() > MAX_DECIMALS) {
            problems.add(new Problem(line, what + " '" + v + "' has more than " + MAX_DECIMALS + " decimal places"));
            return null;
        }
        if (d.compareTo(max) > 0) {
            problems.add(new Problem(line, what + " '" + v + "' is more than " + max.toPlainString()));
            return null;
        }
        return d;
    }

    private static Instant instant(int line, String column, String v, List<Problem> problems) {
        if (v.isEmpty()) {
            return null;
        }
        try {
            return CsvFile.instant(v);
        } catch (DateTimeParseException e) {
            problems.add(new Problem(line, column + " '" + v + "' is not a UTC date (YYYY-MM-DD) or an ISO-8601 instant with an offset"));
            return null;
        }
    }

    /** Two rows for the same tenant and period in force at the same time contradict each other. */
    private static void overlaps(List<BudgetRow> rows, List<Problem> problems) {
        Map<String, List<BudgetRow>> slots = new HashMap<>();
        for (BudgetRow r : rows) {
            List<BudgetRow> same = slots.computeIfAbsent(r.slot(), k -> new ArrayList<>());
            for (BudgetRow earlier : same) {
                if (r.overlaps(earlier)) {
                    problems.add(new Problem(r.line(), "overlaps line " + earlier.line() + " for " + r.slot() + ": "
                            + r.range() + " and " + earlier.range() + " (close the earlier row with effective_to where the new one starts)"));
                    break;
                }
            }
            same.add(r);
        }
    }
}
