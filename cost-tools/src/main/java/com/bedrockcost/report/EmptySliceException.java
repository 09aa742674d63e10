package com.bedrockcost.report;

/** A report for a tenant or model the lake has no invocations of: said in one line instead of an empty dashboard. */
public final class EmptySliceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EmptySliceException(String message) {
        super(message);
    }
}
