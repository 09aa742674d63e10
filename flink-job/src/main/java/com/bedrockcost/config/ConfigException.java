package com.bedrockcost.config;

/** A configuration value that the job cannot start with; the message names the key and the problem. */
public class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }
}
