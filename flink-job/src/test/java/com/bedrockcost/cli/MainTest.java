package com.bedrockcost.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher answers a wrong argument with one line and the usage, never a stack trace. */
class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpPrintsUsage() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: bedrock-cost-stream").contains("run");
    }

    @Test
    void helpKeysListsEveryConfigurationKey() {
        assertThat(run("--help", "keys")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("output.path").contains("kinesis.stream.arn").contains("[Pricing]");
    }

    @Test
    void unknownCommand() {
        assertThat(run("fly")).isEqualTo(2);
        assertThat(firstLine()).isEqualTo("bedrock-cost-stream: Unknown command 'fly'");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Usage:").doesNotContain("Exception");
    }

    @Test
    void badValueNamesTheKey() {
        assertThat(run("run", "--generator.count", "many")).isEqualTo(2);
        assertThat(firstLine()).contains("generator.count").contains("many");
    }

    @Test
    void unknownOption() {
        assertThat(run("run", "--colour", "red")).isEqualTo(2);
        assertThat(firstLine()).isEqualTo("bedrock-cost-stream: Unknown configuration key 'colour'");
    }

    @Test
    void missingInputPath() {
        assertThat(run("run", "--input", "/no/such/folder")).isEqualTo(2);
        assertThat(firstLine()).contains("/no/such/folder").contains("does not exist");
    }

    @Test
    void optionWithoutValue() {
        assertThat(run("run", "--output")).isEqualTo(2);
        assertThat(firstLine()).contains("--output").contains("needs a value");
    }

    private String firstLine() {
        return err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
    }
}
