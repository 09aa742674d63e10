package com.bedrockcost.parse;

import com.bedrockcost.model.ErrorType;

/**
 * Why one input is not an invocation row: a stable {@link ErrorType} and a message saying what is
 * wrong and in which field (the caller adds where the input came from). Never carries body text.
 */
public final class RecordException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorType type;

    public RecordException(ErrorType type, String message) {
        // No stack trace: these are expected outcomes for bad input, not bugs, and can be frequent.
        super(message, null, false, false);
        this.type = type;
    }

    public ErrorType type() {
        return type;
    }
}
