package com.bedrockcost.config;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** docs/configuration.md holds exactly the keys, defaults and descriptions of config/JobConfig. */
class ConfigDocTest {
    private static final Path PAGE = Paths.get(System.getProperty("project.root", ".."), "docs", "configuration.md");

    @Test
    void configurationPageIsWhatTheCodeGenerates() throws Exception {
        String page = Files.readString(PAGE, StandardCharsets.UTF_8);
        String generated = ConfigDoc.withKeyTables(page, JobConfig.keys());
        if (!generated.equals(page)) {
            fail("docs/configuration.md's key tables differ from the keys in config/JobConfig; run "
                    + ConfigDoc.COMMAND + " and commit the page. First difference:\n" + firstDifference(page, generated));
        }
    }

    @Test
    void everyKeyHasARowWithItsDefaultInItsGroupsTable() {
        String tables = ConfigDoc.keyTables(JobConfig.keys());
        for (ConfigKey<?> k : JobConfig.keys()) {
            String def = k.defaultValue().isEmpty() ? "—" : "`" + k.defaultValue() + "`";
            String row = "| `" + k.name() + "` | " + def + " | ";
            assertThat(tables).as("row of %s", k.name()).contains(row);
            String heading = "### " + k.group() + "\n";
            assertThat(tables.lastIndexOf(heading, tables.indexOf(row)))
                    .as("%s under the heading of its property group %s", k.name(), k.group())
                    .isEqualTo(tables.lastIndexOf("### ", tables.indexOf(row)));
        }
    }

    @Test
    void aPipeOrAnAngleBracketInADescriptionStaysText() {
        ConfigKey<String> k = new ConfigKey<>("G", "a.key", "", "a | b, <job id>/chk-<n>", Parsers.string());
        assertThat(ConfigDoc.keyTables(List.of(k)))
                .isEqualTo("\n### G\n\n| key | default | meaning |\n|---|---|---|\n| `a.key` | — | a \\| b, &lt;job id>/chk-&lt;n> |\n\n");
    }

    @Test
    void aPageWithoutTheMarkersIsRefusedNamingThem() {
        assertThatThrownBy(() -> ConfigDoc.withKeyTables("# Configuration\n", JobConfig.keys()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ConfigDoc.BEGIN).hasMessageContaining(ConfigDoc.END);
    }

    @Test
    void theProseAroundTheMarkersIsKept() {
        String page = "intro\n" + ConfigDoc.BEGIN + "\nold table\n" + ConfigDoc.END + "\noutro\n";
        assertThat(ConfigDoc.withKeyTables(page, JobConfig.keys()))
                .startsWith("intro\n" + ConfigDoc.BEGIN + "\n\n### Input\n")
                .endsWith("|\n\n" + ConfigDoc.END + "\noutro\n")
                .doesNotContain("old table");
    }

    private static String firstDifference(String actual, String expected) {
        String[] a = actual.split("\n", -1);
        String[] e = expected.split("\n", -1);
        for (int i = 0; i < Math.max(a.length, e.length); i++) {
            String x = i < a.length ? a[i] : "(end of page)";
            String y = i < e.length ? e[i] : "(end of page)";
            if (!x.equals(y)) {
                return "line " + (i + 1) + "\n  page:      " + x + "\n  generated: " + y;
            }
        }
        return "(none)";
    }
}
