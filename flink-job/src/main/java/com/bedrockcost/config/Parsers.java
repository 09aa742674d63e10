package com.bedrockcost.config;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Value parsers for {@link ConfigKey}s. Each throws {@link IllegalArgumentException} with a reason a user can act on. */
final class Parsers {
    private Parsers() {}

    static ConfigKey.Parser<String> string() {
        return s -> s;
    }

    static ConfigKey.Parser<Long> longAtLeast(long min) {
        return s -> {
            long v;
            try {
                v = Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be a whole number");
            }
            if (v < min) {
                throw new IllegalArgumentException("must be at least " + min);
            }
            return v;
        };
    }

    static ConfigKey.Parser<Double> doubleBetween(double min, double max) {
        return s -> {
            double v;
            try {
                v = Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be a number");
            }
            if (!(v >= min && v <= max)) {
                throw new IllegalArgumentException("must be between " + min + " and " + max);
            }
            return v;
        };
    }

    static ConfigKey.Parser<Boolean> bool() {
        return s -> {
            String v = s.trim().toLowerCase(Locale.ROOT);
            if (v.equals("true")) {
                return true;
            }
            if (v.equals("false")) {
                return false;
            }
            throw new IllegalArgumentException("must be true or false");
        };
    }

    /**
     * Durations as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}, {@code 0}, or ISO-8601.
     * Any other number needs a unit: {@code 10} read as 10 ms was a surprise where 10 s was meant.
     */
    static ConfigKey.Parser<Duration> duration() {
        return s -> {
            String v = s.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.startsWith("p")) {
                    return Duration.parse(v.toUpperCase(Locale.ROOT));
                }
                if (v.endsWith("ms")) {
                    return nonNegative(Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2))));
                }
                char unit = v.isEmpty() ? ' ' : v.charAt(v.length() - 1);
                String num = v.substring(0, Math.max(0, v.length() - 1));
                switch (unit) {
                    case 's': return nonNegative(Duration.ofSeconds(Long.parseLong(num)));
                    case 'm': return nonNegative(Duration.ofMinutes(Long.parseLong(num)));
                    case 'h': return nonNegative(Duration.ofHours(Long.parseLong(num)));
                    case 'd': return nonNegative(Duration.ofDays(Long.parseLong(num)));
                    default:
                        if (Long.parseLong(v) == 0) {
                            return Duration.ZERO;
                        }
                        throw new IllegalArgumentException("needs a unit: " + v + "s, " + v + "m or " + v + "ms (ms, s, m, h or d)");
                }
            } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("must be a duration such as 500ms, 30s, 5m, 2h or 7d");
            }
        };
    }

    private static Duration nonNegative(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("must not be negative");
        }
        return d;
    }

    static ConfigKey.Parser<Instant> instant() {
        return s -> {
            try {
                return Instant.parse(s.trim());
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("must be an ISO-8601 instant such as 2026-11-01T00:00:00Z");
            }
        };
    }

    static ConfigKey.Parser<String> oneOf(String... allowed) {
        return s -> {
            String v = s.trim();
            for (String a : allowed) {
                if (a.equalsIgnoreCase(v)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("must be one of " + Arrays.toString(allowed));
        };
    }

    static ConfigKey.Parser<String> regex() {
        return s -> {
            try {
                Pattern p = Pattern.compile(s);
                if (p.matcher("").groupCount() < 1) {
                    throw new IllegalArgumentException("must have a capturing group that selects the tenant");
                }
                return s;
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("not a valid regular expression: " + e.getDescription());
            }
        };
    }

    /** A local path or a URI with a scheme Flink knows (file://, s3://, s3a://). */
    static ConfigKey.Parser<String> location() {
        return s -> {
            String v = s.trim();
            if (v.isEmpty()) {
                throw new IllegalArgumentException("must not be empty");
            }
            int colon = v.indexOf("://");
            if (colon > 0) {
                String scheme = v.substring(0, colon).toLowerCase(Locale.ROOT);
                if (!scheme.equals("file") && !scheme.equals("s3") && !scheme.equals("s3a") && !scheme.equals("s3p")) {
                    throw new IllegalArgumentException("scheme '" + scheme + "' is not supported (use a local path, file://, s3:// or s3a://)");
                }
            }
            return v;
        };
    }

    static ConfigKey.Parser<String> awsRegion() {
        return s -> {
            String v = s.trim();
            if (!v.matches("[a-z]{2}(-[a-z]+)+-\\d+")) {
                throw new IllegalArgumentException("must be an AWS region such as us-east-1");
            }
            return v;
        };
    }

    /** An http:// or https:// URL with a host, e.g. {@code http://127.0.0.1:4567}. */
    static ConfigKey.Parser<String> httpUrl() {
        return s -> {
            String v = s.trim();
            java.net.URI uri;
            try {
                uri = new java.net.URI(v);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("must be a URL such as http://127.0.0.1:4567");
            }
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
                throw new IllegalArgumentException("must be an http:// or https:// URL such as http://127.0.0.1:4567");
            }
            return v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
        };
    }

    static ConfigKey.Parser<String> kinesisStreamArn() {
        return s -> {
            String v = s.trim();
            if (!v.matches("arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\\d{12}:stream/[A-Za-z0-9_.-]{1,128}")) {
                throw new IllegalArgumentException("must be a Kinesis stream ARN such as arn:aws:kinesis:us-east-1:111122223333:stream/bedrock-logs");
            }
            return v;
        };
    }
}
