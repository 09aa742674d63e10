package com.bedrockcost.pricing.pricelist;

import com.bedrockcost.pricing.PriceCsv;
import com.bedrockcost.pricing.PriceFileException;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns AWS Price List offer files (every Bedrock offer code, any number of versions) into price CSVs
 * of contracts §1 plus a report of everything it left out. Deterministic: the same offers give the
 * same bytes, rows sorted, one file per provider ({@code anthropic.csv}, {@code amazon.csv}, …). The first twelve
 * columns are those of the built-in table (the Glue pricing table reads by position); service_tier,
 * usage_type and price_ref follow.
 */
public final class PriceListConverter {
    /** Long-context rates apply to every token of a request whose prompt exceeds 200,000 tokens (as the built-in table). */
    static final long LONG_CONTEXT_MIN_PROMPT = 200_001;
    static final String HEADER = "model_id,region,effective_from,effective_to,input_per_mtok,output_per_mtok,"
            + "cache_read_per_mtok,cache_write_per_mtok,min_prompt_tokens,profile_scope,cache_write_1h_per_mtok,note,"
            + "service_tier,usage_type,price_ref";
    /** Name of the report written beside the CSVs (not *.csv, so no price reader takes it for a table). */
    public static final String REPORT = "import-report.txt";

    private PriceListConverter() {}

    /** The CSV files (name → content) and the report. */
    public static final class Conversion {
        public final SortedMap<String, String> files;
        public final String report;
        public final int rows;
        public final int unmappedProducts;
        public final int leftOutDimensions;

        Conversion(SortedMap<String, String> files, String report, int rows, int unmappedProducts, int leftOutDimensions) {
            this.files = files;
            this.report = report;
            this.rows = rows;
            this.unmappedProducts = unmappedProducts;
            this.leftOutDimensions = leftOutDimensions;
        }
    }

    /** One price row's identity: what a Price List row is the price of. */
    private static final class Key implements Comparable<Key> {
        final String model;
        final String region;
        final String scope;
        final String tier;
        final boolean longContext;

        Key(String model, String region, String scope, String tier, boolean longContext) {
            this.model = model;
            this.region = region;
            this.scope = scope;
            this.tier = tier;
            this.longContext = longContext;
        }

        private String sortKey() {
            return model + "\u0000" + region + "\u0000" + scope + "\u0000" + tierOrder() + "\u0000" + (longContext ? 1 : 0);
        }

        private int tierOrder() {
            switch (tier) {
                case "standard": return 0;
                case "batch": return 1;
                case "flex": return 2;
                default: return 3;
            }
        }

        @Override
        public int compareTo(Key o) {
            return sortKey().compareTo(o.sortKey());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key && sortKey().equals(((Key) o).sortKey());
        }

        @Override
        public int hashCode() {
            return sortKey().hashCode();
        }

        @Override
        public String toString() {
            return model + " " + region + " " + scope + " " + tier + (longContext ? " long-context" : "");
        }
    }

    /** One token kind's price, with where it comes from. */
    private static final class Component {
        final BigDecimal perMillion;
        final String usageType;
        final String rateCode;
        final Instant effective;

        Component(BigDecimal perMillion, String usageType, String rateCode, Instant effective) {
            this.perMillion = perMillion;
            this.usageType = usageType;
            this.rateCode = rateCode;
            this.effective = effective;
        }
    }

    /** The prices of one key in one offer version. */
    private static final class Prices {
        final Map<Classification.Kind, Component> parts = new EnumMap<>(Classification.Kind.class);
        String offer;

        boolean samePricesAs(Prices o) {
            if (!parts.keySet().equals(o.parts.keySet())) {
                return false;
            }
            for (Map.Entry<Classification.Kind, Component> e : parts.entrySet()) {
                if (e.getValue().perMillion.compareTo(o.parts.get(e.getKey()).perMillion) != 0) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A row of the output: prices in force over [from, to). */
    private static final class Row {
        final Key key;
        final Prices prices;
        final Instant from;
        Instant to;

        Row(Key key, Prices prices, Instant from) {
            this.key = key;
            this.prices = prices;
            this.from = from;
        }
    }

    /** Converts {@code offers} (any codes, any versions) with effective dates from {@code indexes}. */
    public static Conversion convert(List<OfferFile> offers, List<VersionIndex> indexes, ModelMapping mapping) {
        Report report = new Report();
        Map<String, Map<String, String[]>> index = new TreeMap<>();
        for (VersionIndex vi : indexes) {
            index.computeIfAbsent(vi.offerCode, k -> new TreeMap<>()).putAll(vi.versions);
        }
        Map<String, List<OfferFile>> byCode = new TreeMap<>();
        for (OfferFile o : offers) {
            byCode.computeIfAbsent(o.offerCode, k -> new ArrayList<>()).add(o);
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, List<OfferFile>> e : byCode.entrySet()) {
            Map<String, String[]> versions = index.getOrDefault(e.getKey(), Map.of());
            List<OfferFile> ordered = new ArrayList<>(e.getValue());
            ordered.sort(Comparator.comparing((OfferFile o) -> begin(o, versions)).thenComparing(o -> o.version));
            for (int i = 1; i < ordered.size(); i++) {
                if (ordered.get(i).version.equals(ordered.get(i - 1).version)) {
                    report.note("offer " + e.getKey() + " version " + ordered.get(i).version + " given twice ("
                            + ordered.get(i - 1).origin + ", " + ordered.get(i).origin + "): the second is ignored");
                    ordered.remove(i--);
                }
            }
            rows.addAll(history(ordered, versions, mapping, report));
        }
        rows = acrossOffers(rows, report);
        SortedMap<String, List<String>> lines = new TreeMap<>();
        int rowCount = 0;
        rows.sort(Comparator.comparing((Row r) -> r.key).thenComparing(r -> r.from));
        for (Row r : rows) {
            List<String> csv = csvLines(r, report);
            if (!csv.isEmpty()) {
                lines.computeIfAbsent(provider(r.key.model) + ".csv", k -> new ArrayList<>()).addAll(csv);
                rowCount += csv.size();
            }
        }
        SortedMap<String, String> files = new TreeMap<>();
        for (Map.Entry<String, List<String>> e : lines.entrySet()) {
            String content = HEADER + "\n" + String.join("\n", e.getValue()) + "\n";
            try {
                PriceCsv.parse(e.getKey(), content);
            } catch (PriceFileException ex) {
                throw new IllegalStateException("The importer wrote a price file the job would reject: " + ex.getMessage(), ex);
            }
            files.put(e.getKey(), content);
        }
        return new Conversion(files, report.text(offers, indexes, mapping, files, rowCount), rowCount,
                report.unmapped.size(), report.leftOutTotal());
    }

    private static List<Row> history(List<OfferFile> versions, Map<String, String[]> index, ModelMapping mapping, Report report) {
        Map<Key, Row> open = new TreeMap<>();
        List<Row> done = new ArrayList<>();
        for (OfferFile offer : versions) {
            Instant begin = begin(offer, index);
            Map<Key, Prices> now = prices(offer, mapping, report);
            for (Map.Entry<Key, Prices> e : now.entrySet()) {
                Row current = open.get(e.getKey());
                if (current != null && current.prices.samePricesAs(e.getValue())) {
                    continue;
                }
                Instant from = index.containsKey(offer.version) ? begin : latestEffective(e.getValue(), begin);
                if (current != null) {
                    if (!from.isAfter(current.from)) {
                        report.note(e.getKey() + ": offer " + offer.offerCode + " " + offer.version
                                + " changes the price but does not start after the previous price (" + current.from + "); kept the previous price");
                        continue;
                    }
                    current.to = from;
                    done.add(current);
                }
                open.put(e.getKey(), new Row(e.getKey(), e.getValue(), from));
            }
            for (Key gone : new ArrayList<>(open.keySet())) {
                if (!now.containsKey(gone)) {
                    Row r = open.remove(gone);
                    if (begin.isAfter(r.from)) {
                        r.to = begin;
                        done.add(r);
                    }
                }
            }
        }
        OfferFile last = versions.get(versions.size() - 1);
        String[] lastDates = index.get(last.version);
        Instant end = lastDates == null || lastDates[1] == null ? null : instant(lastDates[1]);
        for (Row r : open.values()) {
            if (end != null && end.isAfter(r.from)) {
                r.to = end;
            }
            done.add(r);
        }
        return done;
    }

    /** The prices of every key in one offer version, with everything left out counted in {@code report}. */
    private static Map<Key, Prices> prices(OfferFile offer, ModelMapping mapping, Report report) {
        Map<Key, Prices> out = new TreeMap<>();
        TreeSet<Key> conflicted = new TreeSet<>();
        report.withoutOnDemand += offer.productsWithoutOnDemand;
        for (OfferFile.Dimension d : offer.dimensions) {
            Classification c = Classification.of(d);
            if (c.leftOut != null) {
                report.leftOut.merge(c.leftOut, 1, Integer::sum);
                continue;
            }
            if (c.unclassified != null) {
                report.unclassified.add(offer.offerCode + " " + d.rateCode + " (" + d.attribute("usagetype") + "): " + c.unclassified);
                continue;
            }
            String model = mapping.modelOf(d);
            if (model == null) {
                report.unmapped.computeIfAbsent(offer.offerCode + ": " + ModelMapping.describe(d), k -> new TreeSet<>())
                        .add(d.attribute("usagetype"));
                continue;
            }
            String region = d.attribute("regionCode");
            if (region.isEmpty()) {
                report.unclassified.add(offer.offerCode + " " + d.rateCode + " (" + d.attribute("usagetype") + "): no regionCode");
                continue;
            }
            BigDecimal perMillion = d.usd.multiply(Classification.MILLION.divide(c.perTokens)).stripTrailingZeros();
            if (perMillion.scale() < 0) {
                perMillion = perMillion.setScale(0);
            }
            Key key = new Key(model, region, c.scope, c.tier, c.longContext);
            Prices p = out.computeIfAbsent(key, k -> new Prices());
            p.offer = offer.offerCode + " " + offer.version + (offer.publicationDate == null ? "" : " published " + offer.publicationDate);
            Component part = new Component(perMillion, d.attribute("usagetype"), d.rateCode,
                    d.effectiveDate == null ? null : instantOrNull(d.effectiveDate));
            Component before = p.parts.get(c.kind);
            if (before == null) {
                p.parts.put(c.kind, part);
            } else if (before.perMillion.compareTo(perMillion) != 0) {
                conflicted.add(key);
                report.conflicts.add(key + " " + c.kind.name().toLowerCase() + " in " + offer.offerCode + " " + offer.version + ": "
                        + before.rateCode + " (" + before.usageType + ") " + before.perMillion.toPlainString() + " vs "
                        + d.rateCode + " (" + d.attribute("usagetype") + ") " + perMillion.toPlainString());
            } else if (part.rateCode.compareTo(before.rateCode) < 0) {
                p.parts.put(c.kind, part); // the same price twice (old and new naming): keep one, deterministically
            }
        }
        for (Key k : conflicted) {
            out.remove(k);
        }
        for (Map.Entry<Key, Prices> e : new TreeMap<>(out).entrySet()) {
            Map<Classification.Kind, Component> parts = e.getValue().parts;
            if (!parts.containsKey(Classification.Kind.INPUT) || !parts.containsKey(Classification.Kind.OUTPUT)) {
                report.incomplete.add(e.getKey() + " in " + offer.offerCode + ": has " + parts.keySet()
                        + ", needs an input and an output price");
                out.remove(e.getKey());
            }
        }
        return out;
    }

    /** The same key from two offer codes: one row if the prices agree, none (reported) if they do not. */
    private static List<Row> acrossOffers(List<Row> rows, Report report) {
        Map<Key, List<Row>> byKey = new TreeMap<>();
        for (Row r : rows) {
            byKey.computeIfAbsent(r.key, k -> new ArrayList<>()).add(r);
        }
        List<Row> out = new ArrayList<>();
        for (List<Row> same : byKey.values()) {
            same.sort(Comparator.comparing((Row r) -> r.from).thenComparing(r -> r.prices.offer));
            Row prev = null;
            for (Row r : same) {
                if (prev != null && overlaps(prev, r)) {
                    if (prev.prices.samePricesAs(r.prices)) {
                        continue; // listed in two offers at the same price
                    }
                    report.conflicts.add(r.key + ": " + prev.prices.offer + " and " + r.prices.offer
                            + " give different prices for the same time; both left out");
                    out.remove(prev);
                    continue;
                }
                out.add(r);
                prev = r;
            }
        }
        return out;
    }

    private static boolean overlaps(Row a, Row b) {
        return (a.to == null || b.from.isBefore(a.to)) && (b.to == null || a.from.isBefore(b.to));
    }

    private static List<String> csvLines(Row r, Report report) {
        Map<Classification.Kind, Component> p = r.prices.parts;
        for (Component c : p.values()) {
            if (c.perMillion.scale() > 6) {
                report.incomplete.add(r.key + ": price " + c.perMillion.toPlainString() + " per 1M tokens (" + c.rateCode
                        + ") has more than 6 decimals; left out");
                return List.of();
            }
        }
        StringBuilder usage = new StringBuilder();
        StringBuilder ref = new StringBuilder(r.prices.offer).append(':');
        for (Map.Entry<Classification.Kind, Component> e : p.entrySet()) {
            String kind = e.getKey().name().toLowerCase();
            usage.append(usage.length() == 0 ? "" : " ").append(kind).append('=').append(e.getValue().usageType);
            ref.append(' ').append(kind).append('=').append(e.getValue().rateCode);
        }
        List<String> scopes = r.key.scope.equals("global") ? List.of("global") : List.of("in-region", "geo");
        List<String> out = new ArrayList<>();
        for (String scope : scopes) {
            out.add(String.join(",", r.key.model, r.key.region, date(r.from), r.to == null ? "" : date(r.to),
                    price(p.get(Classification.Kind.INPUT)), price(p.get(Classification.Kind.OUTPUT)),
                    price(p.get(Classification.Kind.CACHE_READ)), price(p.get(Classification.Kind.CACHE_WRITE)),
                    r.key.longContext ? Long.toString(LONG_CONTEXT_MIN_PROMPT) : "", scope,
                    price(p.get(Classification.Kind.CACHE_WRITE_1H)), "", r.key.tier, quote(usage.toString()), quote(ref.toString())));
        }
        return out;
    }

    private static String price(Component c) {
        return c == null ? "" : c.perMillion.toPlainString();
    }

    private static String quote(String s) {
        return s.indexOf(',') >= 0 || s.indexOf('"') >= 0 ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    static String provider(String model) {
        int dot = model.indexOf('.');
        return dot > 0 ? model.substring(0, dot) : model;
    }

    /** A UTC date when the instant is midnight, else the ISO instant. */
    static String date(Instant t) {
        OffsetDateTime d = t.atOffset(ZoneOffset.UTC);
        return d.toLocalTime().equals(LocalTime.MIDNIGHT) ? d.toLocalDate().toString() : t.toString();
    }

    /** When a version came into force: the version index's begin date, else its publication date. */
    static Instant begin(OfferFile offer, Map<String, String[]> index) {
        String[] dates = index.get(offer.version);
        if (dates != null) {
            return instant(dates[0]);
        }
        if (offer.publicationDate != null) {
            return instant(offer.publicationDate);
        }
        throw new IllegalArgumentException(offer.origin + ": offer " + offer.offerCode + " " + offer.version
                + " has no publicationDate and is not in a version index: its effective date is unknown");
    }

    /** Without a version index: the price has been in force since its latest component's term began. */
    private static Instant latestEffective(Prices p, Instant fallback) {
        Instant latest = null;
        for (Component c : p.parts.values()) {
            if (c.effective == null) {
                return fallback;
            }
            latest = latest == null || c.effective.isAfter(latest) ? c.effective : latest;
        }
        return latest == null ? fallback : latest;
    }

    static Instant instant(String s) {
        Instant t = instantOrNull(s);
        if (t == null) {
            throw new IllegalArgumentException("not a date: '" + s + "'");
        }
        return t;
    }

    private static Instant instantOrNull(String s) {
        try {
            return OffsetDateTime.parse(s.trim()).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return java.time.LocalDate.parse(s.trim()).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    /** What was left out, and why; printed by the command and written beside the CSVs. */
    private static final class Report {
        final SortedMap<String, Integer> leftOut = new TreeMap<>();
        final SortedMap<String, TreeSet<String>> unmapped = new TreeMap<>();
        final TreeSet<String> unclassified = new TreeSet<>();
        final TreeSet<String> incomplete = new TreeSet<>();
        final TreeSet<String> conflicts = new TreeSet<>();
        final List<String> notes = new ArrayList<>();
        int withoutOnDemand;

        void note(String s) {
            notes.add(s);
        }

        int leftOutTotal() {
            return leftOut.values().stream().mapToInt(Integer::intValue).sum();
        }

        String text(List<OfferFile> offers, List<VersionIndex> indexes, ModelMapping mapping, Map<String, String> files, int rows) {
            StringBuilder b = new StringBuilder();
            b.append("AWS Price List import\n\nOffers read:\n");
            TreeSet<String> read = new TreeSet<>();
            for (OfferFile o : offers) {
                read.add("  " + o.offerCode + " " + o.version + (o.publicationDate == null ? "" : " (published " + o.publicationDate + ")")
                        + ": " + o.dimensions.size() + " on-demand price dimensions");
            }
            read.forEach(s -> b.append(s).append('\n'));
            for (VersionIndex vi : indexes) {
                b.append("  version index of ").append(vi.offerCode).append(": ").append(vi.versions.size()).append(" versions\n");
            }
            b.append("Model mapping: ").append(ModelMapping.FILE).append(" version ").append(Objects.toString(mapping.version, "")).append('\n');
            b.append("\nWritten: ").append(rows).append(" rows in ").append(files.size()).append(" files ").append(files.keySet()).append('\n');
            b.append("\nLeft out, not per-token on-demand prices (dimensions over all versions read, by kind): ").append(leftOutTotal()).append('\n');
            leftOut.forEach((k, v) -> b.append("  ").append(k).append(": ").append(v).append('\n'));
            if (withoutOnDemand > 0) {
                b.append("  products without an on-demand price: ").append(withoutOnDemand).append('\n');
            }
            section(b, "Products the model mapping does not cover (not priced; add them to " + ModelMapping.FILE + " after review)",
                    unmappedLines());
            section(b, "Token dimensions that could not be classified (not priced)", unclassified);
            section(b, "Rows left out because a price is missing or unusable", incomplete);
            section(b, "Conflicting prices (left out)", conflicts);
            section(b, "Notes", notes);
            return b.toString();
        }

        private List<String> unmappedLines() {
            List<String> out = new ArrayList<>();
            unmapped.forEach((k, v) -> out.add(k + " — usage types " + String.join(" ", v)));
            return out;
        }

        private static void section(StringBuilder b, String title, java.util.Collection<String> items) {
            b.append('\n').append(title).append(": ").append(items.size()).append('\n');
            for (String s : items) {
                b.append("  ").append(s).append('\n');
            }
        }
    }
}
