package com.bedrockcost.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates one price file (the format: pricing/README.md): UTF-8 CSV with a header row. Any problem rejects
 * the whole file; every problem is reported with its line.
 *
 * <p>Prices are exact decimals with at most {@value #MAX_PRICE_DECIMALS} decimal places: a cost is
 * {@code tokens × price / 1,000,000}; with integer tokens and a price of at most 6 decimals that
 * quotient has at most 12 decimals, so it is exact in the lake's {@code DECIMAL(38,12)} columns. A 7th
 * decimal would make costs of odd token counts round, so such prices are refused.
 */
public final class PriceCsv {
    static final int MAX_PRICE_DECIMALS = 6;
    /** USD per million tokens; keeps every cost of a long token count within DECIMAL(38,12). */
    static final BigDecimal MAX_PRICE = BigDecimal.valueOf(1_000_000);

    static final String MODEL_ID = "model_id";
    static final String REGION = "region";
    static final String EFFECTIVE_FROM = "effective_from";
    static final String EFFECTIVE_TO = "effective_to";
    static final String INPUT = "input_per_mtok";
    static final String OUTPUT = "output_per_mtok";
    static final String CACHE_READ = "cache_read_per_mtok";
    static final String CACHE_WRITE = "cache_write_per_mtok";
    static final String MIN_PROMPT_TOKENS = "min_prompt_tokens";
    static final String PROFILE_SCOPE = "profile_scope";
    static final String CACHE_WRITE_1H = "cache_write_1h_per_mtok";
    /** Free text (where a number comes from); ignored by pricing. */
    static final String NOTE = "note";
    /** Service tier of the row: standard (the default when empty), batch, flex, priority or latency-optimized. */
    static final String SERVICE_TIER = "service_tier";
    /** AWS usage types of the row's components (what the bill calls them); ignored by pricing. */
    static final String USAGE_TYPE = "usage_type";
    /** Where the row's prices come from in the AWS Price List (offer, version, rate codes); ignored by pricing. */
    static final String PRICE_REF = "price_ref";

    private static final List<String> REQUIRED = List.of(MODEL_ID, REGION, EFFECTIVE_FROM, INPUT, OUTPUT);
    private static final Set<String> KNOWN = Set.of(MODEL_ID, REGION, EFFECTIVE_FROM, EFFECTIVE_TO, INPUT, OUTPUT,
            CACHE_READ, CACHE_WRITE, MIN_PROMPT_TOKENS, PROFILE_SCOPE, CACHE_WRITE_1H, NOTE, SERVICE_TIER, USAGE_TYPE, PRICE_REF);
    private static final Set<String> SCOPES = Set.of("in-region", "geo", "global", PriceRow.ANY);
    private static final Set<String> TIERS = Set.of(PriceRow.STANDARD, "batch", "flex", "priority", PriceRow.LATENCY_OPTIMIZED);

    private static final Pattern DECIMAL = Pattern.compile("\\d+(\\.\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("\\d+");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern REGION_NAME = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");
    private static final Pattern PROFILE_PREFIX = Pattern.compile("^(us|eu|apac|jp|au|ca|us-gov|global)\\.");

    private PriceCsv() {}

    /** The rows of {@code content}, the file called {@code file}; rows name their source as {@code file:line}. */
    public static List<PriceRow> parse(String file, String content) throws PriceFileException {
        List<PriceFileException.Problem> problems = new ArrayList<>();
        if (content.startsWith("\uFEFF")) {
            content = content.substring(1);
        }
        String[] lines = content.split("\n", -1);
        if (content.trim().isEmpty()) {
            throw new PriceFileException(file, 1, "the file is empty; it needs a header row naming the columns, e.g. "
                    + String.join(",", REQUIRED));
        }
        Map<String, Integer> columns = header(stripCr(lines[0]), problems);
        if (!problems.isEmpty()) {
            throw new PriceFileException(file, problems);
        }
        List<PriceRow> rows = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = stripCr(lines[i]);
            if (line.trim().isEmpty()) {
                continue;
            }
            int lineNo = i + 1;
            int before = problems.size();
            if (line.indexOf('\uFFFD') >= 0) {
                problems.add(new PriceFileException.Problem(lineNo, "not valid UTF-8"));
                continue;
            }
            List<String> fields;
            try {
                fields = split(line);
            } catch (IllegalArgumentException e) {
                problems.add(new PriceFileException.Problem(lineNo, e.getMessage()));
                continue;
            }
            if (fields.size() != columns.size()) {
                problems.add(new PriceFileException.Problem(lineNo, "expected " + columns.size() + " fields as in the header, found " + fields.size()));
                continue;
            }
            PriceRow row = row(file, lineNo, columns, fields, problems);
            if (problems.size() == before) {
                rows.add(row);
            }
        }
        overlaps(rows, problems);
        if (!problems.isEmpty()) {
            problems.sort(Comparator.comparingInt(p -> p.line));
            throw new PriceFileException(file, problems);
        }
        return rows;
    }

    private static String stripCr(String s) {
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static Map<String, Integer> header(String line, List<PriceFileException.Problem> problems) {
        return header(line, KNOWN, REQUIRED, "", problems);
    }

    /** Column name → position of a header row; unknown, repeated and missing required columns are problems of line 1. */
    static Map<String, Integer> header(String line, Set<String> known, List<String> required, String ofWhat,
                                       List<PriceFileException.Problem> problems) {
        Map<String, Integer> columns = new LinkedHashMap<>();
        List<String> names;
        try {
            names = split(line);
        } catch (IllegalArgumentException e) {
            problems.add(new PriceFileException.Problem(1, "header: " + e.getMessage()));
            return columns;
        }
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i).trim().toLowerCase(Locale.ROOT);
            if (!known.contains(name)) {
                problems.add(new PriceFileException.Problem(1, "unknown column '" + names.get(i).trim() + "'" + ofWhat + " (known columns: "
                        + String.join(", ", new java.util.TreeSet<>(known)) + ")"));
            } else if (columns.put(name, i) != null) {
                problems.add(new PriceFileException.Problem(1, "column '" + name + "' appears twice"));
            }
        }
        for (String r : required) {
            if (!columns.containsKey(r)) {
                problems.add(new PriceFileException.Problem(1, "missing required column '" + r + "'"));
            }
        }
        return columns;
    }

    private static PriceRow row(String file, int lineNo, Map<String, Integer> columns, List<String> fields,
                                List<PriceFileException.Problem> problems) {
        Field f = new Field(lineNo, columns, fields, problems);
        String model = f.text(MODEL_ID);
        if (model.isEmpty()) {
            f.problem("model_id is empty");
        } else if (!model.matches("\\S+")) {
            f.problem("model_id '" + model + "' contains white space");
        } else if (model.startsWith("arn:")) {
            f.problem("model_id '" + model + "' is an ARN; use the canonical base model id, e.g. anthropic.claude-3-5-haiku-20241022-v1:0");
        } else {
            java.util.regex.Matcher m = PROFILE_PREFIX.matcher(model);
            if (m.find()) {
                f.problem("model_id '" + model + "' starts with the inference-profile prefix '" + m.group()
                        + "'; use the base model id '" + model.substring(m.end()) + "' with profile_scope geo or global");
            }
        }
        String region = f.text(REGION);
        if (!region.equals(PriceRow.ANY) && !REGION_NAME.matcher(region).matches()) {
            f.problem("region '" + region + "' is not an AWS region name such as us-east-1, nor *");
        }
        Instant from = f.instant(EFFECTIVE_FROM, true);
        Instant to = f.instant(EFFECTIVE_TO, false);
        if (from != null && to != null && !to.isAfter(from)) {
            f.problem("effective_to " + to + " is not after effective_from " + from);
        }
        BigDecimal input = f.price(INPUT, true);
        BigDecimal output = f.price(OUTPUT, true);
        BigDecimal cacheRead = f.price(CACHE_READ, false);
        BigDecimal cacheWrite = f.price(CACHE_WRITE, false);
        BigDecimal cacheWrite1h = f.price(CACHE_WRITE_1H, false);
        long minPrompt = f.count(MIN_PROMPT_TOKENS);
        String scope = f.text(PROFILE_SCOPE);
        if (scope.isEmpty()) {
            scope = PriceRow.ANY;
        } else if (!SCOPES.contains(scope)) {
            f.problem("unknown profile_scope '" + scope + "' (use in-region, geo, global or *)");
        }
        String tier = f.text(SERVICE_TIER);
        if (tier.isEmpty()) {
            tier = PriceRow.STANDARD;
        } else if (!TIERS.contains(tier)) {
            f.problem("unknown service_tier '" + tier + "' (use standard, batch, flex, priority or latency-optimized)");
        }
        return new PriceRow(model, region, scope, from, to, input, output,
                cacheRead == null ? BigDecimal.ZERO : cacheRead, cacheWrite == null ? BigDecimal.ZERO : cacheWrite,
                cacheWrite1h, minPrompt, file + ":" + lineNo, tier);
    }

    /** Rows for the same model, region, scope and threshold whose date ranges overlap contradict each other. */
    private static void overlaps(List<PriceRow> rows, List<PriceFileException.Problem> problems) {
        Map<String, List<PriceRow>> slots = new HashMap<>();
        for (PriceRow r : rows) {
            List<PriceRow> same = slots.computeIfAbsent(r.slot(), k -> new ArrayList<>());
            for (PriceRow earlier : same) {
                if (r.overlaps(earlier)) {
                    problems.add(new PriceFileException.Problem(lineOf(r), "overlaps line " + lineOf(earlier) + " for "
                            + r.slot() + ": " + r.range() + " and " + earlier.range()
                            + " (close the earlier row with effective_to where the new one starts)"));
                    break;
                }
            }
            same.add(r);
        }
    }

    static int lineOf(PriceRow r) {
        return Integer.parseInt(r.source.substring(r.source.lastIndexOf(':') + 1));
    }

    /**
     * Splits one CSV line: fields separated by commas, optionally in double quotes (a quote inside a
     * quoted field is written twice). Line breaks inside fields are not supported.
     */
    public static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int i = 0;
        int n = line.length();
        while (true) {
            cur.setLength(0);
            if (i < n && line.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= n) {
                        throw new IllegalArgumentException("a quoted field is not closed (line breaks inside fields are not supported)");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            cur.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        cur.append(c);
                    }
                }
                if (i < n && line.charAt(i) != ',') {
                    throw new IllegalArgumentException("unexpected text after a closing quote at column " + (i + 1));
                }
            } else {
                while (i < n && line.charAt(i) != ',') {
                    char c = line.charAt(i++);
                    if (c == '"') {
                        throw new IllegalArgumentException("a quote inside an unquoted field at column " + i);
                    }
                    cur.append(c);
                }
            }
            out.add(cur.toString());
            if (i >= n) {
                return out;
            }
            i++; // the comma
        }
    }

    /** A UTC date ({@code YYYY-MM-DD}, its start) or an ISO-8601 instant with an offset, as effective dates are written. */
    public static Instant instant(String v) {
        if (DATE.matcher(v).matches()) {
            return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        return OffsetDateTime.parse(v).toInstant();
    }

    /** Reads the fields of one line, collecting problems. */
    private static final class Field {
        private final int line;
        private final Map<String, Integer> columns;
        private final List<String> fields;
        private final List<PriceFileException.Problem> problems;

        Field(int line, Map<String, Integer> columns, List<String> fields, List<PriceFileException.Problem> problems) {
            this.line = line;
            this.columns = columns;
            this.fields = fields;
            this.problems = problems;
        }

        void problem(String reason) {
            problems.add(new PriceFileException.Problem(line, reason));
        }

        String text(String column) {
            Integer i = columns.get(column);
            return i == null ? "" : fields.get(i).trim();
        }

        BigDecimal price(String column, boolean required) {
            String v = text(column);
            if (v.isEmpty()) {
                if (required) {
                    problem(column + " is empty");
                }
                return null;
            }
            if (v.startsWith("-")) {
                problem("negative " + column + " '" + v + "'");
                return null;
            }
            if (!DECIMAL.matcher(v).matches()) {
                problem(column + " '" + v + "' is not a decimal number such as 3.75");
                return null;
            }
            BigDecimal d = new BigDecimal(v);
            if (d.stripTrailingZeros().scale() > MAX_PRICE_DECIMALS) {
                problem(column + " '" + v + "' has more than " + MAX_PRICE_DECIMALS
                        + " decimal places (USD per million tokens; costs are exact to 12 decimals only up to 6)");
                return null;
            }
            if (d.compareTo(MAX_PRICE) > 0) {
                problem(column + " '" + v + "' is more than " + MAX_PRICE.toPlainString() + " USD per million tokens");
                return null;
            }
            return d;
        }

        long count(String column) {
            String v = text(column);
            if (v.isEmpty()) {
                return 0;
            }
            if (v.startsWith("-")) {
                problem("negative " + column + " '" + v + "'");
                return 0;
            }
            if (!INTEGER.matcher(v).matches() || v.length() > 18) {
                problem(column + " '" + v + "' is not a whole number of tokens");
                return 0;
            }
            return Long.parseLong(v);
        }

        Instant instant(String column, boolean required) {
            String v = text(column);
            if (v.isEmpty()) {
                if (required) {
                    problem(column + " is empty");
                }
                return null;
            }
            try {
                return PriceCsv.instant(v);
            } catch (DateTimeParseException e) {
                problem(column + " '" + v + "' is not a UTC date (YYYY-MM-DD) or an ISO-8601 instant with an offset (2026-12-01T00:00:00Z)");
                return null;
            }
        }
    }
}
