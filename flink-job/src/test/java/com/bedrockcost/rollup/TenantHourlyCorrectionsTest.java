package com.bedrockcost.rollup;

import com.bedrockcost.model.Adjustment;
import com.bedrockcost.model.Invocation;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Late invocations and adjustments become correction rows of their event hour, tenant and model. */
class TenantHourlyCorrectionsTest {
    @Test
    void adjustmentsOfOneHourTenantAndModelAddUpToOneRowThatMovesThemOutOfUnpriced() {
        TenantHourlyCorrections c = TenantHourlyCorrections.adjustments();
        c.add(pricedLate("r1", "2026-11-01T10:05:00Z", "acme", "0.001000000000", "0.002000000000"));
        c.add(pricedLate("r2", "2026-11-01T10:59:59.999Z", "acme", "0.000500000000", "0.000250000000"));
        c.add(pricedLate("r3", "2026-11-01T11:00:00Z", "acme", "0.1", "0.2"));
        c.add(pricedLate("r4", "2026-11-01T10:30:00Z", null, "0.3", "0.4"));

        List<TenantHourly> rows = c.drain();
        assertThat(rows).hasSize(3);
        TenantHourly ten = rows.get(0);
        assertThat(ten.windowStart).isEqualTo(Instant.parse("2026-11-01T10:00:00Z"));
        assertThat(ten.windowEnd).isEqualTo(Instant.parse("2026-11-01T11:00:00Z"));
        assertThat(ten.tenantId).isEqualTo("acme");
        assertThat(ten.rowKind).isEqualTo(TenantHourly.ADJUSTMENT);
        assertThat(ten.invocations).isZero();
        assertThat(ten.inputTokens).isZero();
        assertThat(ten.unpriced).isEqualTo(-2);
        assertThat(ten.inputCost).isEqualByComparingTo("0.0015");
        assertThat(ten.outputCost).isEqualByComparingTo("0.00225");
        assertThat(ten.totalCost).isEqualByComparingTo("0.00375");
        assertThat(ten.latencyCount).isZero();
        assertThat(ten.latencyMsAvg).isNull();
        assertThat(rows.get(1).windowStart).isEqualTo(Instant.parse("2026-11-01T11:00:00Z"));
        assertThat(rows.get(2).tenantId).isNull();
        assertThat(rows.get(2).totalCost).isEqualByComparingTo("0.7");
        assertThat(c.size()).isZero();
        assertThat(c.drain()).isEmpty();
    }

    @Test
    void lateInvocationsAreCountedWholeInALateRow() {
        TenantHourlyCorrections c = TenantHourlyCorrections.late();
        Invocation a = invocation("a", "2026-11-01T03:10:00Z", 100, 10, new BigDecimal("0.5"), 200L);
        Invocation b = invocation("b", "2026-11-01T03:20:00Z", 50, 5, null, 101L);
        b.pricingStatus = Invocation.UNPRICED;
        c.add(a);
        c.add(b);
        TenantHourly row = c.drain().get(0);
        assertThat(row.rowKind).isEqualTo(TenantHourly.LATE);
        assertThat(row.invocations).isEqualTo(2);
        assertThat(row.inputTokens).isEqualTo(150);
        assertThat(row.outputTokens).isEqualTo(15);
        assertThat(row.totalCost).isEqualByComparingTo("0.5");
        assertThat(row.unpriced).isEqualTo(1);
        assertThat(row.latencyMsSum).isEqualTo(301);
        assertThat(row.latencyMsAvg).isEqualByComparingTo("150.5");
        assertThat(row.latencyMsMax).isEqualTo(200);
    }

    private static Adjustment pricedLate(String id, String time, String tenant, String input, String output) {
        Invocation before = invocation(id, time, 1000, 100, null, null);
        before.tenantId = tenant;
        before.pricingStatus = Invocation.UNPRICED;
        Invocation after = invocation(id, time, 1000, 100, new BigDecimal(input).add(new BigDecimal(output)), null);
        after.tenantId = tenant;
        after.inputCost = new BigDecimal(input);
        after.outputCost = new BigDecimal(output);
        Adjustment adj = Adjustment.between(before, after, Instant.parse("2026-12-07T00:00:00Z"));
        assertThat(adj.reason).isEqualTo(Adjustment.PRICED_LATE);
        return adj;
    }

    private static Invocation invocation(String id, String time, long in, long out, BigDecimal total, Long latency) {
        Invocation inv = new Invocation();
        inv.requestId = id;
        inv.eventTime = Instant.parse(time);
        inv.tenantId = "acme";
        inv.model = "amazon.nova-pro-v1:0";
        inv.inputTokens = in;
        inv.outputTokens = out;
        inv.totalCost = total;
        inv.latencyMs = latency;
        inv.pricingStatus = total == null ? Invocation.UNPRICED : Invocation.PRICED;
        return inv;
    }
}
