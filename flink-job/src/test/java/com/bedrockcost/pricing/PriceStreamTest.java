package com.bedrockcost.pricing;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.csvtable.TableReading;
import com.bedrockcost.model.Invocation;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessAllWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The price watch source and the pricing operator on a local MiniCluster: what the source emits when
 * files appear, change and disappear; that a bounded run ends; that waiting invocations are written
 * when a bounded input ends; that a watching price source does not hold back event time.
 */
@Timeout(60)
class PriceStreamTest {
    static final String HEADER = PriceCsvTest.HEADER;
    @TempDir Path dir;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static StreamExecutionEnvironment env() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.getConfig().disableGenericTypes();
        return env;
    }

    static void write(Path file, String content) throws Exception {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(tmp, content.getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void aBoundedReadingEmitsTheFilesOnceAndEnds() throws Exception {
        Files.createDirectories(dir.resolve("prices/sub"));
        write(dir.resolve("prices/a.csv"), HEADER);
        write(dir.resolve("prices/sub/b.csv"), HEADER + "m.x,*,2024-01-01,,1,1,,,,*,\n");
        Files.write(dir.resolve("prices/notes.txt"), "not a price file".getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("prices/.c.csv.tmp"), "half written".getBytes(StandardCharsets.UTF_8));
        StreamExecutionEnvironment env = env();
        List<TableReading> out = new ArrayList<>();
        PriceFeed.watch(PriceLocation.of(dir.resolve("prices").toString()), Duration.ZERO).create(env)
                .executeAndCollect().forEachRemaining(out::add);
        assertThat(out).singleElement().satisfies(u -> assertThat(u.files).containsOnlyKeys("prices/a.csv", "prices/sub/b.csv"));
    }

    @Test
    void aWatchingSourceEmitsNewChangedAndDeletedFiles() throws Exception {
        Path prices = Files.createDirectories(dir.resolve("prices"));
        write(prices.resolve("a.csv"), HEADER);
        StreamExecutionEnvironment env = env();
        DataStream<TableReading> stream = PriceFeed.watch(PriceLocation.of(prices.toString()), Duration.ofMillis(200)).create(env);
        try (CloseableIterator<TableReading> it = stream.executeAndCollect()) {
            assertThat(it.next().files).containsOnlyKeys("prices/a.csv");
            write(prices.resolve("b.csv"), HEADER);
            assertThat(it.next().files).containsOnlyKeys("prices/a.csv", "prices/b.csv");
            String changed = HEADER + "m.x,*,2024-01-01,,1,1,,,,*,\n";
            write(prices.resolve("a.csv"), changed);
            assertThat(it.next().files).containsEntry("prices/a.csv", changed).containsKey("prices/b.csv");
            Files.delete(prices.resolve("b.csv"));
            assertThat(it.next().files).containsOnlyKeys("prices/a.csv");
        }
    }

    @Test
    void invocationsWaitingWhenABoundedInputEndsAreWrittenUnpriced() throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        List<Invocation> out = run(PriceLocation.of(dir.resolve("empty").toString()), Duration.ZERO, 50);
        assertThat(out).hasSize(50).allSatisfy(i -> assertThat(i.pricingStatus).isEqualTo(Invocation.UNPRICED));
    }

    @Test
    void invocationsWaitingForATableThatComesAfterABoundedInputEndedArePriced() throws Exception {
        write(Files.createDirectories(dir.resolve("prices")).resolve("a.csv"), HEADER + "m.x,*,2024-01-01,,2,2,,,,*,\n");
        List<Invocation> out = run(PriceLocation.of(dir.resolve("prices").toString()), Duration.ZERO, 50);
        assertThat(out).hasSize(50).allSatisfy(i -> {
            assertThat(i.pricingStatus).isEqualTo(Invocation.PRICED);
            assertThat(i.priceSource).isEqualTo("prices/a.csv:2");
        });
    }

    @Test
    void aWatchingPriceSourceDoesNotHoldBackEventTime() throws Exception {
        write(Files.createDirectories(dir.resolve("prices")).resolve("a.csv"), HEADER + "m.x,*,2024-01-01,,2,2,,,,*,\n");
        StreamExecutionEnvironment env = env();
        DataStream<Invocation> priced = priced(env, PriceLocation.of(dir.resolve("prices").toString()), Duration.ofMillis(200), 30);
        // Event-time windows downstream of pricing close although the price source never ends.
        DataStream<String> windows = priced
                .windowAll(TumblingEventTimeWindows.of(Duration.ofHours(1)))
                .process(new ProcessAllWindowFunction<Invocation, String, TimeWindow>() {
                    @Override
                    public void process(Context ctx, Iterable<Invocation> in, Collector<String> out) {
                        int n = 0;
                        int pricedCount = 0;
                        for (Invocation i : in) {
                            n++;
                            pricedCount += Invocation.PRICED.equals(i.pricingStatus) ? 1 : 0;
                        }
                        out.collect(Instant.ofEpochMilli(ctx.window().getStart()) + " " + n + " " + pricedCount);
                    }
                });
        List<String> results = new ArrayList<>();
        try (CloseableIterator<String> it = windows.executeAndCollect()) {
            while (results.size() < 2) {
                results.add(it.next());
            }
        }
        assertThat(results).containsExactlyInAnyOrder("2026-11-15T12:00:00Z 15 15", "2026-11-15T13:00:00Z 15 15");
    }

    /** {@code count} invocations of m.x spread over two event-time hours, priced by a function that starts without a table. */
    private static DataStream<Invocation> priced(StreamExecutionEnvironment env, PriceLocation location, Duration interval, int count) {
        List<Invocation> input = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            input.add(PricingFunctionTest.inv("r" + i, "m.x", Instant.parse("2026-11-15T12:00:00Z").plusSeconds(i * 7200L / count), 1000, 10));
        }
        DataStream<Invocation> invocations = env.fromData(input, TypeInformation.of(Invocation.class))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Invocation>forMonotonousTimestamps()
                        .withTimestampAssigner((inv, ts) -> inv.eventTime.toEpochMilli()));
        return invocations.keyBy(inv -> inv.requestId, Types.STRING)
                .connect(PriceFeed.watch(location, interval).create(env).broadcast(PricingFunction.PRICE_FILES))
                .process(new PricingFunction(PricingOptions.from(JobConfig.defaults().with(JobConfig.PRICING_WAIT_TIMEOUT, "1h")), (Map<String, String>) null),
                        TypeInformation.of(Invocation.class))
                .transform("price-event-time", TypeInformation.of(Invocation.class), new EventTimeStamps());
    }

    private static List<Invocation> run(PriceLocation location, Duration interval, int count) throws Exception {
        StreamExecutionEnvironment env = env();
        List<Invocation> out = new ArrayList<>();
        priced(env, location, interval, count).executeAndCollect().forEachRemaining(out::add);
        return out;
    }
}
