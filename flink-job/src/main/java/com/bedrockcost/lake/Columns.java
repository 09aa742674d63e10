package com.bedrockcost.lake;

import java.io.Serializable;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** How each column of a table is read from the Java record written to it. */
public final class Columns<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Reads one column value (String, Long, Instant, BigDecimal or Map, or null) from a record. */
    public interface Getter<T> extends Function<T, Object>, Serializable {}

    private final Map<String, Getter<T>> getters = new LinkedHashMap<>();
    private final Set<String> unique = new HashSet<>();

    public Columns<T> add(String column, Getter<T> getter) {
        if (getters.put(column, getter) != null) {
            throw new IllegalArgumentException("column " + column + " mapped twice");
        }
        return this;
    }

    /** A column whose values rarely repeat (ids, instants): written without a dictionary, which would only cost time. */
    public Columns<T> addUnique(String column, Getter<T> getter) {
        unique.add(column);
        return add(column, getter);
    }

    public Set<String> uniqueColumns() {
        return unique;
    }

    public Map<String, Getter<T>> getters() {
        return getters;
    }
}
