package com.bedrockcost.report;

import com.bedrockcost.lake.FlinkInputFile;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

import javax.annotation.Nullable;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A short cost summary read back from the written lake: per tenant and per model. */
public final class LakeSummary {
    private static final MessageType PROJECTION = MessageTypeParser.parseMessageType(
            "message invocations { optional binary tenant_id (STRING); optional binary model_id (STRING); optional binary model (STRING);"
                    + " required int64 input_tokens; required int64 output_tokens;"
                    + " optional fixed_len_byte_array(16) total_cost (DECIMAL(38,12)); required binary pricing_status (STRING);"
                    + " required int64 ingest_time (TIMESTAMP(MICROS,true)); }");
    private static final MessageType FAILED_PROJECTION = MessageTypeParser.parseMessageType(
            "message failed { required int64 ingest_time (TIMESTAMP(MICROS,true)); }");

    /** Totals of one group (a tenant, a model). */
    public static final class Totals {
        public long invocations;
        public long inputTokens;
        public long outputTokens;
        public BigDecimal cost = BigDecimal.ZERO.setScale(12);
    }

    public long invocations;
    public long unpriced;
    public long files;
    public long failedRows;
    /** Every invocation row in the lake, including those ingested before {@code since}. */
    public long lakeInvocations;
    /** Invocations the run did not write because their request ids were committed in the lake already (null: not known). */
    public Long alreadyInLake;
    /** Rows ingested before this are left out of the summary (null: none are). */
    private Instant since;
    public BigDecimal totalCost = BigDecimal.ZERO.setScale(12);
    public final Map<String, Totals> byTenant = new HashMap<>();
    public final Map<String, Totals> byModel = new HashMap<>();

    /** Reads {@code <root>/invocations} and counts {@code <root>/failed}. */
    public static LakeSummary read(String root) throws IOException {
        return read(root, null);
    }

    /**
     * The summary of the rows ingested at or after {@code since} (a run's start: a lake can hold
     * earlier runs too); null for every row.
     */
    public static LakeSummary read(String root, @Nullable Instant since) throws IOException {
        LakeSummary s = new LakeSummary();
        s.since = since;
        for (Path file : parquetFiles(new Path(root, "invocations"))) {
            s.files++;
            s.readInvocations(file);
        }
        for (Path file : parquetFiles(new Path(root, "failed"))) {
            try (ParquetReader<Group> r = reader(file, FAILED_PROJECTION)) {
                Group g;
                while ((g = r.read()) != null) {
                    if (s.counts(g)) {
                        s.failedRows++;
                    }
                }
            }
        }
        return s;
    }

    /** Whether a row was ingested at or after {@link #since}. */
    private boolean counts(Group g) {
        if (since == null) {
            return true;
        }
        long micros = g.getLong("ingest_time", 0);
        return micros >= since.toEpochMilli() * 1_000L; // the job stamps whole milliseconds
    }

    private void readInvocations(Path file) throws IOException {
        try (ParquetReader<Group> r = reader(file, PROJECTION)) {
            Group g;
            while ((g = r.read()) != null) {
                lakeInvocations++;
                if (!counts(g)) {
                    continue;
                }
                invocations++;
                String tenant = g.getFieldRepetitionCount("tenant_id") > 0 ? g.getString("tenant_id", 0) : "(no tenant)";
                String model = g.getFieldRepetitionCount("model") > 0 ? g.getString("model", 0)
                        : g.getFieldRepetitionCount("model_id") > 0 ? g.getString("model_id", 0) : "(unknown)";
                BigDecimal cost = null;
                if (g.getFieldRepetitionCount("total_cost") > 0) {
                    Binary b = g.getBinary("total_cost", 0);
                    cost = new BigDecimal(new BigInteger(b.getBytes()), 12);
                    totalCost = totalCost.add(cost);
                } else {
                    unpriced++;
                }
                add(byTenant.computeIfAbsent(tenant, k -> new Totals()), g, cost);
                add(byModel.computeIfAbsent(model, k -> new Totals()), g, cost);
            }
        }
    }

    private static void add(Totals t, Group g, BigDecimal cost) {
        t.invocations++;
        t.inputTokens += g.getLong("input_tokens", 0);
        t.outputTokens += g.getLong("output_tokens", 0);
        if (cost != null) {
            t.cost = t.cost.add(cost);
        }
    }

    private static ParquetReader<Group> reader(Path file, MessageType projection) throws IOException {
        FileStatus st = FileSystem.get(file.toUri()).getFileStatus(file);
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
        if (projection != null) {
            conf.set(org.apache.parquet.hadoop.api.ReadSupport.PARQUET_READ_SCHEMA, projection.toString());
        }
        return new GroupReader(new FlinkInputFile(file, st.getLen())).withConf(conf).build();
    }

    private static final class GroupReader extends ParquetReader.Builder<Group> {
        GroupReader(org.apache.parquet.io.InputFile file) {
            super(file);
        }

        @Override
        protected org.apache.parquet.hadoop.api.ReadSupport<Group> getReadSupport() {
            return new GroupReadSupport();
        }
    }

    /** Committed Parquet files under a table folder (in-progress files are hidden and skipped). */
    public static List<Path> parquetFiles(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        FileSystem fs = FileSystem.get(dir.toUri());
        if (!fs.exists(dir)) {
            return out;
        }
        for (FileStatus st : fs.listStatus(dir)) {
            String name = st.getPath().getName();
            if (st.isDir()) {
                out.addAll(parquetFiles(st.getPath()));
            } else if (name.endsWith(".parquet") && !name.startsWith(".") && !name.startsWith("_")) {
                out.add(st.getPath());
            }
        }
        return out;
    }

    /** Prints the summary: totals, the top tenants and the models by cost. */
    public void print(PrintStream out, String root, int top) {
        if (since == null) {
            out.printf("%n%,d invocations (%,d priced, %,d unpriced), %,d failed inputs, in %d Parquet files%n",
                    invocations, invocations - unpriced, unpriced, failedRows, files);
        } else {
            out.printf("%n%,d invocations written by this run (%,d priced, %,d unpriced), %,d failed inputs;"
                    + " the lake holds %,d invocations in %d Parquet files%n",
                    invocations, invocations - unpriced, unpriced, failedRows, lakeInvocations, files);
        }
        if (alreadyInLake != null) {
            out.printf("%,d invocations already in the lake, not written again%n", alreadyInLake);
        }
        out.printf("Total cost: USD %s%n", totalCost.stripTrailingZeros().toPlainString());
        table(out, "Top " + top + " tenants by cost", byTenant, top);
        table(out, "Cost by model", byModel, Integer.MAX_VALUE);
        out.printf("%nLake: %s  (invocations/, failed/, tenant_hourly/: year=YYYY/month=MM/day=DD/*.parquet)%n", root);
    }

    private static void table(PrintStream out, String title, Map<String, Totals> rows, int limit) {
        out.printf("%n%s%n", title);
        out.printf("  %-64s %12s %14s %14s %20s%n", "", "invocations", "input tok", "output tok", "cost USD");
        rows.entrySet().stream()
                .sorted(Map.Entry.<String, Totals>comparingByValue(Comparator.comparing(t -> t.cost)).reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(limit)
                .forEach(e -> out.printf("  %-64s %,12d %,14d %,14d %20s%n", e.getKey(), e.getValue().invocations,
                        e.getValue().inputTokens, e.getValue().outputTokens,
                        e.getValue().cost.setScale(6, java.math.RoundingMode.HALF_EVEN).toPlainString()));
    }
}
