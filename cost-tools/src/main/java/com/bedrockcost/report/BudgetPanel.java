package com.bedrockcost.report;

import com.bedrockcost.budget.AlertLake;
import com.bedrockcost.budget.BudgetBook;
import com.bedrockcost.budget.BudgetFileException;
import com.bedrockcost.budget.BudgetPeriod;
import com.bedrockcost.budget.BudgetRow;
import com.bedrockcost.budget.BudgetTable;
import com.bedrockcost.config.ConfigException;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.lake.LakeTablesSql;
import com.bedrockcost.lake.LakeViews;
import com.bedrockcost.pricing.PriceLocation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.bedrockcost.lake.LakeTablesSql.literal;

/**
 * The dashboard's "Budgets and alerts": per tenant with a budget, the budget of the period that holds
 * the slice's last day, the spend so far in it (summed from the report's own per-day cells of
 * {@code invocations}, no second scan), the thresholds reached and their alerts; and the alerts of the
 * slice, read from the lake's {@code alerts} table. Written as {@code budgets.csv} and {@code alerts.csv}.
 */
public final class BudgetPanel {
    /** One tenant's budget in one period. */
    public static final class Line {
        public final String tenant;
        public final BudgetRow row;
        public final LocalDate periodStart;
        public final BigDecimal spend;
        /** Alert per threshold of the row (null: no alert in the slice). */
        public final List<Alert> alerts = new ArrayList<>();

        Line(String tenant, BudgetRow row, LocalDate periodStart, BigDecimal spend) {
            this.tenant = tenant;
            this.row = row;
            this.periodStart = periodStart;
            this.spend = spend;
        }

        /** Percentage of the budget spent, 2 decimals (half-even); null for a zero budget. */
        public BigDecimal usedPct() {
            return row.amount().signum() == 0 ? null
                    : spend.multiply(BigDecimal.valueOf(100)).divide(row.amount(), 2, RoundingMode.HALF_EVEN);
        }
    }

    /** One row of the alerts table. */
    public static final class Alert {
        public final String id;
        public final String type;
        public final String tenant;
        public final String period;
        public final LocalDateTime periodStart;
        public final BigDecimal thresholdPct;
        public final BigDecimal budget;
        public final BigDecimal spend;
        public final LocalDateTime eventTime;
        public final LocalDateTime emittedAt;

        Alert(ResultSet r) throws SQLException {
            id = r.getString(1);
            type = r.getString(2);
            tenant = r.getString(3);
            period = r.getString(4);
            periodStart = utc(r, 5);
            thresholdPct = r.getBigDecimal(6);
            budget = r.getBigDecimal(7);
            spend = r.getBigDecimal(8);
            eventTime = utc(r, 9);
            emittedAt = utc(r, 10);
        }

        /** A timestamp column (an instant) as UTC wall-clock time. */
        private static LocalDateTime utc(ResultSet r, int column) throws SQLException {
            OffsetDateTime t = r.getObject(column, OffsetDateTime.class);
            return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        }
    }

    /** Where the budgets came from; null = none given. */
    public final String budgetsPath;
    /** The day whose periods are shown (the slice's last day with invocations); null without invocations. */
    public final LocalDate asOf;
    public final List<Line> lines = new ArrayList<>();
    /** Whether the lake has an alerts table. */
    public boolean alertsTable;
    public final List<Alert> alerts = new ArrayList<>();

    private BudgetPanel(String budgetsPath, LocalDate asOf) {
        this.budgetsPath = budgetsPath;
        this.asOf = asOf;
    }

    /** Reads the budgets of {@code budgets.path} (a bad file fails the report) and the slice's alerts. */
    static BudgetPanel read(ReportOptions options, JobConfig config, ReportData data, LakeViews lake) throws IOException {
        String path = config.isSet(JobConfig.BUDGETS_PATH) ? config.get(JobConfig.BUDGETS_PATH) : null;
        LocalDate asOf = null;
        for (ReportData.Cell c : data.daily) {
            LocalDate d = LocalDate.parse(c.day);
            asOf = asOf == null || d.isAfter(asOf) ? d : asOf;
        }
        BudgetPanel p = new BudgetPanel(path, asOf);
        p.alertsTable = lake.has(AlertLake.TABLE);
        if (p.alertsTable) {
            p.readAlerts(options, lake);
        }
        if (path != null && asOf != null && options.model == null) {
            p.lines(table(path), data);
        }
        return p;
    }

    private static BudgetTable table(String path) throws IOException {
        PriceLocation location = PriceLocation.of(path, "budget");
        Map<String, String> reading = location.read();
        if (reading.isEmpty()) {
            throw new ConfigException("No budget files (*.csv) at " + location);
        }
        BudgetBook.Outcome outcome = BudgetBook.empty().apply(reading);
        if (!outcome.rejected.isEmpty()) {
            List<String> m = new ArrayList<>();
            for (BudgetFileException e : outcome.rejected) {
                m.add(e.getMessage());
            }
            throw new ConfigException(String.join("\n", m));
        }
        return outcome.book.table();
    }

    /** Per tenant and budget period: the budget in force at the end of {@link #asOf}, the spend from the period's start to it. */
    private void lines(BudgetTable table, ReportData data) {
        Instant at = asOf.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusNanos(1);
        for (String tenant : data.tenants.keySet()) {
            if (tenant.equals(ReportData.NO_TENANT)) {
                continue;
            }
            for (BudgetPeriod period : BudgetPeriod.values()) {
                BudgetRow row = table.find(tenant, period, at);
                if (row == null) {
                    continue;
                }
                LocalDate start = period.start(at).atOffset(ZoneOffset.UTC).toLocalDate();
                BigDecimal spend = BigDecimal.ZERO;
                for (ReportData.Cell c : data.daily) {
                    if (c.tenant.equals(tenant) && c.totals.totalCost != null && c.day.compareTo(start.toString()) >= 0) {
                        spend = spend.add(c.totals.totalCost);
                    }
                }
                Line line = new Line(tenant, row, start, spend);
                for (BigDecimal pct : row.thresholds()) {
                    line.alerts.add(alertFor(line, period, pct));
                }
                lines.add(line);
            }
        }
    }

    private Alert alertFor(Line line, BudgetPeriod period, BigDecimal pct) {
        for (Alert a : alerts) {
            if (a.type.equals("THRESHOLD") && a.tenant.equals(line.tenant) && a.period.equals(period.label())
                    && a.periodStart.toLocalDate().equals(line.periodStart) && a.thresholdPct.compareTo(pct) == 0) {
                return a;
            }
        }
        return null;
    }

    private void readAlerts(ReportOptions options, LakeViews lake) throws IOException {
        List<String> c = new ArrayList<>();
        String day = LakeViews.PARTITION_DAY;
        if (options.from != null) {
            c.add(day + " >= " + literal(options.from.toString()));
        }
        if (options.to != null) {
            c.add(day + " <= " + literal(options.to.toString()));
        }
        if (options.tenant != null) {
            c.add("tenant_id = " + literal(options.tenant));
        }
        if (options.ingestedSince != null) {
            // The run's dashboard: the alerts this run emitted.
            long micros = Math.multiplyExact(options.ingestedSince.getEpochSecond(), 1_000_000L) + options.ingestedSince.getNano() / 1_000;
            c.add("epoch_us(emitted_at) >= " + micros);
        }
        String query = "SELECT alert_id, alert_type, tenant_id, period, period_start, threshold_pct, budget_usd, spend_usd,"
                + " event_time, emitted_at FROM " + AlertLake.TABLE + (c.isEmpty() ? "" : " WHERE " + String.join(" AND ", c));
        try (Statement st = lake.statement(); ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                alerts.add(new Alert(rs));
            }
        } catch (SQLException e) {
            throw new IOException("Reading the alerts at " + options.lake + " failed: " + e.getMessage(), e);
        }
        alerts.sort(java.util.Comparator.comparing((Alert a) -> a.eventTime).thenComparing(a -> a.id));
    }

    /** The panel's numbers for the page; decimals as exact strings. */
    ObjectNode json() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("budgets_path", budgetsPath);
        n.put("as_of", asOf == null ? null : asOf.toString());
        n.put("alerts_table", alertsTable);
        ArrayNode ls = n.putArray("lines");
        for (Line l : lines) {
            ObjectNode o = ls.addObject().put("tenant", l.tenant).put("period", l.row.period().label())
                    .put("period_start", l.periodStart.toString()).put("budget_usd", l.row.amount().toPlainString())
                    .put("spend_usd", l.spend.toPlainString()).put("used_pct", plain(l.usedPct())).put("source", l.row.source());
            ArrayNode ts = o.putArray("thresholds");
            for (int i = 0; i < l.alerts.size(); i++) {
                BigDecimal pct = l.row.thresholds().get(i);
                Alert a = l.alerts.get(i);
                ts.addObject().put("pct", pct.stripTrailingZeros().toPlainString())
                        .put("reached", l.spend.multiply(BigDecimal.valueOf(100)).compareTo(l.row.amount().multiply(pct)) >= 0)
                        .put("alert_time", a == null ? null : time(a.eventTime));
            }
        }
        ArrayNode as = n.putArray("alerts");
        for (Alert a : alerts) {
            as.addObject().put("alert_id", a.id).put("alert_type", a.type).put("tenant", a.tenant).put("period", a.period)
                    .put("period_start", time(a.periodStart)).put("threshold_pct", a.thresholdPct.stripTrailingZeros().toPlainString())
                    .put("budget_usd", plain(a.budget)).put("spend_usd", plain(a.spend)).put("event_time", time(a.eventTime))
                    .put("emitted_at", time(a.emittedAt)).put("day", a.eventTime.toLocalDate().toString());
        }
        return n;
    }

    /** {@code budgets.csv} and {@code alerts.csv}: every line and alert, exact decimals. */
    void writeCsv(java.nio.file.Path dir) throws IOException {
        try (Writer w = Files.newBufferedWriter(dir.resolve("budgets.csv"), StandardCharsets.UTF_8)) {
            CsvTables.line(w, List.of("tenant_id", "period", "period_start", "as_of", "budget_usd", "spend_usd", "used_pct",
                    "threshold_pct", "reached", "alert_event_time", "budget_source"));
            for (Line l : lines) {
                for (int i = 0; i < l.alerts.size(); i++) {
                    BigDecimal pct = l.row.thresholds().get(i);
                    Alert a = l.alerts.get(i);
                    boolean reached = l.spend.multiply(BigDecimal.valueOf(100)).compareTo(l.row.amount().multiply(pct)) >= 0;
                    CsvTables.line(w, List.of(l.tenant, l.row.period().label(), l.periodStart.toString(), asOf.toString(),
                            l.row.amount().toPlainString(), l.spend.toPlainString(), plainOrEmpty(l.usedPct()),
                            pct.toPlainString(), String.valueOf(reached), a == null ? "" : time(a.eventTime), l.row.source()));
                }
            }
        }
        try (Writer w = Files.newBufferedWriter(dir.resolve("alerts.csv"), StandardCharsets.UTF_8)) {
            CsvTables.line(w, List.of("alert_id", "alert_type", "tenant_id", "period", "period_start", "threshold_pct", "budget_usd",
                    "spend_usd", "event_time", "emitted_at"));
            for (Alert a : alerts) {
                CsvTables.line(w, List.of(a.id, a.type, a.tenant, a.period, time(a.periodStart), a.thresholdPct.toPlainString(),
                        plainOrEmpty(a.budget), a.spend.toPlainString(), time(a.eventTime), time(a.emittedAt)));
            }
        }
    }

    private static String time(LocalDateTime t) {
        return t == null ? null : t.toInstant(ZoneOffset.UTC).toString();
    }

    private static String plain(BigDecimal b) {
        return b == null ? null : b.toPlainString();
    }

    private static String plainOrEmpty(BigDecimal b) {
        return b == null ? "" : b.toPlainString();
    }
}
