package com.bedrockcost.csvtable;

import com.bedrockcost.csvtable.CsvFileException.Problem;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One file of a watched CSV table (the price files, the budget files), split into its header and its
 * data lines: UTF-8 with a header row naming the columns (in any order, any case), fields separated
 * by commas and optionally double-quoted. Problems of the form (a line that does not split, a line
 * with another number of fields than the header) are collected with their line, together with the
 * table's own problems of each row; {@link #rejectIfAny} then rejects the whole file naming them all.
 */
public final class CsvFile {
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    /** A table's rejection of a file, naming every problem. */
    public interface Rejection<E extends CsvFileException> {
        E of(String file, List<Problem> problems);
    }

    /** A data line that splits into as many fields as the header names. */
    public static final class Line {
        /** 1-based, as an editor counts (the header is line 1). */
        public final int number;
        public final List<String> fields;

        Line(int number, List<String> fields) {
            this.number = number;
            this.fields = fields;
        }
    }

    private final Map<String, Integer> columns;
    private final List<Line> lines;
    private final List<Problem> problems;

    private CsvFile(Map<String, Integer> columns, List<Line> lines, List<Problem> problems) {
        this.columns = Collections.unmodifiableMap(columns);
        this.lines = Collections.unmodifiableList(lines);
        this.problems = problems;
    }

    /**
     * Splits {@code content}, the file called {@code file}, whose header may name the {@code known}
     * columns and must name the {@code required} ones. An empty file (its message suggests the header
     * {@code example}) or a bad header rejects the file at once; blank lines are skipped.
     */
    public static <E extends CsvFileException> CsvFile read(String file, String content, Set<String> known, List<String> required,
                                                            String example, Rejection<E> reject) throws E {
        if (content.startsWith("\uFEFF")) {
            content = content.substring(1);
        }
        if (content.trim().isEmpty()) {
            throw reject.of(file, List.of(new Problem(1, "the file is empty; it needs a header row naming the columns, e.g. " + example)));
        }
        String[] text = content.split("\n", -1);
        List<Problem> problems = new ArrayList<>();
        Map<String, Integer> columns = header(stripCr(text[0]), known, required, "", problems);
        if (!problems.isEmpty()) {
            throw reject.of(file, problems);
        }
        List<Line> lines = new ArrayList<>();
        for (int i = 1; i < text.length; i++) {
            String line = stripCr(text[i]);
            if (line.trim().isEmpty()) {
                continue;
            }
            int lineNo = i + 1;
            if (line.indexOf('\uFFFD') >= 0) {
                problems.add(new Problem(lineNo, "not valid UTF-8"));
                continue;
            }
            List<String> fields;
            try {
                fields = split(line);
            } catch (IllegalArgumentException e) {
                problems.add(new Problem(lineNo, e.getMessage()));
                continue;
            }
            if (fields.size() != columns.size()) {
                problems.add(new Problem(lineNo, "expected " + columns.size() + " fields as in the header, found " + fields.size()));
                continue;
            }
            lines.add(new Line(lineNo, fields));
        }
        return new CsvFile(columns, lines, problems);
    }

    /** Column name (lower case) → position. */
    public Map<String, Integer> columns() {
        return columns;
    }

    /** The data lines that split, in file order. */
    public List<Line> lines() {
        return lines;
    }

    /** The problems found so far; the table adds those of its rows. */
    public List<Problem> problems() {
        return problems;
    }

    /** Rejects the file, naming every problem in line order, if there is any. */
    public <E extends CsvFileException> void rejectIfAny(String file, Rejection<E> reject) throws E {
        if (!problems.isEmpty()) {
            problems.sort(Comparator.comparingInt(p -> p.line));
            throw reject.of(file, problems);
        }
    }

    /** A line without its trailing carriage return (files written on Windows). */
    public static String stripCr(String s) {
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /**
     * Column name → position of a header row; unknown, repeated and missing required columns are
     * problems of line 1 ({@code ofWhat} follows "unknown column 'x'" in the message, e.g. " of a unit price file").
     */
    public static Map<String, Integer> header(String line, Set<String> known, List<String> required, String ofWhat,
                                              List<Problem> problems) {
        Map<String, Integer> columns = new LinkedHashMap<>();
        List<String> names;
        try {
            names = split(line);
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(1, "header: " + e.getMessage()));
            return columns;
        }
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i).trim().toLowerCase(Locale.ROOT);
            if (!known.contains(name)) {
                problems.add(new Problem(1, "unknown column '" + names.get(i).trim() + "'" + ofWhat + " (known columns: "
                        + String.join(", ", new TreeSet<>(known)) + ")"));
            } else if (columns.put(name, i) != null) {
                problems.add(new Problem(1, "column '" + name + "' appears twice"));
            }
        }
        for (String r : required) {
            if (!columns.containsKey(r)) {
                problems.add(new Problem(1, "missing required column '" + r + "'"));
            }
        }
        return columns;
    }

    /**
     * Splits one CSV line: fields separated by commas, optionally in double quotes (a quote inside a
     * quoted field is written twice). Line breaks inside fields are not supported.
     */
    public static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int i = 0;
        int n = line.length();
        while (true) {
            cur.setLength(0);
            if (i < n && line.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= n) {
                        throw new IllegalArgumentException("a quoted field is not closed (line breaks inside fields are not supported)");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            cur.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        cur.append(c);
                    }
                }
                if (i < n && line.charAt(i) != ',') {
                    throw new IllegalArgumentException("unexpected text after a closing quote at column " + (i + 1));
                }
            } else {
                while (i < n && line.charAt(i) != ',') {
                    char c = line.charAt(i++);
                    if (c == '"') {
                        throw new IllegalArgumentException("a quote inside an unquoted field at column " + i);
                    }
                    cur.append(c);
                }
            }
            out.add(cur.toString());
            if (i >= n) {
                return out;
            }
            i++; // the comma
        }
    }

    /** A UTC date ({@code YYYY-MM-DD}, its start) or an ISO-8601 instant with an offset, as effective dates are written. */
    public static Instant instant(String v) {
        if (DATE.matcher(v).matches()) {
            return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        return OffsetDateTime.parse(v).toInstant();
    }
}
