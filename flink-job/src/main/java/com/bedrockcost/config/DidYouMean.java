package com.bedrockcost.config;

import java.util.Collection;
import java.util.Locale;

/** The closest known name to a mistyped one (a flag, a configuration key, a tenant), for "did you mean ...?" hints. */
public final class DidYouMean {
    private DidYouMean() {}

    /**
     * The candidate nearest to {@code given} by edit distance (a swap of two neighbouring letters
     * counts as one edit), if it is near enough to be a typo: at most 1 edit for names up to 4
     * letters, 2 up to 8, then a quarter of the length. Null when none is.
     */
    public static String nearest(String given, Collection<String> candidates) {
        String g = given.toLowerCase(Locale.ROOT);
        int limit = g.length() <= 4 ? 1 : g.length() <= 8 ? 2 : g.length() / 4;
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(g, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance || (d == bestDistance && best != null && c.compareTo(best) < 0)) {
                best = c;
                bestDistance = d;
            }
        }
        return bestDistance <= limit ? best : null;
    }

    /** {@code ": did you mean <prefix><nearest>?"}, or empty when no candidate is near. */
    public static String hint(String given, Collection<String> candidates, String prefix) {
        String n = nearest(given, candidates);
        return n == null ? "" : ": did you mean " + prefix + n + "?";
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
