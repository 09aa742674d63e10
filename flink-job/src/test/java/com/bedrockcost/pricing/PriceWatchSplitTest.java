package com.bedrockcost.pricing;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The price source's split carries the last good AWS Price List conversion across a restart. */
class PriceWatchSplitTest {
    @Test
    void theLastGoodPriceListSurvivesACheckpointAndOldSplitsStillRestore() throws Exception {
        PriceWatchSource.SplitSerializer s = new PriceWatchSource.SplitSerializer();
        Map<String, String> files = Map.of("anthropic.csv", "model_id,region\nä,€\n", "amazon.csv", "h\n");
        PriceWatchSource.Split back = s.deserialize(s.getVersion(), s.serialize(new PriceWatchSource.Split(files)));
        assertThat(back.priceList).isEqualTo(files);
        assertThat(s.deserialize(s.getVersion(), s.serialize(new PriceWatchSource.Split())).priceList).isNull();
        assertThat(s.deserialize(1, new byte[0]).priceList).isNull();
    }
}
