package com.bedrockcost.parse;

import java.io.Serializable;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who pays for an invocation, in this order: the tenant key of {@code requestMetadata} (the
 * configured {@code tenant.key}, or by default the first of tenantId, TenantID, tenant_id, tenant,
 * matched case-insensitively); else the application-profile mapping's tenant for the logged
 * modelId; else the first group of {@code tenant.identity.pattern} on the identity ARN. Blank values
 * do not count. Null when none applies.
 */
public final class TenantResolver implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Default metadata keys, in order of preference. */
    public static final String[] DEFAULT_KEYS = {"tenantId", "TenantID", "tenant_id", "tenant"};

    private final String[] keys;
    private final Pattern identityPattern;

    /**
     * @param tenantKey the metadata key; null or blank = {@link #DEFAULT_KEYS}
     * @param identityPattern a regex with at least one group; null or blank = no identity fallback
     */
    public TenantResolver(String tenantKey, String identityPattern) {
        this.keys = tenantKey == null || tenantKey.trim().isEmpty() ? DEFAULT_KEYS : new String[] {tenantKey.trim()};
        this.identityPattern = identityPattern == null || identityPattern.isEmpty() ? null : Pattern.compile(identityPattern);
        if (this.identityPattern != null && this.identityPattern.matcher("").groupCount() < 1) {
            throw new IllegalArgumentException("tenant.identity.pattern needs a capturing group that selects the tenant");
        }
    }

    /** The tenant of a call, or null. {@code mapped} is the mapping entry of its modelId (may be null). */
    public String resolve(Map<String, String> metadata, ProfileMapping.Entry mapped, String identityArn) {
        String t = fromMetadata(metadata);
        if (t != null) {
            return t;
        }
        if (mapped != null && mapped.tenant != null) {
            return mapped.tenant;
        }
        return fromIdentity(identityArn);
    }

    /** The value of the tenant key: an exact key match first, then a case-insensitive one, in key order. */
    public String fromMetadata(Map<String, String> metadata) {
        if (metadata == null || metadata.isEmpty()) {
            return null;
        }
        for (String k : keys) {
            String v = metadata.get(k);
            if (!isBlank(v)) {
                return v;
            }
        }
        for (String k : keys) {
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey().equalsIgnoreCase(k) && !isBlank(e.getValue())) {
                    return e.getValue();
                }
            }
        }
        return null;
    }

    /** The first group of the identity pattern found in {@code arn}, or null. */
    public String fromIdentity(String arn) {
        if (identityPattern == null || arn == null) {
            return null;
        }
        Matcher m = identityPattern.matcher(arn);
        if (!m.find()) {
            return null;
        }
        String g = m.group(1);
        return isBlank(g) ? null : g;
    }

    private static boolean isBlank(String s) {
        return s == null || s.trim().isEmpty();
    }
}
