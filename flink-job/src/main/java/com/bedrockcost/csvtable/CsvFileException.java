package com.bedrockcost.csvtable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A file of a watched CSV table that cannot be used: every problem with the line it is on. The file
 * is rejected as a whole. Each table has its own subclass, which names it in the message.
 */
public class CsvFileException extends Exception {
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

    /** A file of the table {@code kind} (e.g. {@code Price}, {@code Budget}: the message starts with it) that cannot be used. */
    protected CsvFileException(String kind, String file, List<Problem> problems) {
        super(message(kind, file, problems));
        this.file = file;
        this.problems = Collections.unmodifiableList(new ArrayList<>(problems));
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
