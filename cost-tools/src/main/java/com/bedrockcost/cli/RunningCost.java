package com.bedrockcost.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What running the product costs on AWS per day, from the invocation volume: MSF KPUs, Kinesis,
 * S3 requests and storage, Athena scans of a month, Glue, CloudWatch; next to the seed's Glue ETL job
 * every 3 hours. Every quantity comes from a measurement or a stated assumption, every price from a
 * cited page or the command line (a price we could not source has no default: its lines are not
 * priced until you give it). Prints Markdown; {@code docs/running-cost.md} holds its output (a test
 * keeps them equal). No dependencies: {@code bin/running-cost} runs this file as a source program.
 */
public final class RunningCost {
    /** One input of the model: its value (null = not given), its unit and where it comes from. */
    static final class Input {
        final String flag;
        Double value;
        final String what;
        final String source;

        Input(String flag, Double value, String what, String source) {
            this.flag = flag;
            this.value = value;
            this.what = what;
            this.source = source;
        }
    }

    final Map<String, Input> inputs = new LinkedHashMap<>();

    RunningCost() {
        // Measured (see docs/running-cost.md, Measurements).
        in("records-per-core-second", 18_291, "records/s one core of the job takes (bounded run, p=1, 500 tenants)",
                "measured: docs/performance.md, Results, 2026-11-29 (lowest of four runs)");
        in("stream-bytes-per-invocation", 776, "bytes an invocation log takes in the stream (gzip, as CloudWatch Logs sends it)",
                "measured: docs/performance.md, 1,000,000 records = 776 MB gzip");
        in("lake-bytes-per-invocation", 58, "bytes an invocation takes in invocations/ (Parquet, ZSTD)",
                "measured: docs/performance.md, Parquet layout, 2026-12-07 (2M generated invocations, 5,000 tenants)");
        in("index-bytes-per-invocation", 12, "bytes of its request-id index (_request_ids/)", "docs/guarantees.md");
        in("scan-bytes-per-invocation", 6.0, "bytes Athena reads per invocation for cost per tenant per day (tenant_id, total_cost)",
                "measured: docs/performance.md, Parquet layout, 2026-12-07, column chunk sizes");
        // Assumptions (labelled as such in the output).
        in("peak-factor", 3, "peak rate / average rate", "assumption");
        in("utilisation", 0.5, "share of a KPU the job may use at peak (headroom for catch-up after a restart)", "assumption");
        in("checkpoint-seconds", 60, "checkpoint interval", "MSF default");
        in("compaction-checkpoints", 5, "output.compaction.checkpoints (0 = off)", "terraform default");
        in("tables-per-checkpoint", 2, "tables written on every checkpoint (invocations, tenant_hourly; failed only on bad input)", "job design");
        in("put-requests-per-file", 3, "S3 PUT-class requests per file (multipart upload: create, part, complete)", "assumption: Flink's S3 recoverable writer");
        in("get-requests-per-file", 2, "S3 GETs to read a file (footer, then its columns)", "assumption");
        in("athena-queries-per-day", 10, "month-long dashboard queries per day", "assumption");
        in("alarms", 8, "CloudWatch alarms the module creates", "terraform/monitoring.tf");
        in("glue-dpus", 2, "DPUs of the seed's Glue job", "assumption: the smallest Spark job");
        in("glue-vcpus-per-dpu", 4, "vCPUs of one DPU", "assumption");
        // Prices, USD, us-east-1 unless stated.
        in("price-kpu-hour", 0.11, "MSF, per KPU-hour (one extra KPU per application for orchestration)",
                "https://raw.githubusercontent.com/aws/agent-toolkit-for-aws/main/skills/specialized-skills/analytics-skills/developing-applications-on-managed-service-for-apache-flink/references/pricing-calculator.md");
        in("price-kinesis-ppu-million", 0.014, "Kinesis provisioned, per million PUT payload units (25 KB)",
                "https://github.com/EveryMundo/aws-kinesis-client/blob/master/docs/why-we-created-this-package.md (US West (Oregon))");
        in("price-kinesis-shard-hour", 0.015, "Kinesis provisioned, per shard-hour",
                "https://c3x.dev/resources/aws/aws_kinesis_stream (third-party cost estimator, us-east-1)");
        in("price-kinesis-ondemand-stream-hour", null, "Kinesis on-demand, per stream-hour", "not sourced: give it");
        in("price-kinesis-ondemand-gb-in", null, "Kinesis on-demand, per GB written", "not sourced: give it");
        in("price-kinesis-ondemand-gb-out", null, "Kinesis on-demand, per GB read", "not sourced: give it");
        in("price-s3-gb-month", 0.023, "S3 Standard, per GB-month (first 50 TB)",
                "https://deepeshsoni.com/archives/256 (approximate, us-east-1)");
        in("price-s3-put-1000", 0.005, "S3, per 1,000 PUT/COPY/POST/LIST requests",
                "https://c3x.dev/blog/s3-request-fees-explained (S3 Standard, third-party)");
        in("price-s3-get-1000", 0.0004, "S3, per 1,000 GET requests",
                "https://c3x.dev/blog/s3-request-fees-explained (S3 Standard, third-party)");
        in("price-athena-tb", 5.0, "Athena, per TB scanned (10 MB minimum per query)",
                "https://github.com/ghdna/athena-express/blob/6bd9ac795cf54229945e3daebc4ed69ca09b51f4/lib/athenaExpress.js; https://github.com/KensioSoftware/rainlytics/issues/21");
        in("price-glue-dpu-hour", 0.44, "Glue ETL, per DPU-hour", "https://huggingface.co/datasets/labofsahil/aws-pricing-dataset/blob/main/AWSGlue.csv");
        in("price-alarm-month", 0.10, "CloudWatch, per standard alarm-month",
                "https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm (standard resolution, third-party)");
    }

    private void in(String flag, Number value, String what, String source) {
        inputs.put(flag, new Input(flag, value == null ? null : value.doubleValue(), what, source));
    }

    double v(String flag) {
        Double d = inputs.get(flag).value;
        if (d == null) {
            throw new IllegalStateException("no value for --" + flag);
        }
        return d;
    }

    Double price(String flag) {
        return inputs.get(flag).value;
    }

    /** One line of the estimate: a quantity per day and, if its price is known, its cost. */
    static final class Line {
        final String service;
        final String what;
        final double perDay;
        final String unit;
        final String priceFlag;
        final Double price;
        final double per;

        Line(String service, String what, double perDay, String unit, String priceFlag, Double price, double per) {
            this.service = service;
            this.what = what;
            this.perDay = perDay;
            this.unit = unit;
            this.priceFlag = priceFlag;
            this.price = price;
            this.per = per;
        }

        Double usdPerDay() {
            return price == null ? null : perDay / per * price;
        }
    }

    /** The lines of the estimate for {@code n} invocations a day. */
    List<Line> lines(double n) {
        List<Line> out = new ArrayList<>();
        double avg = n / 86_400;
        double peak = avg * v("peak-factor");
        double kpus = Math.max(1, Math.ceil(peak / (v("records-per-core-second") * v("utilisation"))));
        out.add(new Line("MSF", String.format(Locale.ROOT, "%.0f KPU for the job + 1 for orchestration, all day", kpus),
                (kpus + 1) * 24, "KPU-hours", "price-kpu-hour", price("price-kpu-hour"), 1));

        double gbStream = n * v("stream-bytes-per-invocation") / 1e9;
        double peakMbPerS = peak * v("stream-bytes-per-invocation") / 1e6;
        double shards = Math.max(1, Math.max(Math.ceil(peakMbPerS), Math.ceil(peak / 1000)));
        out.add(new Line("Kinesis provisioned", String.format(Locale.ROOT, "%.0f shards (peak %.2f MB/s, %.0f records/s)", shards, peakMbPerS, peak),
                shards * 24, "shard-hours", "price-kinesis-shard-hour", price("price-kinesis-shard-hour"), 1));
        out.add(new Line("Kinesis provisioned", "PUT payload units (at most one record per invocation)", n, "PPUs",
                "price-kinesis-ppu-million", price("price-kinesis-ppu-million"), 1e6));
        out.add(new Line("Kinesis on-demand (instead)", "the stream, all day", 24, "stream-hours",
                "price-kinesis-ondemand-stream-hour", price("price-kinesis-ondemand-stream-hour"), 1));
        out.add(new Line("Kinesis on-demand (instead)", "data written", gbStream, "GB", "price-kinesis-ondemand-gb-in", price("price-kinesis-ondemand-gb-in"), 1));
        out.add(new Line("Kinesis on-demand (instead)", "data read by the job", gbStream, "GB", "price-kinesis-ondemand-gb-out", price("price-kinesis-ondemand-gb-out"), 1));

        double checkpoints = 86_400 / v("checkpoint-seconds");
        double small = checkpoints * kpus * v("tables-per-checkpoint");
        double k = v("compaction-checkpoints");
        double lakeGb = n * (v("lake-bytes-per-invocation") + v("index-bytes-per-invocation")) / 1e9;
        double visible = k > 0 ? Math.max(checkpoints / k * v("tables-per-checkpoint"), lakeGb * 1e9 / (128 * 1024 * 1024)) : small;
        double puts = small * v("put-requests-per-file") + (k > 0 ? visible * v("put-requests-per-file") : 0) + visible / v("tables-per-checkpoint");
        out.add(new Line("S3", String.format(Locale.ROOT, "PUT requests: %.0f files written, %.0f of them visible, + their request-id indexes", k > 0 ? small + visible : small, visible),
                puts, "requests", "price-s3-put-1000", price("price-s3-put-1000"), 1000));
        out.add(new Line("S3", "GET requests of compactions (each small file read once)", k > 0 ? small * v("get-requests-per-file") : 0, "requests",
                "price-s3-get-1000", price("price-s3-get-1000"), 1000));
        out.add(new Line("S3", "storage added per day, kept a month (invocations + request-id indexes)", lakeGb, "GB-months",
                "price-s3-gb-month", price("price-s3-gb-month"), 1));

        double scanTb = Math.max(10e6, 30 * n * v("scan-bytes-per-invocation")) / 1e12;
        out.add(new Line("Athena", String.format(Locale.ROOT, "%.0f queries of cost per tenant per day over a month", v("athena-queries-per-day")),
                scanTb * v("athena-queries-per-day"), "TB scanned", "price-athena-tb", price("price-athena-tb"), 1));
        double monthFiles = 30 * visible / v("tables-per-checkpoint");
        out.add(new Line("Athena", String.format(Locale.ROOT, "S3 GETs of those queries (%.0f invocations files a month)", monthFiles),
                monthFiles * v("get-requests-per-file") * v("athena-queries-per-day"), "requests", "price-s3-get-1000", price("price-s3-get-1000"), 1000));
        out.add(new Line("Glue Data Catalog", "5 tables, partitions by projection (none stored), a few requests per query: inside the free first million", 0,
                "objects", "price-glue-dpu-hour", 0.0, 1));
        out.add(new Line("CloudWatch", String.format(Locale.ROOT, "%.0f alarms (logs and MSF's own metrics are not ours)", v("alarms")),
                v("alarms") / 30, "alarm-months", "price-alarm-month", price("price-alarm-month"), 1));
        return out;
    }

    /** The seed's approach on the same volume: a Glue ETL job every 3 hours. */
    Line seed(double n) {
        double perRun = n / 8;
        double minutes = Math.max(1, perRun / (v("records-per-core-second") * v("glue-vcpus-per-dpu") * v("glue-dpus")) / 60);
        return new Line("Glue ETL (the seed)", String.format(Locale.ROOT, "8 runs × %.0f DPUs × %.1f min (1-minute minimum; at this job's per-core rate, no start-up counted)",
                v("glue-dpus"), minutes), 8 * v("glue-dpus") * minutes / 60, "DPU-hours", "price-glue-dpu-hour", price("price-glue-dpu-hour"), 1);
    }

    /** The estimate for {@code n} invocations a day, as a Markdown table. */
    String table(double n) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Estimate for %,.0f invocations per day:%n%n", n));
        b.append("| service | what | per day | unit | USD per day | USD per 30 days |\n|---|---|---|---|---|---|\n");
        double priced = 0;
        List<String> missing = new ArrayList<>();
        for (Line l : lines(n)) {
            boolean instead = l.service.endsWith("(instead)");
            row(b, l);
            if (l.usdPerDay() != null && !instead) {
                priced += l.usdPerDay();
            } else if (l.usdPerDay() == null && !missing.contains(l.priceFlag)) {
                missing.add(l.priceFlag);
            }
        }
        b.append(String.format(Locale.ROOT, "| **this product, priced lines** | Kinesis provisioned; without the lines marked – | | | **%s** | **%s** |%n", usd(priced), usd(priced * 30)));
        Line seed = seed(n);
        row(b, seed);
        if (!missing.isEmpty()) {
            b.append(String.format(Locale.ROOT, "%nNot priced (no sourced price; give `--%s`).%n", String.join("`, `--", missing)));
        }
        return b.toString();
    }

    private static void row(StringBuilder b, Line l) {
        Double usd = l.usdPerDay();
        b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", l.service, l.what, number(l.perDay), l.unit,
                usd == null ? "–" : usd(usd), usd == null ? "–" : usd(usd * 30)));
    }

    private static String number(double d) {
        if (d == Math.rint(d)) {
            return String.format(Locale.ROOT, "%,.0f", d);
        }
        return String.format(Locale.ROOT, d < 10 ? "%,.3f" : "%,.1f", d);
    }

    private static String usd(double d) {
        return String.format(Locale.ROOT, d < 1 ? "%.4f" : "%,.2f", d);
    }

    /** The inputs, where each comes from. */
    String inputsTable() {
        StringBuilder b = new StringBuilder("| input | value | what | source |\n|---|---|---|---|\n");
        for (Input i : inputs.values()) {
            b.append(String.format(Locale.ROOT, "| `--%s` | %s | %s | %s |%n", i.flag, i.value == null ? "–" : number(i.value), i.what, i.source));
        }
        return b.toString();
    }

    /** Reads {@code --invocations-per-day N} and any {@code --<input> value}; returns the volume. */
    double parse(String[] args) {
        Double n = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --<name> <number>, got " + a);
            }
            String name = a.substring(2);
            double value;
            try {
                value = Double.parseDouble(args[++i].replace(",", "").replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " needs a number, got " + args[i]);
            }
            if (name.equals("invocations-per-day")) {
                n = value;
            } else if (inputs.containsKey(name)) {
                inputs.get(name).value = value;
            } else {
                throw new IllegalArgumentException("unknown option --" + name + "; the inputs are --invocations-per-day and --"
                        + String.join(", --", inputs.keySet()));
            }
        }
        if (n == null || n <= 0) {
            throw new IllegalArgumentException("give --invocations-per-day N (N > 0)");
        }
        return n;
    }

    public static void main(String[] args) {
        RunningCost model = new RunningCost();
        if (args.length == 1 && args[0].equals("--inputs")) {
            System.out.print(model.inputsTable());
            return;
        }
        try {
            double n = model.parse(args);
            System.out.print(model.table(n));
        } catch (IllegalArgumentException e) {
            System.err.println("running-cost: " + e.getMessage());
            System.exit(2);
        }
    }
}
