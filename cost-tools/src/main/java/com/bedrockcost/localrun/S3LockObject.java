package com.bedrockcost.localrun;

import com.bedrockcost.config.JobConfig;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The lock object of an s3:// lake, written and removed only conditionally: created with
 * {@code If-None-Match: *} (two runs creating it at the same moment: S3 lets exactly one succeed,
 * the other gets 412), replaced and deleted with {@code If-Match: <ETag>} (only the object this run
 * wrote or read, never one another run wrote since). Flink's S3 file system (Hadoop S3A 3.3) cannot
 * send these headers, so the launcher uses the AWS SDK here, configured as the job's S3 access is:
 * {@code s3.endpoint}, {@code s3.path.style.access}, {@code s3.access.key}/{@code s3.secret.key}
 * (else the default AWS credentials chain).
 */
final class S3LockObject implements AutoCloseable {
    /** The object's text and ETag as read. */
    static final class Version {
        final String text;
        final String etag;

        Version(String text, String etag) {
            this.text = text;
            this.etag = etag;
        }
    }

    private final S3Client s3;
    private final String bucket;
    private final String key;

    private S3LockObject(S3Client s3, String bucket, String key) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
    }

    /** The object {@code name} in the lake {@code root} ({@code s3://bucket/prefix}). */
    static S3LockObject of(String root, String name, JobConfig config) {
        URI uri = URI.create(root);
        String prefix = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+|/+$", "");
        return new S3LockObject(client(config), uri.getHost(), prefix.isEmpty() ? name : prefix + "/" + name);
    }

    private static S3Client client(JobConfig config) {
        S3ClientBuilder b = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(30)).build())
                .forcePathStyle(config.get(JobConfig.S3_PATH_STYLE_ACCESS))
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(60)));
        AwsCredentialsProvider credentials = config.isSet(JobConfig.S3_ACCESS_KEY)
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(config.get(JobConfig.S3_ACCESS_KEY), config.get(JobConfig.S3_SECRET_KEY)))
                : DefaultCredentialsProvider.builder().build();
        b.credentialsProvider(credentials);
        if (config.isSet(JobConfig.S3_ENDPOINT)) {
            // An S3 API server of its own (S3Mock, MinIO): any region signs; checksums only where S3 requires them.
            b.endpointOverride(URI.create(config.get(JobConfig.S3_ENDPOINT))).region(Region.US_EAST_1)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        } else {
            b.region(defaultRegion()).crossRegionAccessEnabled(true);
        }
        return b.build();
    }

    private static Region defaultRegion() {
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkException e) {
            return Region.US_EAST_1; // the bucket's own region is followed (cross-region access)
        }
    }

    /** {@code s3://bucket/key}. */
    String uri() {
        return "s3://" + bucket + "/" + key;
    }

    /** Writes {@code text} only if there is no such object ({@code If-None-Match: *}); its ETag, or null if there is one. */
    String createIfAbsent(String text) throws IOException {
        return put(PutObjectRequest.builder().bucket(bucket).key(key).ifNoneMatch("*"), text);
    }

    /** Replaces the object only if it is still the version {@code etag} ({@code If-Match}); the new ETag, or null if it changed. */
    String replaceIfMatch(String text, String etag) throws IOException {
        return put(PutObjectRequest.builder().bucket(bucket).key(key).ifMatch(etag), text);
    }

    private String put(PutObjectRequest.Builder request, String text) throws IOException {
        try {
            return s3.putObject(request.contentType("text/plain; charset=utf-8").build(),
                    RequestBody.fromString(text, StandardCharsets.UTF_8)).eTag();
        } catch (S3Exception e) {
            if (conditionFailed(e)) {
                return null;
            }
            throw io("write", e);
        } catch (SdkException e) {
            throw io("write", e);
        }
    }

    /** The object as it is now, or null if there is none. */
    Version read() throws IOException {
        try {
            ResponseBytes<GetObjectResponse> r = s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(key).build());
            return new Version(r.asUtf8String().trim(), r.response().eTag());
        } catch (NoSuchKeyException e) {
            return null;
        } catch (SdkException e) {
            throw io("read", e);
        }
    }

    /** Deletes the object only if it is still the version {@code etag}; false if it is another (or gone). */
    boolean deleteIfMatch(String etag) throws IOException {
        try {
            s3.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(key).ifMatch(etag).build());
            return true;
        } catch (S3Exception e) {
            if (conditionFailed(e) || e.statusCode() == 404) {
                return false;
            }
            throw io("delete", e);
        } catch (SdkException e) {
            throw io("delete", e);
        }
    }

    /**
     * 412: the condition did not hold. 409 ConditionalRequestConflict: another conditional write of
     * the same key was under way at that moment (S3 lets one of them win): the same answer, someone else's.
     */
    private static boolean conditionFailed(S3Exception e) {
        return e.statusCode() == 412 || e.statusCode() == 409;
    }

    private IOException io(String what, SdkException e) {
        return new IOException("cannot " + what + " " + uri() + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        s3.close();
    }
}
