package com.bedrockcost.model;

/**
 * The guardrail policies whose units a guardrail trace reports ({@code invocationMetrics.usage} of each
 * assessment, and the {@code usage} of an ApplyGuardrail response), in the order of
 * {@link Invocation#guardrailUnits}. Each is priced by its own row of a unit price file.
 */
public enum GuardrailPolicy {
    TOPIC("topicPolicyUnits", "topic", true),
    CONTENT("contentPolicyUnits", "content", true),
    WORD("wordPolicyUnits", "word", false),
    SENSITIVE_INFORMATION("sensitiveInformationPolicyUnits", "sensitive_information", true),
    SENSITIVE_INFORMATION_FREE("sensitiveInformationPolicyFreeUnits", "sensitive_information_free", false),
    CONTEXTUAL_GROUNDING("contextualGroundingPolicyUnits", "contextual_grounding", true),
    AUTOMATED_REASONING("automatedReasoningPolicyUnits", "automated_reasoning", true),
    CONTENT_IMAGE("contentPolicyImageUnits", "content_image", false);

    private static final GuardrailPolicy[] ALL = values();

    /** The field name in the log's usage object. */
    public final String logField;
    /** The name in the price file's {@code variant} column and in messages. */
    public final String variant;
    /** Counted in {@code guardrail_text_units}: a text policy AWS charges for (word filters, regex and images are not). */
    public final boolean pricedText;

    GuardrailPolicy(String logField, String variant, boolean pricedText) {
        this.logField = logField;
        this.variant = variant;
        this.pricedText = pricedText;
    }

    public static int count() {
        return ALL.length;
    }

    public static GuardrailPolicy at(int i) {
        return ALL[i];
    }

    /** The policy a usage field names; null for other fields (latency, coverage, policy counts). */
    public static GuardrailPolicy ofLogField(String name) {
        for (GuardrailPolicy g : ALL) {
            if (g.logField.equals(name)) {
                return g;
            }
        }
        return null;
    }

    /** The policy a price file's variant names; null when none does. */
    public static GuardrailPolicy ofVariant(String name) {
        for (GuardrailPolicy g : ALL) {
            if (g.variant.equals(name)) {
                return g;
            }
        }
        return null;
    }

    /** Policy variant → units (as text, for a map column) of the policies with units; null when {@code units} is null. */
    public static java.util.Map<String, String> byVariant(long[] units) {
        if (units == null) {
            return null;
        }
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < units.length && i < ALL.length; i++) {
            if (units[i] != 0) {
                m.put(ALL[i].variant, Long.toString(units[i]));
            }
        }
        return m;
    }

    /** The inverse of {@link #byVariant}: units per policy from a {@code guardrail_policy_units} map; null for a null map. */
    public static long[] fromVariants(java.util.Map<String, String> byVariant) {
        if (byVariant == null) {
            return null;
        }
        long[] units = new long[ALL.length];
        for (java.util.Map.Entry<String, String> e : byVariant.entrySet()) {
            GuardrailPolicy g = ofVariant(e.getKey());
            if (g == null) {
                throw new IllegalArgumentException("guardrail_policy_units names an unknown policy '" + e.getKey() + "'");
            }
            units[g.ordinal()] = Long.parseLong(e.getValue());
        }
        return units;
    }

    /** Units of the policies counted in {@code guardrail_text_units}; null when {@code units} is null. */
    public static Long pricedTextUnits(long[] units) {
        if (units == null) {
            return null;
        }
        long sum = 0;
        for (GuardrailPolicy g : ALL) {
            if (g.pricedText && g.ordinal() < units.length) {
                sum += units[g.ordinal()];
            }
        }
        return sum;
    }
}
