package com.bedrockcost.parse;

import com.bedrockcost.config.JobConfig;

import java.io.Serializable;

/** What decoding needs from the configuration, loaded once where the job is built. */
public final class ParseOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    public final String tenantKey;
    public final String identityPattern;

    public ParseOptions(String tenantKey, String identityPattern) {
        this.tenantKey = tenantKey;
        this.identityPattern = identityPattern;
    }

    public static ParseOptions from(JobConfig config) {
        return new ParseOptions(config.raw(JobConfig.TENANT_KEY), config.raw(JobConfig.TENANT_IDENTITY_PATTERN));
    }
}
