package com.bedrockcost.parse;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.LogLineFormat;

import java.io.Serializable;

/**
 * What decoding needs from the configuration, loaded once where the job is built: a bad mapping
 * file stops the job before it starts, with the file, line and reason.
 */
public final class ParseOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A single log record (line or log event) larger than this goes to failed as RECORD_TOO_LARGE. */
    public static final int DEFAULT_MAX_RECORD_BYTES = LogLineFormat.MAX_LINE_BYTES;
    /**
     * A CloudWatch Logs payload that inflates to more than this is RECORD_TOO_LARGE (CloudWatch
     * batches are about 1 MB; this stops a gzip bomb from taking the task manager down).
     */
    public static final int DEFAULT_MAX_ENVELOPE_BYTES = 32 * 1024 * 1024;

    public final String tenantKey;
    public final String identityPattern;
    public final ProfileMapping mapping;
    public final int maxRecordBytes;
    public final int maxEnvelopeBytes;

    public ParseOptions(String tenantKey, String identityPattern) {
        this(tenantKey, identityPattern, ProfileMapping.empty());
    }

    public ParseOptions(String tenantKey, String identityPattern, ProfileMapping mapping) {
        this(tenantKey, identityPattern, mapping, DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_ENVELOPE_BYTES);
    }

    public ParseOptions(String tenantKey, String identityPattern, ProfileMapping mapping, int maxRecordBytes, int maxEnvelopeBytes) {
        this.tenantKey = tenantKey == null ? "" : tenantKey;
        this.identityPattern = identityPattern == null ? "" : identityPattern;
        this.mapping = mapping == null ? ProfileMapping.empty() : mapping;
        this.maxRecordBytes = maxRecordBytes;
        this.maxEnvelopeBytes = maxEnvelopeBytes;
    }

    /** Defaults: default tenant keys, no mapping, no identity pattern. */
    public static ParseOptions defaults() {
        return new ParseOptions("", "");
    }

    /** From the job configuration; reads and validates {@code tenant.mapping.path} when it is set. */
    public static ParseOptions from(JobConfig config) {
        ProfileMapping mapping = config.isSet(JobConfig.TENANT_MAPPING_PATH)
                ? ProfileMapping.load(config.get(JobConfig.TENANT_MAPPING_PATH).trim())
                : ProfileMapping.empty();
        return new ParseOptions(config.raw(JobConfig.TENANT_KEY), config.raw(JobConfig.TENANT_IDENTITY_PATTERN), mapping);
    }

    /** The same options with other size limits (tests use small ones). */
    public ParseOptions withLimits(int maxRecordBytes, int maxEnvelopeBytes) {
        return new ParseOptions(tenantKey, identityPattern, mapping, maxRecordBytes, maxEnvelopeBytes);
    }

    public TenantResolver tenantResolver() {
        return new TenantResolver(tenantKey, identityPattern);
    }
}
