package com.bedrockcost.cli;

import com.bedrockcost.LogRecords;
import com.bedrockcost.config.ConfigException;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.ingest.InputUnavailableException;
import com.bedrockcost.ingest.KinesisConnection;
import com.bedrockcost.ingest.KinesisInput;
import com.bedrockcost.ingest.KinesisReplay;
import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.localrun.LocalEnvironments;

import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.KinesisClient;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bin/bedrock-cost-stream replay}: invocation logs from files or the generator into a Kinesis stream, as CloudWatch Logs delivers them. */
final class Replay {
    static final Map<String, String> ALIASES = Map.of(
            "input", "input.path", "stream-arn", "kinesis.stream.arn", "endpoint", "kinesis.endpoint",
            "region", "kinesis.region", "access-key", "kinesis.access.key", "secret-key", "kinesis.secret.key");

    private Replay() {}

    static int run(List<String> args, PrintStream out, PrintStream err) {
        Map<String, String> own = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String name = a.startsWith("--") ? a.substring(2) : "";
            String value = null;
            int eq = name.indexOf('=');
            if (eq > 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (name.equals("batch") || name.equals("rate") || name.equals("control-every") || name.equals("owner")) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new ConfigException("Option '" + a + "' needs a value");
                    }
                    value = args.get(++i);
                }
                own.put(name, value);
            } else {
                rest.add(a);
            }
        }
        JobConfig config = Main.config(rest, ALIASES);
        if (!config.isSet(JobConfig.KINESIS_STREAM_ARN)) {
            throw new ConfigException("replay needs the stream: --stream-arn arn:aws:kinesis:<region>:<account>:stream/<name>");
        }
        KinesisReplay.Options options = new KinesisReplay.Options();
        options.batch = (int) number(own, "batch", 100, 1, 10_000);
        options.rate = number(own, "rate", 0, 0, Long.MAX_VALUE);
        options.controlEvery = number(own, "control-every", 100, 0, Long.MAX_VALUE);
        KinesisConnection stream = KinesisConnection.from(config);
        options.owner = own.getOrDefault("owner", stream.streamArn().split(":")[4]);
        if (!options.owner.matches("\\d{12}")) {
            throw new ConfigException("Invalid value '" + options.owner + "' for --owner: must be a 12-digit AWS account id");
        }

        String what;
        try (LogRecords records = records(config)) {
            what = config.isSet(JobConfig.INPUT_PATH) ? "logs from " + config.get(JobConfig.INPUT_PATH)
                    : String.format("%,d generated invocation logs", config.get(JobConfig.GENERATOR_COUNT));
            KinesisInput.preflight(stream, config.get(JobConfig.KINESIS_PREFLIGHT_TIMEOUT).isZero()
                    ? Duration.ofSeconds(10) : config.get(JobConfig.KINESIS_PREFLIGHT_TIMEOUT));
            out.printf("replay: %s into %s%s%n", what, stream,
                    options.rate > 0 ? String.format(" at %,d invocations/s", options.rate) : "");
            KinesisReplay.Stats s;
            try (KinesisClient client = stream.client(Duration.ofSeconds(60))) {
                s = new KinesisReplay(client, stream.streamArn(), options, err).replay(records);
            }
            out.printf("replay: %,d invocations in %,d Kinesis records (+%,d control messages, %,.1f MB gzip) in %.1f s, %,.0f invocations/s%n",
                    s.invocations, s.dataRecords, s.controlMessages, s.bytes / 1e6, s.seconds(),
                    s.invocations / Math.max(1e-9, s.seconds()));
            if (s.skippedInputs + s.damagedInputs + s.tooLarge > 0) {
                out.printf("replay: not replayed: %,d skipped inputs (permission checks, /data/ objects, other files),"
                        + " %,d damaged inputs, %,d records too large for one Kinesis record%n", s.skippedInputs, s.damagedInputs, s.tooLarge);
            }
            if (s.retried > 0) {
                out.printf("replay: %,d records were throttled and put again%n", s.retried);
            }
            return 0;
        } catch (InputUnavailableException e) {
            err.println("bedrock-cost-stream: " + e.getMessage());
            return 1;
        } catch (IOException | java.io.UncheckedIOException e) {
            err.println("bedrock-cost-stream: cannot read " + config.get(JobConfig.INPUT_PATH) + ": " + e.getMessage());
            return 1;
        }
    }

    private static LogRecords records(JobConfig config) throws IOException {
        if (config.isSet(JobConfig.INPUT_PATH)) {
            LocalEnvironments.initFileSystems(config);
            return LogRecords.files(config.get(JobConfig.INPUT_PATH));
        }
        return LogRecords.generator(new LogGenerator(config.get(JobConfig.GENERATOR_SEED), config.get(JobConfig.GENERATOR_COUNT),
                Math.toIntExact(config.get(JobConfig.GENERATOR_TENANTS)), config.get(JobConfig.GENERATOR_START),
                config.get(JobConfig.GENERATOR_SPAN)));
    }

    private static long number(Map<String, String> own, String name, long def, long min, long max) {
        String v = own.get(name);
        if (v == null) {
            return def;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) {
                throw new ConfigException("Invalid value '" + v + "' for --" + name + ": must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException("Invalid value '" + v + "' for --" + name + ": must be a whole number");
        }
    }
}
