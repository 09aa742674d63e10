package com.bedrockcost.budget;

import com.bedrockcost.model.Alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.flink.api.common.serialization.SerializationSchema;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * An alert as one JSON object with the column names of the {@code alerts} table, amounts as exact
 * decimal strings, instants in ISO-8601 UTC, plus a one-line {@code message} a person can read in
 * an e-mail.
 */
public final class AlertJson implements SerializationSchema<Alert> {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public byte[] serialize(Alert a) {
        return toJson(a).getBytes(StandardCharsets.UTF_8);
    }

    public static String toJson(Alert a) {
        ObjectNode o = JSON.createObjectNode();
        o.put("alert_id", a.alertId);
        o.put("alert_type", a.alertType);
        o.put("dimension", a.dimension);
        o.put("tenant_id", a.tenantId);
        o.put("period", a.period);
        o.put("period_start", text(a.periodStart));
        o.put("threshold_pct", text(a.thresholdPct));
        o.put("budget_usd", text(a.budgetUsd));
        o.put("spend_usd", text(a.spendUsd));
        o.put("baseline_usd", text(a.baselineUsd));
        o.put("request_id", a.requestId);
        o.put("event_time", text(a.eventTime));
        o.put("emitted_at", text(a.emittedAt));
        o.put("budget_source", a.budgetSource);
        o.put("message", message(a));
        return o.toString();
    }

    /** E.g. {@code tenant-0001 reached 80% of its month budget (USD 500) for 2026-11: USD 401.23}. */
    public static String message(Alert a) {
        if (Alert.BURN_RATE.equals(a.alertType)) {
            return a.tenantId + " spent USD " + usd(a.spendUsd) + " in the hour from " + a.periodStart + ", more than "
                    + a.thresholdPct.movePointLeft(2).stripTrailingZeros().toPlainString() + " times its baseline of USD "
                    + usd(a.baselineUsd) + " per hour";
        }
        return a.tenantId + " reached " + a.thresholdPct.stripTrailingZeros().toPlainString() + "% of its " + a.period
                + " budget (USD " + usd(a.budgetUsd) + ") for the " + a.period + " from " + a.periodStart + ": USD " + usd(a.spendUsd);
    }

    private static String usd(BigDecimal v) {
        return v == null ? "?" : v.setScale(2, java.math.RoundingMode.HALF_EVEN).toPlainString();
    }

    private static String text(BigDecimal v) {
        return v == null ? null : v.stripTrailingZeros().toPlainString();
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
