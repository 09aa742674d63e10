package com.bedrockcost.testutil;

import com.bedrockcost.model.Invocation;

import java.time.Instant;
import java.util.Map;

/** Rows of the lake's {@code invocations} table read back by DuckDB, as the Invocation the pricer takes. */
public final class LakeInvocations {
    /** The columns {@link #unpriced} reads. */
    public static final String PRICING_INPUT_COLUMNS = "request_id, epoch_ms(event_time) AS event_ms, region, model, profile_scope,"
            + " input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens";

    private LakeInvocations() {}

    /** The row's pricing inputs (model, region, scope, time, tokens), costs not yet set: price it to get what the row should hold. */
    public static Invocation unpriced(Map<String, Object> row) {
        Invocation inv = new Invocation();
        inv.model = (String) row.get("model");
        inv.region = (String) row.get("region");
        inv.profileScope = (String) row.get("profile_scope");
        inv.eventTime = Instant.ofEpochMilli(((Number) row.get("event_ms")).longValue());
        inv.inputTokens = ((Number) row.get("input_tokens")).longValue();
        inv.outputTokens = ((Number) row.get("output_tokens")).longValue();
        inv.cacheReadTokens = ((Number) row.get("cache_read_tokens")).longValue();
        inv.cacheWriteTokens = ((Number) row.get("cache_write_tokens")).longValue();
        inv.cacheWrite1hTokens = ((Number) row.get("cache_write_1h_tokens")).longValue();
        return inv;
    }
}
