package com.bedrockcost;

import com.bedrockcost.budget.AlertJson;
import com.bedrockcost.budget.AlertLake;
import com.bedrockcost.budget.BudgetBook;
import com.bedrockcost.budget.BudgetFileException;
import com.bedrockcost.budget.BudgetFunction;
import com.bedrockcost.budget.BudgetKey;
import com.bedrockcost.budget.BudgetReadings;
import com.bedrockcost.config.ConfigException;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.csvtable.TableReading;
import com.bedrockcost.model.Alert;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.StreamFactory;
import com.bedrockcost.pricing.PriceLocation;
import com.bedrockcost.pricing.PriceWatchSource;
import com.bedrockcost.sink.LakeSinks;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.kinesis.sink.KinesisStreamsSink;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The budget branch of the job (logic in {@code budget}): priced invocations → by budget key, with the budget table broadcast
 * ({@link BudgetFunction}) → {@code alerts} in the lake, and optionally → the alerts Kinesis stream.
 * The budget table is read like the price table ({@link PriceLocation}, {@link PriceWatchSource}):
 * a CSV file or folder, local or {@code s3://}, watched in a running job, validated, broadcast.
 */
public final class BudgetAlerts {
    private static final Logger LOG = LoggerFactory.getLogger(BudgetAlerts.class);

    private final StreamFactory<TableReading> budgets;
    private final BudgetFunction function;
    private final Sink<Alert> lakeSink;
    private final Sink<Alert> streamSink;

    public BudgetAlerts(StreamFactory<TableReading> budgets, BudgetFunction function, Sink<Alert> lakeSink, Sink<Alert> streamSink) {
        this.budgets = budgets;
        this.function = function;
        this.lakeSink = lakeSink;
        this.streamSink = streamSink;
    }

    /**
     * The configured branch; null without {@code budgets.path} (no operator, no cost). Reads the budget
     * files and the alert ids already in the lake now.
     */
    public static BudgetAlerts fromConfig(JobConfig config) {
        if (!config.isSet(JobConfig.BUDGETS_PATH)) {
            return null;
        }
        String root = config.get(JobConfig.OUTPUT_PATH);
        PriceLocation location = PriceLocation.of(config.get(JobConfig.BUDGETS_PATH), "budget");
        Duration interval = config.input().bounded() ? Duration.ZERO : config.get(JobConfig.BUDGETS_WATCH_INTERVAL);
        Set<String> committed = AlertLake.committedIds(root);
        if (!committed.isEmpty()) {
            LOG.info("{} alerts are already in {}/alerts; they are not sent again", committed.size(), root);
        }
        BudgetFunction function = new BudgetFunction(initialFiles(location, config.input().bounded()), committed,
                config.get(JobConfig.BUDGETS_RETENTION), config.get(JobConfig.BUDGETS_BURN_FACTOR),
                config.get(JobConfig.BUDGETS_BURN_MIN_USD), config.get(JobConfig.BUDGETS_BURN_BASELINE_HOURS));
        Sink<Alert> stream = config.isSet(JobConfig.BUDGETS_ALERTS_STREAM_ARN) ? kinesisSink(config) : null;
        return new BudgetAlerts(watch(location, interval), function,
                LakeSinks.alerts(root, config.get(JobConfig.OUTPUT_COMPRESSION)), stream);
    }

    /** Readings of the budget location every {@code interval}; a zero interval reads once and ends. */
    public static StreamFactory<TableReading> watch(PriceLocation location, Duration interval) {
        return env -> env.fromSource(new PriceWatchSource(location, interval), WatermarkStrategy.noWatermarks(),
                        "budget-files", TypeInformation.of(TableReading.class))
                .setParallelism(1).uid("source-budgets")
                .transform("budget-readings", TypeInformation.of(TableReading.class), new BudgetReadings())
                .setParallelism(1).uid("budget-readings");
    }

    /** Adds the branch after {@code priced}; returns the alerts. */
    public DataStream<Alert> attach(DataStream<Invocation> priced) {
        BroadcastStream<TableReading> table = budgets.create(priced.getExecutionEnvironment()).broadcast(BudgetFunction.BUDGET_FILES);
        SingleOutputStreamOperator<Alert> alerts = priced.keyBy(new BudgetKey()).connect(table)
                .process(function, TypeInformation.of(Alert.class)).uid("budgets").name("budgets");
        alerts.sinkTo(lakeSink).uid("sink-alerts").name("alerts");
        if (streamSink != null) {
            alerts.sinkTo(streamSink).uid("sink-alerts-stream").name("alerts stream");
        }
        return alerts;
    }

    /**
     * The budget files to start with, validated now. A bounded run refuses to start with budgets it
     * cannot read or a bad budget file (its alerts would be wrong); a running job starts, logs the
     * problem, and takes the budgets from the budget stream once they are fixed.
     */
    static Map<String, String> initialFiles(PriceLocation location, boolean strict) {
        Map<String, String> reading;
        try {
            reading = location.read();
        } catch (IOException e) {
            return refuse(strict, "Cannot read the budgets at " + location + ": " + e.getMessage());
        }
        if (reading.isEmpty()) {
            return refuse(strict, "No budget files (*.csv) at " + location);
        }
        BudgetBook.Outcome outcome = BudgetBook.empty().apply(reading);
        if (!outcome.rejected.isEmpty()) {
            StringBuilder b = new StringBuilder();
            for (BudgetFileException e : outcome.rejected) {
                b.append(b.length() == 0 ? "" : "\n").append(e.getMessage());
            }
            refuse(strict, b.toString());
        }
        LOG.info("Budgets at {}: {} rows from {}", location, outcome.book.table().size(), outcome.book.files().keySet());
        return outcome.book.files();
    }

    private static Map<String, String> refuse(boolean strict, String message) {
        if (strict) {
            throw new ConfigException(message);
        }
        LOG.error("{}; starting without those budgets (the budget stream brings them once fixed)", message);
        return null;
    }

    /** The alerts stream: JSON records, partitioned by tenant; reached like the input stream (endpoint, keys, region). */
    static Sink<Alert> kinesisSink(JobConfig config) {
        String arn = config.get(JobConfig.BUDGETS_ALERTS_STREAM_ARN);
        Properties p = new Properties();
        p.setProperty("aws.region", config.isSet(JobConfig.KINESIS_REGION) ? config.get(JobConfig.KINESIS_REGION) : arn.split(":")[3]);
        if (config.isSet(JobConfig.KINESIS_ENDPOINT)) {
            String endpoint = config.get(JobConfig.KINESIS_ENDPOINT);
            p.setProperty("aws.endpoint", endpoint);
            if (endpoint.startsWith("http:")) {
                // A local emulator over plain HTTP: HTTP/2 needs TLS, and the SDK's CBOR is not understood (kinesalite).
                p.setProperty("aws.http.protocol.version", "HTTP1_1");
                if (System.getProperty("aws.cborEnabled") == null) {
                    System.setProperty("aws.cborEnabled", "false");
                }
            }
        }
        if (config.isSet(JobConfig.KINESIS_ACCESS_KEY)) {
            p.setProperty("aws.credentials.provider", "BASIC");
            p.setProperty("aws.credentials.provider.basic.accesskeyid", config.get(JobConfig.KINESIS_ACCESS_KEY));
            p.setProperty("aws.credentials.provider.basic.secretkey", config.get(JobConfig.KINESIS_SECRET_KEY));
        }
        return KinesisStreamsSink.<Alert>builder()
                .setKinesisClientProperties(p)
                .setStreamArn(arn)
                .setSerializationSchema(new AlertJson())
                .setPartitionKeyGenerator(new TenantPartitionKey())
                // Alerts are few and urgent: send within 100 ms rather than the sink's default 5 s of batching.
                .setMaxTimeInBufferMS(100)
                .build();
    }

    /** Alerts of one tenant land on one shard, in order. */
    static final class TenantPartitionKey implements org.apache.flink.connector.kinesis.sink.PartitionKeyGenerator<Alert> {
        private static final long serialVersionUID = 1L;

        @Override
        public String apply(Alert a) {
            return a.tenantId;
        }
    }
}
