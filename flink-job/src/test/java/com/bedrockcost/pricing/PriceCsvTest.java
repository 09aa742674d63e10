package com.bedrockcost.pricing;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PriceCsvTest {
    static final String HEADER = "model_id,region,effective_from,effective_to,input_per_mtok,output_per_mtok,"
            + "cache_read_per_mtok,cache_write_per_mtok,min_prompt_tokens,profile_scope,cache_write_1h_per_mtok\n";
    static final String GOOD = "anthropic.claude-opus-4-7,us-east-1,2024-01-01,,5,25,0.5,6.25,,in-region,10\n";

    private static PriceFileException rejected(String content) {
        try {
            PriceCsv.parse("prices/x.csv", content);
        } catch (PriceFileException e) {
            return e;
        }
        throw new AssertionError("accepted: " + content);
    }

    @Test
    void aGoodFileGivesRowsThatNameFileAndLine() throws Exception {
        List<PriceRow> rows = PriceCsv.parse("prices/x.csv", HEADER + GOOD + "\n"
                + "amazon.nova-micro-v1:0,*,2026-12-01T10:00:00Z,2027-01-01,0.035,0.14,0.00875,,200001,,\n");
        assertThat(rows).hasSize(2);
        PriceRow opus = rows.get(0);
        assertThat(opus.source()).isEqualTo("prices/x.csv:2");
        assertThat(opus.input).isEqualByComparingTo("5");
        assertThat(opus.cacheWrite1h).isEqualByComparingTo("10");
        assertThat(opus.scope).isEqualTo("in-region");
        assertThat(opus.from).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
        assertThat(opus.to).isNull();
        PriceRow nova = rows.get(1);
        assertThat(nova.source()).isEqualTo("prices/x.csv:4"); // the blank line 3 is skipped but counted
        assertThat(nova.region).isEqualTo("*");
        assertThat(nova.scope).isEqualTo("*"); // empty profile_scope = any
        assertThat(nova.cacheWrite).isEqualByComparingTo(BigDecimal.ZERO); // empty = 0
        assertThat(nova.cacheWrite1h).isNull(); // empty = no 1h rate
        assertThat(nova.minPromptTokens).isEqualTo(200001);
        assertThat(nova.from).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(nova.to).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    }

    @Test
    void columnsMayComeInAnyOrderWithQuotedNotesAndCrlf() throws Exception {
        List<PriceRow> rows = PriceCsv.parse("p.csv", "\uFEFFnote,output_per_mtok,input_per_mtok,model_id,region,effective_from\r\n"
                + "\"LiteLLM, \"\"2026\"\"\",1.5,0.5,cohere.command-r-v1:0,us-east-1,2024-01-01\r\n");
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.output).isEqualByComparingTo("1.5");
            assertThat(r.input).isEqualByComparingTo("0.5");
            assertThat(r.scope).isEqualTo("*");
        });
    }

    @Test
    void overlappingRangesForTheSameSlotAreRejectedNamingBothLines() {
        PriceFileException e = rejected(HEADER + GOOD
                + "anthropic.claude-opus-4-7,us-east-1,2026-12-01,,4,20,0.4,5,,in-region,8\n");
        assertThat(e.getMessage()).contains("prices/x.csv:3: overlaps line 2", "anthropic.claude-opus-4-7", "in-region");
        assertThat(e.problems()).extracting(p -> p.line).containsExactly(3);
    }

    @Test
    void closedRangesThatTouchDoNotOverlap() throws Exception {
        assertThat(PriceCsv.parse("p.csv", HEADER
                + "anthropic.claude-opus-4-7,us-east-1,2024-01-01,2026-12-01,5,25,0.5,6.25,,in-region,10\n"
                + "anthropic.claude-opus-4-7,us-east-1,2026-12-01,,4,20,0.4,5,,in-region,8\n"
                // Same model and time, but another region, scope or threshold: a different slot.
                + "anthropic.claude-opus-4-7,*,2024-01-01,,5,25,0.5,6.25,,in-region,10\n"
                + "anthropic.claude-opus-4-7,us-east-1,2024-01-01,,5.5,27.5,0.55,6.875,,geo,11\n"
                + "anthropic.claude-opus-4-7,us-east-1,2024-01-01,,10,50,1,12.5,200001,in-region,20\n")).hasSize(5);
    }

    @Test
    void negativePriceIsRejected() {
        assertThat(rejected(HEADER + GOOD + "amazon.nova-lite-v1:0,us-east-1,2024-01-01,,0.06,-0.24,,,,*,\n").getMessage())
                .contains("prices/x.csv:3: negative output_per_mtok '-0.24'");
    }

    @Test
    void unparsableNumbersAreRejected() {
        assertThat(rejected(HEADER + "amazon.nova-lite-v1:0,us-east-1,2024-01-01,,0.06,abc,,,,*,\n").getMessage())
                .contains("prices/x.csv:2: output_per_mtok 'abc' is not a decimal number");
        assertThat(rejected(HEADER + "amazon.nova-lite-v1:0,us-east-1,2024-01-01,,6e-2,0.24,,,,*,\n").getMessage())
                .contains("prices/x.csv:2: input_per_mtok '6e-2' is not a decimal number");
        assertThat(rejected(HEADER + "amazon.nova-lite-v1:0,us-east-1,2024-01-01,,0.06,0.24,,,12.5,*,\n").getMessage())
                .contains("prices/x.csv:2: min_prompt_tokens '12.5' is not a whole number");
    }

    @Test
    void moreThanSixDecimalsIsRejectedButTrailingZerosAreFine() throws Exception {
        assertThat(rejected(HEADER + "amazon.nova-micro-v1:0,us-east-1,2024-01-01,,0.0350001,0.14,,,,*,\n").getMessage())
                .contains("prices/x.csv:2: input_per_mtok '0.0350001' has more than 6 decimal places");
        assertThat(PriceCsv.parse("p.csv", HEADER + "amazon.nova-micro-v1:0,us-east-1,2024-01-01,,0.03500000,0.14,0.000001,,,*,\n"))
                .singleElement().satisfies(r -> assertThat(r.input).isEqualByComparingTo("0.035"));
    }

    @Test
    void unparsableDatesAreRejected() {
        assertThat(rejected(HEADER + "amazon.nova-lite-v1:0,us-east-1,2026-02-30,,0.06,0.24,,,,*,\n").getMessage())
                .contains("prices/x.csv:2: effective_from '2026-02-30' is not a UTC date");
        assertThat(rejected(HEADER + "amazon.nova-lite-v1:0,us-east-1,2026-12-01T00:00:00,,0.06,0.24,,,,*,\n").getMessage())
                .contains("prices/x.csv:2: effective_from '2026-12-01T00:00:00' is not a UTC date");
        assertThat(rejected(HEADER + "amazon.nova-lite-v1:0,us-east-1,2026-12-01,1/1/2027,0.06,0.24,,,,*,\n").getMessage())
                .contains("prices/x.csv:2: effective_to '1/1/2027' is not a UTC date");
        assertThat(rejected(HEADER + "amazon.nova-lite-v1:0,us-east-1,2026-12-01,2026-12-01,0.06,0.24,,,,*,\n").getMessage())
                .contains("prices/x.csv:2: effective_to 2026-12-01T00:00:00Z is not after effective_from");
    }

    @Test
    void missingRequiredColumnIsRejectedAtTheHeader() {
        PriceFileException e = rejected("model_id,region,effective_from,input_per_mtok\nx.y,us-east-1,2024-01-01,1\n");
        assertThat(e.getMessage()).contains("prices/x.csv:1: missing required column 'output_per_mtok'");
    }

    @Test
    void missingRequiredValueIsRejected() {
        assertThat(rejected(HEADER + "amazon.nova-lite-v1:0,us-east-1,,,0.06,0.24,,,,*,\n").getMessage())
                .contains("prices/x.csv:2: effective_from is empty");
        assertThat(rejected(HEADER + ",us-east-1,2024-01-01,,0.06,0.24,,,,*,\n").getMessage())
                .contains("prices/x.csv:2: model_id is empty");
    }

    @Test
    void unknownAndDuplicateColumnsAreRejected() {
        assertThat(rejected("model_id,region,effective_from,input_per_mtok,output_per_mtok,cache_raed_per_mtok\n").getMessage())
                .contains("prices/x.csv:1: unknown column 'cache_raed_per_mtok'");
        assertThat(rejected("model_id,region,effective_from,input_per_mtok,output_per_mtok,region\n").getMessage())
                .contains("prices/x.csv:1: column 'region' appears twice");
    }

    @Test
    void unknownProfileScopeIsRejected() {
        assertThat(rejected(HEADER + "amazon.nova-lite-v1:0,us-east-1,2024-01-01,,0.06,0.24,,,,regional,\n").getMessage())
                .contains("prices/x.csv:2: unknown profile_scope 'regional'");
    }

    @Test
    void profileIdsArnsAndBadRegionsAreRejected() {
        assertThat(rejected(HEADER + "us.anthropic.claude-opus-4-7,us-east-1,2024-01-01,,5,25,,,,geo,\n").getMessage())
                .contains("prices/x.csv:2: model_id 'us.anthropic.claude-opus-4-7' starts with the inference-profile prefix 'us.'");
        assertThat(rejected(HEADER + "arn:aws:bedrock:us-east-1::foundation-model/x,us-east-1,2024-01-01,,5,25,,,,*,\n").getMessage())
                .contains("prices/x.csv:2: model_id 'arn:aws:bedrock:us-east-1::foundation-model/x' is an ARN");
        assertThat(rejected(HEADER + "amazon.nova-lite-v1:0,US East,2024-01-01,,0.06,0.24,,,,*,\n").getMessage())
                .contains("prices/x.csv:2: region 'US East' is not an AWS region name");
    }

    @Test
    void wrongFieldCountAndBrokenQuotesAreRejected() {
        assertThat(rejected(HEADER + "amazon.nova-lite-v1:0,us-east-1,2024-01-01,,0.06,0.24\n").getMessage())
                .contains("prices/x.csv:2: expected 11 fields as in the header, found 6");
        assertThat(rejected(HEADER + "\"amazon.nova-lite-v1:0,us-east-1,2024-01-01,,0.06,0.24,,,,*,\n").getMessage())
                .contains("prices/x.csv:2: a quoted field is not closed");
    }

    @Test
    void emptyFileAndBytesThatAreNotUtf8AreRejected() {
        assertThat(rejected("").getMessage()).contains("prices/x.csv:1: the file is empty");
        String latin1 = new String((HEADER + "amazon.nova-lite-v1:0,us-east-1,2024-01-01,,0.06,0.24,,,,*,caf\u00e9\n")
                .getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        assertThat(rejected(latin1).getMessage()).contains("prices/x.csv:2: not valid UTF-8");
    }

    @Test
    void everyProblemOfAFileIsListedInLineOrder() {
        PriceFileException e = rejected(HEADER
                + "amazon.nova-lite-v1:0,us-east-1,2024-01-01,,0.06,-1,,,,*,\n"
                + GOOD
                + "amazon.nova-pro-v1:0,us-east-1,yesterday,,0.8,3.2,,,,*,\n");
        assertThat(e.problems()).extracting(p -> p.line).containsExactly(2, 4);
        assertThat(e.file()).isEqualTo("prices/x.csv");
    }

    @Test
    void theBuiltInTableIsValid() throws Exception {
        java.util.Map<String, String> files = PriceLocation.builtIn().read();
        assertThat(files).containsKeys("pricing/anthropic.csv", "pricing/amazon.csv", "pricing/meta.csv");
        PriceBook.Outcome outcome = PriceBook.empty().apply(files);
        assertThat(outcome.rejected).isEmpty();
        assertThat(outcome.book.table().size()).isGreaterThanOrEqualTo(71);
    }
}
