package com.bedrockcost.cli;

import com.bedrockcost.config.DidYouMean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of bad usage is answered before any work starts, with one line on stderr that names
 * what is wrong and how to fix it, and the documented exit code (2 usage, 1 data); never a stack
 * trace, and the usage text only when asked for.
 */
class MainTest {
    @TempDir Path tmp;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String firstLine() {
        return errText().lines().findFirst().orElse("");
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** A usage error: exit 2, the message, one line pointing at --help; no usage text, no stack trace. */
    private void assertUsageError(int code, String... parts) {
        assertThat(code).as(errText()).isEqualTo(2);
        assertThat(firstLine()).startsWith("bedrock-cost-stream: ").contains(parts);
        assertThat(errText().lines().count()).as(errText()).isEqualTo(2);
        assertThat(errText()).contains("--help' for the options").doesNotContain("Usage:").doesNotContain("Exception").doesNotContain("\tat ");
    }

    /** A data error: exit 1, one line, nothing else. */
    private void assertDataError(int code, String... parts) {
        assertThat(code).as(errText()).isEqualTo(1);
        assertThat(firstLine()).startsWith("bedrock-cost-stream: ").contains(parts);
        assertThat(errText().lines().count()).as(errText()).isEqualTo(1);
        assertThat(errText()).doesNotContain("Usage:").doesNotContain("\tat ");
    }

    @Test
    void helpPrintsUsageWithTheExitCodes() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: bedrock-cost-stream").contains("run")
                .contains("--verbose").contains("--quiet").contains("--version").contains("Exit codes: 0 done, 1");
    }

    @Test
    void helpKeysListsEveryConfigurationKey() {
        assertThat(run("--help", "keys")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("output.path").contains("kinesis.stream.arn").contains("[Pricing]");
    }

    @Test
    void runHelpKeysListsTheKeysToo() {
        assertThat(run("run", "--help", "keys")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Options of run:").contains("checkpoint.interval")
                .contains("Durations take a unit");
    }

    @Test
    void versionPrintsTheBuildsVersion() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).matches("bedrock-cost-stream \\d+\\.\\d+\\.\\d+\\S* \\(Apache Flink 1\\.20\\.1, Java .+\\)\\R");
        out.reset();
        assertThat(run("run", "--version")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("bedrock-cost-stream ");
    }

    @Test
    void unknownCommandSuggestsTheNearest() {
        assertUsageError(run("rnu"), "Unknown command 'rnu': did you mean run?");
    }

    @Test
    void mistypedOptionSuggestsTheNearest() {
        assertUsageError(run("run", "--inptu", "logs/"), "Unknown option '--inptu': did you mean --input?");
        err.reset();
        assertUsageError(run("run", "--generator.cuont", "5"), "did you mean --generator.count?");
        err.reset();
        assertUsageError(run("report", "--tenat", "tenant-0001"), "did you mean --tenant?");
    }

    @Test
    void unknownOptionWithoutANearOneNamesTheHelp() {
        assertUsageError(run("run", "--colour", "red"), "Unknown option '--colour'", "`bedrock-cost-stream run --help`");
    }

    @Test
    void mistypedKeyInAConfigFileSuggestsTheNearest() throws IOException {
        Path json = tmp.resolve("config.json");
        Files.writeString(json, "[{\"PropertyGroupId\": \"Output\", \"PropertyMap\": {\"output.pth\": \"/tmp/x\"}}]");
        assertUsageError(run("run", "--config", json.toString()), "Unknown configuration key 'output.pth'", "did you mean output.path?");
    }

    @Test
    void badValueNamesTheKey() {
        assertUsageError(run("run", "--generator.count", "many"), "generator.count", "many");
    }

    @Test
    void aDurationWithoutUnitIsRefused() {
        assertUsageError(run("run", "--checkpoint.interval", "10"), "checkpoint.interval", "needs a unit: 10s, 10m or 10ms");
    }

    @Test
    void verboseAndQuietAreFlagsWithoutValue() {
        Path file = tmp.resolve("a-file");
        writeFile(file);
        // --verbose does not swallow the next option as its value: the error is about --output.
        assertUsageError(run("run", "--verbose", "--output", file.toString()), "--output");
        err.reset();
        assertUsageError(run("run", "--quiet", "--verbose"), "--quiet and --verbose contradict each other");
    }

    @Test
    void missingInputPath() {
        assertUsageError(run("run", "--input", "/no/such/folder"), "/no/such/folder", "does not exist");
    }

    @Test
    void anEmptyInputFolderIsADataError() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty-logs").resolve("AWSLogs"));
        assertDataError(run("run", "--input", empty.getParent().toString(), "--output", tmp.resolve("lake").toString()),
                "The input folder", "holds no files");
        assertThat(tmp.resolve("lake")).doesNotExist();
    }

    @Test
    void anOutputThatIsAFileIsRefusedBeforeTheJobStarts() {
        Path file = tmp.resolve("lake.parquet");
        writeFile(file);
        assertUsageError(run("run", "--output", file.toString(), "--generator.count", "10"),
                "--output '" + file + "' is a file, not a folder: give a folder");
        err.reset();
        assertUsageError(run("run", "--output", file.resolve("sub").toString()), "cannot be created: '" + file + "' is a file");
    }

    @Test
    void anOutputThatCannotBeWrittenIsRefusedBeforeTheJobStarts() {
        // /proc takes no new files, for root too (permission bits would not stop root).
        assertUsageError(run("run", "--output", "/proc/bedrock-lake"), "--output '/proc/bedrock-lake' cannot be created: no permission to write in '/proc'");
    }

    @Test
    void aMistypedLakeSuggestsTheFolderBesideIt() throws IOException {
        Files.createDirectories(tmp.resolve("lake").resolve("invocations"));
        assertUsageError(run("report", "--lake", tmp.resolve("lkae").toString(), "--out", tmp.resolve("r").toString()),
                "given for --lake does not exist: did you mean '" + tmp.resolve("lake") + "'?");
        assertThat(tmp.resolve("r")).doesNotExist();
    }

    @Test
    void aFolderThatIsNoLakeIsADataError() throws IOException {
        Path notALake = Files.createDirectories(tmp.resolve("photos"));
        assertDataError(run("report", "--lake", notALake.toString(), "--out", tmp.resolve("r").toString()),
                "is not a lake: it has no invocations/ or failed/ folder");
    }

    @Test
    void aReportOutputThatIsAFileIsRefused() throws IOException {
        Files.createDirectories(tmp.resolve("lake").resolve("invocations"));
        Path file = tmp.resolve("index.html");
        writeFile(file);
        assertUsageError(run("report", "--lake", tmp.resolve("lake").toString(), "--out", file.toString()),
                "--out '" + file + "' is a file");
    }

    @Test
    void optionWithoutValue() {
        assertUsageError(run("run", "--output"), "--output", "needs a value");
    }

    @Test
    void aRuntimeFailureIsOneLineWithoutVerboseAndATraceWithIt() {
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        Exception failure = new RuntimeException("job failed", new IOException("No space left on device"));
        assertThat(Main.failed("the job failed", failure, e, Verbosity.NORMAL)).isEqualTo(1);
        assertThat(errText()).isEqualTo("bedrock-cost-stream: the job failed: java.io.IOException: No space left on device"
                + " (--verbose shows the stack trace)" + System.lineSeparator());
        err.reset();
        Main.failed("the job failed", failure, e, Verbosity.VERBOSE);
        assertThat(errText()).contains("\tat ").contains("Caused by: java.io.IOException");
    }

    @Test
    void didYouMeanOnlySuggestsNearNames() {
        assertThat(DidYouMean.nearest("inptu", List.of("input", "output", "pricing"))).isEqualTo("input");
        assertThat(DidYouMean.nearest("tenant-0300", List.of("tenant-0301", "tenant-1301", "tenant-3000"))).isEqualTo("tenant-0301");
        assertThat(DidYouMean.nearest("colour", List.of("input", "output", "pricing"))).isNull();
    }

    private static void writeFile(Path file) {
        try {
            Files.writeString(file, "not a folder");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
