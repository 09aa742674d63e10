package com.bedrockcost;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No main class outside the {@code lake} package knows the lake's partition paths: the
 * {@code year=/month=/day=} folders, their column names in SQL, the day they make. Those are asked of
 * {@code lake} ({@code DatePartitioner.dayOf}, {@code LakeTablesSql.inPartition} and
 * {@code PARTITION_DAY}, {@code LakeViews.PARTITION_DAY}). The test reads the sources of both modules
 * and looks at their string literals (comments may name the layout).
 */
class PartitionPathsTest {
    /**
     * A partition folder ({@code day=}), a partition column quoted for SQL ({@code `day`}, {@code 'day'})
     * or in a concatenation ({@code year || '-' || month}). A bare {@code "day"} is not one: it is also a
     * budget period and a report's granularity.
     */
    static final Pattern PARTITION = Pattern.compile(
            "\\b(year|month|day)=|[`'](year|month|day)[`']|\\b(year|month|day)\\s*\\|\\||\\|\\|\\s*(year|month|day)\\b");

    @Test
    void noMainClassOutsideLakeSpellsAPartitionPath() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path sources : List.of(module("flink-job"), module("cost-tools"))) {
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList())) {
                    if (sources.relativize(file).startsWith(Paths.get("com", "bedrockcost", "lake"))) {
                        continue;
                    }
                    for (String literal : stringLiterals(new String(Files.readAllBytes(file), StandardCharsets.UTF_8))) {
                        if (PARTITION.matcher(literal).find()) {
                            found.add(sources.getParent().getParent().getParent().getFileName() + "/" + sources.relativize(file) + ": \"" + literal + "\"");
                        }
                    }
                }
            }
        }
        assertThat(found).as("Partition paths spelled outside the lake package: ask com.bedrockcost.lake"
                + " (DatePartitioner, LakeTablesSql, LakeViews) instead").isEmpty();
    }

    @Test
    void theCheckSeesEachWayOfSpellingAPartition() {
        String source = "// year=2026 in a comment is prose\n"
                + "class A { String a = \"year=\" + y; String b = \"(`year` = %s)\"; char q = '\"';"
                + " String c = \"year || '-' || month\"; String d = \"'day': VARCHAR\"; /* \"day=\" */ String e = \"a \\\" day=\"; }";
        List<String> hits = stringLiterals(source).stream().filter(l -> PARTITION.matcher(l).find()).collect(Collectors.toList());
        assertThat(hits).containsExactly("year=", "(`year` = %s)", "year || '-' || month", "'day': VARCHAR", "a \\\" day=");
        assertThat(stringLiterals("String s = \"birthday=\" + \"day\" + \"today || x\";").stream()
                .filter(l -> PARTITION.matcher(l).find())).isEmpty();
    }

    /** The main sources of a module, from the module a test runs in (Maven runs tests in the module's folder). */
    private static Path module(String name) {
        return Paths.get("..", name, "src", "main", "java").toAbsolutePath().normalize();
    }

    /** The string literals of a Java source (their text between the quotes, escapes as written), outside comments and char literals. */
    static List<String> stringLiterals(String src) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                int end = src.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                int end = src.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && src.charAt(j) != c) {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                if (c == '"') {
                    out.add(src.substring(i + 1, Math.min(j, n)));
                }
                i = j + 1;
            } else {
                i++;
            }
        }
        return out;
    }
}
