package com.bedrockcost.cli;

import com.bedrockcost.config.ConfigException;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.lake.CommittedRows;
import com.bedrockcost.lake.LakeTables;
import com.bedrockcost.localrun.LocalEnvironments;
import com.bedrockcost.model.TenantHourly;
import com.bedrockcost.report.ReportOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code rollup-repair}: appends to {@code tenant_hourly} what it lacks, per UTC hour, tenant and model,
 * to equal {@code invocations} plus {@code adjustments} ({@link RollupRepair}). Hours that may still be
 * open in a running job (after the newest hour written on time) are left unless told otherwise. A
 * second run finds nothing to add.
 */
final class RollupRepairCommand {
    static final String USAGE = String.join("\n",
            "Options of rollup-repair:",
            "  --lake <folder|s3 uri>         root of the lake (required)",
            "  --from, --to <YYYY[-MM[-DD]]>  UTC days of the hours to repair, inclusive (default: every day)",
            "  --include-open-hours           also the hours after the newest one written on time (only when no job",
            "                                 writes the lake: a running job may still hold them open)",
            "  --dry-run                      print what is missing and write nothing",
            "  --<key> <value>                configuration keys, e.g. --s3.endpoint for a lake on an S3 API server",
            "");
    /** Options besides configuration keys; {@code dry-run} and {@code include-open-hours} take no value. */
    static final List<String> OPTIONS = List.of("lake", "from", "to", "include-open-hours", "dry-run");

    private RollupRepairCommand() {}

    static int run(List<String> args, PrintStream out, PrintStream err, Verbosity verbosity) {
        CommandOptions o = CommandOptions.parse(args, OPTIONS, List.of("dry-run", "include-open-hours"));
        RollupRepair.Slice slice = new RollupRepair.Slice();
        boolean dryRun = o.flags.contains("dry-run");
        slice.includeOpen = o.flags.contains("include-open-hours");
        slice.lake = o.values.get("lake");
        if (o.values.containsKey("from")) {
            slice.from = ReportOptions.day("--from", o.values.get("from"), false);
        }
        if (o.values.containsKey("to")) {
            slice.to = ReportOptions.day("--to", o.values.get("to"), true);
        }
        if (slice.lake == null) {
            throw new ConfigException("rollup-repair needs --lake <root>");
        }
        if (slice.from != null && slice.to != null && slice.from.isAfter(slice.to)) {
            throw new ConfigException("--from " + slice.from + " is after --to " + slice.to);
        }
        JobConfig config = Main.config(o.rest);
        slice.lake = CommandOptions.lake(slice.lake);
        config = config.with(JobConfig.OUTPUT_PATH, slice.lake);
        LocalEnvironments.initFileSystems(config);
        try {
            // Rows into a tenant_hourly that exists only: a table of repairs alone would mislead (as restate).
            if (CommittedRows.parquetFiles(new org.apache.flink.core.fs.Path(slice.lake, LakeTables.TENANT_HOURLY)).isEmpty()) {
                err.println("bedrock-cost-stream: the lake at " + slice.lake + " has no tenant_hourly to repair");
                return 1;
            }
        } catch (IOException e) {
            err.println("bedrock-cost-stream: cannot read the lake at " + slice.lake + ": " + e.getMessage());
            return 1;
        }
        out.println("bedrock-cost-stream: comparing tenant_hourly with invocations and adjustments, " + slice.describe()
                + ", in the lake at " + slice.lake + (dryRun ? "; dry run: nothing is written" : ""));
        if (dryRun) {
            return diff(config, slice, out, err, verbosity) == null ? 1 : 0;
        }
        JobConfig lakeConfig = config;
        return LockedLake.run(slice.lake, lakeConfig, out, err, () -> repairLocked(lakeConfig, slice, out, err, verbosity));
    }

    private static int repairLocked(JobConfig config, RollupRepair.Slice slice, PrintStream out, PrintStream err, Verbosity verbosity) {
        RollupRepair.Diff diff = diff(config, slice, out, err, verbosity);
        if (diff == null) {
            return 1;
        }
        if (diff.rows.isEmpty()) {
            out.println("Nothing to write: tenant_hourly equals invocations and adjustments in every hour compared.");
            return 0;
        }
        try (Progress step = Main.step(out, verbosity, String.format("Writing %,d REPAIR rows", diff.rows.size()))) {
            RollupRepair.write(config, slice.lake, diff.rows);
        } catch (Exception e) {
            return Main.failed("writing the REPAIR rows failed (none is committed; run the same command again)", e, err, verbosity);
        }
        out.printf("Wrote %,d REPAIR rows to %s/tenant_hourly: its sums per hour, tenant and model now equal invocations"
                + " and adjustments.%n", diff.rows.size(), slice.lake);
        return 0;
    }

    /** Runs the diff and prints it; null when it failed. */
    private static RollupRepair.Diff diff(JobConfig config, RollupRepair.Slice slice, PrintStream out, PrintStream err,
                                          Verbosity verbosity) {
        RollupRepair.Diff diff;
        try (Progress step = Main.step(out, verbosity, "Summing invocations, adjustments and tenant_hourly per hour, tenant and model")) {
            diff = RollupRepair.diff(config, slice);
        } catch (Exception e) {
            Throwable cause = Main.rootCause(e);
            if (cause instanceof ConfigException) {
                throw (ConfigException) cause;
            }
            Main.failed("the rollup-repair diff failed", e, err, verbosity);
            return null;
        }
        print(diff, out);
        return diff;
    }

    /** Per day: the (hour, tenant, model) rows missing, and the invocations and total cost they add. */
    static void print(RollupRepair.Diff diff, PrintStream out) {
        Map<String, long[]> counts = new TreeMap<>();
        Map<String, BigDecimal> costs = new TreeMap<>();
        for (TenantHourly h : diff.rows) {
            String day = h.windowStart.toString().substring(0, 10);
            long[] c = counts.computeIfAbsent(day, d -> new long[2]);
            c[0]++;
            c[1] += h.invocations;
            costs.merge(day, h.totalCost == null ? BigDecimal.ZERO : h.totalCost, BigDecimal::add);
        }
        if (diff.rows.isEmpty()) {
            out.println("Diff: tenant_hourly equals invocations and adjustments in every hour compared.");
        } else {
            out.printf("%nMissing from tenant_hourly (USD), per day of the hours:%n");
            String format = "%-10s  %14s  %12s  %22s%n";
            out.printf(format, "day", "hour groups", "invocations", "total cost");
            long groups = 0;
            long invocations = 0;
            BigDecimal total = BigDecimal.ZERO;
            for (Map.Entry<String, long[]> e : counts.entrySet()) {
                out.printf(format, e.getKey(), String.format("%,d", e.getValue()[0]), String.format("%,d", e.getValue()[1]),
                        costs.get(e.getKey()).toPlainString());
                groups += e.getValue()[0];
                invocations += e.getValue()[1];
                total = total.add(costs.get(e.getKey()));
            }
            out.printf(format, "total", String.format("%,d", groups), String.format("%,d", invocations), total.toPlainString());
        }
        if (!diff.open.isEmpty()) {
            out.printf("Left: %,d hour groups after %s, the end of the newest hour written on time, differ too; a running job"
                    + " may still hold those hours open. Run rollup-repair again once they are written, or with"
                    + " --include-open-hours when no job writes this lake.%n", diff.open.size(),
                    diff.horizon == null ? "the start (no hour was written on time yet)" : diff.horizon.toString());
        }
    }
}
