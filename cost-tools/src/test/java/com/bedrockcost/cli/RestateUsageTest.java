package com.bedrockcost.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code restate}'s command line: every mistake is one line before any work, with the documented exit code. */
class RestateUsageTest {
    @TempDir Path tmp;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String firstErrorLine() {
        return err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
    }

    private Path lakeWithInvocations() throws Exception {
        Path lake = tmp.resolve("lake");
        Files.createDirectories(lake.resolve("invocations"));
        return lake;
    }

    @Test
    void helpDescribesTheRestateOptions() {
        assertThat(run("restate", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Options of restate:").contains("--dry-run").contains("--pricing")
                .contains("restate  Price the invocations");
    }

    @Test
    void lakeAndPricingAreRequired() throws Exception {
        assertThat(run("restate", "--lake", lakeWithInvocations().toString())).isEqualTo(2);
        assertThat(firstErrorLine()).isEqualTo("bedrock-cost-stream: restate needs --lake <root> and --pricing <folder> (the price table to apply)");
    }

    @Test
    void aMisspeltOptionNamesTheNearestOne() {
        assertThat(run("restate", "--dryrun")).isEqualTo(2);
        assertThat(firstErrorLine()).contains("Unknown option '--dryrun'").contains("--dry-run");
    }

    @Test
    void aTableWithABadFileIsRefusedBeforeAnyWork() throws Exception {
        Path prices = Files.createDirectories(tmp.resolve("prices"));
        Files.writeString(prices.resolve("x.csv"), "model_id,region,effective_from,effective_to,input_per_mtok,output_per_mtok\n"
                + "m,us-east-1,2024-01-01,,-1,2\n");
        assertThat(run("restate", "--lake", lakeWithInvocations().toString(), "--pricing", prices.toString())).isEqualTo(2);
        assertThat(firstErrorLine()).contains("x.csv").contains(":2");
        assertThat(tmp.resolve("lake/adjustments")).doesNotExist();
    }

    @Test
    void aFolderThatIsNotALakeIsADataError() throws Exception {
        Path photos = Files.createDirectories(tmp.resolve("photos"));
        assertThat(run("restate", "--lake", photos.toString(), "--pricing", "../pricing")).isEqualTo(1);
        assertThat(firstErrorLine()).contains("is not a lake");
    }

    @Test
    void aLakeWithoutInvocationsHasNothingToRestate() throws Exception {
        assertThat(run("restate", "--lake", lakeWithInvocations().toString(), "--pricing", "../pricing", "--dry-run")).isEqualTo(1);
        assertThat(firstErrorLine()).contains("has no invocations to restate");
    }

    @Test
    void aReversedRangeIsRefused() throws Exception {
        assertThat(run("restate", "--lake", lakeWithInvocations().toString(), "--pricing", "../pricing", "--from", "2026-11-05",
                "--to", "2026-10")).isEqualTo(2);
        assertThat(firstErrorLine()).isEqualTo("bedrock-cost-stream: --from 2026-11-05 is after --to 2026-10-31");
    }
}
