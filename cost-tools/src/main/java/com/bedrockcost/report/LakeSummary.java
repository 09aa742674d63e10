package com.bedrockcost.report;

import com.bedrockcost.lake.DatePartitioner;
import com.bedrockcost.lake.LakeViews;

import javax.annotation.Nullable;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/** A short cost summary read back from the written lake (with DuckDB, at current costs): per tenant and per model. */
public final class LakeSummary {
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
    /** Failed records found already committed in {@code failed} by the job (null: not looked up). */
    public Long failedAlreadyInLake;
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
        try (LakeViews lake = LakeViews.open(root); Statement st = lake.statement()) {
            s.files = lake.files(LakeViews.INVOCATIONS);
            String where = since == null ? "" : " WHERE " + ingestedSince(since);
            try (ResultSet rs = st.executeQuery("SELECT CAST(count(*) AS BIGINT) FROM " + LakeViews.INVOCATIONS)) {
                rs.next();
                s.lakeInvocations = rs.getLong(1);
            }
            try (ResultSet rs = st.executeQuery("SELECT coalesce(tenant_id, '(no tenant)'), coalesce(model, model_id, '(unknown)'),"
                    + " CAST(count(*) AS BIGINT), CAST(sum(input_tokens) AS BIGINT), CAST(sum(output_tokens) AS BIGINT),"
                    + " sum(total_cost), CAST(count(*) FILTER (WHERE total_cost IS NULL) AS BIGINT)"
                    + " FROM " + LakeViews.INVOCATIONS_CURRENT + where + " GROUP BY ALL")) {
                while (rs.next()) {
                    s.add(rs);
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT CAST(count(*) AS BIGINT) FROM " + LakeViews.FAILED + where)) {
                rs.next();
                s.failedRows = rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IOException("Reading the lake at " + root + " failed: " + e.getMessage(), e);
        }
        return s;
    }

    /**
     * The SQL condition "ingested at or after {@code since}": the job stamps whole milliseconds, so
     * {@code since} counts to the millisecond.
     */
    static String ingestedSince(Instant since) {
        return "epoch_us(ingest_time) >= " + since.toEpochMilli() * 1_000L;
    }

    /** One (tenant, model) group of the query. */
    private void add(ResultSet rs) throws SQLException {
        long n = rs.getLong(3);
        long in = rs.getLong(4);
        long out = rs.getLong(5);
        BigDecimal cost = rs.getBigDecimal(6);
        invocations += n;
        unpriced += rs.getLong(7);
        if (cost != null) {
            totalCost = totalCost.add(cost);
        }
        for (Totals t : new Totals[] {byTenant.computeIfAbsent(rs.getString(1), k -> new Totals()),
            byModel.computeIfAbsent(rs.getString(2), k -> new Totals())}) {
            t.invocations += n;
            t.inputTokens += in;
            t.outputTokens += out;
            if (cost != null) {
                t.cost = t.cost.add(cost);
            }
        }
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
        if (failedAlreadyInLake != null && failedAlreadyInLake > 0) {
            out.printf("%,d failed records already in the lake, not written again%n", failedAlreadyInLake);
        }
        out.printf("Total cost: USD %s%n", totalCost.stripTrailingZeros().toPlainString());
        table(out, "Top " + top + " tenants by cost", byTenant, top);
        table(out, "Cost by model", byModel, Integer.MAX_VALUE);
        out.printf("%nLake: %s  (invocations/, failed/, tenant_hourly/: %s)%n", root, DatePartitioner.LAYOUT);
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
