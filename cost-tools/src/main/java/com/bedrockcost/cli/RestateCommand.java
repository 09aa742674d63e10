package com.bedrockcost.cli;

import com.bedrockcost.config.ConfigException;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.lake.CommittedRows;
import com.bedrockcost.lake.LakeTables;
import com.bedrockcost.localrun.LocalEnvironments;
import com.bedrockcost.pricing.PriceFeed;
import com.bedrockcost.pricing.PricingOptions;
import com.bedrockcost.pricing.Repricer;
import com.bedrockcost.report.ReportData;
import com.bedrockcost.report.ReportOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code restate}: prices the invocations of a slice of the lake again with a given price table and
 * appends one adjustment per invocation whose current cost differs (docs/pricing.md, Corrections).
 */
final class RestateCommand {
    static final String USAGE = String.join("\n",
            "Options of restate:",
            "  --lake <folder|s3 uri>         root of the lake (required)",
            "  --pricing <file|folder|s3 uri> the price table to apply (required), as `run --pricing` takes it",
            "  --from, --to <YYYY[-MM[-DD]]>  UTC days of event time, inclusive (default: every day in the lake)",
            "  --tenant <id>                  one tenant; \"" + ReportData.NO_TENANT + "\" = invocations without one",
            "  --dry-run                      print the diff summary and write nothing",
            "  --<key> <value>                configuration keys, e.g. --s3.endpoint for a lake on an S3 API server",
            "");
    /** Options of restate besides configuration keys; {@code dry-run} takes no value. */
    static final List<String> OPTIONS = List.of("lake", "pricing", "from", "to", "tenant", "dry-run");

    private RestateCommand() {}

    static int run(List<String> args, PrintStream out, PrintStream err, Verbosity verbosity) {
        CommandOptions o = CommandOptions.parse(args, OPTIONS, List.of("dry-run"));
        Restate.Slice slice = new Restate.Slice();
        boolean dryRun = o.flags.contains("dry-run");
        String pricing = o.values.get("pricing");
        slice.lake = o.values.get("lake");
        slice.tenant = o.values.get("tenant");
        if (o.values.containsKey("from")) {
            slice.from = ReportOptions.day("--from", o.values.get("from"), false);
        }
        if (o.values.containsKey("to")) {
            slice.to = ReportOptions.day("--to", o.values.get("to"), true);
        }
        List<String> rest = o.rest;
        if (slice.lake == null || pricing == null) {
            throw new ConfigException("restate needs --lake <root> and --pricing <folder> (the price table to apply)");
        }
        if (slice.from != null && slice.to != null && slice.from.isAfter(slice.to)) {
            throw new ConfigException("--from " + slice.from + " is after --to " + slice.to);
        }
        rest.add("--pricing.path");
        rest.add(pricing);
        JobConfig config = Main.config(rest);
        slice.lake = CommandOptions.lake(slice.lake);
        config = config.with(JobConfig.OUTPUT_PATH, slice.lake);
        LocalEnvironments.initFileSystems(config);
        Map<String, String> files = PriceFeed.initialFiles(PricingOptions.from(config));
        if (files == null) {
            throw new CliException("No usable price file at " + pricing);
        }
        slice.priceFiles = new TreeMap<>(files);
        try {
            if (CommittedRows.parquetFiles(new org.apache.flink.core.fs.Path(slice.lake, LakeTables.INVOCATIONS)).isEmpty()) {
                err.println("bedrock-cost-stream: the lake at " + slice.lake + " has no invocations to restate");
                return 1;
            }
        } catch (IOException e) {
            err.println("bedrock-cost-stream: cannot read the lake at " + slice.lake + ": " + e.getMessage());
            return 1;
        }
        // One instant for the whole run: every adjustment it writes says when it was made, the same way.
        slice.adjustedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        out.println("bedrock-cost-stream: restating " + slice.describe() + " of the lake at " + slice.lake
                + " with the price table at " + pricing + " (" + files.size() + " files)" + (dryRun ? "; dry run: nothing is written" : ""));
        if (dryRun) {
            return summarise(config, slice, out, err, verbosity) == null ? 1 : 0;
        }
        JobConfig lakeConfig = config;
        return LockedLake.run(slice.lake, lakeConfig, out, err, () -> restateLocked(lakeConfig, slice, out, err, verbosity));
    }

    private static int restateLocked(JobConfig config, Restate.Slice slice, PrintStream out, PrintStream err, Verbosity verbosity) {
        Long expected = summarise(config, slice, out, err, verbosity);
        if (expected == null) {
            return 1;
        }
        // Correction rows only into a tenant_hourly that exists: alone they would be a misleading table.
        boolean tenantHourly;
        try {
            tenantHourly = !CommittedRows.parquetFiles(new org.apache.flink.core.fs.Path(slice.lake, LakeTables.TENANT_HOURLY)).isEmpty();
        } catch (IOException e) {
            err.println("bedrock-cost-stream: cannot read the lake at " + slice.lake + ": " + e.getMessage());
            return 1;
        }
        if (expected == 0) {
            out.println("Nothing to write: every invocation of the slice already has the cost this table gives.");
        } else {
            long written;
            try (Progress step = Main.step(out, verbosity, String.format("Writing %,d adjustments", expected))) {
                written = Restate.write(config, slice);
            } catch (Exception e) {
                return Main.failed("writing the adjustments failed (nothing of this run is committed; run the same command again)",
                        e, err, verbosity);
            }
            if (written != expected) {
                // The lake changed between the two passes (another writer despite the lock): say so, never hide it.
                err.printf("bedrock-cost-stream: %,d adjustments were written, but the diff counted %,d: the lake changed while "
                        + "restate ran. Run restate again (it adds only what is still missing).%n", written, expected);
                return 1;
            }
            out.printf("Wrote %,d adjustments to %s/adjustments (adjusted_at %s)%s. Current costs: view invocations_current "
                    + "(docs/pricing.md, Corrections).%n", written, slice.lake, slice.adjustedAt,
                    tenantHourly ? "" : "; the lake has no tenant_hourly to correct");
        }
        try {
            if (!tenantHourly || CommittedRows.parquetFiles(new org.apache.flink.core.fs.Path(slice.lake, LakeTables.ADJUSTMENTS)).isEmpty()) {
                return 0;
            }
        } catch (IOException e) {
            err.println("bedrock-cost-stream: cannot read the lake at " + slice.lake + ": " + e.getMessage());
            return 1;
        }
        long rows;
        try (Progress step = Main.step(out, verbosity, "Bringing tenant_hourly up to date with the adjustments")) {
            rows = Restate.reconcileHourly(config, slice);
        } catch (Exception e) {
            return Main.failed("writing the ADJUSTMENT rows of tenant_hourly failed (the adjustments are committed; run the same"
                    + " command again: it writes the rows tenant_hourly still lacks)", e, err, verbosity);
        }
        if (expected > 0) {
            out.printf("Wrote %,d ADJUSTMENT rows to tenant_hourly (per hour, tenant and model of the adjustments).%n", rows);
        } else if (rows > 0) {
            out.printf("tenant_hourly lacked the ADJUSTMENT rows of %,d hours, tenants and models (a restate or a job stopped between"
                    + " its commits to adjustments and tenant_hourly): written now.%n", rows);
        }
        return 0;
    }

    /** Runs the diff and prints it; returns the number of adjustments it found, null when it failed. */
    private static Long summarise(JobConfig config, Restate.Slice slice, PrintStream out, PrintStream err, Verbosity verbosity) {
        List<Restate.Line> lines;
        try (Progress step = Main.step(out, verbosity, "Pricing the slice's invocations again (reading invocations and adjustments)")) {
            lines = Restate.summarise(config, slice);
        } catch (Exception e) {
            Throwable cause = Main.rootCause(e);
            if (cause instanceof ConfigException) {
                throw (ConfigException) cause;
            }
            Main.failed("the restate diff failed", e, err, verbosity);
            return null;
        }
        return print(lines, out);
    }

    /** The diff summary: per day and model the adjusted invocations' old and new totals; then what was kept and why. */
    static long print(List<Restate.Line> lines, PrintStream out) {
        List<Restate.Line> adjusted = new ArrayList<>();
        Map<String, Long> kept = new TreeMap<>();
        for (Restate.Line l : lines) {
            if (l.outcome.equals(Repricer.Outcome.ADJUSTED.name())) {
                adjusted.add(l);
            } else {
                kept.merge(l.outcome, l.count, Long::sum);
            }
        }
        adjusted.sort(Comparator.comparing((Restate.Line l) -> l.day).thenComparing(l -> String.valueOf(l.model))
                .thenComparing(l -> l.reason));
        long count = 0;
        BigDecimal oldTotal = BigDecimal.ZERO;
        BigDecimal newTotal = BigDecimal.ZERO;
        if (adjusted.isEmpty()) {
            out.println("Diff: no invocation's cost changes.");
        } else {
            out.printf("%nDiff (USD; old = current cost, new = with this table):%n");
            String format = "%-10s  %-44s  %-13s  %,12d  %22s  %22s  %22s%n";
            out.printf("%-10s  %-44s  %-13s  %12s  %22s  %22s  %22s%n", "day", "model", "reason", "invocations", "old total",
                    "new total", "change");
            for (Restate.Line l : adjusted) {
                out.printf(format, l.day, l.model == null ? ReportData.UNKNOWN_MODEL : l.model, l.reason, l.count,
                        l.oldTotal.toPlainString(), l.newTotal.toPlainString(), signed(l.newTotal.subtract(l.oldTotal)));
                count += l.count;
                oldTotal = oldTotal.add(l.oldTotal);
                newTotal = newTotal.add(l.newTotal);
            }
            out.printf(format, "total", "", "", count, oldTotal.toPlainString(), newTotal.toPlainString(),
                    signed(newTotal.subtract(oldTotal)));
        }
        Long notPriced = kept.get(Repricer.Outcome.NOT_PRICED_BY_TABLE.name());
        if (notPriced != null) {
            out.printf("Kept: %,d priced invocations this table has no price for keep their current cost (restate never"
                    + " un-prices history; add their rows to the table to re-price them).%n", notPriced);
        }
        Long notRepriceable = kept.get(Repricer.Outcome.NOT_REPRICEABLE.name());
        if (notRepriceable != null) {
            out.printf("Kept: %,d invocations billed per image keep their current cost: their rows were written before the"
                    + " lake stored the image size and quality (image_variant) their price depends on.%n", notRepriceable);
        }
        return count;
    }

    private static String signed(BigDecimal d) {
        return (d.signum() > 0 ? "+" : "") + d.toPlainString();
    }
}
