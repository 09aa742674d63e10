package com.bedrockcost.ingest;

import com.bedrockcost.config.JobConfig;

import org.apache.flink.kinesis.shaded.software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.http.apache.ApacheHttpClient;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.regions.Region;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.KinesisClient;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.KinesisClientBuilder;

import javax.annotation.Nullable;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;

/**
 * Where a Kinesis stream is and how to reach it: ARN, region, optional endpoint override and static
 * credentials (emulators only; otherwise the default AWS credentials chain). Clients use the AWS SDK
 * that the Kinesis connector carries, relocated inside its jar, so the job needs no second SDK.
 */
public final class KinesisConnection implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String streamArn;
    private final String region;
    @Nullable private final String endpoint;
    @Nullable private final String accessKey;
    @Nullable private final String secretKey;

    public KinesisConnection(String streamArn, String region, @Nullable String endpoint,
                             @Nullable String accessKey, @Nullable String secretKey) {
        this.streamArn = streamArn;
        this.region = region;
        this.endpoint = endpoint;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    public static KinesisConnection from(JobConfig config) {
        return new KinesisConnection(config.get(JobConfig.KINESIS_STREAM_ARN), config.kinesisRegion(),
                config.isSet(JobConfig.KINESIS_ENDPOINT) ? config.get(JobConfig.KINESIS_ENDPOINT) : null,
                config.isSet(JobConfig.KINESIS_ACCESS_KEY) ? config.get(JobConfig.KINESIS_ACCESS_KEY) : null,
                config.isSet(JobConfig.KINESIS_SECRET_KEY) ? config.get(JobConfig.KINESIS_SECRET_KEY) : null);
    }

    public String streamArn() {
        return streamArn;
    }

    /** The stream name: the part of the ARN after {@code stream/}. */
    public String streamName() {
        return streamName(streamArn);
    }

    static String streamName(String streamArn) {
        return streamArn.substring(streamArn.indexOf(":stream/") + ":stream/".length());
    }

    public String region() {
        return region;
    }

    @Nullable
    public String endpointOverride() {
        return endpoint;
    }

    @Nullable
    public String accessKey() {
        return accessKey;
    }

    @Nullable
    public String secretKey() {
        return secretKey;
    }

    /** The endpoint requests go to, for messages: the override or the regional AWS endpoint. */
    public String endpoint() {
        return endpoint != null ? endpoint : "https://kinesis." + region + ".amazonaws.com";
    }

    /** The same connection to another stream (same account, region and endpoint). */
    public KinesisConnection withStream(String name) {
        String prefix = streamArn.substring(0, streamArn.indexOf(":stream/") + ":stream/".length());
        return new KinesisConnection(prefix + name, region, endpoint, accessKey, secretKey);
    }

    /**
     * A client whose every call gives up after {@code callTimeout} (retries included). With an
     * endpoint override it speaks JSON (see {@link #useJsonWithEmulator}); real Kinesis speaks both.
     */
    public KinesisClient client(Duration callTimeout) {
        useJsonWithEmulator();
        KinesisClientBuilder b = KinesisClient.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials())
                .httpClientBuilder(ApacheHttpClient.builder()
                        .connectionTimeout(min(callTimeout, Duration.ofSeconds(5)))
                        .socketTimeout(callTimeout.plusSeconds(5))
                        .maxConnections(16))
                .overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(callTimeout).build());
        if (endpoint != null) {
            b = b.endpointOverride(URI.create(endpoint));
        }
        return b.build();
    }

    /**
     * With an endpoint override (an emulator: kinesalite speaks JSON only) the AWS SDK's CBOR is
     * switched off for this JVM, unless {@code aws.cborEnabled} is set. Call before clients are made.
     */
    public void useJsonWithEmulator() {
        if (endpoint != null && System.getProperty("aws.cborEnabled") == null) {
            System.setProperty("aws.cborEnabled", "false");
        }
    }

    private AwsCredentialsProvider credentials() {
        if (accessKey != null) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
        }
        return DefaultCredentialsProvider.create();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }

    @Override
    public String toString() {
        return "Kinesis stream " + streamArn + " at " + endpoint();
    }
}
