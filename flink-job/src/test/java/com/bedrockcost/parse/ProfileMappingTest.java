package com.bedrockcost.parse;

import com.bedrockcost.config.ConfigException;
import com.bedrockcost.config.JobConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProfileMappingTest {
    private static final String APP1 = "arn:aws:bedrock:us-east-2:111122223333:application-inference-profile/a1b2c3d4e5f6";
    private static final String APP2 = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/0f9e8d7c6b5a";
    private static final String APP3 = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/112233445566";
    private static final String PROV = "arn:aws:bedrock:us-east-1:111122223333:provisioned-model/abcdef123456";

    @TempDir Path dir;

    @Test
    void readsModelScopeAndTenantPerArn() {
        ProfileMapping m = ProfileMapping.parse("\uFEFF" + ProfileMapping.HEADER + "\r\n"
                + "# Claude Code for the hooli team\r\n"
                + APP1 + ",us.anthropic.claude-sonnet-4-5-20250929-v1:0,,hooli\r\n"
                + "\r\n"
                + APP2 + ",anthropic.claude-3-haiku-20240307-v1:0,in-region,\r\n"
                + APP3 + ",,,\"wayne enterprises\"\r\n"
                + PROV + ", arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0 , global , stark\r\n", "map.csv");
        assertThat(m.size()).isEqualTo(4);
        ProfileMapping.Entry a = m.get(APP1);
        assertThat(a.model).isEqualTo("anthropic.claude-sonnet-4-5-20250929-v1:0");
        assertThat(a.profileScope).isEqualTo("geo");
        assertThat(a.tenant).isEqualTo("hooli");
        assertThat(a.where).isEqualTo("map.csv:3");
        assertThat(m.get(APP2).profileScope).isEqualTo("in-region");
        assertThat(m.get(APP2).tenant).isNull();
        assertThat(m.get(APP3).model).isNull();
        assertThat(m.get(APP3).tenant).isEqualTo("wayne enterprises");
        // an explicit scope wins over the one the model id implies
        assertThat(m.get(PROV).model).isEqualTo("amazon.nova-pro-v1:0");
        assertThat(m.get(PROV).profileScope).isEqualTo("global");
        assertThat(m.get("arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/unknown")).isNull();
    }

    static Stream<Arguments> badFiles() {
        String h = ProfileMapping.HEADER + "\n";
        return Stream.of(
                Arguments.of("profile_arn,model,tenant\n", "map.csv:1: the header row must be"),
                Arguments.of(h + APP1 + ",amazon.nova-pro-v1:0\n", "map.csv:2: expected 4 columns"),
                Arguments.of(h + "application-inference-profile/a1b2c3d4e5f6,amazon.nova-pro-v1:0,,\n",
                        "map.csv:2: profile_arn 'application-inference-profile/a1b2c3d4e5f6' is not a Bedrock ARN"),
                Arguments.of(h + APP1 + ",,,\n", "map.csv:2: the row maps " + APP1 + " to nothing"),
                Arguments.of(h + APP1 + "," + APP2 + ",,\n", "map.csv:2: model_id '" + APP2 + "' names no model"),
                Arguments.of(h + APP1 + ",amazon.nova-pro-v1:0,regional,\n", "map.csv:2: profile_scope 'regional' must be in-region, geo, global or empty"),
                Arguments.of(h + APP1 + ",,geo,acme\n", "map.csv:2: profile_scope is set but model_id is empty"),
                Arguments.of(h + APP1 + ",amazon.nova-pro-v1:0,,acme|co\n", "map.csv:2: tenant 'acme|co' must be"),
                Arguments.of(h + "\n" + APP1 + ",amazon.nova-pro-v1:0,,a\n" + APP1 + ",amazon.nova-lite-v1:0,,b\n",
                        "map.csv:4: profile_arn " + APP1 + " is already mapped at map.csv:3"),
                Arguments.of(h + APP1 + ",\"amazon.nova-pro-v1:0,,a\n", "map.csv:2: a quoted cell is not closed"),
                Arguments.of("# only a comment\n", "map.csv: the file is empty"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("badFiles")
    void aBadFileIsRejectedWithFileLineAndReason(String csv, String message) {
        assertThatThrownBy(() -> ProfileMapping.parse(csv, "map.csv"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Tenant mapping file (tenant.mapping.path) ")
                .hasMessageContaining(message);
    }

    @Test
    void theJobLoadsTheFileWhenItIsBuiltAndABadFileStopsIt() throws Exception {
        Path good = dir.resolve("profiles.csv");
        Files.write(good, (ProfileMapping.HEADER + "\n" + APP1 + ",us.amazon.nova-pro-v1:0,,acme\n").getBytes(StandardCharsets.UTF_8));
        ParseOptions options = ParseOptions.from(JobConfig.defaults().with(JobConfig.TENANT_MAPPING_PATH, good.toString()));
        assertThat(options.mapping.get(APP1).tenant).isEqualTo("acme");

        Path bad = dir.resolve("bad.csv");
        Files.write(bad, (ProfileMapping.HEADER + "\n" + APP1 + ",us.amazon.nova-pro-v1:0,planet,acme\n").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ParseOptions.from(JobConfig.defaults().with(JobConfig.TENANT_MAPPING_PATH, bad.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(bad + ":2: profile_scope 'planet'");

        Path missing = dir.resolve("nope.csv");
        assertThatThrownBy(() -> ParseOptions.from(JobConfig.defaults().with(JobConfig.TENANT_MAPPING_PATH, missing.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
    }

    @Test
    void withoutAFileTheMappingIsEmpty() {
        assertThat(ParseOptions.from(JobConfig.defaults()).mapping.isEmpty()).isTrue();
    }
}
