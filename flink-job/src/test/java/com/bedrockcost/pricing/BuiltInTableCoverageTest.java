package com.bedrockcost.pricing;

import com.bedrockcost.model.Invocation;
import com.bedrockcost.parse.ModelIds;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built-in table alone prices the model ids and regions seen in public Bedrock logs (issue #18:
 * us-east-1, us-west-2, ap-northeast-1, ap-south-1; Claude 3 Haiku, 3 Sonnet, Sonnet 4, Opus 4.5 /
 * 4.6 / 4.7, Claude v2 / v2.1, Nova Micro, Titan Text Express, Jamba), each to the digit. The model
 * id goes through the job's own canonicalisation, as in a run. Expected costs are worked out by hand
 * from the sourced prices: 1,000 input and 500 output tokens (plus 2,000 cache-read tokens where the
 * model caches).
 */
class BuiltInTableCoverageTest {
    static PriceTable table;

    @BeforeAll
    static void load() throws Exception {
        PriceBook.Outcome o = PriceBook.empty().apply(PriceLocation.builtIn().read());
        assertThat(o.rejected).isEmpty();
        table = o.book.table();
    }

    private static final Instant AT = Instant.parse("2026-11-20T10:00:00Z");

    /** modelId as logged, region, cache-read tokens, expected total USD. */
    private static final Object[][] CALLS = {
            // us-east-1
            {"anthropic.claude-3-haiku-20240307-v1:0", "us-east-1", 2000, "0.000925"},   // 1000×0.25 + 500×1.25 + 2000×0.025
            {"anthropic.claude-3-sonnet-20240229-v1:0", "us-east-1", 0, "0.0105"},       // 1000×3 + 500×15
            {"us.anthropic.claude-sonnet-4-20250514-v1:0", "us-east-1", 2000, "0.0111"}, // + 2000×0.3
            {"us.anthropic.claude-opus-4-5-20251101-v1:0", "us-east-1", 2000, "0.02035"}, // 1000×5.5 + 500×27.5 + 2000×0.55
            {"us.anthropic.claude-opus-4-6-v1", "us-east-1", 0, "0.01925"},
            {"anthropic.claude-opus-4-7", "us-east-1", 0, "0.01925"},                    // in-region = regional rate
            {"global.anthropic.claude-opus-4-7", "us-east-1", 0, "0.0175"},              // 1000×5 + 500×25
            {"anthropic.claude-v2", "us-east-1", 0, "0.02"},                             // 1000×8 + 500×24
            {"anthropic.claude-v2:1", "us-east-1", 0, "0.02"},
            {"amazon.nova-micro-v1:0", "us-east-1", 2000, "0.0001225"},                  // 1000×0.035 + 500×0.14 + 2000×0.00875
            {"amazon.titan-text-express-v1", "us-east-1", 0, "0.0005"},                  // 1000×0.2 + 500×0.6
            {"ai21.jamba-1-5-large-v1:0", "us-east-1", 0, "0.006"},                      // 1000×2 + 500×8
            {"ai21.jamba-1-5-mini-v1:0", "us-east-1", 0, "0.0004"},
            {"ai21.jamba-instruct-v1:0", "us-east-1", 0, "0.00085"},
            // us-west-2
            {"anthropic.claude-3-haiku-20240307-v1:0", "us-west-2", 0, "0.000875"},
            {"anthropic.claude-3-sonnet-20240229-v1:0", "us-west-2", 0, "0.0105"},
            {"us.anthropic.claude-sonnet-4-20250514-v1:0", "us-west-2", 0, "0.0105"},
            {"us.anthropic.claude-opus-4-5-20251101-v1:0", "us-west-2", 0, "0.01925"},
            {"us.anthropic.claude-opus-4-6-v1", "us-west-2", 0, "0.01925"},
            {"us.anthropic.claude-opus-4-7", "us-west-2", 0, "0.01925"},
            {"anthropic.claude-v2", "us-west-2", 0, "0.02"},
            {"anthropic.claude-v2:1", "us-west-2", 0, "0.02"},
            {"amazon.nova-micro-v1:0", "us-west-2", 0, "0.000105"},
            {"us.amazon.nova-micro-v1:0", "us-west-2", 0, "0.000105"},
            {"amazon.titan-text-express-v1", "us-west-2", 0, "0.0005"},
            // ap-northeast-1
            {"anthropic.claude-3-haiku-20240307-v1:0", "ap-northeast-1", 0, "0.000875"},
            {"apac.anthropic.claude-3-haiku-20240307-v1:0", "ap-northeast-1", 0, "0.000875"},
            {"apac.anthropic.claude-3-sonnet-20240229-v1:0", "ap-northeast-1", 0, "0.0105"},
            {"apac.anthropic.claude-sonnet-4-20250514-v1:0", "ap-northeast-1", 0, "0.0105"},
            {"global.anthropic.claude-opus-4-5-20251101-v1:0", "ap-northeast-1", 0, "0.0175"},
            {"global.anthropic.claude-opus-4-6-v1", "ap-northeast-1", 0, "0.0175"},
            {"jp.anthropic.claude-opus-4-7", "ap-northeast-1", 2000, "0.02035"},         // 5500 + 13750 + 2000×0.55
            {"anthropic.claude-v2", "ap-northeast-1", 0, "0.02"},
            {"anthropic.claude-v2:1", "ap-northeast-1", 0, "0.02"},
            {"apac.amazon.nova-micro-v1:0", "ap-northeast-1", 0, "0.000111"},            // 1000×0.037 + 500×0.148
            // in-region in ap-northeast-1 = the apac. price from ap-northeast-1 (source-region rule, amazon.csv note)
            {"amazon.nova-micro-v1:0", "ap-northeast-1", 2000, "0.0001295"},             // 1000×0.037 + 500×0.148 + 2000×0.00925
            // ap-south-1
            {"anthropic.claude-3-haiku-20240307-v1:0", "ap-south-1", 0, "0.000875"},
            {"anthropic.claude-3-sonnet-20240229-v1:0", "ap-south-1", 0, "0.0105"},
            {"apac.anthropic.claude-sonnet-4-20250514-v1:0", "ap-south-1", 0, "0.0105"},
            {"global.anthropic.claude-opus-4-5-20251101-v1:0", "ap-south-1", 0, "0.0175"},
            {"global.anthropic.claude-opus-4-6-v1", "ap-south-1", 0, "0.0175"},
            {"global.anthropic.claude-opus-4-7", "ap-south-1", 0, "0.0175"},
            {"amazon.nova-micro-v1:0", "ap-south-1", 0, "0.000123"},                     // 1000×0.041 + 500×0.164
            {"apac.amazon.nova-micro-v1:0", "ap-south-1", 0, "0.000111"},
            {"amazon.titan-text-express-v1", "ap-south-1", 0, "0.00195"},                // 1000×1 + 500×1.9
    };

    /**
     * Pairs no citable source prices (docs/pricing.md, "What stays UNPRICED"): they must stay UNPRICED
     * rather than fall through to a guessed or wrong-region row. Jamba (us-east-1 only on the AWS
     * region table), Claude v2 / v2.1 in Mumbai and an in-region Claude 3 Sonnet in Tokyo (neither in
     * that region's table of the AWS pricing page) are not sold there; Titan Text Express in
     * ap-northeast-1 has no price in any source found.
     */
    private static final String[][] UNSOURCED = {
            {"amazon.titan-text-express-v1", "ap-northeast-1"},
            {"anthropic.claude-3-sonnet-20240229-v1:0", "ap-northeast-1"},
            {"anthropic.claude-v2", "ap-south-1"},
            {"anthropic.claude-v2:1", "ap-south-1"},
            {"ai21.jamba-1-5-large-v1:0", "us-west-2"},
            {"ai21.jamba-1-5-mini-v1:0", "ap-northeast-1"},
            {"ai21.jamba-instruct-v1:0", "ap-south-1"},
    };

    @Test
    void pairsWithoutASourcedPriceStayUnpriced() {
        List<String> priced = new ArrayList<>();
        for (String[] c : UNSOURCED) {
            Invocation i = call(c[0], c[1], 0);
            if (Pricer.price(i, table)) {
                priced.add(c[0] + " in " + c[1] + ": " + i.totalCost.toPlainString() + " from " + i.priceSource);
            } else {
                assertThat(i.pricingStatus).as(c[0] + " in " + c[1]).isEqualTo(Invocation.UNPRICED);
            }
        }
        assertThat(priced).isEmpty();
    }

    private static Invocation call(String modelId, String region, int cacheReadTokens) {
        ModelIds.Resolved r = ModelIds.resolve(modelId);
        Invocation i = new Invocation();
        i.modelId = modelId;
        i.model = r.model;
        i.profileScope = r.profileScope;
        i.region = region;
        i.eventTime = AT;
        i.inputTokens = 1000;
        i.outputTokens = 500;
        i.cacheReadTokens = cacheReadTokens;
        return i;
    }

    @Test
    void everyModelAndRegionOfThePublicLogsIsPricedToTheDigit() {
        List<String> problems = new ArrayList<>();
        for (Object[] c : CALLS) {
            String modelId = (String) c[0];
            String region = (String) c[1];
            Invocation i = call(modelId, region, (Integer) c[2]);
            if (!Pricer.price(i, table)) {
                problems.add(modelId + " in " + region + ": UNPRICED");
            } else if (i.totalCost.compareTo(new BigDecimal((String) c[3])) != 0) {
                problems.add(modelId + " in " + region + ": " + i.totalCost.stripTrailingZeros().toPlainString() + " from " + i.priceSource
                        + ", expected " + c[3]);
            }
        }
        assertThat(problems).isEmpty();
    }
}
