package com.bedrockcost.ingest;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.model.StreamFactory;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;

import java.time.Duration;

/** The sources of invocation logs: the built-in generator and files; Kinesis lives in {@link KinesisInput}. */
public final class Inputs {
    private Inputs() {}

    /** The configured input. */
    public static StreamFactory<RawInput> fromConfig(JobConfig config) {
        switch (config.input()) {
            case FILES:
            case WATCHED_FILES:
                return files(config.get(JobConfig.INPUT_PATH), config.get(JobConfig.INPUT_MONITOR_INTERVAL));
            case KINESIS:
                return KinesisInput.fromConfig(config);
            default:
                return generator(new LogGenerator(
                        config.get(JobConfig.GENERATOR_SEED),
                        config.get(JobConfig.GENERATOR_COUNT),
                        Math.toIntExact(config.get(JobConfig.GENERATOR_TENANTS)),
                        config.get(JobConfig.GENERATOR_START),
                        config.get(JobConfig.GENERATOR_SPAN)),
                        config.get(JobConfig.GENERATOR_RATE));
        }
    }

    /** A bounded stream of generated log lines; {@code ratePerSecond} 0 = unlimited. */
    public static StreamFactory<RawInput> generator(LogGenerator generator, long ratePerSecond) {
        return env -> {
            GeneratorFunction<Long, RawInput> fn = new GeneratedLine(generator);
            DataGeneratorSource<RawInput> source = new DataGeneratorSource<>(
                    fn, generator.count(),
                    ratePerSecond > 0 ? RateLimiterStrategy.perSecond(ratePerSecond) : RateLimiterStrategy.noOp(),
                    TypeInformation.of(RawInput.class));
            return env.fromSource(source, WatermarkStrategy.noWatermarks(), "generator").uid("source-generator");
        };
    }

    /**
     * Log files under {@code path} (a file or a folder, read recursively; local or s3://). A zero
     * {@code monitorInterval} reads what is there and ends; otherwise new files are picked up.
     */
    public static StreamFactory<RawInput> files(String path, Duration monitorInterval) {
        return env -> {
            FileSource.FileSourceBuilder<RawInput> builder =
                    FileSource.forBulkFileFormat(new LogLineFormat(), new Path(path));
            if (!monitorInterval.isZero()) {
                builder.monitorContinuously(monitorInterval);
            }
            return env.fromSource(builder.build(), WatermarkStrategy.noWatermarks(), "log-files").uid("source-files");
        };
    }

    /** Generator index to log line; a named class so the source's function is serializable and testable. */
    static final class GeneratedLine implements GeneratorFunction<Long, RawInput> {
        private static final long serialVersionUID = 1L;
        private final LogGenerator generator;

        GeneratedLine(LogGenerator generator) {
            this.generator = generator;
        }

        @Override
        public RawInput map(Long index) {
            return RawInput.logLine("generator:" + index, generator.record(index));
        }
    }
}
