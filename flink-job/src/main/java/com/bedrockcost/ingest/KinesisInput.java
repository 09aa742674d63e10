package com.bedrockcost.ingest;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.model.StreamFactory;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kinesis.source.KinesisStreamsSource;
import org.apache.flink.connector.kinesis.source.config.KinesisStreamsSourceConfigConstants;
import org.apache.flink.connector.kinesis.source.config.KinesisStreamsSourceConfigConstants.InitialPosition;
import org.apache.flink.connector.kinesis.source.serialization.KinesisDeserializationSchema;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.awscore.exception.AwsServiceException;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.core.exception.SdkException;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.KinesisClient;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Record;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Shard;
import org.apache.flink.util.Collector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Kinesis input: the CloudWatch Logs subscription payloads of a Kinesis data stream, read with the
 * FLIP-27 {@link KinesisStreamsSource}. Each Kinesis record becomes one
 * {@link RawInput.Kind#CLOUDWATCH_ENVELOPE} tagged {@code <stream>/<shardId>/<sequenceNumber>};
 * decoding (gunzip, log events) is the decoder's job. Positions are checkpointed per shard, and
 * shards created by a reshard are picked up at the discovery interval and read from their start.
 */
public final class KinesisInput {
    private static final Logger LOG = LoggerFactory.getLogger(KinesisInput.class);
    // The source's own parser of flink.stream.initpos.timestamp (SimpleDateFormat).
    private static final String TIMESTAMP_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";

    private KinesisInput() {}

    /**
     * The configured stream. Checks, when the job is built, that the stream exists and answers
     * (see {@link #preflight}), so a wrong ARN or endpoint fails the job at once with one clear line.
     */
    public static StreamFactory<RawInput> fromConfig(JobConfig config) {
        KinesisConnection connection = KinesisConnection.from(config);
        Configuration sourceConfig = sourceConfig(config);
        Duration preflightTimeout = config.get(JobConfig.KINESIS_PREFLIGHT_TIMEOUT);
        return env -> {
            connection.useJsonWithEmulator();
            if (!preflightTimeout.isZero()) {
                preflight(connection, preflightTimeout);
            }
            KinesisStreamsSource<RawInput> source = KinesisStreamsSource.<RawInput>builder()
                    .setStreamArn(connection.streamArn())
                    .setSourceConfig(sourceConfig)
                    .setDeserializationSchema(new EnvelopeRecords(connection))
                    .build();
            return env.fromSource(source, WatermarkStrategy.noWatermarks(), "kinesis: " + connection.streamName(),
                    TypeInformation.of(RawInput.class)).uid("source-kinesis");
        };
    }

    /** The connector's configuration (its keys are plain strings: the connector relocates its AWS constants). */
    static Configuration sourceConfig(JobConfig config) {
        Configuration c = new Configuration();
        c.setString("aws.region", config.kinesisRegion());
        if (config.isSet(JobConfig.KINESIS_ENDPOINT)) {
            c.setString("aws.endpoint", config.get(JobConfig.KINESIS_ENDPOINT));
        }
        if (config.isSet(JobConfig.KINESIS_ACCESS_KEY)) {
            c.setString("aws.credentials.provider", "BASIC");
            c.setString("aws.credentials.provider.basic.accesskeyid", config.get(JobConfig.KINESIS_ACCESS_KEY));
            c.setString("aws.credentials.provider.basic.secretkey", config.get(JobConfig.KINESIS_SECRET_KEY));
        } else {
            c.setString("aws.credentials.provider", "AUTO");
        }
        InitialPosition position = InitialPosition.valueOf(config.get(JobConfig.KINESIS_INITIAL_POSITION));
        c.set(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_POSITION, position);
        if (position == InitialPosition.AT_TIMESTAMP) {
            c.set(KinesisStreamsSourceConfigConstants.STREAM_TIMESTAMP_DATE_FORMAT, TIMESTAMP_FORMAT);
            c.set(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_TIMESTAMP,
                    DateTimeFormatter.ofPattern(TIMESTAMP_FORMAT).withZone(ZoneOffset.UTC)
                            .format(config.get(JobConfig.KINESIS_INITIAL_TIMESTAMP)));
        }
        c.set(KinesisStreamsSourceConfigConstants.SHARD_DISCOVERY_INTERVAL_MILLIS,
                Math.max(1L, config.get(JobConfig.KINESIS_SHARD_DISCOVERY_INTERVAL).toMillis()));
        return c;
    }

    /**
     * Lists the stream's shards (the source's own first call) within {@code timeout}; throws
     * {@link InputUnavailableException} naming the stream and the endpoint when that fails.
     */
    public static void preflight(KinesisConnection connection, Duration timeout) {
        try (KinesisClient client = connection.client(timeout)) {
            ListShardsResponse shards = client.listShards(ListShardsRequest.builder().streamARN(connection.streamArn()).build());
            long open = shards.shards().stream().filter(KinesisInput::isOpen).count();
            LOG.info("{}: {} shards ({} open)", connection, shards.shards().size(), open);
            if (shards.shards().isEmpty()) {
                throw new InputUnavailableException(connection + " has no shards");
            }
        } catch (ResourceNotFoundException e) {
            throw new InputUnavailableException(connection + " does not exist (check kinesis.stream.arn and kinesis.endpoint): "
                    + serviceMessage(e));
        } catch (ResourceInUseException e) {
            throw new InputUnavailableException(connection + " is not ready to be read: " + serviceMessage(e));
        } catch (AwsServiceException e) {
            throw new InputUnavailableException(connection + " refused to list its shards ("
                    + e.awsErrorDetails().errorCode() + "; check the credentials and their kinesis:ListShards permission): "
                    + serviceMessage(e));
        } catch (ApiCallTimeoutException e) {
            throw new InputUnavailableException(connection + " did not answer within " + timeout.getSeconds()
                    + " s (check kinesis.endpoint and the network; kinesis.preflight.timeout sets this limit)");
        } catch (SdkException e) {
            throw new InputUnavailableException(connection + " cannot be reached (check kinesis.endpoint and that the server runs): "
                    + rootMessage(e));
        }
    }

    private static String serviceMessage(AwsServiceException e) {
        return e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                ? e.awsErrorDetails().errorMessage() : e.getMessage();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return t == e ? String.valueOf(m) : t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /** Whether a shard is still open (a reshard closes its parent). */
    static boolean isOpen(Shard shard) {
        return shard.sequenceNumberRange().endingSequenceNumber() == null;
    }

    /** One Kinesis record → one envelope, tagged with where it came from; the bytes are passed on untouched. */
    static final class EnvelopeRecords implements KinesisDeserializationSchema<RawInput> {
        private static final long serialVersionUID = 1L;
        private final KinesisConnection connection;
        private final String streamName;

        EnvelopeRecords(KinesisConnection connection) {
            this.connection = connection;
            this.streamName = connection.streamName();
        }

        @Override
        public void open(DeserializationSchema.InitializationContext context) {
            // Runs in each TaskManager before the source's readers make their Kinesis clients.
            connection.useJsonWithEmulator();
        }

        @Override
        public void deserialize(Record record, String streamArn, String shardId, Collector<RawInput> out) {
            // Each record's data is its own fresh array (the SDK unmarshals base64 into it): no copy needed.
            byte[] data = record.data().asByteArrayUnsafe();
            out.collect(RawInput.envelope(streamName + "/" + shardId + "/" + record.sequenceNumber(), data));
        }

        @Override
        public TypeInformation<RawInput> getProducedType() {
            return TypeInformation.of(RawInput.class);
        }
    }
}
