package com.bedrockcost.pricing;

import com.bedrockcost.csvtable.CsvFileException;

import java.util.List;

/** A price file that cannot be used: every problem with the line it is on. The file is rejected as a whole. */
public final class PriceFileException extends CsvFileException {
    private static final long serialVersionUID = 1L;

    PriceFileException(String file, List<Problem> problems) {
        super("Price", file, problems);
    }

    PriceFileException(String file, int line, String reason) {
        this(file, List.of(new Problem(line, reason)));
    }
}
