package com.bedrockcost.config;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobConfigTest {
    @Test
    void defaultsAreValidAndRunTheGenerator() {
        JobConfig c = JobConfig.defaults();
        assertThat(c.input()).isEqualTo(InputKind.GENERATOR);
        assertThat(c.get(JobConfig.GENERATOR_COUNT)).isEqualTo(100_000L);
        assertThat(c.get(JobConfig.DEDUP_TTL)).isEqualTo(Duration.ofHours(48));
    }

    @Test
    void badValueNamesTheKeyAndTheProblem() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("generator.count", "lots")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("generator.count").hasMessageContaining("lots").hasMessageContaining("whole number");
        assertThatThrownBy(() -> JobConfig.of(Map.of("checkpoint.interval", "-5s")))
                .hasMessageContaining("checkpoint.interval");
        assertThatThrownBy(() -> JobConfig.of(Map.of("kinesis.stream.arn", "my-stream")))
                .hasMessageContaining("kinesis.stream.arn").hasMessageContaining("ARN");
        assertThatThrownBy(() -> JobConfig.of(Map.of("output.path", "hdfs://x/y")))
                .hasMessageContaining("output.path").hasMessageContaining("hdfs");
        assertThatThrownBy(() -> JobConfig.of(Map.of("tenant.identity.pattern", "assumed-role/x")))
                .hasMessageContaining("capturing group");
    }

    @Test
    void unknownKeyIsRejected() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("ouput.path", "x")))
                .hasMessage("Unknown configuration key 'ouput.path': did you mean output.path?");
    }

    @Test
    void crossKeyRulesAreChecked() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("input.source", "files")))
                .hasMessageContaining("input.path");
        assertThatThrownBy(() -> JobConfig.of(Map.of("kinesis.initial.position", "AT_TIMESTAMP")))
                .hasMessageContaining("kinesis.initial.timestamp");
    }

    @Test
    void inputSourceFollowsWhatIsConfigured() {
        assertThat(JobConfig.of(Map.of("input.path", "/tmp/x")).input()).isEqualTo(InputKind.FILES);
        assertThat(JobConfig.of(Map.of("input.path", "/tmp/x", "input.monitor.interval", "10s")).input()).isEqualTo(InputKind.WATCHED_FILES);
        assertThat(JobConfig.of(Map.of("kinesis.stream.arn", "arn:aws:kinesis:us-east-1:111122223333:stream/logs"))
                .input()).isEqualTo(InputKind.KINESIS);
        // Kinesis wins over files with input.source=auto; an explicit input.source wins over both.
        assertThat(JobConfig.of(Map.of("input.path", "/tmp/x", "kinesis.stream.arn", "arn:aws:kinesis:us-east-1:111122223333:stream/logs"))
                .input()).isEqualTo(InputKind.KINESIS);
        assertThat(JobConfig.of(Map.of("input.source", "generator", "input.path", "/tmp/x")).input()).isEqualTo(InputKind.GENERATOR);
    }

    @Test
    void theGeneratorAndFilesReadOnceEndWhileWatchedFilesAndKinesisDoNot() {
        assertThat(JobConfig.defaults().input().bounded()).isTrue();
        assertThat(JobConfig.of(Map.of("input.path", "/tmp/x")).input().bounded()).isTrue();
        assertThat(JobConfig.of(Map.of("input.path", "/tmp/x", "input.monitor.interval", "10s")).input().bounded()).isFalse();
        assertThat(JobConfig.of(Map.of("kinesis.stream.arn", "arn:aws:kinesis:us-east-1:111122223333:stream/logs"))
                .input().bounded()).isFalse();
    }

    @Test
    void propertyGroupsAsOnMsfWithOverrides() throws Exception {
        String json = "[{\"PropertyGroupId\":\"Output\",\"PropertyMap\":{\"output.path\":\"s3://bucket/lake\"}},"
                + "{\"PropertyGroupId\":\"Generator\",\"PropertyMap\":{\"generator.count\":\"10\"}}]";
        Map<String, Properties> groups = JobConfig.readGroups(
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test.json");
        JobConfig c = JobConfig.fromGroups(groups, Map.of("generator.count", "20"));
        assertThat(c.get(JobConfig.OUTPUT_PATH)).isEqualTo("s3://bucket/lake");
        assertThat(c.get(JobConfig.GENERATOR_COUNT)).isEqualTo(20L);
    }

    @Test
    void keyInTheWrongGroupIsRejected() {
        Properties p = new Properties();
        p.setProperty("output.path", "s3://b/p");
        assertThatThrownBy(() -> JobConfig.fromGroups(Map.of("Input", p), Map.of()))
                .hasMessageContaining("output.path").hasMessageContaining("Output").hasMessageContaining("Input");
    }

    @Test
    void everyKeyIsUniqueDescribedAndHasAValidDefault() {
        Set<String> names = new HashSet<>();
        for (ConfigKey<?> k : JobConfig.keys()) {
            assertThat(names.add(k.name())).as("duplicate key %s", k.name()).isTrue();
            assertThat(k.description()).as(k.name()).isNotBlank();
            assertThat(k.group()).matches("[a-zA-Z0-9_.-]{1,50}");
        }
    }
}
