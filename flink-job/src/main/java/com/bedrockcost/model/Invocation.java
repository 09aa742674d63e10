package com.bedrockcost.model;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One model invocation: what the log said, which price applied and what it cost. One row of the
 * {@code invocations} table. Public fields; Flink serializes it with {@link InvocationSerializer},
 * never Kryo: a field added here must be added there too.
 */
@TypeInfo(InvocationTypeInfo.Factory.class)
public class Invocation {
    public static final String PRICED = "PRICED";
    public static final String UNPRICED = "UNPRICED";
    /** {@link #imageVariant} of images whose request gives no size: priced by the model's {@code *} image row. */
    public static final String ANY_IMAGE_SIZE = "*";

    public String requestId;
    public Instant eventTime;
    public String accountId;
    public String region;
    public String inferenceRegion;
    public String operation;
    /** As logged: a model id, an inference profile id or an ARN. */
    public String modelId;
    /** Canonical base model id used for pricing; null when it cannot be known (unmapped application profile). */
    public String model;
    /** {@code in-region}, {@code geo} or {@code global}: how the model was called. */
    public String profileScope;
    public String identityArn;
    public String tenantId;

    public Map<String, String> requestMetadata;

    public long inputTokens;
    public long outputTokens;
    public long cacheReadTokens;
    /** All prompt-cache write tokens, whatever their TTL. */
    public long cacheWriteTokens;
    /** The part of {@link #cacheWriteTokens} written with the 1-hour TTL, where the log says so. */
    public long cacheWrite1hTokens;

    public Long latencyMs;
    public String errorCode;

    public BigDecimal inputCost;
    public BigDecimal outputCost;
    public BigDecimal cacheReadCost;
    public BigDecimal cacheWriteCost;
    public BigDecimal totalCost;
    public String pricingStatus;
    public String priceSource;

    public Instant ingestTime;
    /** Where the record came from (file and line, or stream, shard and sequence). */
    public String source;

    // Charges other than tokens (issue 26). Quantities are null when the record does not say.
    /**
     * Guardrail units per policy ({@link GuardrailPolicy} order), summed over the input and every output
     * assessment of every guardrail in the record; null when the record has no guardrail usage.
     */
    public long[] guardrailUnits;
    /** USD for {@link #guardrailUnits}; null when there are none or a policy with units has no price. */
    public BigDecimal guardrailCost;
    /**
     * The service tier the call ran in as the log says ({@code priority}, {@code flex}, {@code reserved},
     * {@code default}), or {@code latency-optimized} from {@code performanceConfig}; null when not logged.
     */
    public String serviceTier;
    /** Images generated (or embedded), from the request or the response body. */
    public Long imageCount;
    /**
     * What prices one image: {@code <width>x<height>/<quality>} as requested, e.g. {@code 1024x1024/standard},
     * or {@link #ANY_IMAGE_SIZE} when the request gives no size; null without images (column
     * {@code image_variant}; null there too in rows written before the column existed).
     */
    public String imageVariant;
    /** Seconds of generated video ({@code output.outputVideoDurationSeconds}). */
    public BigDecimal videoSeconds;
    /** Rerank queries: one per 100 documents of a rerank request, at least one. */
    public Long rerankQueries;
    public BigDecimal imageCost;
    public BigDecimal videoCost;
    public BigDecimal rerankCost;
    /** Why a body-borne quantity could not be read (body in S3 or not logged); null when the body was read. */
    public String quantityGap;
    /** What could not be priced and why (a charge with no price, or a quantity the log does not give); null when none. */
    public String unpricedReason;

    public Invocation() {}

    /** Units of the guardrail policies AWS charges for text ({@code guardrail_text_units}); null without guardrail usage. */
    public Long guardrailTextUnits() {
        return GuardrailPolicy.pricedTextUnits(guardrailUnits);
    }

    /** Tokens that count towards the prompt size (long-context tiers): input + cache read + cache write. */
    public long promptTokens() {
        return inputTokens + cacheReadTokens + cacheWriteTokens;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Invocation)) {
            return false;
        }
        Invocation that = (Invocation) o;
        return inputTokens == that.inputTokens
                && outputTokens == that.outputTokens
                && cacheReadTokens == that.cacheReadTokens
                && cacheWriteTokens == that.cacheWriteTokens
                && cacheWrite1hTokens == that.cacheWrite1hTokens
                && Objects.equals(requestId, that.requestId)
                && Objects.equals(eventTime, that.eventTime)
                && Objects.equals(accountId, that.accountId)
                && Objects.equals(region, that.region)
                && Objects.equals(inferenceRegion, that.inferenceRegion)
                && Objects.equals(operation, that.operation)
                && Objects.equals(modelId, that.modelId)
                && Objects.equals(model, that.model)
                && Objects.equals(profileScope, that.profileScope)
                && Objects.equals(identityArn, that.identityArn)
                && Objects.equals(tenantId, that.tenantId)
                && Objects.equals(requestMetadata, that.requestMetadata)
                && Objects.equals(latencyMs, that.latencyMs)
                && Objects.equals(errorCode, that.errorCode)
                && Objects.equals(inputCost, that.inputCost)
                && Objects.equals(outputCost, that.outputCost)
                && Objects.equals(cacheReadCost, that.cacheReadCost)
                && Objects.equals(cacheWriteCost, that.cacheWriteCost)
                && Objects.equals(totalCost, that.totalCost)
                && Objects.equals(pricingStatus, that.pricingStatus)
                && Objects.equals(priceSource, that.priceSource)
                && Objects.equals(ingestTime, that.ingestTime)
                && Objects.equals(source, that.source)
                && java.util.Arrays.equals(guardrailUnits, that.guardrailUnits)
                && Objects.equals(guardrailCost, that.guardrailCost)
                && Objects.equals(serviceTier, that.serviceTier)
                && Objects.equals(imageCount, that.imageCount)
                && Objects.equals(imageVariant, that.imageVariant)
                && Objects.equals(videoSeconds, that.videoSeconds)
                && Objects.equals(rerankQueries, that.rerankQueries)
                && Objects.equals(imageCost, that.imageCost)
                && Objects.equals(videoCost, that.videoCost)
                && Objects.equals(rerankCost, that.rerankCost)
                && Objects.equals(quantityGap, that.quantityGap)
                && Objects.equals(unpricedReason, that.unpricedReason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(requestId, eventTime, modelId);
    }

    @Override
    public String toString() {
        // Never prints bodies: the record holds none.
        return "Invocation{" + requestId + " " + eventTime + " " + modelId + " tenant=" + tenantId
                + " in=" + inputTokens + " out=" + outputTokens + " cr=" + cacheReadTokens
                + " cw=" + cacheWriteTokens + " total=" + totalCost + " " + pricingStatus + "}";
    }
}
