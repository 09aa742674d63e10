package com.bedrockcost.pricing;

import com.bedrockcost.model.GuardrailPolicy;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.parse.InvocationLogParser;
import com.bedrockcost.parse.ModelIds;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every charge a log explains, priced from real record shapes ({@code charges/records.jsonl}: guardrail
 * traces of Converse and stream records as in Elastic's public test log, a request blocked at the input,
 * service tiers, Nova Canvas, Nova Reel, Amazon Rerank) with exact expected costs.
 */
class ChargePricerTest {
    private static final String TEST_TIERS = "charges/tiers-and-media.csv";
    private static final String TEST_UNITS = "charges/units.csv";

    @Test
    void guardrailUnitsOfTheInputAreBilledWithTheTokensByTheBuiltInTable() throws Exception {
        Invocation inv = priced("guard-converse-pii", builtIn());
        // topic 1 × 0.15 / 1000 + sensitive information 1 × 0.10 / 1000
        assertThat(inv.guardrailCost).isEqualByComparingTo("0.00025");
        assertThat(inv.guardrailTextUnits()).isEqualTo(2L);
        // 20 × 3 / 1e6 + 18 × 15 / 1e6 = 0.00033; total = tokens + guardrail
        assertThat(inv.inputCost.add(inv.outputCost)).isEqualByComparingTo("0.00033");
        assertThat(inv.totalCost).isEqualByComparingTo("0.00058");
        assertThat(inv.totalCost.scale()).isEqualTo(Pricer.SCALE);
        assertThat(inv.pricingStatus).isEqualTo(Invocation.PRICED);
        assertThat(inv.unpricedReason).isNull();
        assertThat(inv.priceSource).contains("pricing/anthropic.csv:").contains("pricing/units/guardrails.csv:");
    }

    @Test
    void aStreamWhoseGuardrailIntervenedPaysEveryPolicyOfEveryOutputAndNoTokens() throws Exception {
        Invocation inv = priced("guard-stream-intervened", builtIn());
        // topic 1 × 0.15 + content 2 × 0.15 + word 1 × 0 + sensitive 2 × 0.10 + regex 1 × 0, per 1000 units
        assertThat(inv.guardrailCost).isEqualByComparingTo("0.00065");
        assertThat(inv.guardrailTextUnits()).isEqualTo(5L);
        assertThat(inv.guardrailUnits[GuardrailPolicy.WORD.ordinal()]).isEqualTo(1);
        assertThat(inv.guardrailUnits[GuardrailPolicy.SENSITIVE_INFORMATION_FREE.ordinal()]).isEqualTo(1);
        assertThat(inv.totalCost).isEqualByComparingTo("0.00065");
        assertThat(inv.pricingStatus).isEqualTo(Invocation.PRICED);
    }

    @Test
    void aRequestBlockedAtTheInputStillPaysItsGuardrail() throws Exception {
        Invocation inv = priced("guard-input-blocked", builtIn());
        assertThat(inv.inputTokens + inv.outputTokens).isZero();
        // topic, content, word, sensitive information: 1 unit each = (0.15 + 0.15 + 0 + 0.10) / 1000
        assertThat(inv.guardrailCost).isEqualByComparingTo("0.0004");
        assertThat(inv.totalCost).isEqualByComparingTo("0.0004");
        assertThat(inv.guardrailTextUnits()).isEqualTo(3L);
    }

    @Test
    void contextualGroundingIsPricedByTheBuiltInTable() throws Exception {
        Invocation inv = priced("guard-converse-grounding", builtIn());
        assertThat(inv.guardrailUnits[GuardrailPolicy.CONTEXTUAL_GROUNDING.ordinal()]).isEqualTo(2);
        // input: topic, content, word, sensitive 1 each; output: the same + grounding 2
        // = (2 × 0.15 + 2 × 0.15 + 2 × 0 + 2 × 0.10 + 2 × 0.10) / 1000
        assertThat(inv.guardrailCost).isEqualByComparingTo("0.001");
        assertThat(inv.totalCost).isEqualByComparingTo("0.004345");
        assertThat(inv.pricingStatus).isEqualTo(Invocation.PRICED);
        assertThat(inv.priceSource).contains("pricing/units/guardrails.csv:7"); // the contextual grounding row
    }

    @Test
    void contextualGroundingIsPricedFromTheFebruary2025PricingPageAndUnpricedBefore() throws Exception {
        PriceBook book = PriceBook.empty().apply(builtIn()).book;
        Invocation may2025 = records().get("guard-converse-grounding");
        may2025.eventTime = Instant.parse("2025-05-20T10:00:00Z");
        ChargePricer.price(may2025, book);
        // the same units as in 2026 at the same rates: grounding 2 × 0.10 from the 2025-02-27 row
        assertThat(may2025.guardrailCost).isEqualByComparingTo("0.001");
        assertThat(may2025.totalCost).isEqualByComparingTo("0.004345");
        assertThat(may2025.pricingStatus).isEqualTo(Invocation.PRICED);
        assertThat(may2025.priceSource).contains("pricing/units/guardrails.csv:11");

        Invocation january2025 = records().get("guard-converse-grounding");
        january2025.eventTime = Instant.parse("2025-01-20T10:00:00Z");
        ChargePricer.price(january2025, book);
        assertThat(january2025.pricingStatus).isEqualTo(Invocation.UNPRICED);
        assertThat(january2025.unpricedReason).startsWith("guardrail: no price for contextual_grounding (2 units); ");
    }

    @Test
    void automatedReasoningAndImageContentFiltersArePricedByTheBuiltInTable() throws Exception {
        Invocation inv = priced("guard-converse-reasoning-image", builtIn());
        assertThat(inv.guardrailUnits[GuardrailPolicy.AUTOMATED_REASONING.ordinal()]).isEqualTo(3);
        assertThat(inv.guardrailUnits[GuardrailPolicy.CONTENT_IMAGE.ordinal()]).isEqualTo(2);
        // topic 1 × 0.15 + sensitive information 1 × 0.10 + automated reasoning 3 × 0.17 per 1000 text units
        // + 2 images × 0.75 per 1000 images = (0.15 + 0.10 + 0.51 + 1.50) / 1000
        assertThat(inv.guardrailCost).isEqualByComparingTo("0.00226");
        assertThat(inv.guardrailTextUnits()).isEqualTo(5L); // images are not text units
        assertThat(inv.totalCost).isEqualByComparingTo("0.00259"); // + tokens 20 × 3 / 1e6 + 18 × 15 / 1e6
        assertThat(inv.pricingStatus).isEqualTo(Invocation.PRICED);
        assertThat(inv.priceSource).contains("pricing/units/guardrails.csv:8").contains("pricing/units/guardrails.csv:9");
    }

    @Test
    void beforeTheDecember2024ReductionContentFiltersCostTheEarlierRate() throws Exception {
        Invocation inv = priced("guard-converse-content-2024", builtIn());
        // content 2 units × 0.75 / 1000 (the rate before 2024-12-01) + tokens 0.00033
        assertThat(inv.guardrailCost).isEqualByComparingTo("0.0015");
        assertThat(inv.totalCost).isEqualByComparingTo("0.00183");
        assertThat(inv.priceSource).contains("pricing/units/guardrails.csv:10");
    }

    @Test
    void aPolicyWithoutAPriceInForceLeavesTheRowUnpricedAndTheReasonGivesTheKnownPart() throws Exception {
        // 2024-11-15: no sourced rate for denied topics or sensitive information before the December 2024 reduction
        Invocation inv = priced("guard-converse-pii-2024", builtIn());
        assertThat(inv.guardrailCost).isNull();
        assertThat(inv.totalCost).isNull();
        assertThat(inv.inputCost).isNull(); // an incomplete bill is no bill (contracts §1)
        assertThat(inv.priceSource).isNull();
        assertThat(inv.pricingStatus).isEqualTo(Invocation.UNPRICED);
        assertThat(inv.unpricedReason).isEqualTo("guardrail: no price for topic (1 units), sensitive_information (1 units); "
                + ChargePricer.PRICED_PARTS + "0.00033 = tokens 0.00033 (pricing/anthropic.csv:4)");
    }

    @Test
    void theKnownPartNamesThePricedPoliciesWhenOthersAreMissing() throws Exception {
        Invocation inv = priced("guard-input-blocked", builtIn());
        inv.eventTime = Instant.parse("2024-11-15T10:00:00Z"); // same record, before the reduction
        ChargePricer.price(inv, PriceBook.empty().apply(builtIn()).book);
        // content 1 × 0.75 / 1000, word 1 × 0 priced; topic and sensitive information have no rate then
        assertThat(inv.unpricedReason).isEqualTo("guardrail: no price for topic (1 units), sensitive_information (1 units); "
                + ChargePricer.PRICED_PARTS + "0.00075 = tokens 0 + guardrail content, word 0.00075"
                + " (pricing/anthropic.csv:7 + pricing/units/guardrails.csv:10 + pricing/units/guardrails.csv:6)");
        assertThat(inv.totalCost).isNull();
    }

    @Test
    void aCallWithNothingPricedSaysOnlyWhatIsMissing() throws Exception {
        Invocation inv = priced("guard-converse-pii-2024", builtIn());
        inv.model = "anthropic.claude-v0-unknown";
        ChargePricer.price(inv, PriceBook.empty().apply(builtIn()).book);
        assertThat(inv.unpricedReason).isEqualTo("tokens: no price for anthropic.claude-v0-unknown in us-east-1; "
                + "guardrail: no price for topic (1 units), sensitive_information (1 units)");
    }

    @Test
    void aGuardrailTraceWithoutUsageIsReportedNotPricedZero() throws Exception {
        Invocation inv = priced("guard-trace-without-usage", builtIn());
        assertThat(inv.guardrailUnits).isNull();
        assertThat(inv.totalCost).isNull();
        assertThat(inv.unpricedReason).isEqualTo("guardrail: the guardrail trace has no usage (invocationMetrics.usage) to price; "
                + ChargePricer.PRICED_PARTS + "0 = tokens 0 (pricing/anthropic.csv:7)");
    }

    @Test
    void inputAndOutputAssessmentsAddUpWhenEveryPolicyHasAPrice() throws Exception {
        Invocation inv = priced("guard-converse-grounding", builtIn(TEST_UNITS));
        // input: topic, content, word, sensitive 1 each; output: the same + grounding 2
        // = (2 × 0.15 + 2 × 0.15 + 2 × 0 + 2 × 0.10 + 2 × 0.10) / 1000
        assertThat(inv.guardrailCost).isEqualByComparingTo("0.001");
        assertThat(inv.guardrailTextUnits()).isEqualTo(8L);
        assertThat(inv.totalCost).isEqualByComparingTo("0.004345");
    }

    @Test
    void serviceTiersArePricedAtTheirOwnRatesAndNeverAtTheStandardOne() throws Exception {
        Map<String, String> tiers = builtIn(TEST_TIERS);
        Invocation flex = priced("tier-flex", tiers);
        assertThat(flex.serviceTier).isEqualTo("flex");
        assertThat(flex.totalCost).isEqualByComparingTo("0.000675"); // 1000 × 0.075 + 2000 × 0.30
        Invocation priority = priced("tier-priority", tiers);
        assertThat(priority.totalCost).isEqualByComparingTo("0.0023625"); // 1000 × 0.2625 + 2000 × 1.05
        Invocation standard = priced("tier-default", tiers);
        assertThat(standard.serviceTier).isEqualTo("default");
        assertThat(standard.totalCost).isEqualByComparingTo("0.00135"); // 1000 × 0.15 + 2000 × 0.60
        Invocation optimized = priced("latency-optimized", tiers);
        assertThat(optimized.serviceTier).isEqualTo("latency-optimized");
        assertThat(optimized.totalCost).isEqualByComparingTo("0.011"); // 1000 × 1 + 2000 × 5

        Invocation flexBuiltIn = priced("tier-flex", builtIn());
        assertThat(flexBuiltIn.totalCost).isNull();
        assertThat(flexBuiltIn.pricingStatus).isEqualTo(Invocation.UNPRICED);
        assertThat(flexBuiltIn.unpricedReason).isEqualTo(
                "tokens: no flex tier price for openai.gpt-oss-120b-1:0 in us-east-1 (the standard rate does not apply)");
        Invocation reserved = priced("tier-reserved", tiers);
        assertThat(reserved.totalCost).isNull();
        assertThat(reserved.unpricedReason).contains("reserved");
    }

    @Test
    void imagesArePricedPerImageBySizeBucketAndQuality() throws Exception {
        Invocation inv = priced("image-canvas", builtIn(TEST_UNITS));
        assertThat(inv.imageCount).isEqualTo(2L);
        assertThat(inv.imageVariant).isEqualTo("1280x720/premium");
        assertThat(inv.imageCost).isEqualByComparingTo("0.12"); // 2 × 0.06 (up to 1024 × 1024 pixels, premium)
        assertThat(inv.totalCost).isEqualByComparingTo("0.12");
        assertThat(inv.inputCost).isEqualByComparingTo("0");
        assertThat(inv.pricingStatus).isEqualTo(Invocation.PRICED);
    }

    @Test
    void anImageCountTheRecordDoesNotGiveIsReportedNeverPricedZero() throws Exception {
        Invocation inv = priced("image-canvas-offloaded", builtIn(TEST_UNITS));
        assertThat(inv.imageCount).isNull();
        assertThat(inv.imageCost).isNull();
        assertThat(inv.totalCost).isNull();
        assertThat(inv.pricingStatus).isEqualTo(Invocation.UNPRICED);
        assertThat(inv.unpricedReason).isEqualTo("image: the number of images is not in the record "
                + "(the request body is in S3 (inputBodyS3Path), which the job does not read)");
    }

    @Test
    void videoSecondsAndRerankQueriesArePricedPerUnit() throws Exception {
        Invocation video = priced("video-reel", builtIn(TEST_UNITS));
        assertThat(video.imageCount).isNull();
        assertThat(video.videoSeconds).isEqualByComparingTo("6");
        assertThat(video.videoCost).isEqualByComparingTo("0.48");
        assertThat(video.totalCost).isEqualByComparingTo("0.48");

        Invocation rerank = priced("rerank-101", builtIn());
        assertThat(rerank.rerankQueries).isEqualTo(2L); // 101 documents: a query per 100
        assertThat(rerank.rerankCost).isEqualByComparingTo("0.002"); // 2 × 1 / 1000, built-in table
        assertThat(rerank.totalCost).isEqualByComparingTo("0.002");
        assertThat(rerank.priceSource).isEqualTo("pricing/units/per-unit.csv:2");
    }

    @Test
    void noCompletionTextIsKept() throws Exception {
        Invocation inv = priced("guard-converse-grounding", builtIn());
        assertThat(inv.toString() + inv.unpricedReason + inv.quantityGap + inv.priceSource).doesNotContain("SECRET-COMPLETION");
    }

    // --- helpers ----------------------------------------------------------------------------------

    private static Map<String, String> builtIn(String... extra) throws IOException {
        Map<String, String> files = new TreeMap<>(PriceLocation.builtIn().read());
        for (String e : extra) {
            files.put("test/" + e, resource(e));
        }
        return files;
    }

    private static Invocation priced(String requestId, Map<String, String> files) throws Exception {
        PriceBook.Outcome outcome = PriceBook.empty().apply(files);
        assertThat(outcome.rejected).isEmpty();
        Invocation inv = records().get(requestId);
        assertThat(inv).as(requestId).isNotNull();
        ChargePricer.price(inv, outcome.book);
        return inv;
    }

    private static Map<String, Invocation> records() throws Exception {
        Map<String, Invocation> out = new HashMap<>();
        InvocationLogParser parser = new InvocationLogParser();
        for (String line : resource("charges/records.jsonl").split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            Invocation inv = parser.parse(b, 0, b.length);
            ModelIds.Resolved r = ModelIds.resolve(inv.modelId);
            inv.model = r.model;
            inv.profileScope = r.profileScope;
            out.put(inv.requestId, inv);
        }
        return out;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ChargePricerTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
