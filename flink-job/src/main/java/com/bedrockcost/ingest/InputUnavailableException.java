package com.bedrockcost.ingest;

/** The configured input cannot be read at all (a stream that does not exist, an endpoint that does not answer). */
public class InputUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InputUnavailableException(String message) {
        super(message);
    }
}
