package com.bedrockcost.pricing;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which layer speaks for a key: the user's CSVs over the AWS Price List, the Price List over the built-in table. */
class PriceLayersTest {
    static final String HEADER = "model_id,region,effective_from,effective_to,input_per_mtok,output_per_mtok,profile_scope\n";
    static final String LISTED = HEADER
            + "m.a,us-east-1,2026-01-01,,3.3,16.5,geo\n"
            + "m.a,us-east-1,2026-01-01,,3,15,global\n";

    @Test
    void thePriceListReplacesBuiltInRowsOfTheSameKeyAndLeavesOtherLinesWhereTheyAre() {
        Map<String, String> builtIn = Map.of("pricing/a.csv", HEADER
                + "m.a,us-east-1,2024-01-01,,3,15,geo\n"
                + "m.b,us-east-1,2024-01-01,,1,2,*\n");
        Map<String, String> reading = PriceLayers.compose(builtIn, java.util.Set.copyOf(builtIn.values()), Map.of("a.csv", LISTED));
        assertThat(reading.get("pricing/a.csv")).isEqualTo(HEADER + "\nm.b,us-east-1,2024-01-01,,1,2,*\n");
        PriceBook.Outcome o = PriceBook.empty().apply(reading);
        assertThat(o.rejected).isEmpty();
        PriceTable t = o.book.table();
        assertThat(t.find("m.a", "us-east-1", "geo", java.time.Instant.parse("2026-06-01T00:00:00Z"), 0).source())
                .isEqualTo("aws-price-list/a.csv:2");
        assertThat(t.find("m.b", "us-east-1", "geo", java.time.Instant.parse("2026-06-01T00:00:00Z"), 0).source())
                .isEqualTo("pricing/a.csv:3");
    }

    @Test
    void anUnmodifiedCopyOfABuiltInFileInTheUsersFolderCountsAsBuiltIn() {
        String builtInFile = HEADER + "m.a,us-east-1,2024-01-01,,3,15,geo\n";
        Map<String, String> uploaded = Map.of("prices/anthropic.csv", builtInFile, "prices/private.csv", HEADER
                + "m.a,us-east-1,2026-01-01,,2,10,global\n");
        Map<String, String> reading = PriceLayers.compose(uploaded, java.util.Set.of(builtInFile), Map.of("a.csv", LISTED));
        assertThat(reading.get("prices/anthropic.csv")).isEqualTo(HEADER + "\n");
        assertThat(reading.get("aws-price-list/a.csv")).isEqualTo(HEADER + "m.a,us-east-1,2026-01-01,,3.3,16.5,geo\n\n");
        assertThat(PriceBook.empty().apply(reading).rejected).isEmpty();
    }

    @Test
    void aKeyTheUserStatesIsTheUsersEntirely() {
        Map<String, String> user = Map.of("prices/private.csv", HEADER + "m.a,us-east-1,2026-06-01,,2,10,geo\n");
        Map<String, String> reading = PriceLayers.compose(user, java.util.Set.of(), Map.of("a.csv", LISTED));
        assertThat(reading.get("aws-price-list/a.csv")).isEqualTo(HEADER + "\nm.a,us-east-1,2026-01-01,,3,15,global\n");
        PriceBook.Outcome o = PriceBook.empty().apply(reading);
        assertThat(o.rejected).isEmpty();
        assertThat(o.book.table().find("m.a", "us-east-1", "geo", java.time.Instant.parse("2026-07-01T00:00:00Z"), 0).source())
                .isEqualTo("prices/private.csv:2");
        assertThat(o.book.table().find("m.a", "us-east-1", "global", java.time.Instant.parse("2026-07-01T00:00:00Z"), 0).source())
                .isEqualTo("aws-price-list/a.csv:3");
    }

    @Test
    void withoutAFetchTheCsvsAreTheReading() {
        Map<String, String> user = Map.of("prices/p.csv", HEADER);
        assertThat(PriceLayers.compose(user, java.util.Set.of(), null)).isSameAs(user);
    }
}
