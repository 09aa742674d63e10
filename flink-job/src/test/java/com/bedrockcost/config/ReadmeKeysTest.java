package com.bedrockcost.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md documents every configuration key the job knows, with its default. */
class ReadmeKeysTest {
    @Test
    void everyKeyIsInTheReadmeWithItsDefault() throws Exception {
        Path readme = Paths.get(System.getProperty("project.root", ".."), "docs", "configuration.md");
        String text = Files.readString(readme);
        for (ConfigKey<?> k : JobConfig.keys()) {
            String d = k.defaultValue().isEmpty() ? "—" : k.defaultValue();
            assertThat(text).as("docs/configuration.md row of %s", k.name()).contains("| `" + k.name() + "` | `" + d + "` |");
        }
    }
}
