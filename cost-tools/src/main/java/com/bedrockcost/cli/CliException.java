package com.bedrockcost.cli;

/**
 * An error of the data or the environment found before or while a command works (an empty input
 * folder, a tenant the lake does not have): one line on stderr, exit code 1, no usage text. Errors
 * of the command line itself are {@link com.bedrockcost.config.ConfigException}s (exit code 2).
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CliException(String message) {
        super(message);
    }
}
