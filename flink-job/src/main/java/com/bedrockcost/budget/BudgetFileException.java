package com.bedrockcost.budget;

import com.bedrockcost.csvtable.CsvFileException;

import java.util.List;

/** A budget file that cannot be used: every problem with its line. The file is rejected as a whole. */
public final class BudgetFileException extends CsvFileException {
    private static final long serialVersionUID = 1L;

    BudgetFileException(String file, List<Problem> problems) {
        super("Budget", file, problems);
    }

    BudgetFileException(String file, int line, String reason) {
        this(file, List.of(new Problem(line, reason)));
    }
}
