package com.bedrockcost.lake;

import com.bedrockcost.model.Adjustment;
import com.bedrockcost.model.Alert;
import com.bedrockcost.model.FailedRecord;
import com.bedrockcost.model.GuardrailPolicy;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.TenantHourly;

/** Column mappings of the lake tables: which field of which record fills each column of {@code schemas/}. */
public final class LakeTables {
    public static final String INVOCATIONS = "invocations";
    public static final String FAILED = "failed";
    public static final String TENANT_HOURLY = "tenant_hourly";
    public static final String ALERTS = "alerts";
    public static final String ADJUSTMENTS = "adjustments";
    /** Flink's FileSink names a merged file {@code compacted-<name of the first file merged, without its leading dot>}. */
    public static final String COMPACTED_PREFIX = "compacted-";

    private LakeTables() {}

    public static Columns<Invocation> invocationColumns() {
        return new Columns<Invocation>()
                .addUnique("request_id", r -> r.requestId)
                .addUnique("event_time", r -> r.eventTime)
                .add("account_id", r -> r.accountId)
                .add("region", r -> r.region)
                .add("inference_region", r -> r.inferenceRegion)
                .add("operation", r -> r.operation)
                .add("model_id", r -> r.modelId)
                .add("model", r -> r.model)
                .add("profile_scope", r -> r.profileScope)
                .add("identity_arn", r -> r.identityArn)
                .add("tenant_id", r -> r.tenantId)
                .add("request_metadata", r -> r.requestMetadata)
                .add("input_tokens", r -> r.inputTokens)
                .add("output_tokens", r -> r.outputTokens)
                .add("cache_read_tokens", r -> r.cacheReadTokens)
                .add("cache_write_tokens", r -> r.cacheWriteTokens)
                .add("cache_write_1h_tokens", r -> r.cacheWrite1hTokens)
                .add("latency_ms", r -> r.latencyMs)
                .add("error_code", r -> r.errorCode)
                .add("input_cost", r -> r.inputCost)
                .add("output_cost", r -> r.outputCost)
                .add("cache_read_cost", r -> r.cacheReadCost)
                .add("cache_write_cost", r -> r.cacheWriteCost)
                .add("total_cost", r -> r.totalCost)
                .add("pricing_status", r -> r.pricingStatus)
                .add("price_source", r -> r.priceSource)
                .addUnique("ingest_time", r -> r.ingestTime)
                .add("guardrail_text_units", Invocation::guardrailTextUnits)
                .add("guardrail_policy_units", r -> GuardrailPolicy.byVariant(r.guardrailUnits))
                .add("guardrail_cost", r -> r.guardrailCost)
                .add("service_tier", r -> r.serviceTier)
                .add("image_count", r -> r.imageCount)
                .add("image_cost", r -> r.imageCost)
                .add("video_seconds", r -> r.videoSeconds)
                .add("video_cost", r -> r.videoCost)
                .add("rerank_queries", r -> r.rerankQueries)
                .add("rerank_cost", r -> r.rerankCost)
                .add("unpriced_reason", r -> r.unpricedReason)
                .add("image_variant", r -> r.imageVariant);
    }

    public static Columns<FailedRecord> failedColumns() {
        return new Columns<FailedRecord>()
                .addUnique("ingest_time", r -> r.ingestTime)
                .addUnique("source", r -> r.source)
                .add("error_type", r -> r.errorType)
                .add("error_message", r -> r.errorMessage)
                .addUnique("raw", r -> r.raw)
                .add("raw_bytes", r -> r.rawBytes);
    }

    public static Columns<TenantHourly> tenantHourlyColumns() {
        return new Columns<TenantHourly>()
                .add("window_start", r -> r.windowStart)
                .add("window_end", r -> r.windowEnd)
                .add("tenant_id", r -> r.tenantId)
                .add("model", r -> r.model)
                .add("invocations", r -> r.invocations)
                .add("input_tokens", r -> r.inputTokens)
                .add("output_tokens", r -> r.outputTokens)
                .add("cache_read_tokens", r -> r.cacheReadTokens)
                .add("cache_write_tokens", r -> r.cacheWriteTokens)
                .add("cache_write_1h_tokens", r -> r.cacheWrite1hTokens)
                .add("input_cost", r -> r.inputCost)
                .add("output_cost", r -> r.outputCost)
                .add("cache_read_cost", r -> r.cacheReadCost)
                .add("cache_write_cost", r -> r.cacheWriteCost)
                .add("total_cost", r -> r.totalCost)
                .add("unpriced", r -> r.unpriced)
                .add("errors", r -> r.errors)
                .add("latency_count", r -> r.latencyCount)
                .add("latency_ms_sum", r -> r.latencyMsSum)
                .add("latency_ms_avg", r -> r.latencyMsAvg)
                .add("latency_ms_max", r -> r.latencyMsMax)
                .add("guardrail_text_units", r -> r.guardrailTextUnits)
                .add("guardrail_cost", r -> r.guardrailCost)
                .add("image_cost", r -> r.imageCost)
                .add("video_cost", r -> r.videoCost)
                .add("rerank_cost", r -> r.rerankCost)
                .add("row_kind", r -> r.rowKind);
    }

    public static Columns<Alert> alertColumns() {
        return new Columns<Alert>()
                .addUnique("alert_id", r -> r.alertId)
                .add("alert_type", r -> r.alertType)
                .add("tenant_id", r -> r.tenantId)
                .add("period", r -> r.period)
                .add("period_start", r -> r.periodStart)
                .add("threshold_pct", r -> r.thresholdPct)
                .add("budget_usd", r -> r.budgetUsd)
                .add("spend_usd", r -> r.spendUsd)
                .addUnique("request_id", r -> r.requestId)
                .add("event_time", r -> r.eventTime)
                .add("emitted_at", r -> r.emittedAt)
                .add("dimension", r -> r.dimension)
                .add("baseline_usd", r -> r.baselineUsd)
                .add("budget_source", r -> r.budgetSource);
    }

    public static Columns<Adjustment> adjustmentColumns() {
        return new Columns<Adjustment>()
                .addUnique("request_id", r -> r.requestId)
                .add("event_time", r -> r.eventTime)
                .add("tenant_id", r -> r.tenantId)
                .add("model", r -> r.model)
                .add("region", r -> r.region)
                .add("reason", r -> r.reason)
                .add("old_price_source", r -> r.oldPriceSource)
                .add("new_price_source", r -> r.newPriceSource)
                .add("old_pricing_status", r -> r.oldPricingStatus)
                .add("new_pricing_status", r -> r.newPricingStatus)
                .add("input_cost_delta", r -> r.inputCostDelta)
                .add("output_cost_delta", r -> r.outputCostDelta)
                .add("cache_read_cost_delta", r -> r.cacheReadCostDelta)
                .add("cache_write_cost_delta", r -> r.cacheWriteCostDelta)
                .add("guardrail_cost_delta", r -> r.guardrailCostDelta)
                .add("image_cost_delta", r -> r.imageCostDelta)
                .add("video_cost_delta", r -> r.videoCostDelta)
                .add("rerank_cost_delta", r -> r.rerankCostDelta)
                .add("total_cost_delta", r -> r.totalCostDelta)
                .add("adjusted_at", r -> r.adjustedAt);
    }
}
