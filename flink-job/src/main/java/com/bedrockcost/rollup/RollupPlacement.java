package com.bedrockcost.rollup;

import com.bedrockcost.config.JobConfig;

/**
 * Where {@code tenant_hourly} is computed, decided in one place ({@link #of}) and asked by the job's
 * wiring ({@code CostPipeline}) and the local runner: not at all ({@code output.tenant.hourly}
 * false), in the job (a Flink SQL window: {@link TenantHourlyRollup}), or, for a bounded local run,
 * in a batch job over the invocations the run wrote once its input has ended ({@code RunRollup}, in
 * the tools).
 */
public enum RollupPlacement {
    /** No {@code tenant_hourly}: {@code output.tenant.hourly} is false. */
    NONE,
    /** In the job, each hour closed by the watermark: an input that does not end. */
    IN_JOB,
    /**
     * In the job, every hour held open to the end of the input: a bounded input run where no batch
     * job follows it (the MSF application, a local job started with {@code LocalRunner.start}).
     */
    IN_JOB_TO_END_OF_INPUT,
    /** After the input, in a batch job over the run's invocations: a bounded run of the local runner. */
    AFTER_INPUT;

    /**
     * The placement for {@code config}; {@code batchAfterInput}: the runner can run the batch rollup
     * once a bounded input has ended (the local runner can; the MSF application cannot).
     */
    public static RollupPlacement of(JobConfig config, boolean batchAfterInput) {
        if (!config.get(JobConfig.OUTPUT_TENANT_HOURLY)) {
            return NONE;
        }
        if (!config.input().bounded()) {
            return IN_JOB;
        }
        return batchAfterInput ? AFTER_INPUT : IN_JOB_TO_END_OF_INPUT;
    }

    /** True when the job itself computes {@code tenant_hourly} (its SQL window and sink are part of it). */
    public boolean inJob() {
        return this == IN_JOB || this == IN_JOB_TO_END_OF_INPUT;
    }
}
