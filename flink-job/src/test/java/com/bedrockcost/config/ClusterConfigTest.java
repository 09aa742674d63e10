package com.bedrockcost.config;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterConfigTest {
    private static final String ARN = "arn:aws:kinesis:us-east-1:111122223333:stream/logs";

    @Test
    void noPropertyGroupsAtAllNamesEveryMissingGroupAndKey() {
        assertThatThrownBy(() -> ClusterConfig.requireInputAndOutput(JobConfig.fromGroups(Map.of(), Map.of()), "MSF runtime properties"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("MSF runtime properties")
                .hasMessageContaining("property group Kinesis key kinesis.stream.arn")
                .hasMessageContaining("property group Input key input.path")
                .hasMessageContaining("property group Output key output.path");
    }

    @Test
    void anInputWithoutAnOutputNamesOnlyTheOutput() {
        assertThatThrownBy(() -> ClusterConfig.requireInputAndOutput(
                JobConfig.fromGroups(Map.of("Kinesis", props("kinesis.stream.arn", ARN)), Map.of()), "x"))
                .hasMessageContaining("property group Output key output.path")
                .hasMessageNotContaining("kinesis.stream.arn");
    }

    @Test
    void theLocalDefaultsAreNotAConfiguration() {
        // The defaults (generator input, ./lake) run the local launcher; on a cluster they are refused.
        assertThat(JobConfig.defaults().input()).isEqualTo(InputKind.GENERATOR);
        assertThatThrownBy(() -> ClusterConfig.requireInputAndOutput(JobConfig.defaults(), "x"))
                .hasMessageContaining("input.path").hasMessageContaining("output.path");
    }

    @Test
    void kinesisOrFilesOrAnExplicitGeneratorWithAnOutputStart() {
        Properties out = props("output.path", "s3://bucket/lake");
        assertThat(ClusterConfig.requireInputAndOutput(JobConfig.fromGroups(
                Map.of("Kinesis", props("kinesis.stream.arn", ARN), "Output", out), Map.of()), "x").input()).isEqualTo(InputKind.KINESIS);
        assertThat(ClusterConfig.requireInputAndOutput(JobConfig.fromGroups(
                Map.of("Input", props("input.path", "s3://bucket/logs/"), "Output", out), Map.of()), "x").input()).isEqualTo(InputKind.FILES);
        assertThat(ClusterConfig.requireInputAndOutput(JobConfig.fromGroups(
                Map.of("Input", props("input.source", "generator"), "Output", out), Map.of()), "x").input()).isEqualTo(InputKind.GENERATOR);
    }

    private static Properties props(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        return p;
    }
}
