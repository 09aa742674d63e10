package com.bedrockcost.testutil;

import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.model.StreamFactory;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * The generator's records delivered at least once, as CloudWatch and Kinesis do: of every
 * {@value #BLOCK} positions, {@value #NEW_PER_BLOCK} carry the next new record and one repeats an
 * earlier record, anywhere from the one just before to the very first (5% duplicates, often far
 * apart). Deterministic: position {@code p} is always the same bytes.
 */
public final class DuplicatingLogs implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final int NEW_PER_BLOCK = 20;
    public static final int BLOCK = NEW_PER_BLOCK + 1;

    private final LogGenerator generator;

    /** {@code generator.count()} distinct records, a multiple of {@value #NEW_PER_BLOCK}. */
    public DuplicatingLogs(LogGenerator generator) {
        if (generator.count() % NEW_PER_BLOCK != 0) {
            throw new IllegalArgumentException("count must be a multiple of " + NEW_PER_BLOCK + ": " + generator.count());
        }
        this.generator = generator;
    }

    public LogGenerator generator() {
        return generator;
    }

    /** Distinct records. */
    public long distinct() {
        return generator.count();
    }

    /** Records delivered, duplicates included. */
    public long positions() {
        return generator.count() / NEW_PER_BLOCK * BLOCK;
    }

    /** The generator index delivered at {@code position}. */
    public long indexAt(long position) {
        long block = position / BLOCK;
        long r = position % BLOCK;
        if (r < NEW_PER_BLOCK) {
            return block * NEW_PER_BLOCK + r;
        }
        long delivered = (block + 1) * NEW_PER_BLOCK;
        return (new SplittableRandom(block * 31 + 7).nextLong() & Long.MAX_VALUE) % delivered;
    }

    /** A bounded source of all positions at {@code ratePerSecond} in total (0 = unlimited), uid {@code source-generator}. */
    public StreamFactory<RawInput> stream(long ratePerSecond) {
        DuplicatingLogs logs = this;
        return env -> env.fromSource(new DataGeneratorSource<>(new Line(logs), positions(),
                                ratePerSecond > 0 ? RateLimiterStrategy.perSecond(ratePerSecond) : RateLimiterStrategy.noOp(),
                                TypeInformation.of(RawInput.class)),
                        WatermarkStrategy.noWatermarks(), "generator-with-duplicates")
                .uid("source-generator");
    }

    static final class Line implements GeneratorFunction<Long, RawInput> {
        private static final long serialVersionUID = 1L;
        private final DuplicatingLogs logs;

        Line(DuplicatingLogs logs) {
            this.logs = logs;
        }

        @Override
        public RawInput map(Long position) {
            long index = logs.indexAt(position);
            return RawInput.logLine("test:" + position + ":" + index, logs.generator.record(index));
        }
    }
}
