package com.bedrockcost.cli;

import com.bedrockcost.config.ConfigException;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of a command that works on a lake outside a run ({@code restate}, {@code rollup-repair}):
 * {@code --name value} or {@code --name=value} for the command's own options, {@code --flag} for those
 * that take no value; every other argument is left for the configuration keys ({@link #rest}).
 */
final class CommandOptions {
    /** Values of the command's own options given, by name without the dashes. */
    final Map<String, String> values = new HashMap<>();
    /** The command's flags given, by name without the dashes. */
    final Set<String> flags = new HashSet<>();
    /** Arguments that are not the command's own: configuration keys, e.g. {@code --s3.endpoint}. */
    final List<String> rest = new ArrayList<>();

    private CommandOptions() {}

    static CommandOptions parse(List<String> args, List<String> valued, List<String> flagNames) {
        CommandOptions o = new CommandOptions();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 2) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            String bare = name.startsWith("--") ? name.substring(2) : null;
            if (bare != null && flagNames.contains(bare)) {
                if (value != null) {
                    throw new ConfigException("Option '" + name + "' takes no value");
                }
                o.flags.add(bare);
                continue;
            }
            if (bare == null || !valued.contains(bare)) {
                o.rest.add(a);
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new ConfigException("Option '" + name + "' needs a value");
                }
                value = args.get(++i);
            }
            if (value.trim().isEmpty()) {
                throw new ConfigException("Option '" + name + "' needs a value");
            }
            o.values.put(bare, value);
        }
        return o;
    }

    /** {@code lake} checked ({@link ArgsValidator#checkLake}); a local folder made absolute. */
    static String lake(String lake) {
        ArgsValidator.checkLake(lake);
        return lake.contains("://") ? lake : Paths.get(lake).toAbsolutePath().normalize().toString();
    }
}
