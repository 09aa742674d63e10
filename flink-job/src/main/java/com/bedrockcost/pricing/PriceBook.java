package com.bedrockcost.pricing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The accepted price files (name → content) and the table they make. Immutable: {@link #apply} gives
 * the next book for a new reading of the price folder, keeping the previous version of every file
 * that is rejected.
 */
public final class PriceBook {
    private static final PriceBook EMPTY = new PriceBook(new TreeMap<>(), new TreeMap<>(), new TreeMap<>());

    private final SortedMap<String, String> files;
    private final SortedMap<String, List<PriceRow>> rows;
    private final PriceTable table;
    /** Rows of the unit price files ({@link UnitPriceCsv}); a file is either a token or a unit price file. */
    private final SortedMap<String, List<UnitPriceRow>> units;
    private final UnitPrices unitPrices;

    private PriceBook(SortedMap<String, String> files, SortedMap<String, List<PriceRow>> rows,
                      SortedMap<String, List<UnitPriceRow>> units) {
        this.files = Collections.unmodifiableSortedMap(files);
        this.rows = Collections.unmodifiableSortedMap(rows);
        List<PriceRow> all = new ArrayList<>();
        rows.values().forEach(all::addAll);
        this.table = PriceTable.of(all);
        this.units = Collections.unmodifiableSortedMap(units);
        List<UnitPriceRow> allUnits = new ArrayList<>();
        units.values().forEach(allUnits::addAll);
        this.unitPrices = UnitPrices.of(allUnits);
    }

    public static PriceBook empty() {
        return EMPTY;
    }

    /** Accepted file name → content. */
    public Map<String, String> files() {
        return files;
    }

    public PriceTable table() {
        return table;
    }

    /** The prices of the charges that are not tokens. */
    public UnitPrices unitPrices() {
        return unitPrices;
    }

    /** True when at least one file is in force (an empty book means: no price table yet). */
    public boolean hasTable() {
        return !files.isEmpty();
    }

    /** What a reading of the price folder changed. */
    public static final class Outcome {
        public final PriceBook book;
        public final List<String> added = new ArrayList<>();
        public final List<String> changed = new ArrayList<>();
        public final List<String> removed = new ArrayList<>();
        public final List<PriceFileException> rejected = new ArrayList<>();
        /** The reading found no usable price file (none at all, or only rejected ones); the table in force was kept. */
        public final boolean emptyReading;

        private Outcome(PriceBook book, boolean emptyReading) {
            this.book = book;
            this.emptyReading = emptyReading;
        }

        public boolean tableChanged() {
            return !added.isEmpty() || !changed.isEmpty() || !removed.isEmpty();
        }
    }

    /**
     * The book after a reading of every price file ({@code name → content}; a null content stands for a
     * file that could not be read and is rejected). New and changed files that parse are taken; a file
     * that is malformed, contradicts itself or contradicts another file is rejected and its previous
     * version (if any) stays; files missing from the reading are removed. A reading that would leave
     * no file in force changes nothing: a price folder that suddenly looks empty (or holds only bad
     * files) is far more likely a mistake than a wish to leave every invocation unpriced.
     */
    public Outcome apply(Map<String, String> reading) {
        if (reading.isEmpty()) {
            return new Outcome(this, true);
        }
        SortedMap<String, String> nextFiles = new TreeMap<>();
        SortedMap<String, List<PriceRow>> nextRows = new TreeMap<>();
        SortedMap<String, List<UnitPriceRow>> nextUnits = new TreeMap<>();
        List<PriceFileException> rejected = new ArrayList<>();
        Set<String> fresh = new HashSet<>();
        for (Map.Entry<String, String> e : new TreeMap<>(reading).entrySet()) {
            String name = e.getKey();
            String content = e.getValue();
            if (content != null && content.equals(files.get(name))) {
                nextFiles.put(name, content);
                nextRows.put(name, rows.get(name));
                nextUnits.put(name, units.get(name));
                continue;
            }
            try {
                if (content == null) {
                    throw new PriceFileException(name, 0, "the file could not be read (too large or unreadable)");
                }
                if (UnitPriceCsv.recognises(content)) {
                    nextUnits.put(name, UnitPriceCsv.parse(name, content));
                    nextRows.put(name, List.of());
                } else {
                    nextRows.put(name, PriceCsv.parse(name, content));
                    nextUnits.put(name, List.of());
                }
                nextFiles.put(name, content);
                fresh.add(name);
            } catch (PriceFileException ex) {
                rejected.add(ex);
                keepPrevious(name, nextFiles, nextRows, nextUnits);
            }
        }
        // Rows of different files must not contradict each other either; blame the new versions.
        for (PriceFileException conflict = crossFileConflict(nextRows, fresh); conflict != null;
             conflict = crossFileConflict(nextRows, fresh)) {
            rejected.add(conflict);
            fresh.remove(conflict.file());
            nextFiles.remove(conflict.file());
            nextRows.remove(conflict.file());
            nextUnits.remove(conflict.file());
            keepPrevious(conflict.file(), nextFiles, nextRows, nextUnits);
        }
        if (nextFiles.isEmpty() && !files.isEmpty()) {
            // Never from a table to none: that is a broken upload far more often than an intent.
            Outcome kept = new Outcome(this, true);
            kept.rejected.addAll(rejected);
            return kept;
        }
        Outcome out = new Outcome(new PriceBook(nextFiles, nextRows, nextUnits), false);
        out.rejected.addAll(rejected);
        for (String name : nextFiles.keySet()) {
            if (!files.containsKey(name)) {
                out.added.add(name);
            } else if (!Objects.equals(files.get(name), nextFiles.get(name))) {
                out.changed.add(name);
            }
        }
        for (String name : files.keySet()) {
            if (!nextFiles.containsKey(name)) {
                out.removed.add(name);
            }
        }
        return out;
    }

    private void keepPrevious(String name, Map<String, String> nextFiles, Map<String, List<PriceRow>> nextRows,
                              Map<String, List<UnitPriceRow>> nextUnits) {
        if (files.containsKey(name)) {
            nextFiles.put(name, files.get(name));
            nextRows.put(name, rows.get(name));
            nextUnits.put(name, units.get(name));
        }
    }

    /** The first contradiction between a new file version and another file, as a rejection of the new one. */
    private static PriceFileException crossFileConflict(Map<String, List<PriceRow>> rowsByFile, Set<String> fresh) {
        Map<String, List<PriceRow>> slots = new HashMap<>();
        List<String> order = new ArrayList<>(rowsByFile.keySet());
        // Unchanged files first, so that a conflict is always reported against the new file.
        order.sort((a, b) -> Boolean.compare(fresh.contains(a), fresh.contains(b)));
        for (String file : order) {
            for (PriceRow r : rowsByFile.get(file)) {
                List<PriceRow> same = slots.computeIfAbsent(r.slot(), k -> new ArrayList<>());
                for (PriceRow other : same) {
                    String otherFile = other.source.substring(0, other.source.lastIndexOf(':'));
                    if (fresh.contains(file) && !otherFile.equals(file) && r.overlaps(other)) {
                        return new PriceFileException(file, PriceCsv.lineOf(r), "overlaps " + other.source + " for "
                                + r.slot() + ": " + r.range() + " and " + other.range()
                                + " (one price per model, region, scope and threshold at a time, across all files)");
                    }
                }
                same.add(r);
            }
        }
        return null;
    }
}
