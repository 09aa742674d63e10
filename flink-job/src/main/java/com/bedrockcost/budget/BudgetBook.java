package com.bedrockcost.budget;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The accepted budget files (name → content) and the table they make. Immutable: {@link #apply}
 * gives the next book for a new reading of the budget location, keeping the previous version of
 * every file that is rejected, as the price table does.
 */
public final class BudgetBook {
    private static final BudgetBook EMPTY = new BudgetBook(new TreeMap<>(), new TreeMap<>());

    private final SortedMap<String, String> files;
    private final SortedMap<String, List<BudgetRow>> rows;
    private final BudgetTable table;

    private BudgetBook(SortedMap<String, String> files, SortedMap<String, List<BudgetRow>> rows) {
        this.files = Collections.unmodifiableSortedMap(files);
        this.rows = Collections.unmodifiableSortedMap(rows);
        List<BudgetRow> all = new ArrayList<>();
        rows.values().forEach(all::addAll);
        this.table = BudgetTable.of(all);
    }

    public static BudgetBook empty() {
        return EMPTY;
    }

    public Map<String, String> files() {
        return files;
    }

    public BudgetTable table() {
        return table;
    }

    /** What a reading changed: the next book and the files rejected (each keeps its previous version, if any). */
    public static final class Outcome {
        public final BudgetBook book;
        public final List<BudgetFileException> rejected;

        Outcome(BudgetBook book, List<BudgetFileException> rejected) {
            this.book = book;
            this.rejected = rejected;
        }
    }

    /**
     * The book after a reading of every budget file (a null content: a file that could not be read).
     * Unlike prices, an empty reading is taken as it is: deleting every budget file ends alerting.
     */
    public Outcome apply(Map<String, String> reading) {
        SortedMap<String, String> nextFiles = new TreeMap<>();
        SortedMap<String, List<BudgetRow>> nextRows = new TreeMap<>();
        List<BudgetFileException> rejected = new ArrayList<>();
        List<String> fresh = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(reading).entrySet()) {
            String name = e.getKey();
            String content = e.getValue();
            if (content != null && content.equals(files.get(name))) {
                nextFiles.put(name, content);
                nextRows.put(name, rows.get(name));
                continue;
            }
            try {
                if (content == null) {
                    throw new BudgetFileException(name, 0, "the file could not be read (too large or unreadable)");
                }
                nextRows.put(name, BudgetCsv.parse(name, content));
                nextFiles.put(name, content);
                fresh.add(name);
            } catch (BudgetFileException ex) {
                rejected.add(ex);
                keepPrevious(name, nextFiles, nextRows);
            }
        }
        // A new file must not contradict the others (two rows for one tenant and period at once).
        for (String name : fresh) {
            BudgetFileException conflict = conflict(name, nextRows);
            if (conflict != null) {
                rejected.add(conflict);
                nextFiles.remove(name);
                nextRows.remove(name);
                keepPrevious(name, nextFiles, nextRows);
            }
        }
        return new Outcome(new BudgetBook(nextFiles, nextRows), rejected);
    }

    private void keepPrevious(String name, Map<String, String> nextFiles, Map<String, List<BudgetRow>> nextRows) {
        if (files.containsKey(name)) {
            nextFiles.put(name, files.get(name));
            nextRows.put(name, rows.get(name));
        }
    }

    private static BudgetFileException conflict(String file, Map<String, List<BudgetRow>> rowsByFile) {
        Map<String, List<BudgetRow>> others = new HashMap<>();
        for (Map.Entry<String, List<BudgetRow>> e : rowsByFile.entrySet()) {
            if (!e.getKey().equals(file)) {
                for (BudgetRow r : e.getValue()) {
                    others.computeIfAbsent(r.slot(), k -> new ArrayList<>()).add(r);
                }
            }
        }
        for (BudgetRow r : rowsByFile.get(file)) {
            for (BudgetRow o : others.getOrDefault(r.slot(), List.of())) {
                if (r.overlaps(o)) {
                    return new BudgetFileException(file, r.line(), "overlaps " + o.source + " for " + r.slot() + ": "
                            + r.range() + " and " + o.range() + " (one budget per tenant and period at a time, across all files)");
                }
            }
        }
        return null;
    }
}
