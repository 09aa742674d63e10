package com.bedrockcost.cli;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.budget.AlertLake;
import com.bedrockcost.config.ConfigException;
import com.bedrockcost.config.ConfigKey;
import com.bedrockcost.config.DidYouMean;
import com.bedrockcost.config.InputKind;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.InputUnavailableException;
import com.bedrockcost.lake.LakeLeftovers;
import com.bedrockcost.lake.LakeViews;
import com.bedrockcost.lake.LiveWriters;
import com.bedrockcost.localcloud.LocalCloud;
import com.bedrockcost.localrun.LakeLock;
import com.bedrockcost.localrun.LocalEnvironments;
import com.bedrockcost.localrun.RunStoppedException;
import com.bedrockcost.parse.InputAccounting;
import com.bedrockcost.pricing.LatePrices;
import com.bedrockcost.report.EmptySliceException;
import com.bedrockcost.report.LakeSummary;
import com.bedrockcost.report.Report;
import com.bedrockcost.report.ReportData;
import com.bedrockcost.report.ReportOptions;
import com.bedrockcost.rollup.HourlyCombiner;

import org.apache.flink.api.common.JobExecutionResult;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.Collectors;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/** The {@code bin/bedrock-cost-stream} launcher: subcommands that run the job and its tools on this machine. */
public final class Main {
    static final String USAGE = String.join("\n",
            "Usage: bedrock-cost-stream <command> [options]",
            "",
            "Commands:",
            "  run      Run the job on a local Flink MiniCluster. With no options it prices",
            "           100,000 generated invocation logs, prints a cost summary and writes",
            "           the dashboard of this run to ./report/index.html.",
            "  report   Read the lake with Flink SQL (batch) and write a self-contained HTML",
            "           dashboard (index.html) and CSV files of the same tables.",
            "  replay   Put invocation logs into a Kinesis stream as a CloudWatch Logs subscription",
            "           would: gzip envelopes of log events, control messages, random partition keys.",
            "  prices import  Convert AWS Price List offer files into price CSVs (see below).",
            "  restate  Price the invocations in a lake again with a corrected price table and append",
            "           one adjustment per invocation whose cost changes (invocations stay as written).",
            "  rollup-repair  Append to tenant_hourly what it lacks to equal invocations and adjustments",
            "           per hour, tenant and model (e.g. after an upgrade dropped the rollup's open hours).",
            "",
            "Options of run:",
            "  --input <file|folder|s3 uri>   read Bedrock invocation logs, bounded: S3 delivery, Firehose archives,",
            "                                 CloudWatch Logs exports, Logs Insights downloads (shape read from content)",
            "  --output <folder|s3 uri>       root of the Parquet lake (default: ./lake)",
            "  --pricing <file|folder>        price CSVs (default: the table built into the job)",
            "  --budgets <file|folder>        budget CSVs: THRESHOLD and BURN_RATE alerts into <output>/alerts",
            "  --kinesis.stream.arn <arn>     read CloudWatch Logs payloads from this Kinesis stream instead",
            "  --local-cloud                  the whole cloud path on this machine: start kinesalite and S3Mock,",
            "                                 replay generated logs (generator.*) into a 4-shard stream, run the",
            "                                 job from Kinesis to s3://, print the summary, stop everything",
            "  --force                        run even while a streaming job (MSF) writes the same lake (its live",
            "                                 marker in <output>/_live/ is fresh): for days it is not writing",
            "  --config <file.json>           property groups as on MSF ([{PropertyGroupId, PropertyMap}])",
            "  --<key> <value>                any configuration key, e.g. --generator.count 1000000",
            "  --help                         this text; `--help keys` lists every configuration key",
            "",
            "Options of every command:",
            "  --verbose                      the job's and Flink's log lines, and stack traces of failures",
            "  --quiet                        no progress; errors and the result only",
            "  --version                      the versions of this build, Flink and Java",
            "",
            "Durations take a unit: 500ms, 30s, 5m, 2h, 7d (or 0). Exit codes: 0 done, 1 the data or",
            "the environment failed (one line says what), 2 the command line is wrong.",
            "",
            "Options of report:",
            "  --lake <folder|s3 uri>         root of the lake (default: --output, ./lake)",
            "  --out <folder>                 where index.html and the CSV files go (default: ./report)",
            "  --from, --to <YYYY[-MM[-DD]]>  UTC days of event time, inclusive (a year or month means all its days)",
            "  --tenant <id>                  one tenant; \"" + ReportData.NO_TENANT + "\" = invocations without one",
            "  --model <id>                   one canonical model id",
            "  --top <n>                      companies shown before \"others\" (default: 10); tenants and departments: all",
            "  --ingested-since <instant>     only rows the job wrote at or after this ISO-8601 instant",
            "  --budgets <file|folder>        budget CSVs: budget, spend and thresholds per tenant beside the alerts",
            "  --<key> <value>                configuration keys, e.g. --s3.endpoint for a lake on an S3 API server",
            "",
            "Options of replay:",
            "  --stream-arn <arn>             the stream (required); --endpoint <url> for an emulator,",
            "                                 --region <region> (default: the ARN's)",
            "  --input <file|folder|s3 uri>   invocation logs in any shape `run --input` reads;",
            "                                 without it, the built-in generator (--generator.count etc.)",
            "  --batch <n>                    most log events per Kinesis record (default 100; 1 MiB limit kept)",
            "  --rate <n>                     invocations per second (default 0 = as fast as the stream takes)",
            "  --control-every <n>            a CONTROL_MESSAGE first and after every n records (default 100, 0 = none)",
            "  --owner <account id>           the envelopes' owner (default: the stream ARN's account)",
            "",
            PricesCommand.USAGE,
            RestateCommand.USAGE,
            RollupRepairCommand.USAGE);

    static final Map<String, String> ALIASES = Map.of(
            "input", "input.path", "output", "output.path", "pricing", "pricing.path", "budgets", "budgets.path");

    private Main() {}

    static final List<String> COMMANDS = List.of("run", "report", "replay", "prices", "restate", "rollup-repair");

    public static void main(String[] args) {
        List<String> flags = Arrays.asList(args);
        (flags.contains("--verbose") ? Verbosity.VERBOSE : flags.contains("--quiet") ? Verbosity.QUIET : Verbosity.NORMAL)
                .applyToLogging();
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command; returns the process exit code: 0 done, 1 a data or runtime error, 2 a usage error. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        String command = all.isEmpty() ? "" : all.get(0);
        Verbosity verbosity = Verbosity.NORMAL;
        try {
            verbosity = Verbosity.strip(all);
            if (all.contains("--version")) {
                out.println(Version.line());
                return 0;
            }
            if (all.isEmpty() || command.equals("--help") || command.equals("-h") || command.equals("help")
                    || all.contains("--help") || all.contains("-h")) {
                out.print(USAGE);
                if (all.contains("keys")) {
                    printKeys(out);
                }
                return 0;
            }
            if (!COMMANDS.contains(command)) {
                throw new ConfigException("Unknown command '" + command + "'" + DidYouMean.hint(command, COMMANDS, "")
                        + " (commands: " + String.join(", ", COMMANDS) + ")");
            }
            List<String> rest = all.subList(1, all.size());
            ArgsValidator.checkOptions(command, rest);
            if (command.equals("run")) {
                if (rest.contains("--local-cloud")) {
                    List<String> options = new ArrayList<>(rest);
                    options.remove("--local-cloud");
                    return runLocalCloud(config(options), out, err, verbosity);
                }
                List<String> options = new ArrayList<>(rest);
                boolean force = options.remove("--force");
                JobConfig config = config(options);
                ArgsValidator.checkRun(config);
                return runJob(config, out, err, Paths.get(ReportOptions.DEFAULT_OUT), verbosity, force);
            }
            if (command.equals("report")) {
                ReportOptions.Parsed parsed = ReportOptions.parse(rest);
                JobConfig config = config(parsed.rest);
                ArgsValidator.checkReport(parsed.options.lake == null ? config.get(JobConfig.OUTPUT_PATH) : parsed.options.lake,
                        parsed.options.out);
                return report(parsed.options, config, out, err, verbosity);
            }
            if (command.equals("prices")) {
                return PricesCommand.run(rest, out, err);
            }
            if (command.equals("restate")) {
                return RestateCommand.run(rest, out, err, verbosity);
            }
            if (command.equals("rollup-repair")) {
                return RollupRepairCommand.run(rest, out, err, verbosity);
            }
            return Replay.run(rest, out, err);
        } catch (ConfigException e) {
            err.println("bedrock-cost-stream: " + e.getMessage());
            err.println("Run 'bedrock-cost-stream " + (COMMANDS.contains(command) ? command + " " : "") + "--help' for the options.");
            return 2;
        } catch (CliException e) {
            err.println("bedrock-cost-stream: " + e.getMessage());
            return 1;
        }
    }

    /** A step's progress (elapsed time on a terminal); none with --quiet. */
    static Progress step(PrintStream out, Verbosity verbosity, String what) {
        return verbosity == Verbosity.QUIET ? null : Progress.step(out, what);
    }

    /** One line on stderr for a failure; the stack trace only with --verbose. */
    static int failed(String what, Throwable e, PrintStream err, Verbosity verbosity) {
        err.println("bedrock-cost-stream: " + what + ": " + rootCause(e)
                + (verbosity == Verbosity.VERBOSE ? "" : " (--verbose shows the stack trace)"));
        if (verbosity == Verbosity.VERBOSE) {
            e.printStackTrace(err);
        }
        return 1;
    }

    /** The job configuration from {@code --config file} and {@code --key value} arguments. */
    static JobConfig config(List<String> args) {
        return config(args, ALIASES);
    }

    /** As {@link #config(List)}, with short option names for some keys. */
    static JobConfig config(List<String> args, Map<String, String> aliases) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Properties> groups = Map.of();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || a.length() == 2) {
                throw new ConfigException("Unexpected argument '" + a + "' (options are --key value)");
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq > 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else {
                if (i + 1 >= args.size()) {
                    throw new ConfigException("Option '" + a + "' needs a value");
                }
                value = args.get(++i);
            }
            if (key.equals("config")) {
                Path file = Paths.get(value);
                if (!Files.isRegularFile(file)) {
                    throw new ConfigException("Configuration file '" + value + "' does not exist");
                }
                try {
                    groups = JobConfig.readGroups(file);
                } catch (java.io.IOException e) {
                    throw new ConfigException("Cannot read configuration file '" + value + "': " + e.getMessage());
                }
                continue;
            }
            values.put(aliases.getOrDefault(key, key), value);
        }
        JobConfig config = JobConfig.fromGroups(groups, values);
        checkLocalPath(config, JobConfig.INPUT_PATH);
        checkLocalPath(config, JobConfig.PRICING_PATH);
        return config;
    }

    private static void checkLocalPath(JobConfig config, ConfigKey<String> key) {
        if (config.isSet(key)) {
            String p = config.get(key);
            if (!p.contains("://") && !Files.exists(Paths.get(p))) {
                throw new ConfigException("'" + p + "' given for " + key.name() + " does not exist");
            }
        }
    }

    private static int runLocalCloud(JobConfig config, PrintStream out, PrintStream err, Verbosity verbosity) {
        try {
            return new LocalCloud(LocalCloud.home(), out).run(config);
        } catch (ConfigException e) {
            throw e;
        } catch (InputUnavailableException | IOException e) {
            err.println("bedrock-cost-stream: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            return failed("the local-cloud run failed", e, err, verbosity);
        }
    }

    static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * Runs the job, prints the summary and writes the dashboard of this run into {@code reportDir}:
     * one run at a time per output root ({@link LakeLock}).
     */
    static int runJob(JobConfig config, PrintStream out, PrintStream err, Path reportDir) {
        return runJob(config, out, err, reportDir, Verbosity.NORMAL);
    }

    static int runJob(JobConfig config, PrintStream out, PrintStream err, Path reportDir, Verbosity verbosity) {
        return runJob(config, out, err, reportDir, verbosity, false);
    }

    /**
     * {@code force}: run even while a streaming job's live marker says it writes this lake
     * ({@link LiveWriters}); without it such a run is refused, naming the job and its days.
     */
    static int runJob(JobConfig config, PrintStream out, PrintStream err, Path reportDir, Verbosity verbosity, boolean force) {
        String root = config.get(JobConfig.OUTPUT_PATH);
        if (!root.contains("://")) {
            root = Paths.get(root).toAbsolutePath().normalize().toString();
            config = config.with(JobConfig.OUTPUT_PATH, root);
        }
        LocalEnvironments.initFileSystems(config);
        LakeLock lock;
        try {
            lock = LakeLock.acquire(root, config);
            if (lock.staleHolder != null) {
                out.println("bedrock-cost-stream: the previous run into this lake (" + lock.staleHolder
                        + ") ended without finishing; its committed invocations are kept and not written again");
            }
            List<org.apache.flink.core.fs.Path> unmerged = new ArrayList<>();
            LakeLeftovers.remove(root, unmerged);
            String line = LakeLeftovers.unmergedLine(root, unmerged);
            // A restored run merges the files its checkpoint holds.
            if (line != null && !config.isSet(JobConfig.RESTORE_PATH)) {
                out.println(line);
            }
        } catch (LakeLock.HeldException e) {
            err.println("bedrock-cost-stream: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("bedrock-cost-stream: cannot lock the lake at " + root + ": " + e.getMessage());
            return 1;
        }
        try {
            if (!force) {
                List<LiveWriters.Marker> live = LiveWriters.fresh(root, Instant.now());
                if (!live.isEmpty()) {
                    err.println("bedrock-cost-stream: a streaming job is writing to " + root + " now ("
                            + live.stream().map(String::valueOf).collect(Collectors.joining("; "))
                            + "): an invocation that it and this run both process within minutes of each other could be written twice"
                            + " (docs/guarantees.md, Writers at the same time). For days it is not writing add --force,"
                            + " or write to another --output.");
                    return 1;
                }
            }
            return runLocked(config, root, out, err, reportDir, verbosity);
        } catch (IOException e) {
            err.println("bedrock-cost-stream: cannot read the live markers of " + root + ": " + e.getMessage());
            return 1;
        } finally {
            try {
                lock.close();
            } catch (IOException e) {
                err.println("bedrock-cost-stream: cannot release the lock " + lock + ": " + e.getMessage());
            }
        }
    }

    private static int runLocked(JobConfig config, String root, PrintStream out, PrintStream err, Path reportDir,
                                 Verbosity verbosity) {
        String what = config.input() == InputKind.GENERATOR
                ? String.format("%,d generated invocation logs", config.get(JobConfig.GENERATOR_COUNT))
                : config.input().readsFiles() ? "logs from " + config.get(JobConfig.INPUT_PATH)
                : "Kinesis stream " + config.get(JobConfig.KINESIS_STREAM_ARN) + " (runs until stopped with Ctrl-C)";
        out.println("bedrock-cost-stream: pricing " + what + " on a local Flink MiniCluster; lake at " + root);
        long start = System.nanoTime();
        Instant started = Instant.now();
        Progress progress = verbosity == Verbosity.QUIET ? null
                : Progress.of(out, config.input().bounded(), config.input().readsFiles() ? config.get(JobConfig.INPUT_PATH) : null);
        InputAccounting input;
        Set<String> alertsBefore = null;
        JobExecutionResult result;
        RunReport runReport = new RunReport(progress == null ? LocalRunner.Listener.NONE : progress, config, root, reportDir, started);
        try {
            if (config.isSet(JobConfig.BUDGETS_PATH)) {
                alertsBefore = AlertLake.committedIds(root);
            }
            // The summary and the dashboard after the job read the lake with DuckDB: load it while the job runs.
            LakeViews.preload();
            result = LocalRunner.run(config, runReport);
            input = InputAccounting.of(result);
        } catch (RunStoppedException e) {
            if (progress != null) {
                progress.close();
            }
            return stopped(e, root, started, out, err);
        } catch (Exception e) {
            if (progress != null) {
                progress.close();
            }
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof ConfigException) {
                throw (ConfigException) cause;
            }
            if (cause instanceof InputUnavailableException) {
                // A stream that is not there or does not answer: one line says which and where.
                err.println("bedrock-cost-stream: " + cause.getMessage());
                return 1;
            }
            return failed("the job failed", e, err, verbosity);
        } finally {
            if (progress != null) {
                progress.close();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf("Job finished in %.1f s%n", seconds);
        input.print(out);
        if (input.readNothing()) {
            err.println("bedrock-cost-stream: " + input.nothingReadMessage());
            return 1;
        }
        runReport.runFinished(result);
        try {
            // This run's rows, as the dashboard below: a lake can hold earlier runs too.
            LakeSummary summary;
            try (Progress step = step(out, verbosity, "Reading this run's rows back from the lake")) {
                summary = runReport.summary();
            }
            summary.print(out, root, 10);
            printCorrections(result, out);
            if (runReport.options().note != null) {
                out.printf("%s%n", runReport.options().note);
            }
            if (alertsBefore != null) {
                int all = AlertLake.committedIds(root).size();
                out.printf("Budget alerts: %,d new in this run, %,d in %s/alerts in all (docs/budgets.md)%n",
                        all - alertsBefore.size(), all, root);
            }
        } catch (java.io.IOException e) {
            return failed("cannot read the lake back", e, err, verbosity);
        }
        return writeReport(runReport.options(), runReport::dashboard, out, err, verbosity);
    }

    /** Lines for late data and late prices, when the run had any: what reached the lake as corrections, what did not. */
    private static void printCorrections(JobExecutionResult result, PrintStream out) {
        Long late = result.getAccumulatorResult(HourlyCombiner.LATE_ACCUMULATOR);
        if (late != null && late > 0) {
            out.printf("%,d invocations arrived after their hour of tenant_hourly was written: added as LATE rows%n", late);
        }
        Long adjusted = result.getAccumulatorResult(LatePrices.ADJUSTED);
        if (adjusted != null && adjusted > 0) {
            out.printf("%,d invocations written UNPRICED were priced by a later price table: PRICED_LATE rows in adjustments%n", adjusted);
        }
        Long notRemembered = result.getAccumulatorResult(LatePrices.NOT_REMEMBERED);
        if (notRemembered != null && notRemembered > 0) {
            out.printf("%,d UNPRICED invocations were not remembered for a late price (pricing.late.max.records reached):"
                    + " run restate when their price is in the table%n", notRemembered);
        }
    }

    /** After Ctrl-C: one line with what this run committed and how to go on; exit code 130 (as for SIGINT). */
    private static int stopped(RunStoppedException e, String root, Instant started, PrintStream out, PrintStream err) {
        try {
            LakeLeftovers.remove(root);
            LakeSummary s = LakeSummary.read(root, started);
            err.printf("bedrock-cost-stream: %s; %,d invocations (%,d failed inputs) of this run are committed to %s."
                    + " Run the same command again to complete it: invocations already in the lake are not written again.%n",
                    e.getMessage(), s.invocations, s.failedRows, root);
            if (e.result != null) {
                printCorrections(e.result, err);
            }
        } catch (IOException io) {
            err.println("bedrock-cost-stream: " + e.getMessage() + "; cannot read the lake back (" + io.getMessage()
                    + "). Run the same command again to complete the run.");
        }
        return 130;
    }

    private static int report(ReportOptions options, JobConfig config, PrintStream out, PrintStream err, Verbosity verbosity) {
        reportLake(options, config);
        return writeReport(options, () -> Report.render(options, config), out, err, verbosity);
    }

    /** The lake a report reads: the configuration's unless given; a local one as an absolute path, a remote one through the job's file systems. */
    static void reportLake(ReportOptions options, JobConfig config) {
        if (options.lake == null) {
            options.lake = config.get(JobConfig.OUTPUT_PATH);
        }
        if (!options.lake.contains("://")) {
            options.lake = Paths.get(options.lake).toAbsolutePath().normalize().toString();
        } else {
            // An s3:// lake is copied through the job's own file system (Flink's S3 plugin, the --s3.* keys) for DuckDB.
            LocalEnvironments.initFileSystems(LocalEnvironments.flinkConfiguration(config));
        }
    }

    /** A report rendered in memory (read now, or while the run went on). */
    private interface Rendering {
        Report.Rendered get() throws IOException;
    }

    /** Writes the report {@code rendering} gives into its folder and says where it is. */
    private static int writeReport(ReportOptions options, Rendering rendering, PrintStream out, PrintStream err, Verbosity verbosity) {
        long start = System.nanoTime();
        try {
            Path html;
            try (Progress step = step(out, verbosity, "Writing the dashboard (" + options.describe() + ")")) {
                html = rendering.get().write();
            }
            out.printf("%nDashboard (%s) written in %.1f s: %s%n", options.describe(), (System.nanoTime() - start) / 1e9, html);
            out.println("CSV files of the same tables are next to it. Open it in any browser; it needs no network.");
            return 0;
        } catch (Exception e) {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof ConfigException) {
                throw (ConfigException) cause;
            }
            if (cause instanceof EmptySliceException) {
                err.println("bedrock-cost-stream: " + cause.getMessage());
                return 1;
            }
            return failed("the report failed", e, err, verbosity);
        }
    }

    private static void printKeys(PrintStream out) {
        out.printf("%nConfiguration keys (--<key> <value>, or in --config file.json). Durations take a unit: 500ms, 30s, 5m, 2h, 7d, or 0.%n");
        String group = "";
        for (ConfigKey<?> k : JobConfig.keys()) {
            if (!k.group().equals(group)) {
                group = k.group();
                out.printf("%n[%s]%n", group);
            }
            out.printf("  %-34s default: %-22s %s%n", k.name(), k.defaultValue().isEmpty() ? "(none)" : k.defaultValue(), k.description());
        }
    }
}
