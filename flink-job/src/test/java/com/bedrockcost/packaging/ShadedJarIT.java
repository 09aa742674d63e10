package com.bedrockcost.packaging;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The MSF application jar carries the connectors and formats the job needs, and none of Flink itself. */
class ShadedJarIT {
    private static Set<String> entries;
    private static String mainClass;

    @BeforeAll
    static void open() throws IOException {
        Path jar = Paths.get(System.getProperty("msf.jar", "target/bedrock-cost-stream-msf.jar"));
        assertThat(jar).exists();
        try (JarFile j = new JarFile(jar.toFile())) {
            entries = j.stream().map(e -> e.getName()).collect(Collectors.toSet());
            mainClass = j.getManifest().getMainAttributes().getValue("Main-Class");
        }
    }

    @Test
    void holdsNoFlinkRuntime() {
        assertThat(entries).noneMatch(e -> e.startsWith("org/apache/flink/runtime/"))
                .noneMatch(e -> e.startsWith("org/apache/flink/streaming/api/environment/"))
                .noneMatch(e -> e.startsWith("org/apache/flink/api/common/"))
                .noneMatch(e -> e.startsWith("org/apache/flink/table/planner/"))
                .noneMatch(e -> e.startsWith("org/apache/flink/fs/s3hadoop/"))
                .noneMatch(e -> e.startsWith("org/apache/logging/log4j/"))
                .noneMatch(e -> e.startsWith("com/amazonaws/services/kinesisanalytics/runtime/"));
    }

    @Test
    void holdsTheConnectorsAndFormatsTheJobNeedsOnMsf() {
        assertThat(entries).contains(
                "org/apache/flink/connector/kinesis/source/KinesisStreamsSource.class",
                "org/apache/flink/connector/base/source/reader/SourceReaderBase.class",
                "org/apache/flink/connector/datagen/source/DataGeneratorSource.class",
                "org/apache/flink/formats/parquet/ParquetWriterFactory.class",
                "org/apache/parquet/hadoop/ParquetWriter.class",
                "org/apache/parquet/hadoop/codec/SnappyCodec.class",
                "com/github/luben/zstd/Zstd.class",
                "org/apache/hadoop/conf/Configuration.class",
                "org/apache/hadoop/mapreduce/lib/output/FileOutputFormat.class",
                "com/fasterxml/jackson/databind/ObjectMapper.class",
                "com/bedrockcost/StreamingJob.class",
                "schemas/invocations.json",
                "schemas/failed.json");
        assertThat(mainClass).isEqualTo("com.bedrockcost.StreamingJob");
    }
}
