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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bedrock-cost-stream report}: reads the lake and writes {@code index.html} and the CSV files into one folder. */
public final class Report {
    public static final String DASHBOARD = "index.html";

    private Report() {}

    /** Writes the report; returns the dashboard's path. */
    public static Path write(ReportOptions options, JobConfig config) throws IOException {
        return render(options, config).write();
    }

    /**
     * Reads the lake and renders the dashboard and the CSV files in memory, without writing them:
     * the run command renders while its {@code tenant_hourly} batch job runs, and writes after it.
     */
    public static Rendered render(ReportOptions options, JobConfig config) throws IOException {
        ReportData data;
        try (LakeViews lake = LakeViews.open(options.lake, options.from, options.to)) {
            data = ReportQuery.read(options, lake);
            if (data.overall.invocations == 0 && (options.tenant != null || options.model != null)) {
                throw new EmptySliceException(emptySlice(options));
            }
            data.budgets = BudgetPanel.read(options, config, data, lake);
        }
        ReportView view = new ReportView(data);
        Rendered r = new Rendered(options.out.toAbsolutePath().normalize());
        CsvTables.write(view, r::open);
        r.open(DASHBOARD).append(Dashboard.html(view, Instant.now().truncatedTo(ChronoUnit.SECONDS)));
        return r;
    }

    /** A rendered report: its files (the CSV files, then {@value #DASHBOARD}) in memory, and the folder they go to. */
    public static final class Rendered {
        private final Path dir;
        private final Map<String, StringBuilder> files = new LinkedHashMap<>();

        private Rendered(Path dir) {
            this.dir = dir;
        }

        /** A new file of the report, empty. */
        private Appendable open(String name) {
            StringBuilder b = new StringBuilder();
            files.put(name, b);
            return b;
        }

        /** Writes the files into the report's folder (created if needed); returns the dashboard's path. */
        public Path write() throws IOException {
            Files.createDirectories(dir);
            for (Map.Entry<String, StringBuilder> f : files.entrySet()) {
                Files.write(dir.resolve(f.getKey()), f.getValue().toString().getBytes(StandardCharsets.UTF_8));
            }
            return dir.resolve(DASHBOARD);
        }
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
