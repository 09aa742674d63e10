package com.bedrockcost.report;

import com.bedrockcost.config.DidYouMean;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.lake.LakeViews;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** {@code bedrock-cost-stream report}: reads the lake and writes {@code index.html} and the CSV files into one folder. */
public final class Report {
    public static final String DASHBOARD = "index.html";

    private Report() {}

    /** Writes the report; returns the dashboard's path. */
    public static Path write(ReportOptions options, JobConfig config) throws IOException {
        ReportData data;
        try (LakeViews lake = LakeViews.open(options.lake, options.from, options.to)) {
            data = ReportQuery.read(options, lake);
            if (data.overall.invocations == 0 && (options.tenant != null || options.model != null)) {
                throw new EmptySliceException(emptySlice(options));
            }
            data.budgets = BudgetPanel.read(options, config, data, lake);
        }
        ReportView view = new ReportView(data);
        Path dir = options.out.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        CsvTables.write(view, dir);
        Path html = dir.resolve(DASHBOARD);
        Files.write(html, Dashboard.html(view, Instant.now().truncatedTo(ChronoUnit.SECONDS)).getBytes(StandardCharsets.UTF_8));
        return html;
    }

    /** Why a tenant's or model's report is empty: a name the lake does not have (and the nearest it has), or days without its calls. */
    private static String emptySlice(ReportOptions options) throws IOException {
        boolean tenant = options.tenant != null;
        String what = tenant ? "tenant" : "model";
        String given = tenant ? options.tenant : options.model;
        List<String> known = ReportQuery.distinct(tenant ? "tenant_id" : "model",
                tenant ? ReportData.NO_TENANT : ReportData.UNKNOWN_MODEL, options.lake);
        if (known.contains(given)) {
            return "The lake at " + options.lake + " has no invocations of " + what + " '" + given + "' in this slice ("
                    + options.describe() + "); it has some outside it: widen --from/--to or leave out --" + (tenant ? "model" : "tenant");
        }
        String hint = DidYouMean.hint(given, known, "");
        return "The lake at " + options.lake + " has no " + what + " '" + given + "'"
                + (hint.isEmpty() ? "" : hint) + " (it has " + known.size() + " " + what + "s: a report without --" + what
                + " lists them all in " + (tenant ? "tenants" : "models") + ".csv)";
    }
}
