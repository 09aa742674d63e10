package com.bedrockcost.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code run --local-cloud}: the cloud path on this machine, from replay to the summary read back from S3, and nothing left running. */
class LocalCloudCommandTest {

    @Test
    void runsTheCloudPathAndStopsWhatItStarted() {
        List<ProcessHandle> before = ProcessHandle.current().children().collect(Collectors.toList());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = Main.run(new String[] {"run", "--local-cloud", "--generator.count", "3000", "--checkpoint.interval", "1s"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        String printed = out.toString(StandardCharsets.UTF_8);
        System.out.print(printed); // the run's own timings, kept in the test report
        assertThat(code).as(printed + err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(printed).contains("kinesalite at http://127.0.0.1:").contains("S3Mock at http://127.0.0.1:")
                .contains("replayed 3,000 invocations")
                .contains("job stopped with savepoint")
                .contains("3,000 invocations (")
                .contains("Lake: s3://bedrock-cost-lake/lake");
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).collect(Collectors.toList()))
                .as("kinesalite and S3Mock stopped").containsExactlyInAnyOrderElementsOf(
                        before.stream().filter(ProcessHandle::isAlive).collect(Collectors.toList()));
    }
}
