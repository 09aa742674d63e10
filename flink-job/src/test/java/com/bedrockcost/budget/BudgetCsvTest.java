package com.bedrockcost.budget;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Budget files: what is accepted, what rejects a file (with file:line:reason), and which row applies. */
class BudgetCsvTest {
    static final String HEADER = "tenant_id,period,amount_usd,thresholds,effective_from,effective_to,note\n";

    @Test
    void aTenantRowWinsOverTheStarRowAndThresholdsDefaultTo50_80_95_100() throws Exception {
        List<BudgetRow> rows = BudgetCsv.parse("budgets/b.csv", HEADER
                + "*,month,100,,,,\n"
                + "acme,month,500.50,80;50,2026-11-01,2026-12-01,raised in November\n"
                + "acme,day,20,100,,,\n");
        BudgetTable t = BudgetTable.of(rows);
        Instant nov = Instant.parse("2026-11-10T00:00:00Z");
        assertThat(t.find("acme", BudgetPeriod.MONTH, nov).amount()).isEqualByComparingTo("500.50");
        assertThat(t.find("acme", BudgetPeriod.MONTH, nov).thresholds()).containsExactly(new BigDecimal("50"), new BigDecimal("80"));
        assertThat(t.find("acme", BudgetPeriod.MONTH, nov).source()).isEqualTo("budgets/b.csv:3");
        // After acme's own row ends, the * row applies to it again.
        assertThat(t.find("acme", BudgetPeriod.MONTH, Instant.parse("2026-12-01T00:00:00Z")).source()).isEqualTo("budgets/b.csv:2");
        assertThat(t.find("other", BudgetPeriod.MONTH, nov).thresholds())
                .containsExactly(new BigDecimal("50"), new BigDecimal("80"), new BigDecimal("95"), new BigDecimal("100"));
        assertThat(t.find("other", BudgetPeriod.DAY, nov)).isNull();
        assertThat(t.budgets("other", nov)).isTrue();
    }

    @Test
    void aBadFileIsRejectedWholeWithEveryProblemAndItsLine() {
        assertThatThrownBy(() -> BudgetCsv.parse("b.csv", HEADER
                + "acme,week,100,,,,\n"
                + "acme,month,-5,,,,\n"
                + "beta,month,10,50;abc;50,,,\n"
                + "gamma,month,10,,2026-13-01,,\n"
                + "delta,day,10,,,,\n"
                + "delta,day,12,,2026-11-01,,\n"))
                .isInstanceOf(BudgetFileException.class)
                .hasMessageContaining("Budget file b.csv rejected")
                .hasMessageContaining("b.csv:2: period 'week' is not day or month")
                .hasMessageContaining("b.csv:3: negative amount_usd '-5'")
                .hasMessageContaining("b.csv:4: threshold 'abc' is not a decimal number")
                .hasMessageContaining("b.csv:4: threshold 50 % appears twice")
                .hasMessageContaining("b.csv:5: effective_from '2026-13-01' is not a UTC date")
                .hasMessageContaining("b.csv:7: overlaps line 6 for tenant_id delta, period day");
        assertThatThrownBy(() -> BudgetCsv.parse("c.csv", "tenant,period,amount_usd\n"))
                .hasMessageContaining("c.csv:1: unknown column 'tenant'")
                .hasMessageContaining("missing required column 'tenant_id'");
    }

    @Test
    void aRejectedFileKeepsItsPreviousVersionAndAConflictingNewFileIsRejected() {
        BudgetBook book = BudgetBook.empty().apply(Map.of("b/a.csv", HEADER + "acme,month,100,,,,\n")).book;
        BudgetBook.Outcome next = book.apply(Map.of(
                "b/a.csv", HEADER + "acme,month,oops,,,,\n",
                "b/z.csv", HEADER + "acme,month,300,,,,\n"));
        assertThat(next.rejected).extracting(Throwable::getMessage).anySatisfy(m -> assertThat(m).contains("b/a.csv:2: amount_usd 'oops'"));
        assertThat(next.rejected).extracting(Throwable::getMessage)
                .anySatisfy(m -> assertThat(m).contains("b/z.csv:2: overlaps b/a.csv:2 for tenant_id acme, period month"));
        assertThat(next.book.table().find("acme", BudgetPeriod.MONTH, Instant.parse("2026-11-01T00:00:00Z")).amount())
                .isEqualByComparingTo("100");
    }
}
