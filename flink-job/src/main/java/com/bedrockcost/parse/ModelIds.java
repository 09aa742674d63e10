package com.bedrockcost.parse;

import java.io.Serializable;
import java.util.Objects;

/**
 * Turns the {@code modelId} a caller passed (and Bedrock logged) into the canonical base model id
 * that pricing uses, plus how the model was called ({@code profileScope}). Forms handled (docs/decoding.md,
 * Model ids): plain model ids, system inference-profile ids with a geo or global prefix, foundation-model
 * ARNs and inference-profile ARNs. ARNs that name no model (application inference profiles,
 * provisioned, custom and imported models, prompts, prompt routers, other services) resolve to
 * {@link #UNKNOWN}: the row is kept and the application-profile mapping may fill the model in.
 */
public final class ModelIds {
    public static final String IN_REGION = "in-region";
    public static final String GEO = "geo";
    public static final String GLOBAL = "global";

    /** Prefixes of system-defined cross-region inference profiles; a provider name never equals one. */
    private static final String[] GEO_PREFIXES = {"us.", "eu.", "apac.", "jp.", "au.", "us-gov.", "global."};

    /** A model id that resolves to no model and no scope. */
    public static final Resolved UNKNOWN = new Resolved(null, null);

    private ModelIds() {}

    /** A canonical model id and the scope it was called with; either may be null when not knowable. */
    public static final class Resolved implements Serializable {
        private static final long serialVersionUID = 1L;
        public final String model;
        public final String profileScope;

        public Resolved(String model, String profileScope) {
            this.model = model;
            this.profileScope = profileScope;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Resolved && Objects.equals(model, ((Resolved) o).model)
                    && Objects.equals(profileScope, ((Resolved) o).profileScope);
        }

        @Override
        public int hashCode() {
            return Objects.hash(model, profileScope);
        }

        @Override
        public String toString() {
            return model + " (" + profileScope + ")";
        }
    }

    /** Canonical model and scope of {@code modelId} as logged; {@link #UNKNOWN} for null, blank or model-less ARNs. */
    public static Resolved resolve(String modelId) {
        if (modelId == null) {
            return UNKNOWN;
        }
        String id = modelId.trim();
        if (id.isEmpty()) {
            return UNKNOWN;
        }
        if (id.startsWith("arn:")) {
            return fromArn(id);
        }
        if (id.indexOf('/') >= 0 || id.indexOf(' ') >= 0) {
            return UNKNOWN; // not a model id or profile id in any form Bedrock accepts
        }
        return fromProfileOrModelId(id);
    }

    /** {@code arn:<partition>:bedrock:<region>:<account>:<type>/<id>}; only two types carry a model. */
    private static Resolved fromArn(String arn) {
        // The resource part may itself contain ':' (model versions such as ...-v1:0), so split only 5 times.
        String[] parts = arn.split(":", 6);
        if (parts.length < 6 || !parts[2].equals("bedrock")) {
            return UNKNOWN;
        }
        String resource = parts[5];
        int slash = resource.indexOf('/');
        if (slash <= 0 || slash == resource.length() - 1) {
            return UNKNOWN;
        }
        String type = resource.substring(0, slash);
        String id = resource.substring(slash + 1);
        if (id.indexOf('/') >= 0) {
            return UNKNOWN;
        }
        switch (type) {
            case "foundation-model":
            case "inference-profile":
                return fromProfileOrModelId(id);
            default:
                return UNKNOWN; // application-inference-profile, provisioned-model, custom-model, prompt-router, ...
        }
    }

    private static Resolved fromProfileOrModelId(String id) {
        for (String prefix : GEO_PREFIXES) {
            if (id.startsWith(prefix) && id.length() > prefix.length()) {
                return new Resolved(id.substring(prefix.length()), prefix.equals("global.") ? GLOBAL : GEO);
            }
        }
        return new Resolved(id, IN_REGION);
    }

    /** True for the scopes the price table knows. */
    public static boolean isScope(String s) {
        return IN_REGION.equals(s) || GEO.equals(s) || GLOBAL.equals(s);
    }
}
