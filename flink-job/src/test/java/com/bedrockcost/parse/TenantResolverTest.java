package com.bedrockcost.parse;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantResolverTest {
    private static final String PROFILE = "arn:aws:bedrock:us-east-2:111122223333:application-inference-profile/a1b2c3d4e5f6";
    private static final ProfileMapping MAPPING = ProfileMapping.parse(ProfileMapping.HEADER + "\n"
            + PROFILE + ",us.anthropic.claude-sonnet-4-5-20250929-v1:0,,hooli\n", "map.csv");
    private static final String ROLE_SESSION = "arn:aws:sts::111122223333:assumed-role/app-backend/tenant-initech";

    private static Map<String, String> md(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void defaultKeysAreTriedInOrderAndMatchedCaseInsensitively() {
        TenantResolver t = new TenantResolver("", "");
        assertThat(t.fromMetadata(md("tenantId", "acme-co", "feature", "x"))).isEqualTo("acme-co");
        assertThat(t.fromMetadata(md("TenantID", "globex"))).isEqualTo("globex");
        assertThat(t.fromMetadata(md("tenant_id", "initech"))).isEqualTo("initech");
        assertThat(t.fromMetadata(md("tenant", "wonka"))).isEqualTo("wonka");
        assertThat(t.fromMetadata(md("TENANT_ID", "umbrella"))).isEqualTo("umbrella");
        assertThat(t.fromMetadata(md("TENANTID", "hooli"))).isEqualTo("hooli");
        // earlier keys win over later ones, whatever the map order
        assertThat(t.fromMetadata(md("tenant", "later", "tenant_id", "earlier"))).isEqualTo("earlier");
        // exact spelling wins over a case-insensitive match of the same key
        assertThat(t.fromMetadata(md("TENANTID", "loose", "TenantID", "exact"))).isEqualTo("exact");
        assertThat(t.fromMetadata(md("feature", "x"))).isNull();
        assertThat(t.fromMetadata(md("tenantId", "  "))).isNull();
        assertThat(t.fromMetadata(null)).isNull();
    }

    @Test
    void aConfiguredKeyReplacesTheDefaults() {
        TenantResolver t = new TenantResolver("customer", "");
        assertThat(t.fromMetadata(md("tenantId", "acme-co", "customer", "cust-42"))).isEqualTo("cust-42");
        assertThat(t.fromMetadata(md("Customer", "cust-43"))).isEqualTo("cust-43");
        assertThat(t.fromMetadata(md("tenantId", "acme-co"))).isNull();
    }

    @Test
    void orderIsMetadataThenProfileMappingThenIdentityPattern() {
        TenantResolver t = new TenantResolver("", "assumed-role/[^/]+/tenant-(.+)");
        ProfileMapping.Entry mapped = MAPPING.get(PROFILE);
        assertThat(t.resolve(md("tenantId", "acme-co"), mapped, ROLE_SESSION)).isEqualTo("acme-co");
        assertThat(t.resolve(md("feature", "x"), mapped, ROLE_SESSION)).isEqualTo("hooli");
        assertThat(t.resolve(null, null, ROLE_SESSION)).isEqualTo("initech");
        assertThat(t.resolve(null, null, "arn:aws:iam::111122223333:user/dev")).isNull();
        assertThat(t.resolve(null, null, null)).isNull();
    }

    @Test
    void anIdentityPatternWithoutAGroupIsRejected() {
        assertThatThrownBy(() -> new TenantResolver("", "assumed-role/.*"))
                .hasMessageContaining("tenant.identity.pattern");
    }
}
