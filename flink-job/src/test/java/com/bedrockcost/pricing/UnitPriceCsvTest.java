package com.bedrockcost.pricing;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UnitPriceCsvTest {
    private static final String HEADER = "charge,model_id,region,effective_from,effective_to,variant,usd,per,source\n";

    @Test
    void aUnitPriceFileIsToldApartByItsHeaderAndLivesBesideTheTokenPrices() throws Exception {
        assertThat(UnitPriceCsv.recognises("\uFEFF" + HEADER)).isTrue();
        assertThat(UnitPriceCsv.recognises("model_id,region,effective_from,input_per_mtok,output_per_mtok\n")).isFalse();
        PriceBook.Outcome o = PriceBook.empty().apply(Map.of(
                "p/tokens.csv", "model_id,region,effective_from,input_per_mtok,output_per_mtok\nm,*,2024-01-01,1,2\n",
                "p/units.csv", HEADER + "guardrail,*,*,2024-01-01,,content,0.15,1000,s\n"));
        assertThat(o.rejected).isEmpty();
        assertThat(o.book.table().size()).isEqualTo(1);
        assertThat(o.book.unitPrices().size()).isEqualTo(1);
    }

    @Test
    void everyBadRowIsReportedWithItsLineAndTheFileIsRejected() {
        String bad = HEADER
                + "guardrail,*,*,2024-01-01,,content,0.15,1000,s\n"
                + "guardrail,*,*,2024-06-01,,content,0.20,1000,s\n"          // overlaps line 2
                + "guardrail,*,*,2024-01-01,,grounding,0.10,1000,s\n"        // not a policy name
                + "image,*,*,2024-01-01,,1024x1024/standard,0.04,1,s\n"      // image prices belong to a model
                + "rerank,amazon.rerank-v1:0,*,2024-01-01,,,-1,1000,s\n"     // negative
                + "video,amazon.nova-reel-v1:1,*,2024-01-01,,,0.08,3,s\n";   // per not a power of ten
        assertThatThrownBy(() -> UnitPriceCsv.parse("p/units.csv", bad))
                .isInstanceOf(PriceFileException.class)
                .hasMessageContaining("p/units.csv")
                .hasMessageContaining("overlaps line 2")
                .hasMessageContaining("guardrail variant 'grounding' is not a policy")
                .hasMessageContaining("model_id * is only for guardrail rows")
                .hasMessageContaining("usd '-1'")
                .hasMessageContaining("per '3'");
        PriceBook.Outcome o = PriceBook.empty().apply(Map.of(
                "p/tokens.csv", "model_id,region,effective_from,input_per_mtok,output_per_mtok\nm,*,2024-01-01,1,2\n",
                "p/units.csv", bad));
        assertThat(o.rejected).hasSize(1);
        assertThat(o.book.unitPrices().size()).isZero();
    }
}
