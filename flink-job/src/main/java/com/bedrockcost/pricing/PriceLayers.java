package com.bedrockcost.pricing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One reading of the price table from two layers: the price CSVs (the folder at {@code pricing.path},
 * or the built-in table) and the rows converted from the AWS Price List by the live refresh. For a
 * key (model, region, profile scope, min_prompt_tokens, service tier) only one layer speaks:
 * <ul>
 *   <li>the user's CSVs over the Price List (private or negotiated prices: a key the user states is
 *       theirs entirely), and</li>
 *   <li>the Price List over the built-in table (the Price List is the authority; the built-in table
 *       is a snapshot of it with a few other sources).</li>
 * </ul>
 * The losing rows are blanked, not removed, so every other row keeps its line number and every
 * {@code price_source} stays valid.
 */
public final class PriceLayers {
    /** Folder name of the Price List layer's files in a reading: {@code aws-price-list/anthropic.csv:12}. */
    public static final String PRICE_LIST = "aws-price-list";

    private PriceLayers() {}

    /**
     * The reading of both layers. A CSV file whose content is one of {@code builtIn} (the built-in
     * table itself, or an unmodified copy of one of its files, as Terraform uploads them) belongs to
     * the built-in layer; every other CSV file is the user's. {@code priceList} null (no successful
     * fetch yet) leaves the CSVs alone.
     */
    public static Map<String, String> compose(Map<String, String> csvFiles, Set<String> builtIn, Map<String, String> priceList) {
        if (priceList == null || priceList.isEmpty()) {
            return csvFiles;
        }
        Map<String, String> named = new TreeMap<>();
        priceList.forEach((name, content) -> named.put(PRICE_LIST + "/" + name, content));
        Map<String, String> user = new TreeMap<>();
        csvFiles.forEach((name, content) -> {
            if (content != null && !builtIn.contains(content)) {
                user.put(name, content);
            }
        });
        Set<String> stated = keys(user);
        Set<String> listed = new HashSet<>();
        Map<String, String> out = new TreeMap<>();
        named.forEach((name, content) -> out.put(name, blank(name, content, stated)));
        listed.addAll(keys(out));
        csvFiles.forEach((name, content) -> out.put(name, content == null || user.containsKey(name) ? content : blank(name, content, listed)));
        return out;
    }

    /** Keys of every row of the files that parse (a file that does not is rejected later, by the pricing function). */
    private static Set<String> keys(Map<String, String> files) {
        Set<String> keys = new HashSet<>();
        for (Map.Entry<String, String> e : files.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            try {
                for (PriceRow r : PriceCsv.parse(e.getKey(), e.getValue())) {
                    keys.add(r.slot());
                }
            } catch (PriceFileException ignored) {
                // Reported with file and line when the reading is applied; it states no key here.
            }
        }
        return keys;
    }

    /** {@code content} with the rows whose key is in {@code taken} replaced by empty lines. */
    private static String blank(String name, String content, Set<String> taken) {
        if (taken.isEmpty()) {
            return content;
        }
        List<PriceRow> rows;
        try {
            rows = PriceCsv.parse(name, content);
        } catch (PriceFileException e) {
            return content;
        }
        List<Integer> drop = new ArrayList<>();
        for (PriceRow r : rows) {
            if (taken.contains(r.slot())) {
                drop.add(PriceCsv.lineOf(r));
            }
        }
        if (drop.isEmpty()) {
            return content;
        }
        String[] lines = content.split("\n", -1);
        for (int line : drop) {
            lines[line - 1] = "";
        }
        return String.join("\n", lines);
    }

    /**
     * What changed between two versions of a layer's files, one line per key whose price in force at
     * the end (the open-ended row) differs, naming old and new rates; plus counts of keys added and gone.
     */
    public static List<String> changes(Map<String, String> before, Map<String, String> after) {
        Map<String, PriceRow> old = openRows(before);
        Map<String, PriceRow> now = openRows(after);
        List<String> out = new ArrayList<>();
        int added = 0;
        for (Map.Entry<String, PriceRow> e : now.entrySet()) {
            PriceRow was = old.get(e.getKey());
            if (was == null) {
                added++;
            } else if (!rates(was).equals(rates(e.getValue()))) {
                out.add(e.getKey() + ": " + rates(was) + " -> " + rates(e.getValue()) + " from " + e.getValue().from);
            }
        }
        long gone = old.keySet().stream().filter(k -> !now.containsKey(k)).count();
        if (added > 0 || gone > 0) {
            out.add(added + " keys added, " + gone + " keys no longer listed");
        }
        return out;
    }

    private static Map<String, PriceRow> openRows(Map<String, String> files) {
        Map<String, PriceRow> rows = new TreeMap<>();
        if (files == null) {
            return rows;
        }
        for (Map.Entry<String, String> e : files.entrySet()) {
            try {
                for (PriceRow r : PriceCsv.parse(e.getKey(), e.getValue())) {
                    if (r.to == null) {
                        rows.put(r.slot(), r);
                    }
                }
            } catch (PriceFileException ignored) {
                // A layer's own files always parse (the importer checks them); nothing to compare otherwise.
            }
        }
        return rows;
    }

    private static String rates(PriceRow r) {
        return "input " + r.input.toPlainString() + ", output " + r.output.toPlainString() + ", cache read " + r.cacheRead.toPlainString()
                + ", cache write " + r.cacheWrite.toPlainString() + (r.cacheWrite1h == null ? "" : ", cache write 1h " + r.cacheWrite1h.toPlainString());
    }
}
