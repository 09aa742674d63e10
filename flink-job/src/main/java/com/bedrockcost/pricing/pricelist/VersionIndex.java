package com.bedrockcost.pricing.pricelist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * An offer's version index ({@code versions{<v>: {versionEffectiveBeginDate, versionEffectiveEndDate}}}):
 * when each version of the offer was in force. The importer takes effective dates from it.
 */
public final class VersionIndex {
    public final String offerCode;
    /** version → [begin, end]; end may be null (the current version). */
    public final Map<String, String[]> versions;

    VersionIndex(String offerCode, Map<String, String[]> versions) {
        this.offerCode = offerCode;
        this.versions = versions;
    }

    /** True when {@code node} looks like a version index rather than an offer. */
    static boolean is(JsonNode node) {
        return node.has("versions") && !node.has("products");
    }

    static VersionIndex of(JsonNode node, String origin) throws IOException {
        String code = node.path("offerCode").asText(null);
        if (code == null) {
            throw new IOException(origin + ": version index without offerCode");
        }
        Map<String, String[]> versions = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.path("versions").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            String begin = v.path("versionEffectiveBeginDate").asText(null);
            if (begin == null) {
                throw new IOException(origin + ": version " + e.getKey() + " has no versionEffectiveBeginDate");
            }
            String end = v.hasNonNull("versionEffectiveEndDate") && !v.get("versionEffectiveEndDate").asText().isEmpty()
                    ? v.get("versionEffectiveEndDate").asText() : null;
            versions.put(e.getKey(), new String[] {begin, end});
        }
        return new VersionIndex(code, versions);
    }

    static VersionIndex read(byte[] bytes, String origin) throws IOException {
        return of(new ObjectMapper().readTree(bytes), origin);
    }
}
