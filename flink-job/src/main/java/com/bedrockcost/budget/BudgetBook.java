package com.bedrockcost.budget;

import com.bedrockcost.csvtable.AcceptedFiles;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The accepted budget files (name → content) and the table they make. Immutable: {@link #apply}
 * gives the next book for a new reading of the budget location, keeping the previous version of
 * every file that is rejected, as the price table does ({@link AcceptedFiles}).
 */
public final class BudgetBook {
    private static final BudgetBook EMPTY = new BudgetBook(AcceptedFiles.empty());

    private final AcceptedFiles<List<BudgetRow>> accepted;
    private final BudgetTable table;

    private BudgetBook(AcceptedFiles<List<BudgetRow>> accepted) {
        this.accepted = accepted;
        List<BudgetRow> all = new ArrayList<>();
        accepted.parsed().values().forEach(all::addAll);
        this.table = BudgetTable.of(all);
    }

    public static BudgetBook empty() {
        return EMPTY;
    }

    public Map<String, String> files() {
        return accepted.files();
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
        AcceptedFiles.Next<List<BudgetRow>, BudgetFileException> next = accepted.next(reading, BudgetCsv::parse, BudgetFileException::new);
        // A new file must not contradict the others (two rows for one tenant and period at once).
        for (String name : new ArrayList<>(next.fresh)) {
            BudgetFileException conflict = conflict(name, next.parsed);
            if (conflict != null) {
                next.reject(conflict);
            }
        }
        return new Outcome(new BudgetBook(next.accepted()), next.rejected);
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
