package com.bedrockcost.pricing;

import com.bedrockcost.csvtable.CsvFile;
import com.bedrockcost.model.GuardrailPolicy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a unit price file: the prices of the charges that are not tokens (guardrail policies, images,
 * video seconds, rerank queries). It lives next to the token price files and is told apart by its
 * header, whose first column is {@code charge}:
 *
 * <pre>charge,model_id,region,effective_from,effective_to,variant,usd,per,source</pre>
 *
 * A cost is {@code quantity × usd / per}. Validation as for token prices: any problem rejects the file,
 * each problem is reported with its line.
 */
public final class UnitPriceCsv {
    static final String CHARGE = "charge";
    static final String GUARDRAIL = "guardrail";
    static final String IMAGE = "image";
    static final String VIDEO = "video";
    static final String RERANK = "rerank";
    static final Set<String> CHARGES = Set.of(GUARDRAIL, IMAGE, VIDEO, RERANK);

    private static final String MODEL_ID = "model_id";
    private static final String REGION = "region";
    private static final String FROM = "effective_from";
    private static final String TO = "effective_to";
    private static final String VARIANT = "variant";
    private static final String USD = "usd";
    private static final String PER = "per";
    private static final String SOURCE = "source";
    private static final String NOTE = "note";
    private static final List<String> REQUIRED = List.of(CHARGE, MODEL_ID, REGION, FROM, USD);
    private static final Set<String> KNOWN = Set.of(CHARGE, MODEL_ID, REGION, FROM, TO, VARIANT, USD, PER, SOURCE, NOTE);
    private static final Set<Long> PER_VALUES = Set.of(1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L);
    private static final Pattern DECIMAL = Pattern.compile("\\d+(\\.\\d+)?");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern REGION_NAME = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");
    /** An image bucket: up to width × height pixels at a quality, e.g. {@code 1024x1024/standard}. */
    static final Pattern IMAGE_VARIANT = Pattern.compile("(\\d{1,5})x(\\d{1,5})/([a-z]+)");

    private UnitPriceCsv() {}

    /** True when {@code content} is a unit price file (its header starts with {@code charge}). */
    public static boolean recognises(String content) {
        String c = content.startsWith("\uFEFF") ? content.substring(1) : content;
        int end = c.indexOf('\n');
        String header = (end < 0 ? c : c.substring(0, end)).trim().toLowerCase(Locale.ROOT);
        return header.startsWith(CHARGE + ",") || header.startsWith("\"" + CHARGE + "\",");
    }

    /** The rows of {@code content}, the file called {@code file}. */
    public static List<UnitPriceRow> parse(String file, String content) throws PriceFileException {
        if (content.startsWith("\uFEFF")) {
            content = content.substring(1);
        }
        String[] lines = content.split("\n", -1);
        List<PriceFileException.Problem> problems = new ArrayList<>();
        Map<String, Integer> columns = CsvFile.header(strip(lines[0]), KNOWN, REQUIRED, " of a unit price file", problems);
        if (!problems.isEmpty()) {
            throw new PriceFileException(file, problems);
        }
        List<UnitPriceRow> rows = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = strip(lines[i]);
            if (line.trim().isEmpty()) {
                continue;
            }
            int lineNo = i + 1;
            List<String> fields;
            try {
                fields = CsvFile.split(line);
            } catch (IllegalArgumentException e) {
                problems.add(new PriceFileException.Problem(lineNo, e.getMessage()));
                continue;
            }
            if (fields.size() != columns.size()) {
                problems.add(new PriceFileException.Problem(lineNo, "expected " + columns.size() + " fields as in the header, found " + fields.size()));
                continue;
            }
            int before = problems.size();
            UnitPriceRow row = row(file, lineNo, columns, fields, problems);
            if (problems.size() == before) {
                rows.add(row);
            }
        }
        Map<String, List<UnitPriceRow>> slots = new HashMap<>();
        for (UnitPriceRow r : rows) {
            List<UnitPriceRow> same = slots.computeIfAbsent(r.slot(), k -> new ArrayList<>());
            for (UnitPriceRow earlier : same) {
                if (r.overlaps(earlier)) {
                    problems.add(new PriceFileException.Problem(lineOf(r.source), "overlaps line "
                            + lineOf(earlier.source) + " for " + r.slot()
                            + " (close the earlier row with effective_to where the new one starts)"));
                    break;
                }
            }
            same.add(r);
        }
        if (!problems.isEmpty()) {
            problems.sort(Comparator.comparingInt(p -> p.line));
            throw new PriceFileException(file, problems);
        }
        return rows;
    }

    private static UnitPriceRow row(String file, int line, Map<String, Integer> columns, List<String> fields,
                                    List<PriceFileException.Problem> problems) {
        java.util.function.Function<String, String> text = c -> columns.containsKey(c) ? fields.get(columns.get(c)).trim() : "";
        java.util.function.Consumer<String> problem = r -> problems.add(new PriceFileException.Problem(line, r));
        String charge = text.apply(CHARGE).toLowerCase(Locale.ROOT);
        if (!CHARGES.contains(charge)) {
            problem.accept("unknown charge '" + charge + "' (use guardrail, image, video or rerank)");
        }
        String model = text.apply(MODEL_ID);
        if (model.isEmpty() || !model.matches("\\S+") || model.startsWith("arn:")) {
            problem.accept("model_id '" + model + "' is not a canonical model id, nor *");
        } else if (model.equals(PriceRow.ANY) && !charge.equals(GUARDRAIL)) {
            problem.accept("model_id * is only for guardrail rows; " + charge + " prices belong to a model");
        }
        String region = text.apply(REGION);
        if (!region.equals(PriceRow.ANY) && !REGION_NAME.matcher(region).matches()) {
            problem.accept("region '" + region + "' is not an AWS region name such as us-east-1, nor *");
        }
        String variant = text.apply(VARIANT).toLowerCase(Locale.ROOT);
        if (variant.isEmpty()) {
            variant = PriceRow.ANY;
        }
        if (charge.equals(GUARDRAIL) && GuardrailPolicy.ofVariant(variant) == null) {
            StringBuilder known = new StringBuilder();
            for (int i = 0; i < GuardrailPolicy.count(); i++) {
                known.append(i == 0 ? "" : ", ").append(GuardrailPolicy.at(i).variant);
            }
            problem.accept("guardrail variant '" + variant + "' is not a policy (" + known + ")");
        } else if (charge.equals(IMAGE) && !variant.equals(PriceRow.ANY) && !IMAGE_VARIANT.matcher(variant).matches()) {
            problem.accept("image variant '" + variant + "' is not <width>x<height>/<quality> (e.g. 1024x1024/standard) nor *");
        } else if ((charge.equals(VIDEO) || charge.equals(RERANK)) && !variant.equals(PriceRow.ANY)) {
            problem.accept(charge + " rows have no variant (leave it empty)");
        }
        Instant from = instant(text.apply(FROM), FROM, true, problem);
        Instant to = instant(text.apply(TO), TO, false, problem);
        if (from != null && to != null && !to.isAfter(from)) {
            problem.accept("effective_to " + to + " is not after effective_from " + from);
        }
        BigDecimal usd = null;
        String u = text.apply(USD);
        if (!DECIMAL.matcher(u).matches()) {
            problem.accept("usd '" + u + "' is not a decimal number >= 0 such as 0.15");
        } else {
            usd = new BigDecimal(u);
            if (usd.stripTrailingZeros().scale() > PriceCsv.MAX_PRICE_DECIMALS) {
                problem.accept("usd '" + u + "' has more than " + PriceCsv.MAX_PRICE_DECIMALS + " decimal places");
            }
        }
        long per = 1;
        String p = text.apply(PER);
        if (!p.isEmpty()) {
            try {
                per = Long.parseLong(p);
            } catch (NumberFormatException e) {
                per = -1;
            }
            if (!PER_VALUES.contains(per)) {
                problem.accept("per '" + p + "' is not 1, 10, 100, … or 1000000 (the number of units usd is for)");
            }
        }
        return new UnitPriceRow(charge, model, region, variant, from, to, usd, per, file + ":" + line);
    }

    private static Instant instant(String v, String column, boolean required, java.util.function.Consumer<String> problem) {
        if (v.isEmpty()) {
            if (required) {
                problem.accept(column + " is empty");
            }
            return null;
        }
        try {
            return DATE.matcher(v).matches() ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant() : OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            problem.accept(column + " '" + v + "' is not a UTC date (YYYY-MM-DD) or an ISO-8601 instant with an offset");
            return null;
        }
    }

    private static int lineOf(String source) {
        return Integer.parseInt(source.substring(source.lastIndexOf(':') + 1));
    }

    private static String strip(String s) {
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
