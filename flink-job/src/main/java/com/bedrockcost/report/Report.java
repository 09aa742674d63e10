package com.bedrockcost.report;

import com.bedrockcost.config.JobConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** {@code bedrock-cost-stream report}: reads the lake and writes {@code index.html} and the CSV files into one folder. */
public final class Report {
    public static final String DASHBOARD = "index.html";

    private Report() {}

    /** Writes the report; returns the dashboard's path. */
    public static Path write(ReportOptions options, JobConfig config) throws IOException {
        ReportData data = ReportQuery.read(options, config);
        ReportView view = new ReportView(data);
        Path dir = options.out.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        CsvTables.write(view, dir);
        Path html = dir.resolve(DASHBOARD);
        Files.write(html, Dashboard.html(view, Instant.now().truncatedTo(ChronoUnit.SECONDS)).getBytes(StandardCharsets.UTF_8));
        return html;
    }
}
