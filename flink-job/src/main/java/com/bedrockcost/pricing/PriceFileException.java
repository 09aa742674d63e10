package com.bedrockcost.pricing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A price file that cannot be used: every problem with the line it is on. The file is rejected as a whole. */
public class PriceFileException extends Exception {
    private static final long serialVersionUID = 1L;
    static final int MAX_LISTED = 20;

    /** One problem: the 1-based line of the file (0 = the file as a whole) and the reason. */
    public static final class Problem {
        public final int line;
        public final String reason;

        public Problem(int line, String reason) {
            this.line = line;
            this.reason = reason;
        }

        @Override
        public String toString() {
            return (line > 0 ? "line " + line + ": " : "") + reason;
        }
    }

    private final String file;
    private final List<Problem> problems;

    PriceFileException(String file, List<Problem> problems) {
        this("Price", file, problems);
    }

    /** A file of another CSV table read like the price table ({@code kind}: e.g. {@code Budget}) that cannot be used. */
    protected PriceFileException(String kind, String file, List<Problem> problems) {
        super(message(kind, file, problems));
        this.file = file;
        this.problems = Collections.unmodifiableList(new ArrayList<>(problems));
    }

    PriceFileException(String file, int line, String reason) {
        this(file, List.of(new Problem(line, reason)));
    }

    public String file() {
        return file;
    }

    public List<Problem> problems() {
        return problems;
    }

    private static String message(String kind, String file, List<Problem> problems) {
        StringBuilder b = new StringBuilder(kind).append(" file ").append(file).append(" rejected: ");
        for (int i = 0; i < problems.size() && i < MAX_LISTED; i++) {
            Problem p = problems.get(i);
            b.append(i == 0 ? "" : "; ").append(p.line > 0 ? file + ":" + p.line + ": " : "").append(p.reason);
        }
        if (problems.size() > MAX_LISTED) {
            b.append("; and ").append(problems.size() - MAX_LISTED).append(" more problems");
        }
        return b.toString();
    }
}
