package com.bedrockcost.parse;

import com.bedrockcost.model.ErrorType;
import com.bedrockcost.model.FailedRecord;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.model.SideOutputs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Decodes raw input into invocations; anything that is not one goes to {@link SideOutputs#FAILED}. */
public class DecodeFunction extends ProcessFunction<RawInput, Invocation> {
    private static final long serialVersionUID = 1L;
    private static final String[] DEFAULT_TENANT_KEYS = {"tenantid", "tenant_id", "tenant"};

    private final ParseOptions options;
    private transient ObjectMapper mapper;

    public DecodeFunction(ParseOptions options) {
        this.options = options;
    }

    @Override
    public void processElement(RawInput in, Context ctx, Collector<Invocation> out) {
        if (mapper == null) {
            mapper = new ObjectMapper();
        }
        Instant now = Instant.ofEpochMilli(ctx.timerService().currentProcessingTime());
        if (in.kind == RawInput.Kind.SKIPPED) {
            return;
        }
        if (in.kind == RawInput.Kind.DAMAGED) {
            ctx.output(SideOutputs.FAILED, FailedRecord.of(in.source, ErrorType.valueOf(in.errorType), in.note,
                    new String(in.payload, StandardCharsets.UTF_8), in.size, now));
            return;
        }
        String text = new String(in.payload, StandardCharsets.UTF_8);
        try {
            JsonNode n = mapper.readTree(text);
            Invocation inv = new Invocation();
            inv.requestId = n.path("requestId").asText(null);
            if (inv.requestId == null) {
                ctx.output(SideOutputs.FAILED, FailedRecord.of(in.source, ErrorType.MISSING_REQUEST_ID,
                        "No requestId in record at " + in.source, text, in.size, now));
                return;
            }
            inv.eventTime = Instant.parse(n.path("timestamp").asText());
            inv.accountId = n.path("accountId").asText(null);
            inv.region = n.path("region").asText(null);
            inv.inferenceRegion = n.path("inferenceRegion").asText(null);
            inv.operation = n.path("operation").asText(null);
            inv.modelId = n.path("modelId").asText(null);
            inv.identityArn = n.path("identity").path("arn").asText(null);
            JsonNode input = n.path("input");
            inv.inputTokens = input.path("inputTokenCount").asLong();
            inv.cacheReadTokens = input.path("cacheReadInputTokenCount").asLong();
            inv.cacheWriteTokens = input.path("cacheWriteInputTokenCount").asLong();
            inv.outputTokens = n.path("output").path("outputTokenCount").asLong();
            inv.errorCode = n.path("errorCode").asText(null);
            JsonNode md = n.get("requestMetadata");
            if (md != null && md.isObject()) {
                Map<String, String> m = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = md.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    m.put(e.getKey(), e.getValue().asText());
                }
                inv.requestMetadata = m;
                for (String k : DEFAULT_TENANT_KEYS) {
                    for (Map.Entry<String, String> e : m.entrySet()) {
                        if (inv.tenantId == null && e.getKey().toLowerCase(Locale.ROOT).equals(k)) {
                            inv.tenantId = e.getValue();
                        }
                    }
                }
            }
            String base = inv.modelId.substring(inv.modelId.lastIndexOf('/') + 1);
            inv.profileScope = base.startsWith("global.") ? "global" : base.startsWith("us.") ? "geo" : "in-region";
            inv.model = base.replaceFirst("^(us|eu|apac|jp|au|us-gov|global)\\.", "");
            inv.pricingStatus = Invocation.UNPRICED;
            inv.ingestTime = now;
            inv.source = in.source;
            out.collect(inv);
        } catch (Exception e) {
            ctx.output(SideOutputs.FAILED, FailedRecord.of(in.source, ErrorType.NOT_JSON,
                    "Cannot parse record at " + in.source + ": " + e.getClass().getSimpleName(), text, in.size, now));
        }
    }
}
