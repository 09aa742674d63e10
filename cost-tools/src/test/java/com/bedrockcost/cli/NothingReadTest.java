package com.bedrockcost.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A bounded run over files that yields not one invocation exits non-zero and says what it found. */
class NothingReadTest {
    @TempDir Path dir;

    @Test
    void aRunThatReadsNothingFromANonEmptyInputFailsAndSaysWhy() throws Exception {
        Path in = dir.resolve("logs");
        Files.createDirectories(in.resolve("images"));
        Files.write(in.resolve("images/a.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'});
        Files.write(in.resolve("notes.txt"), "what we pay for Bedrock\n".getBytes(StandardCharsets.UTF_8));
        Files.write(in.resolve("amazon-bedrock-logs-permission-check"),
                "Permissions are correctly set for Amazon Bedrock logs.".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"run", "--input", in.toString(), "--output", dir.resolve("lake").toString(),
                "--checkpoint.interval", "1s", "--output.tenant.hourly", "false"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("bedrock-cost-stream: the input holds 3 files but not one invocation"
                + " record was read from them: 2 files skipped: not a log file (no known shape) (")
                .contains("a.png").contains("notes.txt")
                .contains("1 file skipped: Bedrock permission-check object (");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Input: 3 files").contains("Records: 0 read, 2 failed inputs");
    }
}
