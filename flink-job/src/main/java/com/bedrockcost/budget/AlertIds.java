package com.bedrockcost.budget;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;

/**
 * Stable alert ids: the first 128 bits of SHA-256 over type, dimension, key value, period, period
 * start and threshold, in hex. The same alert always gets the same id (a replay after a failure, a
 * second run over the same logs), so consumers of the at-least-once alerts stream dedupe on it.
 */
public final class AlertIds {
    private AlertIds() {}

    public static String of(String type, String dimension, String value, String period, Instant periodStart, BigDecimal thresholdPct) {
        String text = String.join("|", type, dimension, value, period, periodStart.toString(),
                thresholdPct.stripTrailingZeros().toPlainString());
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder b = new StringBuilder(32);
            for (int i = 0; i < 16; i++) {
                b.append(Character.forDigit((hash[i] >> 4) & 0xF, 16)).append(Character.forDigit(hash[i] & 0xF, 16));
            }
            return b.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
