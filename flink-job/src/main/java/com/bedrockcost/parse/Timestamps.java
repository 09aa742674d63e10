package com.bedrockcost.parse;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * ISO-8601 / RFC 3339 date-times as Bedrock writes them, to a UTC {@link Instant}. Accepts
 * {@code YYYY-MM-DD}, then {@code T} (or {@code t} or a space), {@code hh:mm:ss}, optional fraction
 * ({@code .} or {@code ,}, 1-9 digits), and an optional zone: {@code Z}, {@code z}, {@code ±hh:mm},
 * {@code ±hhmm} or {@code ±hh}. Without a zone the time is taken as UTC (Bedrock logs UTC). Written
 * by hand because it runs once per record and {@code DateTimeFormatter} costs more than the rest of
 * the header.
 */
public final class Timestamps {
    private Timestamps() {}

    /** The instant, or null when {@code s} is not such a date-time (including impossible dates like Feb 30). */
    public static Instant parse(String s) {
        int n = s.length();
        if (n < 19) {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        char t = s.charAt(10);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0
                || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(13) != ':' || s.charAt(16) != ':'
                || !(t == 'T' || t == 't' || t == ' ')
                || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (i < n && (s.charAt(i) == '.' || s.charAt(i) == ',')) {
            i++;
            int start = i;
            while (i < n && isDigit(s.charAt(i))) {
                if (i - start < 9) {
                    nanos = nanos * 10 + (s.charAt(i) - '0');
                }
                i++;
            }
            int len = i - start;
            if (len == 0 || len > 9) {
                return null;
            }
            for (int k = len; k < 9; k++) {
                nanos *= 10;
            }
        }
        int offsetSeconds = 0;
        if (i < n) {
            char z = s.charAt(i);
            if (z == 'Z' || z == 'z') {
                i++;
            } else if (z == '+' || z == '-') {
                int oh = digits(s, i + 1, 2);
                int om = 0;
                int end = i + 3;
                if (end < n && s.charAt(end) == ':') {
                    om = digits(s, end + 1, 2);
                    end += 3;
                } else if (end + 2 <= n) {
                    om = digits(s, end, 2);
                    end += 2;
                }
                if (oh < 0 || om < 0 || oh > 18 || om > 59) {
                    return null;
                }
                offsetSeconds = (oh * 3600 + om * 60) * (z == '-' ? -1 : 1);
                i = end;
            } else {
                return null;
            }
        }
        if (i != n) {
            return null;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return null;
        }
        long epochSecond = epochDay * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
        return Instant.ofEpochSecond(epochSecond, nanos);
    }

    /** The non-negative value of {@code len} ASCII digits at {@code from}, or -1. */
    private static int digits(String s, int from, int len) {
        if (from + len > s.length()) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < from + len; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
