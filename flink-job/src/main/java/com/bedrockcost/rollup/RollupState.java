package com.bedrockcost.rollup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The version of the hourly rollup's SQL state. Flink SQL cannot migrate the accumulators of its
 * window aggregate: a query or input column added, removed or re-typed changes their shape, and a
 * snapshot of the old shape fails the restore ({@code StateMigrationException}). So the rollup's SQL
 * operators carry the state version in their uids ({@link #UID_PREFIX}): a snapshot of an older
 * shape is never fed to them. Its state stays under the older uids ({@link #RETIRED_UIDS}); a restore
 * may drop exactly that state (the local runner checks the snapshot, docs/upgrading.md), and
 * {@code rollup-repair} writes the hours it held into {@code tenant_hourly} from {@code invocations}.
 *
 * <p>{@code RollupStateVersionTest} pins {@link #shape()} to {@link #VERSION}: a change of shape without
 * a new version fails the build and says what to do.
 */
public final class RollupState {
    /** The state version of the rollup's SQL operators; 1 had no version in its uids. */
    public static final int VERSION = 2;
    /** Prefix of the uids of the rollup's SQL operators, numbered from the plan after it. */
    public static final String UID_PREFIX = "rollup-sql-v" + VERSION + "-";
    /**
     * The uids of the rollup's SQL operators of every earlier state version. Their state cannot be
     * read by this version: a restore drops it, and nothing else. Only ever add to this list.
     */
    public static final List<String> RETIRED_UIDS = List.of(
            // version 1: before guardrail_text_units and the guardrail, image, video and rerank cost sums
            "rollup-sql-0_source", "rollup-sql-1_calc", "rollup-sql-3_window-aggregate", "rollup-sql-4_calc",
            "rollup-sql-5_constraint-validator", "rollup-sql-5_external-datastream");

    private RollupState() {}

    /**
     * What the window's state is made of: a digest of the rollup query and its input table's columns
     * and types (16 hex digits). It changes with any column of the rollup.
     */
    public static String shape() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    (TenantHourlyRollup.QUERY + "\n" + TenantHourlyRollup.INPUT_SCHEMA).getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                hex.append(String.format("%02x", digest[i] & 0xff));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
