package com.bedrockcost.testutil;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Prices a raw Bedrock invocation log record by the rules of docs/pricing.md and pricing/README.md from
 * the price CSVs, with nothing from the job's code: its own canonicalisation of the model id, its
 * own CSV reader and lookup. The yardstick the job's cost totals are checked against.
 */
public final class ContractPricer {
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final String[] GEO_PREFIXES = {"us-gov.", "us.", "eu.", "apac.", "jp.", "au.", "ca."};

    private final List<Price> rows;

    private ContractPricer(List<Price> rows) {
        this.rows = rows;
    }

    /** The built-in table: {@code pricing/} of this repository. */
    public static ContractPricer builtIn() throws IOException {
        return load(Paths.get(System.getProperty("project.root", ".."), "pricing"));
    }

    public static ContractPricer load(Path folder) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(p -> p.toString().endsWith(".csv")).sorted().collect(Collectors.toList());
        }
        List<Price> rows = new ArrayList<>();
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            List<String> header = List.of(lines.get(0).split(",", -1));
            if (header.get(0).equals("charge")) {
                continue; // a unit price file (guardrails, images, ...): not token prices
            }
            for (int i = 1; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                // Plain cells; a quoted note (without quotes inside) may hold commas.
                String[] c = lines.get(i).split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1);
                if (c.length != header.size()) {
                    throw new IllegalStateException(f + ":" + (i + 1) + " has " + c.length + " cells, header " + header.size());
                }
                Price r = new Price();
                r.model = c[header.indexOf("model_id")];
                r.region = c[header.indexOf("region")];
                String scope = cell(c, header, "profile_scope");
                r.scope = scope.isEmpty() ? "*" : scope;
                r.from = instant(c[header.indexOf("effective_from")]);
                String to = cell(c, header, "effective_to");
                r.to = to.isEmpty() ? null : instant(to);
                String min = cell(c, header, "min_prompt_tokens");
                r.minPrompt = min.isEmpty() ? 0 : Long.parseLong(min);
                r.input = new BigDecimal(c[header.indexOf("input_per_mtok")]);
                r.output = new BigDecimal(c[header.indexOf("output_per_mtok")]);
                r.cacheRead = decimal(cell(c, header, "cache_read_per_mtok"));
                r.cacheWrite = decimal(cell(c, header, "cache_write_per_mtok"));
                String oneHour = cell(c, header, "cache_write_1h_per_mtok");
                r.cacheWrite1h = oneHour.isEmpty() ? null : new BigDecimal(oneHour);
                r.source = folder.getFileName() + "/" + f.getFileName() + ":" + (i + 1);
                rows.add(r);
            }
        }
        return new ContractPricer(rows);
    }

    /** Total cost in USD at scale 12, or null when no price is in force (the row is written UNPRICED). */
    public BigDecimal totalCost(JsonNode record) {
        String modelId = record.path("modelId").asText();
        String base = modelId.startsWith("arn:") ? modelId.substring(modelId.lastIndexOf('/') + 1) : modelId;
        String scope = "in-region";
        if (base.startsWith("global.")) {
            scope = "global";
            base = base.substring("global.".length());
        } else {
            for (String p : GEO_PREFIXES) {
                if (base.startsWith(p)) {
                    scope = "geo";
                    base = base.substring(p.length());
                    break;
                }
            }
        }
        JsonNode in = record.path("input");
        long input = in.path("inputTokenCount").asLong();
        long cacheRead = in.path("cacheReadInputTokenCount").asLong();
        long cacheWrite = in.path("cacheWriteInputTokenCount").asLong();
        long output = record.path("output").path("outputTokenCount").asLong();
        Price p = lookup(base, record.path("region").asText(), scope, Instant.parse(record.path("timestamp").asText()),
                input + cacheRead + cacheWrite);
        if (p == null) {
            return null;
        }
        return cost(input, p.input).add(cost(output, p.output)).add(cost(cacheRead, p.cacheRead)).add(cost(cacheWrite, p.cacheWrite));
    }

    /**
     * The row in force for a canonical model id, region, profile scope, time and prompt size, or null.
     * Contract precedence: exact region over {@code *}, exact scope over {@code *}, then the largest
     * threshold reached; two rows left equal make the table ambiguous, which fails the caller.
     */
    public Price lookup(String model, String region, String scope, Instant t, long prompt) {
        Price best = null;
        Price tie = null;
        for (Price r : rows) {
            boolean applies = r.model.equals(model)
                    && (r.region.equals(region) || r.region.equals("*"))
                    && (r.scope.equals(scope) || r.scope.equals("*"))
                    && r.minPrompt <= prompt
                    && !t.isBefore(r.from) && (r.to == null || t.isBefore(r.to));
            if (!applies) {
                continue;
            }
            if (best == null || better(r, best, region, scope)) {
                best = r;
                tie = null;
            } else if (!better(best, r, region, scope)) {
                tie = r;
            }
        }
        if (tie != null) {
            throw new IllegalStateException("ambiguous prices " + best.source + " and " + tie.source);
        }
        return best;
    }

    private static boolean better(Price a, Price b, String region, String scope) {
        if (a.region.equals(region) != b.region.equals(region)) {
            return a.region.equals(region);
        }
        if (a.scope.equals(scope) != b.scope.equals(scope)) {
            return a.scope.equals(scope);
        }
        return a.minPrompt > b.minPrompt;
    }

    private static BigDecimal cost(long tokens, BigDecimal perMillion) {
        return BigDecimal.valueOf(tokens).multiply(perMillion).divide(MILLION).setScale(12, RoundingMode.UNNECESSARY);
    }

    private static String cell(String[] c, List<String> header, String column) {
        int i = header.indexOf(column);
        return i < 0 ? "" : c[i];
    }

    private static BigDecimal decimal(String s) {
        return s.isEmpty() ? BigDecimal.ZERO : new BigDecimal(s);
    }

    private static Instant instant(String s) {
        return s.length() == 10 ? LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant() : OffsetDateTime.parse(s).toInstant();
    }

    /** One row of a price CSV as this yardstick reads it; prices per million tokens. */
    public static final class Price {
        public String model;
        public String region;
        public String scope;
        public Instant from;
        public Instant to;
        public long minPrompt;
        public BigDecimal input;
        public BigDecimal output;
        public BigDecimal cacheRead;
        public BigDecimal cacheWrite;
        /** Null when the row has no separate 1-hour cache write price. */
        public BigDecimal cacheWrite1h;
        /** {@code <folder>/<file>:<line>}, as the job's {@code price_source} begins for the built-in table. */
        public String source;
    }
}
