package com.bedrockcost.csvtable;

import com.bedrockcost.csvtable.CsvFileException.Problem;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The accepted files of a watched CSV table (name → content) and what each one parsed into; the price
 * table and the budget table keep theirs in one. Immutable: {@link #next} takes a new reading of the
 * table's location (every file, a reading replaces the previous one), keeping the previous version of
 * every file that is rejected, so that a bad upload never takes a good file out of force.
 *
 * @param <R> what one file parses into
 */
public final class AcceptedFiles<R> {
    private static final AcceptedFiles<Object> EMPTY = new AcceptedFiles<>(new TreeMap<>(), new TreeMap<>());

    private final SortedMap<String, String> files;
    private final SortedMap<String, R> parsed;

    private AcceptedFiles(SortedMap<String, String> files, SortedMap<String, R> parsed) {
        this.files = Collections.unmodifiableSortedMap(files);
        this.parsed = Collections.unmodifiableSortedMap(parsed);
    }

    @SuppressWarnings("unchecked")
    public static <R> AcceptedFiles<R> empty() {
        return (AcceptedFiles<R>) EMPTY;
    }

    /** Accepted file name → content. */
    public SortedMap<String, String> files() {
        return files;
    }

    /** Accepted file name → what it parsed into. */
    public SortedMap<String, R> parsed() {
        return parsed;
    }

    /** Parses one file of the table, rejecting it with every problem. */
    public interface Parser<R, E extends CsvFileException> {
        R parse(String file, String content) throws E;
    }

    /**
     * The files after a reading ({@code name → content}; a null content stands for a file that could
     * not be read and is rejected): unchanged files are kept as they parsed before, new and changed
     * ones are parsed, and a file that does not parse keeps its previous version (if any); files
     * missing from the reading are gone. The table then checks the files against each other
     * ({@link Next#reject}) and takes {@link Next#accepted}.
     */
    public <E extends CsvFileException> Next<R, E> next(Map<String, String> reading, Parser<R, E> parser,
                                                       CsvFile.Rejection<E> reject) {
        Next<R, E> next = new Next<>(this);
        for (Map.Entry<String, String> e : new TreeMap<>(reading).entrySet()) {
            String name = e.getKey();
            String content = e.getValue();
            if (content != null && content.equals(files.get(name))) {
                next.files.put(name, content);
                next.parsed.put(name, parsed.get(name));
                continue;
            }
            try {
                if (content == null) {
                    throw reject.of(name, List.of(new Problem(0, "the file could not be read (too large or unreadable)")));
                }
                next.parsed.put(name, parser.parse(name, content));
                next.files.put(name, content);
                next.fresh.add(name);
            } catch (CsvFileException ex) {
                @SuppressWarnings("unchecked") // the parser and the rejection throw only E
                E rejected = (E) ex;
                next.reject(rejected);
            }
        }
        return next;
    }

    /** The files of a reading being taken: mutable until {@link #accepted}. */
    public static final class Next<R, E extends CsvFileException> {
        private final AcceptedFiles<R> previous;
        /** File name → content. */
        public final SortedMap<String, String> files = new TreeMap<>();
        /** File name → what it parsed into. */
        public final SortedMap<String, R> parsed = new TreeMap<>();
        /** New and changed files of the reading that are in (so far), in name order. */
        public final Set<String> fresh = new LinkedHashSet<>();
        /** The files rejected, in the order they were. */
        public final List<E> rejected = new ArrayList<>();

        private Next(AcceptedFiles<R> previous) {
            this.previous = previous;
        }

        /** Rejects the reading's version of {@code e.file()} (e.g. it contradicts another file); its previous version, if any, stays. */
        public void reject(E e) {
            String name = e.file();
            rejected.add(e);
            fresh.remove(name);
            files.remove(name);
            parsed.remove(name);
            if (previous.files.containsKey(name)) {
                files.put(name, previous.files.get(name));
                parsed.put(name, previous.parsed.get(name));
            }
        }

        public AcceptedFiles<R> accepted() {
            return new AcceptedFiles<>(new TreeMap<>(files), new TreeMap<>(parsed));
        }
    }
}
