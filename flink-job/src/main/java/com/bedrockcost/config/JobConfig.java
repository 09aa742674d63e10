package com.bedrockcost.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;

/**
 * Every configuration key of the job, with its property group, default and validation. Values come
 * from MSF runtime property groups, a local JSON file of the same groups, and {@code --key value}
 * arguments, in that order of precedence (later wins). Key names are unique across groups.
 */
public final class JobConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final List<ConfigKey<?>> KEYS = new ArrayList<>();

    private static <T> ConfigKey<T> key(String group, String name, String def, String description, ConfigKey.Parser<T> parser) {
        ConfigKey<T> k = new ConfigKey<>(group, name, def, description, parser);
        KEYS.add(k);
        return k;
    }

    // --- Input -----------------------------------------------------------------------------------
    public static final ConfigKey<String> INPUT_SOURCE = key("Input", "input.source", "auto",
            "Where invocation logs come from: generator, files, kinesis, or auto (kinesis when kinesis.stream.arn is set, files when input.path is set, else generator).",
            Parsers.oneOf("auto", "generator", "files", "kinesis"));
    public static final ConfigKey<String> INPUT_PATH = key("Input", "input.path", "",
            "File or folder (read recursively) of Bedrock invocation logs in any shape the job reads (S3 delivery, Firehose archives, CloudWatch Logs exports, Logs Insights downloads; plain or gzip, told by content); a local path or s3:// URI.",
            Parsers.location());
    public static final ConfigKey<Duration> INPUT_MONITOR_INTERVAL = key("Input", "input.monitor.interval", "0",
            "0 reads the input once and ends (bounded); a duration such as 30s keeps watching the folder for new files.",
            Parsers.duration());

    // --- Generator (embedded default input) -------------------------------------------------------
    public static final ConfigKey<Long> GENERATOR_COUNT = key("Generator", "generator.count", "100000",
            "How many invocation logs the built-in generator produces.", Parsers.longAtLeast(1));
    public static final ConfigKey<Long> GENERATOR_RATE = key("Generator", "generator.rate", "0",
            "Records per second the generator emits; 0 = as fast as the job takes them.", Parsers.longAtLeast(0));
    public static final ConfigKey<Long> GENERATOR_SEED = key("Generator", "generator.seed", "42",
            "Seed: the same seed and count give the same records; different seeds never share a request id.", Parsers.longAtLeast(Long.MIN_VALUE));
    public static final ConfigKey<Long> GENERATOR_TENANTS = key("Generator", "generator.tenants", "500",
            "Number of distinct tenants (Zipf-skewed: a few tenants make most calls).", Parsers.longAtLeast(1));
    public static final ConfigKey<Instant> GENERATOR_START = key("Generator", "generator.start", "2026-11-01T00:00:00Z",
            "Event time of the first generated invocation.", Parsers.instant());
    public static final ConfigKey<Duration> GENERATOR_SPAN = key("Generator", "generator.span", "3d",
            "Event times of the generated invocations spread evenly over this span from generator.start.", Parsers.duration());

    // --- Kinesis ----------------------------------------------------------------------------------
    public static final ConfigKey<String> KINESIS_STREAM_ARN = key("Kinesis", "kinesis.stream.arn", "",
            "ARN of the Kinesis data stream that the CloudWatch Logs subscription filter feeds.", Parsers.kinesisStreamArn());
    public static final ConfigKey<String> KINESIS_REGION = key("Kinesis", "kinesis.region", "",
            "AWS region of the stream; empty = the region in kinesis.stream.arn.", Parsers.awsRegion());
    public static final ConfigKey<String> KINESIS_ENDPOINT = key("Kinesis", "kinesis.endpoint", "",
            "Endpoint override, e.g. http://localhost:4567 for a local emulator or a VPC endpoint; empty = the regional AWS endpoint.",
            Parsers.httpUrl());
    public static final ConfigKey<String> KINESIS_INITIAL_POSITION = key("Kinesis", "kinesis.initial.position", "TRIM_HORIZON",
            "Where a new job starts reading: TRIM_HORIZON, LATEST or AT_TIMESTAMP (with kinesis.initial.timestamp).",
            Parsers.oneOf("TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"));
    public static final ConfigKey<Instant> KINESIS_INITIAL_TIMESTAMP = key("Kinesis", "kinesis.initial.timestamp", "",
            "ISO-8601 instant for kinesis.initial.position=AT_TIMESTAMP.", Parsers.instant());
    public static final ConfigKey<Duration> KINESIS_SHARD_DISCOVERY_INTERVAL = key("Kinesis", "kinesis.shard.discovery.interval", "10s",
            "How often the source looks for new shards (after a reshard).", Parsers.duration());
    public static final ConfigKey<String> KINESIS_ACCESS_KEY = key("Kinesis", "kinesis.access.key", "",
            "Static access key for a local emulator only; empty = the default AWS credentials chain.", Parsers.string());
    public static final ConfigKey<String> KINESIS_SECRET_KEY = key("Kinesis", "kinesis.secret.key", "",
            "Static secret key for a local emulator only.", Parsers.string());
    public static final ConfigKey<Duration> KINESIS_PREFLIGHT_TIMEOUT = key("Kinesis", "kinesis.preflight.timeout", "10s",
            "When the job is built, check within this time that the stream exists and answers (ListShards); the job fails at once, naming stream and endpoint, if not. 0 = no check.",
            Parsers.duration());

    // --- Output -----------------------------------------------------------------------------------
    public static final ConfigKey<String> OUTPUT_PATH = key("Output", "output.path", "lake",
            "Root of the lake: a local folder or s3://bucket/prefix. Tables go to invocations/, failed/ (and tenant_hourly/).",
            Parsers.location());
    public static final ConfigKey<String> OUTPUT_COMPRESSION = key("Output", "output.compression", "ZSTD",
            "Parquet compression: ZSTD, SNAPPY, GZIP or UNCOMPRESSED. ZSTD: about 40% fewer bytes stored and scanned than SNAPPY (what Athena bills), for 10-25% more CPU in the Parquet writer (docs/performance.md, Parquet layout).", Parsers.oneOf("SNAPPY", "ZSTD", "GZIP", "UNCOMPRESSED"));
    public static final ConfigKey<Boolean> OUTPUT_TENANT_HOURLY = key("Output", "output.tenant.hourly", "true",
            "Also write tenant_hourly (per UTC hour, tenant and model; a Flink SQL window in the job). false leaves the table and the SQL planner out.",
            Parsers.bool());
    public static final ConfigKey<Long> OUTPUT_COMPACTION_CHECKPOINTS = key("Output", "output.compaction.checkpoints", "0",
            "Fewer, bigger files: the files of each partition written over this many checkpoints are merged into one before they become visible (invocations, failed, and tenant_hourly of an unbounded job; a bounded local run writes its tenant_hourly once, after its input). Rows become queryable up to this many checkpoint intervals later. 0 = off: every checkpoint commits its files at once (one file per partition, checkpoint and parallel instance).",
            Parsers.longAtLeast(0));
    public static final ConfigKey<Long> OUTPUT_COMPACTION_SIZE_MB = key("Output", "output.compaction.size.mb", "128",
            "With output.compaction.checkpoints, a partition's files are merged as soon as they reach this many MB together, before that many checkpoints have passed.",
            Parsers.longAtLeast(1));

    // --- S3 file system (local runs against an S3 API server; MSF provides S3 itself) -------------
    public static final ConfigKey<String> S3_ENDPOINT = key("S3", "s3.endpoint", "",
            "Endpoint of an S3 API server for local runs, e.g. http://localhost:9090; empty = AWS S3.", Parsers.httpUrl());
    public static final ConfigKey<String> S3_ACCESS_KEY = key("S3", "s3.access.key", "",
            "Static access key for a local S3 server only.", Parsers.string());
    public static final ConfigKey<String> S3_SECRET_KEY = key("S3", "s3.secret.key", "",
            "Static secret key for a local S3 server only.", Parsers.string());
    public static final ConfigKey<Boolean> S3_PATH_STYLE_ACCESS = key("S3", "s3.path.style.access", "false",
            "Path-style S3 URLs (needed by most local S3 servers).", Parsers.bool());

    // --- Pricing ----------------------------------------------------------------------------------
    public static final ConfigKey<String> PRICING_PATH = key("Pricing", "pricing.path", "",
            "File or folder (local or s3://) of price CSVs; empty = the table built into the job (pricing/ of this repository).",
            Parsers.location());
    public static final ConfigKey<String> PRICING_UNITS_PATH = key("Pricing", "pricing.units.path", "",
            "A second folder (local or s3://) of price CSVs read together with pricing.path, e.g. the unit price files (guardrails, images, video, rerank) kept out of the folder the Glue pricing table reads; empty = none.",
            Parsers.location());
    public static final ConfigKey<Duration> PRICING_WATCH_INTERVAL = key("Pricing", "pricing.watch.interval", "30s",
            "How often the price folder is checked for new, changed or deleted files in a running (unbounded) job; 0 = read once. A job over a bounded input always reads once.",
            Parsers.duration());
    public static final ConfigKey<Duration> PRICING_WAIT_TIMEOUT = key("Pricing", "pricing.wait.timeout", "60s",
            "How long an invocation that arrives before the first price table waits before it is written UNPRICED.",
            Parsers.duration());
    public static final ConfigKey<Long> PRICING_WAIT_MAX_RECORDS = key("Pricing", "pricing.wait.max.records", "100000",
            "At most this many invocations per parallel instance wait for the first price table; further ones are written UNPRICED at once.",
            Parsers.longAtLeast(0));
    public static final ConfigKey<Duration> PRICING_LATE_WINDOW = key("Pricing", "pricing.late.window", "35d",
            "How long after it was read (processing time) an invocation written UNPRICED is remembered by a streaming job: a price row that covers it arriving within this window adds a PRICED_LATE adjustment (adjustments table, tenant_hourly ADJUSTMENT row). 0 = never remembered; older ones need restate.",
            Parsers.duration());
    public static final ConfigKey<Long> PRICING_LATE_MAX_RECORDS = key("Pricing", "pricing.late.max.records", "1000000",
            "At most this many UNPRICED invocations per parallel instance are remembered for a late price (about 200 bytes each in state); further ones are not, counted (metric unpricedNotRemembered, a line of the run summary): restate prices them.",
            Parsers.longAtLeast(0));
    public static final ConfigKey<Boolean> PRICING_AWS_OFFER_ENABLED = key("Pricing", "pricing.aws.offer.enabled", "false",
            "Also price from the AWS Price List, fetched from pricing.aws.offer.url every pricing.aws.offer.interval while the job runs; rows of your price CSVs win over it for the same model, region, scope and threshold, it wins over the built-in table. Needs outbound HTTPS (a NAT gateway when the application runs in a VPC). Ignored by runs over a bounded input.",
            Parsers.bool());
    public static final ConfigKey<String> PRICING_AWS_OFFER_URL = key("Pricing", "pricing.aws.offer.url", "https://pricing.us-east-1.amazonaws.com",
            "The AWS Price List bulk endpoint (the current offers of AmazonBedrock, AmazonBedrockFoundationModels and AmazonBedrockService are fetched from it), or the URL of one offer file.",
            Parsers.httpUrl());
    public static final ConfigKey<Duration> PRICING_AWS_OFFER_INTERVAL = key("Pricing", "pricing.aws.offer.interval", "1d",
            "How often the running job fetches the AWS Price List (pricing.aws.offer.enabled), at least 1m; a failed fetch keeps the prices in force and is retried at the next interval.",
            Parsers.duration());
    public static final ConfigKey<Duration> PRICING_AWS_OFFER_TIMEOUT = key("Pricing", "pricing.aws.offer.timeout", "10m",
            "The most time one download of an offer file may take; a slower or stalled download fails the fetch.",
            Parsers.duration());

    // --- Budgets and alerts -----------------------------------------------------------------------
    public static final ConfigKey<String> BUDGETS_PATH = key("Budgets", "budgets.path", "",
            "File or folder (local or s3://) of budget CSVs (tenant_id, period, amount_usd, thresholds, effective dates); empty = no budgets, no alerts.",
            Parsers.location());
    public static final ConfigKey<Duration> BUDGETS_WATCH_INTERVAL = key("Budgets", "budgets.watch.interval", "30s",
            "How often the budget folder is checked for changes in a running (unbounded) job. A job over a bounded input reads it once.",
            Parsers.duration());
    public static final ConfigKey<Duration> BUDGETS_RETENTION = key("Budgets", "budgets.retention", "2d",
            "How long after a period (UTC day or month) ends its spend is kept: later invocations of it still count (after that they are counted in the metric budgetInvocationsTooLate only).",
            Parsers.duration());
    public static final ConfigKey<Double> BUDGETS_BURN_FACTOR = key("Budgets", "budgets.burn.factor", "3",
            "A BURN_RATE alert when a tenant's spend in a UTC hour exceeds this many times its baseline (exponentially weighted hourly average); 0 = no burn-rate alerts.",
            Parsers.doubleBetween(0, 1_000_000));
    public static final ConfigKey<Double> BUDGETS_BURN_MIN_USD = key("Budgets", "budgets.burn.min.usd", "5",
            "A BURN_RATE alert also needs at least this many USD in the hour, so that a tenant spending cents pages no one.",
            Parsers.doubleBetween(0, 1e12));
    public static final ConfigKey<Long> BUDGETS_BURN_BASELINE_HOURS = key("Budgets", "budgets.burn.baseline.hours", "24",
            "Span of the burn-rate baseline (EWMA weight 2/(hours+1)); a tenant needs this many hours of history before it can alert.",
            Parsers.longAtLeast(1));
    public static final ConfigKey<String> BUDGETS_ALERTS_STREAM_ARN = key("Budgets", "budgets.alerts.stream.arn", "",
            "Kinesis data stream that also receives every alert as JSON (at least once; dedupe by alert_id); reached like kinesis.stream.arn (kinesis.endpoint, keys). Empty = alerts go to the lake only.",
            Parsers.kinesisStreamArn());

    // --- Tenant attribution -----------------------------------------------------------------------
    public static final ConfigKey<String> TENANT_KEY = key("Tenant", "tenant.key", "",
            "requestMetadata key that holds the tenant; empty = the first of tenantId, TenantID, tenant_id, tenant (case-insensitive).",
            Parsers.string());
    public static final ConfigKey<String> TENANT_MAPPING_PATH = key("Tenant", "tenant.mapping.path", "",
            "CSV (local path or s3://; header profile_arn,model_id,profile_scope,tenant) mapping application inference profile ARNs, or other ARNs that name no model, to a model id, a profile scope and optionally a tenant; checked when the job starts.",
            Parsers.location());
    public static final ConfigKey<String> TENANT_IDENTITY_PATTERN = key("Tenant", "tenant.identity.pattern", "",
            "Regular expression on the identity ARN whose first group is the tenant, for calls without metadata, e.g. assumed-role/[^/]+/tenant-(.+)",
            Parsers.regex());
    public static final ConfigKey<String> BATCH_JOBS_PATH = key("Tenant", "batch.jobs.path", "",
            "JSON (local path or s3://) of the Bedrock batch inference jobs whose output (<output uri>/<job id>/*.jsonl.out) is read and priced at batch rates: what aws bedrock list-model-invocation-jobs prints. Without it such output is skipped and counted.",
            Parsers.location());
    public static final ConfigKey<String> BATCH_TENANTS_PATH = key("Tenant", "batch.tenants.path", "",
            "CSV (header job,tenant) giving the tenant of batch jobs by job id, job name or s3:// input prefix (longest wins); needs batch.jobs.path.",
            Parsers.location());

    // --- Job --------------------------------------------------------------------------------------
    public static final ConfigKey<Long> PARALLELISM = key("Job", "job.parallelism", "0",
            "Parallelism of the job; 0 = the environment's default (MSF: from the application's parallelism settings).",
            Parsers.longAtLeast(0));
    public static final ConfigKey<Duration> CHECKPOINT_INTERVAL = key("Job", "checkpoint.interval", "10s",
            "Checkpoint interval for local runs (files are committed on checkpoints). On MSF the service's checkpoint configuration applies.",
            Parsers.duration());
    public static final ConfigKey<String> CHECKPOINT_DIR = key("Job", "checkpoint.dir", "",
            "Where local runs keep checkpoints (a folder or s3:// URI); empty = a folder under the system temp dir. MSF stores checkpoints itself.",
            Parsers.location());
    public static final ConfigKey<Duration> CHECKPOINT_MIN_PAUSE = key("Job", "checkpoint.min.pause", "",
            "Least time between the end of one checkpoint and the start of the next, for local runs; empty = half of checkpoint.interval, at most 5s (MSF's default pause).",
            Parsers.duration());
    public static final ConfigKey<String> RESTORE_PATH = key("Job", "restore.path", "",
            "Savepoint, or checkpoint kept by a cancelled or failed local run (<checkpoint.dir>/<job id>/chk-<n>), to start from; empty = a fresh start. Every state in it must still belong to an operator of the job. MSF restores from its own snapshots.",
            Parsers.location());
    public static final ConfigKey<String> STATE_BACKEND = key("Job", "state.backend", "hashmap",
            "State backend for local runs: hashmap (state on the heap) or rocksdb (on disk, incremental checkpoints; MSF always uses RocksDB).",
            Parsers.oneOf("hashmap", "rocksdb"));
    public static final ConfigKey<Duration> DEDUP_TTL = key("Job", "dedup.ttl", "48h",
            "How long (processing time) a request id is remembered after its last copy, to drop later copies; longer than CloudWatch's 24 h of delivery retries. 0 = forever (state grows without bound).",
            Parsers.duration());
    public static final ConfigKey<Boolean> DEDUP_LAKE = key("Job", "dedup.lake", "true",
            "Exactly once per lake: an invocation whose request id is already committed in invocations (in the partition of its own day) is not written again, whichever run or job wrote it; likewise a malformed input already in failed (same source, error type and content). Counted (metrics alreadyInLake, failedAlreadyInLake, lines of the run summary).",
            Parsers.bool());
    public static final ConfigKey<Long> DEDUP_LAKE_CACHE_MAX_IDS = key("Job", "dedup.lake.cache.max.ids", "20000000",
            "Most request ids of the lake each parallel instance holds (8 bytes each), least recently used partitions dropped first; a dropped partition is read again when needed. The partition in use is always held.",
            Parsers.longAtLeast(1));
    public static final ConfigKey<Duration> DEDUP_LAKE_REFRESH = key("Job", "dedup.lake.refresh", "5m",
            "A held partition's folder is listed again for newly committed files once it is this old (files committed by other jobs while this one runs).",
            Parsers.duration());
    public static final ConfigKey<Duration> WATERMARK_OUT_OF_ORDERNESS = key("Job", "watermark.out.of.orderness", "5m",
            "How far out of order invocation timestamps may arrive before event-time results (rollups) close. Invocations themselves are written whatever their lateness.",
            Parsers.duration());
    public static final ConfigKey<Duration> WATERMARK_IDLE_TIMEOUT = key("Job", "watermark.idle.timeout", "1m",
            "A source split (shard, file) silent this long no longer holds the watermark back.", Parsers.duration());

    private final Map<String, String> values;
    /** Decided once, when the values are validated. */
    private InputKind input;

    private JobConfig(Map<String, String> values) {
        this.values = values;
    }

    /** All keys, in declaration order. */
    public static List<ConfigKey<?>> keys() {
        return Collections.unmodifiableList(KEYS);
    }

    /** The names of all keys, in declaration order. */
    public static List<String> keyNames() {
        List<String> names = new ArrayList<>();
        for (ConfigKey<?> k : KEYS) {
            names.add(k.name());
        }
        return names;
    }

    public static JobConfig defaults() {
        return of(Collections.emptyMap());
    }

    /** From flat {@code key -> value} pairs. Unknown keys and bad values fail with a message naming the key. */
    public static JobConfig of(Map<String, String> settings) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            ConfigKey<?> k = find(e.getKey());
            if (k == null) {
                throw new ConfigException("Unknown configuration key '" + e.getKey() + "'" + DidYouMean.hint(e.getKey(), keyNames(), ""));
            }
            values.put(k.name(), e.getValue() == null ? "" : e.getValue());
        }
        JobConfig config = new JobConfig(values);
        config.validate();
        return config;
    }

    /** From property groups (MSF runtime properties or the local JSON file); a key in the wrong group is an error. */
    public static JobConfig fromGroups(Map<String, Properties> groups, Map<String, String> overrides) {
        Map<String, String> flat = new LinkedHashMap<>();
        for (Map.Entry<String, Properties> g : groups.entrySet()) {
            for (String name : g.getValue().stringPropertyNames()) {
                ConfigKey<?> k = find(name);
                if (k == null) {
                    throw new ConfigException("Unknown configuration key '" + name + "' in property group " + g.getKey()
                            + DidYouMean.hint(name, keyNames(), ""));
                }
                if (!k.group().equals(g.getKey())) {
                    throw new ConfigException("Configuration key '" + name + "' belongs in property group "
                            + k.group() + ", not " + g.getKey());
                }
                flat.put(name, g.getValue().getProperty(name));
            }
        }
        flat.putAll(overrides);
        return of(flat);
    }

    /** Reads a JSON array of {@code {"PropertyGroupId": ..., "PropertyMap": {...}}}, the MSF runtime properties format. */
    public static Map<String, Properties> readGroups(InputStream json, String what) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new ConfigException("Cannot read property groups from " + what + ": " + e.getMessage());
        }
        if (root == null || !root.isArray()) {
            throw new ConfigException("Property groups in " + what + " must be a JSON array of {\"PropertyGroupId\", \"PropertyMap\"}");
        }
        Map<String, Properties> groups = new LinkedHashMap<>();
        for (JsonNode g : root) {
            JsonNode id = g.get("PropertyGroupId");
            JsonNode map = g.get("PropertyMap");
            if (id == null || !id.isTextual() || map == null || !map.isObject()) {
                throw new ConfigException("Each entry in " + what + " needs a PropertyGroupId and a PropertyMap object");
            }
            Properties p = groups.computeIfAbsent(id.asText(), x -> new Properties());
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                p.setProperty(e.getKey(), e.getValue().asText());
            }
        }
        return groups;
    }

    public static Map<String, Properties> readGroups(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return readGroups(in, file.toString());
        }
    }

    private static ConfigKey<?> find(String name) {
        for (ConfigKey<?> k : KEYS) {
            if (k.name().equals(name)) {
                return k;
            }
        }
        return null;
    }

    private void validate() {
        for (ConfigKey<?> k : KEYS) {
            if (isSet(k)) {
                k.parse(raw(k));
            }
        }
        if (get(KINESIS_INITIAL_POSITION).equals("AT_TIMESTAMP") && !isSet(KINESIS_INITIAL_TIMESTAMP)) {
            throw new ConfigException("Configuration key 'kinesis.initial.timestamp' must be set when kinesis.initial.position is AT_TIMESTAMP");
        }
        input = InputKind.of(this);
        if (input.readsFiles() && !isSet(INPUT_PATH)) {
            throw new ConfigException("Configuration key 'input.path' must be set when input.source is files");
        }
        if (input == InputKind.KINESIS && !isSet(KINESIS_STREAM_ARN)) {
            throw new ConfigException("Configuration key 'kinesis.stream.arn' must be set when input.source is kinesis");
        }
        if (isSet(KINESIS_ACCESS_KEY) != isSet(KINESIS_SECRET_KEY)) {
            throw new ConfigException("Configuration keys 'kinesis.access.key' and 'kinesis.secret.key' must be set together");
        }
        if (isSet(S3_ACCESS_KEY) != isSet(S3_SECRET_KEY)) {
            throw new ConfigException("Configuration keys 's3.access.key' and 's3.secret.key' must be set together");
        }
    }

    /** The region of the Kinesis stream: {@code kinesis.region}, or the region in the stream ARN. */
    public String kinesisRegion() {
        if (isSet(KINESIS_REGION)) {
            return get(KINESIS_REGION);
        }
        return get(KINESIS_STREAM_ARN).split(":")[3];
    }

    /** The effective input, and whether it ends by itself. */
    public InputKind input() {
        return input;
    }

    /** {@code job.parallelism}; empty when it is 0: the environment's default (on MSF the application's parallelism). */
    public OptionalInt parallelism() {
        long p = get(PARALLELISM);
        return p > 0 ? OptionalInt.of(Math.toIntExact(p)) : OptionalInt.empty();
    }

    /** The value as given, or the default; empty means not set. */
    public String raw(ConfigKey<?> key) {
        String v = values.get(key.name());
        return v != null ? v : key.defaultValue();
    }

    public boolean isSet(ConfigKey<?> key) {
        return !raw(key).trim().isEmpty();
    }

    /** The parsed value; fails naming the key when it is not set and has no default. */
    public <T> T get(ConfigKey<T> key) {
        if (!isSet(key)) {
            throw new ConfigException("Configuration key '" + key.name() + "' (property group " + key.group() + ") is not set");
        }
        return key.parse(raw(key));
    }

    /** A copy with some values replaced. */
    public JobConfig with(Map<String, String> overrides) {
        Map<String, String> m = new LinkedHashMap<>(values);
        m.putAll(overrides);
        return of(m);
    }

    public JobConfig with(ConfigKey<?> key, String value) {
        return with(Collections.singletonMap(key.name(), value));
    }

    /** The explicitly set values. */
    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }
}
