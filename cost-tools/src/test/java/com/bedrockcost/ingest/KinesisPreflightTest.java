package com.bedrockcost.ingest;

import com.bedrockcost.localcloud.Kinesalite;
import com.bedrockcost.localcloud.LocalCloud;

import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.KinesisClient;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Before the job starts, a stream that is not there or an endpoint that does not answer fails it at once, naming both. */
class KinesisPreflightTest {
    static Kinesalite kinesis;

    @BeforeAll
    static void start() throws Exception {
        kinesis = Kinesalite.start(Paths.get(System.getProperty("project.root", "..")).resolve("tools/local-cloud"), System.out);
        try (KinesisClient c = connection("present").client(Duration.ofSeconds(30))) {
            LocalCloud.createStream(c, "present", 2);
        }
    }

    @AfterAll
    static void stop() {
        kinesis.close();
    }

    private static KinesisConnection connection(String stream) {
        return new KinesisConnection(Kinesalite.streamArn(stream), Kinesalite.REGION, kinesis.endpoint(), "k", "k");
    }

    @Test
    void anExistingStreamPasses() {
        KinesisInput.preflight(connection("present"), Duration.ofSeconds(5));
    }

    @Test
    void aMissingStreamFailsNamingStreamAndEndpoint() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> KinesisInput.preflight(connection("absent"), Duration.ofSeconds(5)))
                .isInstanceOf(InputUnavailableException.class)
                .hasMessageStartingWith("Kinesis stream " + Kinesalite.streamArn("absent") + " at " + kinesis.endpoint())
                .hasMessageContaining("does not exist");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void anEndpointWithNothingListeningFailsAtOnce() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        KinesisConnection c = new KinesisConnection(Kinesalite.streamArn("present"), Kinesalite.REGION,
                "http://127.0.0.1:" + port, "k", "k");
        long start = System.nanoTime();
        assertThatThrownBy(() -> KinesisInput.preflight(c, Duration.ofSeconds(10)))
                .isInstanceOf(InputUnavailableException.class)
                .hasMessageContaining(Kinesalite.streamArn("present")).hasMessageContaining("http://127.0.0.1:" + port)
                .hasMessageContaining("cannot be reached");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void anEndpointThatNeverAnswersFailsAfterTheTimeout() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // accept, never answer
                    }
                } catch (Exception e) {
                    // closed
                }
            });
            t.setDaemon(true);
            t.start();
            KinesisConnection c = new KinesisConnection(Kinesalite.streamArn("present"), Kinesalite.REGION,
                    "http://127.0.0.1:" + silent.getLocalPort(), "k", "k");
            long start = System.nanoTime();
            assertThatThrownBy(() -> KinesisInput.preflight(c, Duration.ofSeconds(2)))
                    .isInstanceOf(InputUnavailableException.class)
                    .hasMessageContaining(Kinesalite.streamArn("present")).hasMessageContaining("did not answer within 2 s");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
