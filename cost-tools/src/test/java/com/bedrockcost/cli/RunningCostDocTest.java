package com.bedrockcost.cli;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** docs/running-cost.md shows exactly what {@code bin/running-cost} prints for the commands it names. */
class RunningCostDocTest {
    private static final Path PAGE = Paths.get(System.getProperty("project.root", ".."), "docs", "running-cost.md");
    private static final Pattern BLOCK = Pattern.compile("<!-- bin/running-cost (.*?) -->\n(.*?)<!-- end -->", Pattern.DOTALL);

    @Test
    void everyTableOnThePageIsTheCalculatorsOutput() throws Exception {
        String page = Files.readString(PAGE, StandardCharsets.UTF_8);
        Matcher m = BLOCK.matcher(page);
        int blocks = 0;
        while (m.find()) {
            String[] args = m.group(1).trim().split("\\s+");
            RunningCost model = new RunningCost();
            String printed = args.length == 1 && args[0].equals("--inputs") ? model.inputsTable() : model.table(model.parse(args));
            assertThat(m.group(2)).as("docs/running-cost.md after `bin/running-cost %s` (paste its output there)", m.group(1)).isEqualTo(printed);
            blocks++;
        }
        assertThat(blocks).as("calculator outputs on the page (1M, 100M, inputs)").isEqualTo(3);
    }

    @Test
    void aPriceGivenOnTheCommandLineIsUsedAndCounted() {
        RunningCost model = new RunningCost();
        String without = model.table(model.parse(new String[] {"--invocations-per-day", "1000000"}));
        // No sourced default: its lines show – and the note names the option to give.
        assertThat(without).contains("| 24 | stream-hours | – | – |").contains("--price-kinesis-ondemand-stream-hour");
        RunningCost priced = new RunningCost();
        String with = priced.table(priced.parse(new String[] {"--invocations-per-day", "1000000",
                "--price-kinesis-ondemand-stream-hour", "0.04", "--price-s3-put-1000", "0.01"}));
        // 24 stream-hours at 0.04 USD; 10,656 PUTs a day at 0.01 USD per 1,000 instead of the default 0.005.
        assertThat(with).contains("| 24 | stream-hours | 0.9600 | 28.80 |").contains("| 10,656 | requests | 0.1066 | 3.20 |")
                .doesNotContain("--price-kinesis-ondemand-stream-hour`");
    }

    @Test
    void anUnknownInputIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> new RunningCost().parse(new String[] {"--invocations-per-day", "1", "--kpu-price", "1"}))
                .hasMessageContaining("unknown option --kpu-price").hasMessageContaining("--price-kpu-hour");
    }
}
