package com.bedrockcost.pricing;

import com.bedrockcost.config.JobConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code pricing.units.path}: the unit price files read from a folder beside the price folder (where
 * Terraform puts them, out of the Glue pricing table's location), together with it as one table.
 */
class PriceLocationUnitsTest {
    @TempDir Path dir;

    @Test
    void theUnitsFolderIsReadWithThePriceFolderAndItsRowsPrice() throws Exception {
        Path prices = copy(Paths.get("../pricing"), dir.resolve("pricing"));
        Path units = copy(Paths.get("../pricing/units"), dir.resolve("pricing-units"));
        JobConfig config = JobConfig.defaults().with(Map.of("pricing.path", prices.toString(), "pricing.units.path", units.toString()));
        PriceLocation location = PriceLocation.fromConfig(config);
        assertThat(location.isBuiltIn()).isFalse();
        Map<String, String> files = location.read();
        assertThat(files).containsKeys("pricing/anthropic.csv", "pricing-units/guardrails.csv", "pricing-units/per-unit.csv");
        assertThat(files.keySet()).noneMatch(name -> name.startsWith("pricing/units/"));

        PriceBook.Outcome outcome = PriceBook.empty().apply(files);
        assertThat(outcome.rejected).isEmpty();
        assertThat(outcome.book.unitPrices().find(UnitPriceCsv.GUARDRAIL, "any", "us-east-1", "content",
                java.time.Instant.parse("2026-03-14T10:00:00Z")).source).isEqualTo("pricing-units/guardrails.csv:2");
    }

    @Test
    void twoFilesOfTheSameNameAreAnErrorNotOneSilentlyLost() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a/pricing"));
        Path b = Files.createDirectories(dir.resolve("b/pricing"));
        Files.writeString(a.resolve("x.csv"), "model_id,region,effective_from,effective_to,input_per_mtok,output_per_mtok\n");
        Files.writeString(b.resolve("x.csv"), "model_id,region,effective_from,effective_to,input_per_mtok,output_per_mtok\n");
        assertThatThrownBy(() -> PriceLocation.of(a.toString()).withUnits(b.toString()).read())
                .hasMessageContaining("Two price files are named pricing/x.csv");
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".csv"))::iterator) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }
}
