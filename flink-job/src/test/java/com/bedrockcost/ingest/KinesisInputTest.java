package com.bedrockcost.ingest;

import com.bedrockcost.config.ConfigException;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.model.RawInput;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kinesis.source.config.KinesisStreamsSourceConfigConstants;
import org.apache.flink.connector.kinesis.source.config.KinesisStreamsSourceConfigConstants.InitialPosition;
import org.apache.flink.connector.kinesis.source.config.KinesisStreamsSourceConfigUtil;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.core.SdkBytes;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Record;
import org.apache.flink.util.Collector;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Kinesis keys of the job configuration reach the connector as it expects them; records keep where they came from. */
class KinesisInputTest {
    private static final String ARN = "arn:aws:kinesis:eu-west-1:111122223333:stream/bedrock-logs";

    @Test
    void regionComesFromTheArnAndTheDefaultsReadFromTheStartWithTheDefaultCredentials() {
        Configuration c = KinesisInput.sourceConfig(JobConfig.of(Map.of("kinesis.stream.arn", ARN)));
        assertThat(c.getString("aws.region", null)).isEqualTo("eu-west-1");
        assertThat(c.getString("aws.endpoint", null)).isNull();
        assertThat(c.getString("aws.credentials.provider", null)).isEqualTo("AUTO");
        assertThat(c.get(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_POSITION)).isEqualTo(InitialPosition.TRIM_HORIZON);
        assertThat(c.get(KinesisStreamsSourceConfigConstants.SHARD_DISCOVERY_INTERVAL_MILLIS)).isEqualTo(10_000L);
    }

    @Test
    void emulatorSettingsGiveEndpointAndStaticCredentials() {
        Configuration c = KinesisInput.sourceConfig(JobConfig.of(Map.of("kinesis.stream.arn", ARN,
                "kinesis.region", "us-east-1", "kinesis.endpoint", "http://127.0.0.1:4567/",
                "kinesis.access.key", "id", "kinesis.secret.key", "secret",
                "kinesis.initial.position", "latest", "kinesis.shard.discovery.interval", "2s")));
        assertThat(c.getString("aws.region", null)).isEqualTo("us-east-1");
        assertThat(c.getString("aws.endpoint", null)).isEqualTo("http://127.0.0.1:4567");
        assertThat(c.getString("aws.credentials.provider", null)).isEqualTo("BASIC");
        assertThat(c.getString("aws.credentials.provider.basic.accesskeyid", null)).isEqualTo("id");
        assertThat(c.getString("aws.credentials.provider.basic.secretkey", null)).isEqualTo("secret");
        assertThat(c.get(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_POSITION)).isEqualTo(InitialPosition.LATEST);
        assertThat(c.get(KinesisStreamsSourceConfigConstants.SHARD_DISCOVERY_INTERVAL_MILLIS)).isEqualTo(2_000L);
    }

    @Test
    void atTimestampIsTheInstantTheConnectorReadsBack() {
        Instant at = Instant.parse("2026-11-01T12:34:56.789Z");
        Configuration c = KinesisInput.sourceConfig(JobConfig.of(Map.of("kinesis.stream.arn", ARN,
                "kinesis.initial.position", "AT_TIMESTAMP", "kinesis.initial.timestamp", at.toString())));
        assertThat(c.get(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_POSITION)).isEqualTo(InitialPosition.AT_TIMESTAMP);
        assertThat(KinesisStreamsSourceConfigUtil.parseStreamTimestampStartingPosition(c).toInstant()).isEqualTo(at);
    }

    @Test
    void badKinesisSettingsNameTheKey() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("kinesis.stream.arn", ARN, "kinesis.endpoint", "localhost:4567")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kinesis.endpoint").hasMessageContaining("http://");
        assertThatThrownBy(() -> JobConfig.of(Map.of("kinesis.stream.arn", ARN, "kinesis.access.key", "id")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kinesis.secret.key");
        assertThatThrownBy(() -> JobConfig.of(Map.of("kinesis.stream.arn", ARN, "kinesis.region", "Frankfurt")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kinesis.region");
    }

    @Test
    void eachRecordBecomesOneEnvelopeTaggedWithStreamShardAndSequence() throws Exception {
        KinesisInput.EnvelopeRecords schema = new KinesisInput.EnvelopeRecords(
                new KinesisConnection(ARN, "eu-west-1", null, null, null));
        byte[] data = SubscriptionEnvelopes.control(0);
        List<RawInput> out = new ArrayList<>();
        schema.deserialize(Record.builder().data(SdkBytes.fromByteArray(data)).partitionKey("p")
                        .sequenceNumber("49590338271490256608559692538361571095921575989136588898").build(),
                ARN, "shardId-000000000002", new ListCollector(out));

        assertThat(out).singleElement().satisfies(r -> {
            assertThat(r.kind).isEqualTo(RawInput.Kind.CLOUDWATCH_ENVELOPE);
            assertThat(r.source).isEqualTo("bedrock-logs/shardId-000000000002/49590338271490256608559692538361571095921575989136588898");
            assertThat(r.payload).isEqualTo(data);
            assertThat(r.size).isEqualTo(data.length);
        });
    }

    @Test
    void theSourceProducesRawInputAsAFlinkPojo() {
        TypeInformation<RawInput> type = new KinesisInput.EnvelopeRecords(
                new KinesisConnection(ARN, "eu-west-1", null, null, null)).getProducedType();
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
    }

    private static final class ListCollector implements Collector<RawInput> {
        private final List<RawInput> out;

        ListCollector(List<RawInput> out) {
            this.out = out;
        }

        @Override
        public void collect(RawInput record) {
            out.add(record);
        }

        @Override
        public void close() {}
    }
}
