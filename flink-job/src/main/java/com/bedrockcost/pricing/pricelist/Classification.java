package com.bedrockcost.pricing.pricelist;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one price dimension is: a token price (kind, scope, tier, context, per how many tokens) or a
 * price that is not per token (and which kind of thing it prices), or a dimension that mentions
 * tokens but cannot be read safely. Decided from usagetype, inferenceType, feature and description
 * together, because AWS names the same thing differently across offers and over time.
 */
public final class Classification {
    /** Token kinds, in the order of the price CSV's columns. */
    public enum Kind { INPUT, OUTPUT, CACHE_READ, CACHE_WRITE, CACHE_WRITE_1H }

    public final Kind kind;
    /** "regional" (in-region and geo profiles) or "global". */
    public final String scope;
    /** standard, batch, flex, priority or latency-optimized. */
    public final String tier;
    public final boolean longContext;
    /** Tokens the unit price is for: 1,000 or 1,000,000. */
    public final BigDecimal perTokens;
    /** Non-null when the dimension is left out: the category it is counted under. */
    public final String leftOut;
    /** Non-null when the dimension looks like tokens but could not be classified: why. */
    public final String unclassified;

    private Classification(Kind kind, String scope, String tier, boolean longContext, BigDecimal perTokens,
                           String leftOut, String unclassified) {
        this.kind = kind;
        this.scope = scope;
        this.tier = tier;
        this.longContext = longContext;
        this.perTokens = perTokens;
        this.leftOut = leftOut;
        this.unclassified = unclassified;
    }

    public boolean isToken() {
        return kind != null;
    }

    static final BigDecimal THOUSAND = BigDecimal.valueOf(1_000);
    static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    /** Categories of left-out dimensions, checked in this order (the first that matches counts). */
    private static final String[][] NOT_TOKENS = {
            {"provisioned throughput", "provisioned", "modelunit", "commitment"},
            {"prompt cache storage", "cachestorage"},
            {"model customization", "customization", "training", "finetun", "custommodel", "modelstorage", "storage", "import"},
            {"images", "image"},
            {"video", "video"},
            {"audio", "audio", "speech"},
            {"search units / rerank", "searchunit", "rerank", "query", "queries"},
            {"guardrails", "guardrail", "textunit", "policyunit"},
            {"reserved tier", "reserved"},
            {"agents, flows, knowledge bases", "agent", "flow", "knowledgebase", "dataautomation", "evaluation", "routing"},
    };

    private static final Pattern PER_THOUSAND = Pattern.compile("(^|[^0-9])(1k|1000|thousand)");
    private static final Pattern PER_MILLION = Pattern.compile("(^|[^0-9])(1m|1000000|million)");

    /** Classifies one dimension of an offer file. */
    public static Classification of(OfferFile.Dimension d) {
        String usage = d.attribute("usagetype");
        String text = norm(usage + " " + d.attribute("inferenceType") + " " + d.attribute("feature") + " "
                + d.description + " " + d.productFamily + " " + d.attribute("serviceTier"));
        boolean mentionsTokens = text.contains("token");
        for (String[] category : NOT_TOKENS) {
            for (int i = 1; i < category.length; i++) {
                if (text.contains(category[i])) {
                    return leftOut(category[0]);
                }
            }
        }
        if (!mentionsTokens) {
            return leftOut("other, not per token");
        }
        Kind kind;
        if (text.contains("cacheread")) {
            kind = Kind.CACHE_READ;
        } else if (text.contains("cachewrite")) {
            String ttl = ttl(usage + " " + d.attribute("inferenceType"));
            if (ttl == null || ttl.equals("5m")) {
                kind = Kind.CACHE_WRITE; // the unmarked cache write is the 5-minute one
            } else if (ttl.equals("1h") || ttl.equals("60m")) {
                kind = Kind.CACHE_WRITE_1H;
            } else {
                return unclassified("a cache write with a time to live of " + ttl + " (only 5 minutes and 1 hour are known)");
            }
        } else if (text.contains("inputtoken")) {
            kind = Kind.INPUT;
        } else if (text.contains("outputtoken")) {
            kind = Kind.OUTPUT;
        } else {
            return unclassified("no token kind (input, output, cache read, cache write) in usagetype, inferenceType or description");
        }
        String scope = text.contains("global") ? "global" : "regional";
        String tier = text.contains("batch") ? "batch" : text.contains("flex") ? "flex" : text.contains("priority") ? "priority"
                : text.contains("latencyoptimized") ? "latency-optimized" : "standard";
        boolean longContext = text.contains("longctx") || text.contains("lctx") || text.contains("longcontext");
        BigDecimal per = perTokens(d);
        if (per == null) {
            return unclassified("unit '" + d.unit + "' with description '" + d.description + "' says neither per 1K nor per 1M tokens");
        }
        if (d.usd == null) {
            return unclassified("no USD price");
        }
        if (!d.beginRange.equals("0")) {
            return unclassified("a volume tier starting at " + d.beginRange + " (only flat prices are supported)");
        }
        return new Classification(kind, scope, tier, longContext, per, null, null);
    }

    /** Per 1K or per 1M tokens: from the unit ("1K tokens", "1M tokens"), else from the description ("Million Input Tokens"). */
    static BigDecimal perTokens(OfferFile.Dimension d) {
        for (String s : new String[] {d.unit, d.description}) {
            String t = s.toLowerCase(Locale.ROOT).replace(",", "").replace(" ", "");
            boolean thousand = PER_THOUSAND.matcher(t).find();
            boolean million = PER_MILLION.matcher(t).find();
            if (thousand != million) {
                return thousand ? THOUSAND : MILLION;
            }
        }
        return null;
    }

    private static String norm(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toLowerCase(Locale.ROOT).toCharArray()) {
            if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static Classification leftOut(String category) {
        return new Classification(null, null, null, false, null, category, null);
    }

    private static Classification unclassified(String why) {
        return new Classification(null, null, null, false, null, null, why);
    }

    /** The model part of an AmazonBedrock usage type: {@code USE1-NovaPro-input-tokens} → {@code NovaPro}; null when there is none. */
    static String usageToken(String usagetype) {
        Matcher m = USAGE_TOKEN.matcher(usagetype);
        return m.matches() ? m.group(1) : null;
    }

    private static final Pattern USAGE_TOKEN = Pattern.compile(
            "(?:[A-Z]{2,4}[0-9]-)?(?!MP:)(.+?)-(?i:text-)?(?i:input|output|cache)[-_].*");

    /** Words of a name: split at separators and at letter/digit and lower/upper case changes. */
    private static final Pattern WORD_BREAK = Pattern.compile("[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])");

    /** The time to live a usage type names ("1h", "5m", "30m"), normalised; null when it names none. */
    static String ttl(String name) {
        String[] words = WORD_BREAK.split(name);
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].matches("[0-9]+")) {
                String unit = words[i + 1].toLowerCase(Locale.ROOT);
                if (unit.equals("h") || unit.startsWith("hour")) {
                    return words[i] + "h";
                }
                if (unit.equals("m") || unit.equals("min") || unit.startsWith("minute")) {
                    return words[i] + "m";
                }
            }
        }
        return null;
    }
}
