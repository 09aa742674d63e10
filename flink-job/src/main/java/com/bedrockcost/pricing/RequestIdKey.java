package com.bedrockcost.pricing;

import com.bedrockcost.model.Invocation;

import org.apache.flink.api.java.functions.KeySelector;

/**
 * The key of de-duplication and pricing state: the Bedrock request id. A named class (not a lambda)
 * so Flink sees the key type, {@code String}, and keyed state restores across job upgrades; a
 * String's hash is stable across JVMs, so ids land in the same key groups after a rescale.
 */
public final class RequestIdKey implements KeySelector<Invocation, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(Invocation inv) {
        return inv.requestId;
    }
}
