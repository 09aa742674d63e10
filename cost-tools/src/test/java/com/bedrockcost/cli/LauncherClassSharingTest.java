package com.bedrockcost.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher maps its class data sharing archive only into a JVM without an agent or a flight
 * recording: with either, JDK 17.0.15 crashed on the first class it mapped (bin/jvm-env, cds_allowed).
 */
class LauncherClassSharingTest {
    private static final Path ROOT = Paths.get(System.getProperty("project.root", "..")).toAbsolutePath().normalize();

    @ParameterizedTest(name = "{0}=\"{1}\" -> {2}")
    @CsvSource(delimiter = '|', value = {
            "NONE              | ''                                              | allowed",
            "JAVA_OPTS         | -Xmx3g -XX:+UseParallelGC                       | allowed",
            "JAVA_OPTS         | -Xmx3g -XX:StartFlightRecording=filename=x.jfr  | refused",
            "JAVA_OPTS         | -Xmx3g -javaagent:/opt/apm/agent.jar            | refused",
            "JAVA_OPTS         | -agentlib:jdwp=transport=dt_socket              | refused",
            "JAVA_OPTS         | -agentpath:/opt/profiler/libasyncProfiler.so    | refused",
            "JAVA_TOOL_OPTIONS | -Dfile.encoding=UTF-8                           | refused",
            "JDK_JAVA_OPTIONS  | -Xss2m                                          | refused",
    })
    void theArchiveIsUsedOnlyWithoutAgentsOrRecordings(String variable, String value, String expected) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", ". bin/jvm-env && cds_allowed").directory(ROOT.toFile())
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove("JAVA_OPTS");
        env.remove("JAVA_TOOL_OPTIONS");
        env.remove("JDK_JAVA_OPTIONS");
        env.put("tools", ROOT.resolve("cost-tools").toString());
        env.put("job", ROOT.resolve("flink-job").toString());
        if (!variable.equals("NONE")) {
            env.put(variable, value);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("output of the check").isEmpty();
        assertThat(p.exitValue() == 0 ? "allowed" : "refused").isEqualTo(expected);
    }
}
