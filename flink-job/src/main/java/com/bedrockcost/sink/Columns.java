package com.bedrockcost.sink;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** How each column of a table is read from the Java record written to it. */
public final class Columns<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Reads one column value (String, Long, Instant, BigDecimal or Map, or null) from a record. */
    public interface Getter<T> extends Function<T, Object>, Serializable {}

    private final Map<String, Getter<T>> getters = new LinkedHashMap<>();

    public Columns<T> add(String column, Getter<T> getter) {
        if (getters.put(column, getter) != null) {
            throw new IllegalArgumentException("column " + column + " mapped twice");
        }
        return this;
    }

    public Map<String, Getter<T>> getters() {
        return getters;
    }
}
