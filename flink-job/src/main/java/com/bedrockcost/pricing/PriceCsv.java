package com.bedrockcost.pricing;

import com.bedrockcost.csvtable.CsvFile;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
    private static final Pattern REGION_NAME = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");
    private static final Pattern PROFILE_PREFIX = Pattern.compile("^(us|eu|apac|jp|au|ca|us-gov|global)\\.");

    private PriceCsv() {}

    /** The rows of {@code content}, the file called {@code file}; rows name their source as {@code file:line}. */
    public static List<PriceRow> parse(String file, String content) throws PriceFileException {
        CsvFile csv = CsvFile.read(file, content, KNOWN, REQUIRED, String.join(",", REQUIRED), PriceFileException::new);
        List<PriceFileException.Problem> problems = csv.problems();
        List<PriceRow> rows = new ArrayList<>();
        for (CsvFile.Line line : csv.lines()) {
            int before = problems.size();
            PriceRow row = row(file, line.number, csv.columns(), line.fields, problems);
            if (problems.size() == before) {
                rows.add(row);
            }
        }
        overlaps(rows, problems);
        csv.rejectIfAny(file, PriceFileException::new);
        return rows;
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
                return CsvFile.instant(v);
            } catch (DateTimeParseException e) {
                problem(column + " '" + v + "' is not a UTC date (YYYY-MM-DD) or an ISO-8601 instant with an offset (2026-12-01T00:00:00Z)");
                return null;
            }
        }
    }
}
