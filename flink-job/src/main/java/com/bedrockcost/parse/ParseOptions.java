package com.bedrockcost.parse;

import com.bedrockcost.config.ConfigException;
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
    /** The batch inference jobs whose output is read ({@code batch.jobs.path}); none by default. */
    public final BatchJobs batchJobs;

    public ParseOptions(String tenantKey, String identityPattern) {
        this(tenantKey, identityPattern, ProfileMapping.empty());
    }

    public ParseOptions(String tenantKey, String identityPattern, ProfileMapping mapping) {
        this(tenantKey, identityPattern, mapping, DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_ENVELOPE_BYTES);
    }

    public ParseOptions(String tenantKey, String identityPattern, ProfileMapping mapping, int maxRecordBytes, int maxEnvelopeBytes) {
        this(tenantKey, identityPattern, mapping, maxRecordBytes, maxEnvelopeBytes, BatchJobs.none());
    }

    public ParseOptions(String tenantKey, String identityPattern, ProfileMapping mapping, int maxRecordBytes, int maxEnvelopeBytes,
            BatchJobs batchJobs) {
        this.batchJobs = batchJobs == null ? BatchJobs.none() : batchJobs;
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
        if (config.isSet(JobConfig.BATCH_TENANTS_PATH) && !config.isSet(JobConfig.BATCH_JOBS_PATH)) {
            throw new ConfigException(BatchJobs.TENANTS_KEY + " is set but " + BatchJobs.JOBS_KEY + " is not: the tenants are"
                    + " rules for the jobs listed there");
        }
        BatchJobs jobs = config.isSet(JobConfig.BATCH_JOBS_PATH)
                ? BatchJobs.load(config.get(JobConfig.BATCH_JOBS_PATH).trim(), config.raw(JobConfig.BATCH_TENANTS_PATH).trim())
                : BatchJobs.none();
        return new ParseOptions(config.raw(JobConfig.TENANT_KEY), config.raw(JobConfig.TENANT_IDENTITY_PATTERN), mapping,
                DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_ENVELOPE_BYTES, jobs);
    }

    /** The same options with the batch inference jobs {@code jobs}. */
    public ParseOptions withBatchJobs(BatchJobs jobs) {
        return new ParseOptions(tenantKey, identityPattern, mapping, maxRecordBytes, maxEnvelopeBytes, jobs);
    }

    /** The same options with other size limits (tests use small ones). */
    public ParseOptions withLimits(int maxRecordBytes, int maxEnvelopeBytes) {
        return new ParseOptions(tenantKey, identityPattern, mapping, maxRecordBytes, maxEnvelopeBytes, batchJobs);
    }

    public TenantResolver tenantResolver() {
        return new TenantResolver(tenantKey, identityPattern);
    }
}
