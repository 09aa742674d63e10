package com.bedrockcost.pricing.pricelist;

import com.bedrockcost.model.Invocation;
import com.bedrockcost.pricing.PriceBook;
import com.bedrockcost.pricing.PriceLayers;
import com.bedrockcost.pricing.Pricer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The live refresh's fetches against a real local HTTP server: a good fetch, every kind of failed one, a price change. */
class PriceListPollerTest {
    static Path offers() throws Exception {
        return Paths.get(PriceListPollerTest.class.getResource("/pricelist/offers").toURI());
    }

    private OfferServer server;
    private PriceListPoller poller;

    @BeforeEach
    void start() throws Exception {
        server = new OfferServer();
        server.serve(v1());
        poller = new PriceListPoller(new PriceListFeed(server.url(), Duration.ofDays(1), Duration.ofMillis(800)),
                ModelMapping.builtIn(), null, null);
    }

    static Path[] v1() throws Exception {
        Path o = offers();
        return new Path[] {o.resolve("v1/AmazonBedrock.json"), o.resolve("v1/AmazonBedrockFoundationModels.json"),
                o.resolve("v1/AmazonBedrockService.json")};
    }

    static Path[] v2() throws Exception {
        Path o = offers();
        return new Path[] {o.resolve("v1/AmazonBedrock.json"), o.resolve("v2/AmazonBedrockFoundationModels.json"),
                o.resolve("v1/AmazonBedrockService.json")};
    }

    @AfterEach
    void stop() {
        poller.close();
        server.close();
    }

    static BigDecimal geoSonnet46(Map<String, String> priceListFiles, String at) {
        PriceBook.Outcome o = PriceBook.empty().apply(PriceLayers.compose(Map.of(), java.util.Set.of(), priceListFiles));
        assertThat(o.rejected).isEmpty();
        Invocation i = new Invocation();
        i.model = "anthropic.claude-sonnet-4-6";
        i.region = "us-east-1";
        i.profileScope = "geo";
        i.eventTime = Instant.parse(at);
        i.inputTokens = 412;
        i.cacheReadTokens = 3072;
        i.outputTokens = 187;
        assertThat(Pricer.price(i, o.book.table())).isTrue();
        return i.totalCost;
    }

    @Test
    void everyKindOfFailedFetchKeepsTheLastGoodPricesAndIsCounted() throws Exception {
        assertThat(poller.fetchOnce()).isTrue();
        Map<String, String> good = poller.latest();
        assertThat(good).containsOnlyKeys("amazon.csv", "anthropic.csv");
        assertThat(geoSonnet46(good, "2026-11-20T00:00:00Z")).isEqualByComparingTo("0.00545886");

        for (OfferServer.Mode failure : new OfferServer.Mode[] {OfferServer.Mode.FAIL, OfferServer.Mode.STALL, OfferServer.Mode.TRUNCATE}) {
            server.mode(failure);
            assertThat(poller.fetchOnce()).as(failure.name()).isFalse();
            assertThat(poller.latest()).as(failure.name()).isSameAs(good);
        }
        // One offer code missing (404): a partial Price List is no Price List.
        server.mode(OfferServer.Mode.SERVE);
        Path o = offers();
        server.serve(o.resolve("v1/AmazonBedrock.json"), o.resolve("v1/AmazonBedrockService.json"));
        assertThat(poller.fetchOnce()).isFalse();
        // Whole files that lost most of their prices: taken for a partial publication.
        server.serve(o.resolve("v1/AmazonBedrock.json"), o.resolve("v1/AmazonBedrockService.json"),
                o.resolve("../partial/AmazonBedrockFoundationModels.json"));
        assertThat(poller.fetchOnce()).isFalse();
        assertThat(poller.latest()).isSameAs(good);
        assertThat(poller.failures()).isEqualTo(5);
    }

    @Test
    void aChangedPriceIsPickedUpByTheNextFetchAndTheOldPriceKeepsItsPast() throws Exception {
        assertThat(poller.fetchOnce()).isTrue();
        Map<String, String> before = poller.latest();
        server.serve(v2());
        assertThat(poller.fetchOnce()).isTrue();
        Map<String, String> after = poller.latest();
        assertThat(PriceLayers.changes(before, after)).containsExactly(
                "model anthropic.claude-sonnet-4-6, region us-east-1, profile_scope geo, min_prompt_tokens 0: input 3.3, output 16.5, "
                        + "cache read 0.33, cache write 4.125, cache write 1h 6.6 -> input 3, output 16.5, cache read 0.33, cache write 4.125, "
                        + "cache write 1h 6.6 from 2026-11-15T00:00:00Z",
                "model anthropic.claude-sonnet-4-6, region us-east-1, profile_scope in-region, min_prompt_tokens 0: input 3.3, output 16.5, "
                        + "cache read 0.33, cache write 4.125, cache write 1h 6.6 -> input 3, output 16.5, cache read 0.33, cache write 4.125, "
                        + "cache write 1h 6.6 from 2026-11-15T00:00:00Z");
        assertThat(geoSonnet46(after, "2026-11-20T00:00:00Z")).isEqualByComparingTo("0.00533526");
        assertThat(geoSonnet46(after, "2026-11-01T00:00:00Z")).isEqualByComparingTo("0.00545886");
    }

    @Test
    void afterARestartTheLastGoodConversionStaysUntilAFetchSucceeds() throws Exception {
        assertThat(poller.fetchOnce()).isTrue();
        Map<String, String> beforeRestart = poller.latest();
        PriceListPoller restarted = new PriceListPoller(new PriceListFeed(server.url(), Duration.ofDays(1), Duration.ofMillis(800)),
                ModelMapping.builtIn(), null, null);
        restarted.restore(beforeRestart);
        server.mode(OfferServer.Mode.FAIL);
        assertThat(restarted.fetchOnce()).isFalse();
        assertThat(restarted.latest()).isSameAs(beforeRestart);
        server.mode(OfferServer.Mode.SERVE);
        server.serve(v2());
        assertThat(restarted.fetchOnce()).isTrue();
        assertThat(geoSonnet46(restarted.latest(), "2026-11-20T00:00:00Z")).isEqualByComparingTo("0.00533526");
        restarted.restore(beforeRestart); // a late restore never replaces a fetched table
        assertThat(geoSonnet46(restarted.latest(), "2026-11-20T00:00:00Z")).isEqualByComparingTo("0.00533526");
    }

    @Test
    void theRefreshIsOffByDefaultAndRefusesAnIntervalUnderAMinute() {
        com.bedrockcost.config.JobConfig defaults = com.bedrockcost.config.JobConfig.defaults();
        assertThat(PriceListFeed.fromConfig(defaults)).isNull();
        PriceListFeed on = PriceListFeed.fromConfig(defaults.with(com.bedrockcost.config.JobConfig.PRICING_AWS_OFFER_ENABLED, "true"));
        assertThat(on.url).isEqualTo("https://pricing.us-east-1.amazonaws.com");
        assertThat(on.interval).isEqualTo(Duration.ofDays(1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PriceListFeed.fromConfig(defaults.with(java.util.Map.of(
                        "pricing.aws.offer.enabled", "true", "pricing.aws.offer.interval", "10s"))))
                .isInstanceOf(com.bedrockcost.config.ConfigException.class).hasMessageContaining("pricing.aws.offer.interval must be at least 1m");
    }
}
