package com.bedrockcost.cli;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.report.LakeSummary;
import com.bedrockcost.report.Report;
import com.bedrockcost.report.ReportOptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code report}: its options, and the run command ending with the dashboard of the run it just made. */
class ReportCommandTest {
    @TempDir Path tmp;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String firstErrorLine() {
        return err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
    }

    @Test
    void helpDescribesTheReportOptions() {
        assertThat(run("report", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Options of report:").contains("--tenant").contains("--from");
    }

    @Test
    void badTopNamesTheOption() {
        assertThat(run("report", "--top", "zero")).isEqualTo(2);
        assertThat(firstErrorLine()).contains("--top").contains("zero");
    }

    @Test
    void badDateNamesTheOption() {
        assertThat(run("report", "--from", "2026-13")).isEqualTo(2);
        assertThat(firstErrorLine()).contains("--from").contains("2026-13");
    }

    @Test
    void reversedRangeIsRefused() {
        assertThat(run("report", "--from", "2026-11-05", "--to", "2026-10")).isEqualTo(2);
        assertThat(firstErrorLine()).isEqualTo("bedrock-cost-stream: --from 2026-11-05 is after --to 2026-10-31");
    }

    @Test
    void unknownOptionIsRefusedWithTheHelpHint() {
        assertThat(run("report", "--colour", "red")).isEqualTo(2);
        assertThat(firstErrorLine()).startsWith("bedrock-cost-stream: Unknown option '--colour'");
    }

    @Test
    void aTenantTheLakeDoesNotHaveIsOneLineWithTheNearestNotAnEmptyDashboard() throws Exception {
        Path lake = tmp.resolve("lake");
        LocalRunner.run(JobConfig.defaults().with(Map.of("output.path", lake.toString(), "generator.count", "300",
                "generator.tenants", "40", "checkpoint.interval", "1s")));
        Path report = tmp.resolve("report");

        int code = run("report", "--lake", lake.toString(), "--out", report.toString(), "--tenant", "tenant-0O12");

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(1);
        // Zipf-skewed generated tenants: not all 40 of them make a call in 300 invocations.
        assertThat(err.toString(StandardCharsets.UTF_8)).matches(Pattern.quote("bedrock-cost-stream: The lake at " + lake
                + " has no tenant 'tenant-0O12': did you mean tenant-0012? (it has ") + "\\d+" + Pattern.quote(" tenants:"
                + " a report without --tenant lists them all in tenants.csv)") + "\\R");
        assertThat(report.resolve("index.html")).doesNotExist();
    }

    @Test
    void runEndsWithTheDashboardOfTheRunItJustMade() throws Exception {
        Path lake = tmp.resolve("lake");
        // An earlier run into the same lake: its rows are not part of the next run's dashboard.
        LocalRunner.run(JobConfig.defaults().with(Map.of("output.path", lake.toString(), "generator.count", "400",
                "generator.seed", "1", "checkpoint.interval", "1s")));
        Path reportDir = tmp.resolve("report");
        JobConfig config = Main.config(java.util.List.of("--output", lake.toString(), "--generator.count", "300",
                "--generator.seed", "1001", "--checkpoint.interval", "1s")); // adjacent seeds share request ids

        int code = Main.runJob(config, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), reportDir);

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(printed).isZero();
        // The summary, like the dashboard, is of this run; it says what the lake holds in all.
        assertThat(printed).contains("300 invocations written by this run").contains("the lake holds 700 invocations")
                .contains("Dashboard (written since ")
                .contains(reportDir.toAbsolutePath().resolve("index.html").toString());
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"report-data\">(.*?)</script>", Pattern.DOTALL)
                .matcher(Files.readString(reportDir.resolve("index.html")));
        assertThat(m.find()).isTrue();
        JsonNode data = new ObjectMapper().readTree(m.group(1));
        assertThat(data.get("overall").get("invocations").asLong()).isEqualTo(300);

        // Read while the run wrote its tenant_hourly, they are what the lake gives once the run is over.
        Instant since = Instant.parse(data.get("filters").get("ingested_since").asText());
        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        LakeSummary.read(lake.toString(), since).print(new PrintStream(summary, true, StandardCharsets.UTF_8), lake.toString(), 10);
        String tables = summary.toString(StandardCharsets.UTF_8);
        tables = tables.substring(tables.indexOf("Total cost: USD"), tables.indexOf("\nLake: "));
        assertThat(printed).contains(tables);
        ReportOptions after = new ReportOptions();
        after.lake = lake.toAbsolutePath().toString();
        after.out = tmp.resolve("after");
        after.ingestedSince = since;
        Report.write(after, config);
        try (Stream<Path> files = Files.list(reportDir)) {
            for (Path file : files.collect(Collectors.toList())) {
                String name = file.getFileName().toString();
                if (name.equals(Report.DASHBOARD)) {
                    // The same page but for the time it was made.
                    assertThat(Files.readString(file).replaceAll("Generated [^<]*<|\"generated_at\":\"[^\"]*\"", ""))
                            .isEqualTo(Files.readString(after.out.resolve(name)).replaceAll("Generated [^<]*<|\"generated_at\":\"[^\"]*\"", ""));
                } else {
                    assertThat(file).as(name).hasSameBinaryContentAs(after.out.resolve(name));
                }
            }
        }
    }
}
