package com.bedrockcost.pricing;

import com.bedrockcost.csvtable.AcceptedFiles;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The accepted price files (name → content) and the table they make. Immutable: {@link #apply} gives
 * the next book for a new reading of the price folder, keeping the previous version of every file
 * that is rejected ({@link AcceptedFiles}).
 */
public final class PriceBook {
    private static final PriceBook EMPTY = new PriceBook(AcceptedFiles.empty());

    /** What one price file holds: token price rows or, in a unit price file ({@link UnitPriceCsv}), unit price rows. */
    private static final class PriceFile {
        final List<PriceRow> rows;
        final List<UnitPriceRow> units;

        PriceFile(List<PriceRow> rows, List<UnitPriceRow> units) {
            this.rows = rows;
            this.units = units;
        }
    }

    private final AcceptedFiles<PriceFile> accepted;
    private final PriceTable table;
    private final UnitPrices unitPrices;

    private PriceBook(AcceptedFiles<PriceFile> accepted) {
        this.accepted = accepted;
        List<PriceRow> all = new ArrayList<>();
        List<UnitPriceRow> allUnits = new ArrayList<>();
        for (PriceFile f : accepted.parsed().values()) {
            all.addAll(f.rows);
            allUnits.addAll(f.units);
        }
        this.table = PriceTable.of(all);
        this.unitPrices = UnitPrices.of(allUnits);
    }

    public static PriceBook empty() {
        return EMPTY;
    }

    /** Accepted file name → content. */
    public Map<String, String> files() {
        return accepted.files();
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
        return !accepted.files().isEmpty();
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
        AcceptedFiles.Next<PriceFile, PriceFileException> next = accepted.next(reading, PriceBook::parse, PriceFileException::new);
        // Rows of different files must not contradict each other either; blame the new versions.
        for (PriceFileException conflict = crossFileConflict(next.parsed, next.fresh); conflict != null;
             conflict = crossFileConflict(next.parsed, next.fresh)) {
            next.reject(conflict);
        }
        Map<String, String> files = accepted.files();
        if (next.files.isEmpty() && !files.isEmpty()) {
            // Never from a table to none: that is a broken upload far more often than an intent.
            Outcome kept = new Outcome(this, true);
            kept.rejected.addAll(next.rejected);
            return kept;
        }
        Outcome out = new Outcome(new PriceBook(next.accepted()), false);
        out.rejected.addAll(next.rejected);
        for (String name : next.files.keySet()) {
            if (!files.containsKey(name)) {
                out.added.add(name);
            } else if (!Objects.equals(files.get(name), next.files.get(name))) {
                out.changed.add(name);
            }
        }
        for (String name : files.keySet()) {
            if (!next.files.containsKey(name)) {
                out.removed.add(name);
            }
        }
        return out;
    }

    private static PriceFile parse(String name, String content) throws PriceFileException {
        return UnitPriceCsv.recognises(content) ? new PriceFile(List.of(), UnitPriceCsv.parse(name, content))
                : new PriceFile(PriceCsv.parse(name, content), List.of());
    }

    /** The first contradiction between a new file version and another file, as a rejection of the new one. */
    private static PriceFileException crossFileConflict(Map<String, PriceFile> filesByName, Set<String> fresh) {
        Map<String, List<PriceRow>> slots = new HashMap<>();
        List<String> order = new ArrayList<>(filesByName.keySet());
        // Unchanged files first, so that a conflict is always reported against the new file.
        order.sort((a, b) -> Boolean.compare(fresh.contains(a), fresh.contains(b)));
        for (String file : order) {
            for (PriceRow r : filesByName.get(file).rows) {
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
