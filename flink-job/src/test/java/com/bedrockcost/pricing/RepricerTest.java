package com.bedrockcost.pricing;

import com.bedrockcost.model.Adjustment;
import com.bedrockcost.model.Invocation;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** An invocation as the lake holds it, priced again: the adjustment to the new cost, exact, or why there is none. */
class RepricerTest {
    private static final String HEADER = "model_id,region,effective_from,effective_to,input_per_mtok,output_per_mtok,"
            + "cache_read_per_mtok,cache_write_per_mtok,min_prompt_tokens,profile_scope,cache_write_1h_per_mtok,note\n";
    private static final String UNITS = "charge,model_id,region,effective_from,effective_to,variant,usd,per,source,note\n"
            + "image,img.model-v1,*,2024-01-01,,,0.04,1,test,per image\n";
    private static final Instant AT = Instant.parse("2026-12-07T10:00:00Z");

    private static PriceBook book(String tokenRows) {
        PriceBook.Outcome o = PriceBook.empty().apply(Map.of("t/m.csv", HEADER + tokenRows, "t/units.csv", UNITS));
        assertThat(o.rejected).isEmpty();
        return o.book;
    }

    private static Invocation invocation(String model) {
        Invocation inv = new Invocation();
        inv.requestId = "r-1";
        inv.eventTime = Instant.parse("2026-11-02T12:00:00Z");
        inv.model = model;
        inv.region = "us-east-1";
        inv.profileScope = "in-region";
        inv.tenantId = "t1";
        inv.inputTokens = 1000;
        inv.outputTokens = 500;
        ChargePricer.unpriced(inv, "tokens: no price for " + model + " in us-east-1");
        return inv;
    }

    @Test
    void anUnpricedInvocationThatTheTableNowPricesIsPricedLateWithExactDeltasOnce() {
        Invocation current = invocation("m1");
        PriceBook table = book("m1,us-east-1,2024-01-01,,1,2,,,,*,,\n");
        Repricer.Result r = Repricer.reprice(current, table, AT);
        assertThat(r.outcome).isEqualTo(Repricer.Outcome.ADJUSTED);
        Adjustment a = r.adjustment;
        assertThat(a.reason).isEqualTo(Adjustment.PRICED_LATE);
        assertThat(a.inputCostDelta).isEqualByComparingTo("0.001");
        assertThat(a.outputCostDelta).isEqualByComparingTo("0.001");
        assertThat(a.totalCostDelta).isEqualByComparingTo("0.002");
        assertThat(a.totalCostDelta.scale()).isEqualTo(Pricer.SCALE);
        assertThat(a.guardrailCostDelta).isNull();
        assertThat(a.oldPricingStatus).isEqualTo(Invocation.UNPRICED);
        assertThat(a.newPricingStatus).isEqualTo(Invocation.PRICED);
        assertThat(a.oldPriceSource).isNull();
        assertThat(a.newPriceSource).isEqualTo("t/m.csv:2");
        assertThat(a.adjustedAt).isEqualTo(AT);
        assertThat(current.pricingStatus).as("the current invocation is not changed").isEqualTo(Invocation.UNPRICED);

        // With its adjustment applied, the same table finds nothing more to do.
        a.applyTo(current);
        assertThat(current.totalCost).isEqualByComparingTo("0.002");
        assertThat(current.unpricedReason).isNull();
        assertThat(Repricer.reprice(current, table, AT).outcome).isEqualTo(Repricer.Outcome.UNCHANGED);

        // A corrected price: the difference only.
        Repricer.Result changed = Repricer.reprice(current, book("m1,us-east-1,2024-01-01,,1.5,2,,,,*,,\n"), AT);
        assertThat(changed.adjustment.reason).isEqualTo(Adjustment.PRICE_CHANGED);
        assertThat(changed.adjustment.inputCostDelta).isEqualByComparingTo("0.0005");
        assertThat(changed.adjustment.outputCostDelta).isEqualByComparingTo("0");
        assertThat(changed.adjustment.totalCostDelta).isEqualByComparingTo("0.0005");
    }

    @Test
    void aPriceRowThatOnlyMovedChangesNothing() {
        Invocation current = invocation("m1");
        Repricer.reprice(current, book("m1,us-east-1,2024-01-01,,1,2,,,,*,,\n"), AT).adjustment.applyTo(current);
        Repricer.Result r = Repricer.reprice(current, book("other,us-east-1,2024-01-01,,9,9,,,,*,,\nm1,us-east-1,2024-01-01,,1,2,,,,*,,\n"), AT);
        assertThat(r.outcome).isEqualTo(Repricer.Outcome.UNCHANGED);
    }

    @Test
    void aTableWithoutThePriceNeverUnpricesHistory() {
        Invocation current = invocation("m1");
        Repricer.reprice(current, book("m1,us-east-1,2024-01-01,,1,2,,,,*,,\n"), AT).adjustment.applyTo(current);
        Repricer.Result r = Repricer.reprice(current, book("other,us-east-1,2024-01-01,,9,9,,,,*,,\n"), AT);
        assertThat(r.outcome).isEqualTo(Repricer.Outcome.NOT_PRICED_BY_TABLE);
        assertThat(r.adjustment).isNull();
    }

    @Test
    void imagesArePricedAgainFromTheirVariantExceptInRowsWrittenBeforeTheLakeHadIt() {
        Invocation current = invocation("img.model-v1");
        current.imageCount = 2L;
        assertThat(Repricer.reprice(current, book("m1,us-east-1,2024-01-01,,1,2,,,,*,,\n"), AT).outcome)
                .as("image_variant null: a row written before the column existed").isEqualTo(Repricer.Outcome.NOT_REPRICEABLE);

        Invocation sized = invocation("img.model-v1");
        sized.imageCount = 2L;
        sized.imageVariant = "1280x720/premium";
        String units = "charge,model_id,region,effective_from,effective_to,variant,usd,per,source,note\n"
                + "image,img.model-v1,*,2024-01-01,,1024x1024/premium,0.06,1,test,\n"
                + "image,img.model-v1,*,2024-01-01,,2048x2048/premium,0.08,1,test,\n"
                + "image,img.model-v1,*,2024-01-01,,*,0.05,1,test,\n";
        PriceBook before = PriceBook.empty().apply(Map.of("t/units.csv", units)).book;
        Repricer.Result first = Repricer.reprice(sized, before, AT);
        assertThat(first.adjustment.reason).isEqualTo(Adjustment.PRICED_LATE);
        assertThat(first.adjustment.imageCostDelta).isEqualByComparingTo("0.12"); // 2 × 0.06: up to 1024 × 1024, premium
        first.adjustment.applyTo(sized);
        PriceBook after = PriceBook.empty().apply(Map.of("t/units.csv", units.replace("1024x1024/premium,0.06", "1024x1024/premium,0.07"))).book;
        Repricer.Result changed = Repricer.reprice(sized, after, AT);
        assertThat(changed.adjustment.reason).isEqualTo(Adjustment.PRICE_CHANGED);
        assertThat(changed.adjustment.imageCostDelta).isEqualByComparingTo("0.02");
        assertThat(changed.adjustment.totalCostDelta).isEqualByComparingTo("0.02");

        Invocation unsized = invocation("img.model-v1");
        unsized.imageCount = 1L;
        unsized.imageVariant = Invocation.ANY_IMAGE_SIZE;
        assertThat(Repricer.reprice(unsized, before, AT).adjustment.imageCostDelta).as("the model's * row").isEqualByComparingTo("0.05");
    }

    @Test
    void aGuardrailWhoseUnitsWereUnknownStaysUnpricedAsTheJobLeftIt() {
        Invocation current = invocation("m1");
        ChargePricer.unpriced(current, "tokens: no price for m1 in us-east-1; guardrail: the guardrail trace has no usage "
                + "(invocationMetrics.usage) to price");
        Repricer.Result r = Repricer.reprice(current, book("m1,us-east-1,2024-01-01,,1,2,,,,*,,\n"), AT);
        assertThat(r.outcome).as("its tokens have a price now, its guardrail units are still unknown").isEqualTo(Repricer.Outcome.UNCHANGED);
        assertThat(Repricer.guardrailGap("guardrail: no price for content (3 units)")).isNull();
    }
}
