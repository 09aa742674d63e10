package com.bedrockcost.budget;

import com.bedrockcost.csvtable.TableReading;
import com.bedrockcost.model.Alert;
import com.bedrockcost.model.Invocation;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The budget operator with Flink's keyed-broadcast harness: thresholds once, late data, restore, state expiry, burn rate. */
class BudgetFunctionTest {
    static final String HEADER = BudgetCsvTest.HEADER;
    static final Map<String, String> BUDGETS = Map.of("b/budgets.csv", HEADER
            + "acme,month,100,50;80;100,,,\n"
            + "acme,day,10,100,,,\n");
    static final Instant NOV_3 = Instant.parse("2026-11-03T10:00:00Z");

    static Invocation inv(String id, String tenant, Instant at, String cost) {
        Invocation i = new Invocation();
        i.requestId = id;
        i.tenantId = tenant;
        i.eventTime = at;
        i.totalCost = cost == null ? null : new BigDecimal(cost).setScale(12);
        i.pricingStatus = cost == null ? Invocation.UNPRICED : Invocation.PRICED;
        return i;
    }

    static BudgetFunction function(Set<String> committed, double burnFactor) {
        return new BudgetFunction(BUDGETS, committed, Duration.ofDays(2), burnFactor, 5, 24);
    }

    static KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Alert> harness(BudgetFunction fn, OperatorSubtaskState state)
            throws Exception {
        var h = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(fn, List.of(BudgetFunction.BUDGET_FILES)),
                new BudgetKey(), Types.STRING, 1, 1, 0);
        h.setup();
        if (state != null) {
            h.initializeState(state);
        }
        h.open();
        // The budget source has read its files (a watching source then releases event time).
        h.processBroadcastWatermark(Long.MAX_VALUE);
        return h;
    }

    static List<String> describe(List<Alert> alerts) {
        return alerts.stream().map(a -> a.alertType + " " + a.tenantId + " " + a.period + " " + a.periodStart + " "
                + a.thresholdPct.stripTrailingZeros().toPlainString() + " " + a.spendUsd.stripTrailingZeros().toPlainString()
                + " " + a.requestId).collect(Collectors.toList());
    }

    @Test
    void eachThresholdAlertsOnceTheFirstTimeSpendReachesIt() throws Exception {
        try (var h = harness(function(Set.of(), 0), null)) {
            h.processElement(inv("r1", "acme", NOV_3, "40"), 0);
            h.processElement(inv("r2", "acme", NOV_3.plusSeconds(60), "9.99"), 0);
            h.processElement(inv("r3", "acme", NOV_3.plusSeconds(120), "0.01"), 0);   // exactly 50 % of the month
            h.processElement(inv("r4", "acme", NOV_3.plusSeconds(180), "45"), 0);     // 95: 80 % crossed, 50 % not again
            h.processElement(inv("r5", "acme", Instant.parse("2026-11-04T00:00:00Z"), "5"), 0);   // 100: 100 %; a new day
            h.processElement(inv("r6", "acme", Instant.parse("2026-11-04T01:00:00Z"), "5"), 0);   // 105, day 10: day 100 %
            h.processElement(inv("r7", "other", NOV_3, "1000"), 0);                   // no budget: no alert
            h.processElement(inv("r8", null, NOV_3, "1000"), 0);                      // no tenant: counted, no alert
            h.processElement(inv("r9", "acme", NOV_3, null), 0);                      // unpriced: no cost
            assertThat(describe(h.extractOutputValues())).containsExactly(
                    "THRESHOLD acme day 2026-11-03T00:00:00Z 100 40 r1",
                    "THRESHOLD acme month 2026-11-01T00:00:00Z 50 50 r3",
                    "THRESHOLD acme month 2026-11-01T00:00:00Z 80 95 r4",
                    "THRESHOLD acme month 2026-11-01T00:00:00Z 100 100 r5",
                    "THRESHOLD acme day 2026-11-04T00:00:00Z 100 10 r6");
            assertThat(h.extractOutputValues()).allSatisfy(a -> {
                assertThat(a.spendUsd).isGreaterThanOrEqualTo(a.budgetUsd.multiply(a.thresholdPct).movePointLeft(2));
                assertThat(a.budgetSource).startsWith("b/budgets.csv:");
                assertThat(a.emittedAt).isNotNull();
            });
        }
    }

    @Test
    void aLateInvocationCountsForItsOwnPeriod() throws Exception {
        try (var h = harness(function(Set.of(), 0), null)) {
            h.processElement(inv("dec", "acme", Instant.parse("2026-12-01T00:30:00Z"), "60"), 0);
            h.processWatermark(Instant.parse("2026-12-01T00:20:00Z").toEpochMilli());
            h.processElement(inv("nov", "acme", Instant.parse("2026-11-30T23:59:00Z"), "60"), 0);
            // December has 60 (50 %) and its day 60; November gets its own 60, not 120.
            assertThat(describe(h.extractOutputValues())).containsExactly(
                    "THRESHOLD acme day 2026-12-01T00:00:00Z 100 60 dec",
                    "THRESHOLD acme month 2026-12-01T00:00:00Z 50 60 dec",
                    "THRESHOLD acme day 2026-11-30T00:00:00Z 100 60 nov",
                    "THRESHOLD acme month 2026-11-01T00:00:00Z 50 60 nov");
        }
    }

    @Test
    void aPeriodIsForgottenAfterTheRetentionAndLaterInvocationsOfItAreNotCounted() throws Exception {
        try (var h = harness(function(Set.of(), 0), null)) {
            h.processElement(inv("a", "acme", NOV_3, "1"), 0);
            assertThat(h.numEventTimeTimers()).as("one expiry per period: the day and the month").isEqualTo(2);
            // Day Nov 3 ends Nov 4, + 2 days retention: Nov 6; the month is kept until Dec 3.
            h.processWatermark(Instant.parse("2026-11-06T00:00:00Z").toEpochMilli());
            h.processElement(inv("late", "acme", NOV_3, "20"), 0);
            // Counted for the month (still kept), not for the forgotten day: no day alert.
            assertThat(describe(h.extractOutputValues())).isEmpty();
            h.processWatermark(Instant.parse("2026-12-03T00:00:00Z").toEpochMilli());
            assertThat(h.numEventTimeTimers()).as("every period of acme expired").isZero();
            h.processElement(inv("later", "acme", NOV_3, "200"), 0);
            assertThat(describe(h.extractOutputValues())).isEmpty();
        }
    }

    @Test
    void aRestoreFromACheckpointDoesNotAlertAgainAndAlertIdsAlreadyInTheLakeAreNotSentAgain() throws Exception {
        OperatorSubtaskState afterFifty;
        List<Alert> first = new ArrayList<>();
        try (var h = harness(function(Set.of(), 0), null)) {
            h.processElement(inv("r1", "acme", NOV_3, "5"), 0);
            h.processElement(inv("r2", "acme", NOV_3.plusSeconds(1), "50"), 0);
            afterFifty = h.snapshot(1, 1);
            first.addAll(h.extractOutputValues());
        }
        try (var h = harness(function(Set.of(), 0), afterFifty)) {
            h.processElement(inv("r3", "acme", NOV_3.plusSeconds(2), "1"), 0);
            assertThat(h.extractOutputValues()).as("50 % and the day's 100 % fired before the checkpoint").isEmpty();
            h.processElement(inv("r4", "acme", NOV_3.plusSeconds(3), "30"), 0);
            assertThat(describe(h.extractOutputValues())).containsExactly("THRESHOLD acme month 2026-11-01T00:00:00Z 80 86 r4");
        }
        // A run without state over the same logs, with the first run's alerts committed to the lake.
        Set<String> inLake = first.stream().map(a -> a.alertId).collect(Collectors.toSet());
        try (var h = harness(function(inLake, 0), null)) {
            h.processElement(inv("r1", "acme", NOV_3, "5"), 0);
            h.processElement(inv("r2", "acme", NOV_3.plusSeconds(1), "50"), 0);
            h.processElement(inv("r4", "acme", NOV_3.plusSeconds(3), "30"), 0);
            assertThat(describe(h.extractOutputValues())).containsExactly("THRESHOLD acme month 2026-11-01T00:00:00Z 80 85 r4");
            assertThat(h.extractOutputValues().get(0).alertId).isNotIn(inLake);
        }
        assertThat(first).hasSize(2).extracting(a -> a.alertId).doesNotHaveDuplicates();
        assertThat(first.get(0).alertId).isEqualTo(AlertIds.of("THRESHOLD", "tenant", "acme", "day",
                Instant.parse("2026-11-03T00:00:00Z"), new BigDecimal("100.000000")));
    }

    @Test
    void aSpikeAlertsOnceAndASteadyTenantNeverAlerts() throws Exception {
        Map<String, String> everyone = Map.of("b.csv", HEADER + "*,month,1000000,,,,\n");
        try (var h = harness(new BudgetFunction(everyone, Set.of(), Duration.ofDays(2), 3, 5, 24), null)) {
            Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
            int n = 0;
            for (int hour = 0; hour < 72; hour++) {
                for (int call = 0; call < 6; call++) {
                    Instant at = t0.plus(Duration.ofHours(hour)).plus(Duration.ofMinutes(call * 10));
                    h.processElement(inv("s" + n++, "steady", at, "2.50"), 0);
                    // The same steady tenant, except in hour 50: twenty times its usual spend.
                    String cost = hour == 50 ? "50" : "2.50";
                    h.processElement(inv("p" + n++, "spiky", at, cost), 0);
                }
            }
            List<Alert> alerts = h.extractOutputValues();
            assertThat(describe(alerts)).containsExactly("BURN_RATE spiky hour 2026-11-03T02:00:00Z 300 50 p601");
            Alert a = alerts.get(0);
            assertThat(a.baselineUsd).isCloseTo(new BigDecimal("15"), org.assertj.core.data.Offset.offset(new BigDecimal("0.000001")));
            assertThat(a.budgetUsd).isNull();
            assertThat(AlertJson.message(a)).isEqualTo(
                    "spiky spent USD 50.00 in the hour from 2026-11-03T02:00:00Z, more than 3 times its baseline of USD 15.00 per hour");
        }
    }

    @Test
    void aSmallSpikeBelowTheMinimumAmountDoesNotAlert() throws Exception {
        Map<String, String> everyone = Map.of("b.csv", HEADER + "*,month,1000000,,,,\n");
        try (var h = harness(new BudgetFunction(everyone, Set.of(), Duration.ofDays(2), 3, 5, 24), null)) {
            Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
            for (int hour = 0; hour < 30; hour++) {
                h.processElement(inv("c" + hour, "cents", t0.plus(Duration.ofHours(hour)), hour == 28 ? "4.99" : "0.01"), 0);
            }
            assertThat(h.extractOutputValues()).isEmpty();
        }
    }
}
