package com.bedrockcost.packaging;

import com.bedrockcost.testutil.DuckLake;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MSF jar is lean and starts: under 40 MB; only the new Kinesis source (no legacy consumer, no
 * Kinesis producer binaries, no AWS SDK v1); no CLI, report/dashboard, local-cloud launchers, S3Mock
 * or DuckDB; snappy-java left to Flink; zstd-jni natives for Linux only. Started on the classpath a
 * cluster provides (the job's provided dependencies), it refuses to run without configuration and
 * runs to the end with an explicit one.
 */
class MsfJarIT {
    private static final long MAX_BYTES = 40L * 1024 * 1024;
    /** Prefixes that must not be in the jar, and why. */
    private static final Map<String, String> ABSENT = new TreeMap<>(Map.ofEntries(
            Map.entry("org/apache/flink/streaming/connectors/kinesis/", "the legacy Kinesis consumer (FlinkKinesisConsumer)"),
            Map.entry("org/apache/flink/kinesis/shaded/com/amazonaws/", "AWS SDK v1, KPL and KCL of the legacy consumer"),
            Map.entry("amazon-kinesis-producer-native-binaries/", "the Kinesis producer's native binaries"),
            Map.entry("com/adobe/testing/", "S3Mock"),
            Map.entry("org/duckdb/", "DuckDB"),
            Map.entry("libduckdb", "DuckDB natives"),
            Map.entry("com/bedrockcost/cli/", "the CLI"),
            Map.entry("com/bedrockcost/report/", "the report and dashboard"),
            Map.entry("report/dashboard", "the dashboard's assets"),
            Map.entry("com/bedrockcost/localcloud/", "the local-cloud emulator launchers"),
            Map.entry("com/bedrockcost/localrun/", "the local runs' lock, markers and stop signals"),
            Map.entry("com/bedrockcost/LocalRunner", "the local launcher"),
            Map.entry("org/xerial/snappy/", "snappy-java: Flink's own 1.1.10.4 is used"),
            Map.entry("com/google/common/", "Guava of the legacy consumer"),
            Map.entry("darwin/", "zstd-jni natives for macOS"),
            Map.entry("win/", "zstd-jni natives for Windows")));

    @TempDir static Path dir;
    private static Path jar;
    private static final List<String> entries = new ArrayList<>();

    @BeforeAll
    static void open() throws IOException {
        jar = Paths.get(System.getProperty("msf.jar", "target/bedrock-cost-stream-msf.jar"));
        try (JarFile j = new JarFile(jar.toFile())) {
            j.stream().map(JarEntry::getName).forEach(entries::add);
        }
    }

    @Test
    void isUnder40MegabytesWithNothingTheJobDoesNotRunOnMsf() throws IOException {
        System.out.printf("MSF jar: %.1f MB, %d entries%n", Files.size(jar) / 1048576.0, entries.size());
        assertThat(Files.size(jar)).as("jar size in bytes").isLessThan(MAX_BYTES);
        for (Map.Entry<String, String> a : ABSENT.entrySet()) {
            assertThat(entries).as(a.getValue()).noneMatch(e -> e.startsWith(a.getKey()));
        }
        assertThat(entries).as("zstd-jni natives: Linux x86-64 and ARM64 only, a current version")
                .filteredOn(e -> e.contains("libzstd-jni")).hasSize(2)
                .allMatch(e -> e.startsWith("linux/amd64/") || e.startsWith("linux/aarch64/"))
                .noneMatch(e -> e.contains("1.5.0-1"));
        assertThat(entries).contains("org/apache/flink/connector/kinesis/source/KinesisStreamsSource.class",
                "org/apache/flink/connector/kinesis/sink/KinesisStreamsSink.class");
    }

    @Test
    void theJobsOwnClassesReferenceNothingLeftOut() throws IOException {
        List<String> offenders = new ArrayList<>();
        try (JarFile j = new JarFile(jar.toFile())) {
            for (JarEntry e : (Iterable<JarEntry>) j.stream()::iterator) {
                if (!e.getName().startsWith("com/bedrockcost/") || !e.getName().endsWith(".class")) {
                    continue;
                }
                String constants;
                try (InputStream in = j.getInputStream(e)) {
                    constants = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                }
                for (String left : new String[] {"com/bedrockcost/cli/", "com/bedrockcost/report/", "com/bedrockcost/localcloud/",
                        "com/bedrockcost/localrun/", "com/bedrockcost/LocalRunner", "com/bedrockcost/rollup/RunRollup", "org/duckdb/", "com/adobe/"}) {
                    if (constants.contains(left)) {
                        offenders.add(e.getName() + " -> " + left);
                    }
                }
            }
        }
        assertThat(offenders).as("classes in the MSF jar that reference classes left out of it").isEmpty();
    }

    /** Every class the job's own classes name is in the jar or on the cluster's classpath: the filters left out nothing the job uses. */
    @Test
    void everyClassTheJobNamesIsInTheJarOrProvided() throws IOException {
        Set<String> available = new HashSet<>(entries);
        for (String path : Files.readString(jar.resolveSibling("provided-classpath.txt")).trim().split(File.pathSeparator)) {
            if (path.endsWith(".jar")) {
                try (JarFile j = new JarFile(path)) {
                    j.stream().map(JarEntry::getName).forEach(available::add);
                }
            }
        }
        Pattern className = Pattern.compile("(?:org|com|software)/[A-Za-z0-9_$]+(?:/[A-Za-z0-9_$]+){2,}");
        List<String> missing = new ArrayList<>();
        try (JarFile j = new JarFile(jar.toFile())) {
            for (JarEntry e : (Iterable<JarEntry>) j.stream()::iterator) {
                if (!e.getName().startsWith("com/bedrockcost/") || !e.getName().endsWith(".class")) {
                    continue;
                }
                String constants;
                try (InputStream in = j.getInputStream(e)) {
                    constants = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                }
                Matcher m = className.matcher(constants);
                while (m.find()) {
                    if (!available.contains(m.group() + ".class") && !available.contains(m.group() + "/")) {
                        missing.add(e.getName() + " -> " + m.group());
                    }
                }
            }
        }
        assertThat(missing).as("classes the job names that neither the jar nor the cluster has").isEmpty();
    }

    @Test
    void withoutPropertiesItRefusesToStartNamingWhatIsMissing() throws Exception {
        Run run = start(null);
        System.out.printf("MSF jar without properties: refused after %.1f s%n", run.seconds);
        assertThat(run.exit).isNotZero();
        assertThat(run.output).contains("The job needs its input and output configured")
                .contains("property group Kinesis key kinesis.stream.arn")
                .contains("property group Input key input.path")
                .contains("property group Output key output.path");
    }

    @Test
    void withPropertiesItRunsToTheEnd() throws Exception {
        Path props = Files.createDirectories(dir.resolve("props"));
        Path lake = dir.resolve("lake");
        Files.writeString(props.resolve("flink-application-properties-dev.json"), "["
                + "{\"PropertyGroupId\": \"Input\", \"PropertyMap\": {\"input.source\": \"generator\"}},"
                + "{\"PropertyGroupId\": \"Generator\", \"PropertyMap\": {\"generator.count\": \"3000\"}},"
                + "{\"PropertyGroupId\": \"Output\", \"PropertyMap\": {\"output.path\": \"" + lake.toUri() + "\", \"output.tenant.hourly\": \"false\"}}]");
        Run run = start(props);
        System.out.printf("MSF jar with properties: 3000 generated invocations written in %.1f s (JVM start to exit)%n", run.seconds);
        assertThat(run.exit).as(run.output).isZero();
        try (DuckLake db = new DuckLake(lake)) {
            assertThat(db.count("SELECT count(DISTINCT request_id) FROM invocations")).isEqualTo(3000);
            assertThat(db.count("SELECT count(*) FROM invocations")).isEqualTo(3000);
        }
    }

    private static final class Run {
        int exit;
        String output;
        double seconds;
    }

    /** Runs StreamingJob from the jar on the classpath a cluster provides (plus a properties folder). */
    private static Run start(Path propertiesDir) throws Exception {
        String provided = Files.readString(jar.resolveSibling("provided-classpath.txt")).trim();
        String cp = (propertiesDir == null ? "" : propertiesDir + File.pathSeparator) + jar + File.pathSeparator + provided;
        Path out = Files.createTempFile(dir, "run", ".log");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-cp", cp, "com.bedrockcost.StreamingJob")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        Run run = new Run();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the job ended").isTrue();
        run.seconds = (System.nanoTime() - t0) / 1e9;
        run.exit = p.exitValue();
        run.output = Files.readString(out);
        return run;
    }
}
