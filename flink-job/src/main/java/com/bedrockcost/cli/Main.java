package com.bedrockcost.cli;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.budget.AlertLake;
import com.bedrockcost.config.ConfigException;
import com.bedrockcost.config.ConfigKey;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.InputUnavailableException;
import com.bedrockcost.localcloud.LocalCloud;
import com.bedrockcost.parse.InputAccounting;
import com.bedrockcost.report.LakeSummary;
import com.bedrockcost.report.Report;
import com.bedrockcost.report.ReportData;
import com.bedrockcost.report.ReportOptions;

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
            "  --config <file.json>           property groups as on MSF ([{PropertyGroupId, PropertyMap}])",
            "  --<key> <value>                any configuration key, e.g. --generator.count 1000000",
            "  --help                         this text; `--help keys` lists every configuration key",
            "",
            "Options of report:",
            "  --lake <folder|s3 uri>         root of the lake (default: --output, ./lake)",
            "  --out <folder>                 where index.html and the CSV files go (default: ./report)",
            "  --from, --to <YYYY[-MM[-DD]]>  UTC days of event time, inclusive (a year or month means all its days)",
            "  --tenant <id>                  one tenant; \"" + ReportData.NO_TENANT + "\" = invocations without one",
            "  --model <id>                   one canonical model id",
            "  --top <n>                      tenants, companies, departments shown before \"others\" (default: 10)",
            "  --ingested-since <instant>     only rows the job wrote at or after this ISO-8601 instant",
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
            PricesCommand.USAGE);

    private static final Map<String, String> ALIASES = Map.of(
            "input", "input.path", "output", "output.path", "pricing", "pricing.path", "budgets", "budgets.path");

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command; returns the process exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.print(USAGE);
            if (args.length > 1 && args[1].equals("keys")) {
                printKeys(out);
            }
            return 0;
        }
        String command = args[0];
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            if (rest.contains("--help") || rest.contains("-h")) {
                out.print(USAGE);
                return 0;
            }
            if (command.equals("run")) {
                if (rest.contains("--local-cloud")) {
                    List<String> options = new ArrayList<>(rest);
                    options.remove("--local-cloud");
                    return runLocalCloud(config(options), out, err);
                }
                return runJob(config(rest), out, err, Paths.get(ReportOptions.DEFAULT_OUT));
            }
            if (command.equals("report")) {
                ReportOptions.Parsed parsed = ReportOptions.parse(rest);
                return report(parsed.options, config(parsed.rest), out);
            }
            if (command.equals("replay")) {
                return Replay.run(rest, out, err);
            }
            if (command.equals("prices")) {
                return PricesCommand.run(rest, out, err);
            }
            throw new ConfigException("Unknown command '" + command + "'");
        } catch (ConfigException e) {
            err.println("bedrock-cost-stream: " + e.getMessage());
            err.println();
            err.print(USAGE);
            return 2;
        }
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

    private static int runLocalCloud(JobConfig config, PrintStream out, PrintStream err) {
        try {
            return new LocalCloud(LocalCloud.home(), out).run(config);
        } catch (ConfigException e) {
            throw e;
        } catch (InputUnavailableException | IOException e) {
            err.println("bedrock-cost-stream: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("bedrock-cost-stream: the local-cloud run failed: " + rootCause(e));
            e.printStackTrace();
            return 1;
        }
    }

    static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Runs the job, prints the summary and writes the dashboard of this run into {@code reportDir}. */
    static int runJob(JobConfig config, PrintStream out, PrintStream err, Path reportDir) {
        String root = config.get(JobConfig.OUTPUT_PATH);
        if (!root.contains("://")) {
            root = Paths.get(root).toAbsolutePath().normalize().toString();
            config = config.with(JobConfig.OUTPUT_PATH, root);
        }
        String what = config.inputSource().equals("generator")
                ? String.format("%,d generated invocation logs", config.get(JobConfig.GENERATOR_COUNT))
                : config.inputSource().equals("files") ? "logs from " + config.get(JobConfig.INPUT_PATH)
                : "Kinesis stream " + config.get(JobConfig.KINESIS_STREAM_ARN) + " (runs until stopped with Ctrl-C)";
        out.println("bedrock-cost-stream: pricing " + what + " on a local Flink MiniCluster; lake at " + root);
        long start = System.nanoTime();
        Instant started = Instant.now();
        InputAccounting input;
        Set<String> alertsBefore = null;
        try {
            if (config.isSet(JobConfig.BUDGETS_PATH)) {
                LocalRunner.initFileSystems(config);
                alertsBefore = AlertLake.committedIds(root);
            }
            input = InputAccounting.of(LocalRunner.run(config));
        } catch (Exception e) {
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
            out.println("bedrock-cost-stream: the job failed: " + cause);
            e.printStackTrace();
            return 1;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf("Job finished in %.1f s%n", seconds);
        input.print(out);
        if (input.readNothing()) {
            err.println("bedrock-cost-stream: " + input.nothingReadMessage());
            return 1;
        }
        try {
            // This run's rows, as the dashboard below: a lake can hold earlier runs too.
            LakeSummary.read(root, started).print(out, root, 10);
            if (alertsBefore != null) {
                int all = AlertLake.committedIds(root).size();
                out.printf("Budget alerts: %,d new in this run, %,d in %s/alerts in all (docs/budgets.md)%n",
                        all - alertsBefore.size(), all, root);
            }
        } catch (java.io.IOException e) {
            out.println("bedrock-cost-stream: cannot read the lake back: " + e.getMessage());
            return 1;
        }
        // The dashboard of this run: the rows the job wrote since it started, whatever else the lake holds.
        ReportOptions report = new ReportOptions();
        report.lake = root;
        report.out = reportDir;
        report.ingestedSince = started;
        return report(report, config, out);
    }

    private static int report(ReportOptions options, JobConfig config, PrintStream out) {
        if (options.lake == null) {
            options.lake = config.get(JobConfig.OUTPUT_PATH);
        }
        if (!options.lake.contains("://")) {
            options.lake = Paths.get(options.lake).toAbsolutePath().normalize().toString();
        }
        long start = System.nanoTime();
        try {
            Path html = Report.write(options, config);
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
            out.println("bedrock-cost-stream: the report failed: " + cause);
            e.printStackTrace();
            return 1;
        }
    }

    private static void printKeys(PrintStream out) {
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
