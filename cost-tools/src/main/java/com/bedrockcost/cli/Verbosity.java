package com.bedrockcost.cli;

import com.bedrockcost.config.ConfigException;

import java.util.List;

/**
 * How much a command says: {@code --quiet} (errors and the result only), the default (progress, Flink's
 * own logging silenced), {@code --verbose} (the job's and Flink's log lines, stack traces of failures).
 */
public enum Verbosity {
    QUIET, NORMAL, VERBOSE;

    /** The level the arguments ask for; {@code args} loses the flags (they take no value). */
    static Verbosity strip(List<String> args) {
        boolean quiet = args.remove("--quiet");
        boolean verbose = args.remove("--verbose");
        if (quiet && verbose) {
            throw new ConfigException("--quiet and --verbose contradict each other: give one of them");
        }
        return quiet ? QUIET : verbose ? VERBOSE : NORMAL;
    }

    /**
     * Sets the log levels of a launcher run (bin/log4j2.properties is the quiet default): only the
     * process's own JVM, so it is called from {@code main}, never from a test.
     */
    void applyToLogging() {
        try {
            switch (this) {
                case VERBOSE:
                    org.apache.logging.log4j.core.config.Configurator.setLevel("com.bedrockcost", org.apache.logging.log4j.Level.INFO);
                    org.apache.logging.log4j.core.config.Configurator.setLevel("org.apache.flink", org.apache.logging.log4j.Level.INFO);
                    break;
                case QUIET:
                    org.apache.logging.log4j.core.config.Configurator.setLevel("com.bedrockcost", org.apache.logging.log4j.Level.ERROR);
                    break;
                default:
                    // The job's warnings stay visible; its INFO lines would break the progress line.
                    org.apache.logging.log4j.core.config.Configurator.setLevel("com.bedrockcost", org.apache.logging.log4j.Level.WARN);
            }
        } catch (NoClassDefFoundError e) {
            // Another logging backend than log4j 2 on the classpath: its own configuration applies.
        }
    }
}
