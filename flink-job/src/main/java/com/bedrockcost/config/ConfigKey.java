package com.bedrockcost.config;

import java.io.Serializable;
import java.util.Objects;
import java.util.function.Function;

/** One configuration key: its property group, name, default, description and how its value is checked. */
public final class ConfigKey<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Parses and checks a raw value; throws {@link IllegalArgumentException} with the reason. */
    public interface Parser<T> extends Function<String, T>, Serializable {}

    private final String group;
    private final String name;
    private final String defaultValue;
    private final String description;
    private final Parser<T> parser;

    ConfigKey(String group, String name, String defaultValue, String description, Parser<T> parser) {
        this.group = Objects.requireNonNull(group);
        this.name = Objects.requireNonNull(name);
        this.defaultValue = defaultValue;
        this.description = description;
        this.parser = parser;
    }

    public String group() {
        return group;
    }

    public String name() {
        return name;
    }

    /** The default as text; empty means "not set". */
    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    T parse(String raw) {
        try {
            return parser.apply(raw);
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new ConfigException("Invalid value '" + raw + "' for configuration key '" + name
                    + "' (property group " + group + "): " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return group + "/" + name;
    }
}
