package com.bedrockcost.lake;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.csvtable.TableReading;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.pricing.PriceLocation;
import com.bedrockcost.pricing.PricingFunction;
import com.bedrockcost.pricing.PricingOptions;
import com.bedrockcost.testutil.InvocationFiles;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Request ids committed in the lake, found through the per-file indexes by whichever subtask owns them. */
class LakeRequestIdsTest {
    private static final String DAY = "year=2026/month=11/day=01";
    private static final int MAX_PARALLELISM = 128;

    @TempDir Path lake;

    @Test
    void eachCommittedIdIsFoundByTheSubtaskOwningItAndNewIdsAreNot() throws Exception {
        List<Invocation> committed = rows("old-", 5000);
        writeParquet(DAY + "/part-a-0.parquet", committed);
        LakeRequestIds[] subtasks = {opened(0, 2, Duration.ofHours(1)), opened(1, 2, Duration.ofHours(1))};
        for (Invocation inv : committed) {
            assertThat(subtasks[owner(inv.requestId, 2)].committed(inv)).as(inv.requestId).isTrue();
        }
        for (Invocation inv : rows("new-", 5000)) {
            assertThat(subtasks[owner(inv.requestId, 2)].committed(inv)).as(inv.requestId).isFalse();
        }
        Path index = lake.resolve(RequestIdIndex.DIR).resolve(DAY).resolve("part-a-0.parquet.rid");
        assertThat(Files.size(index)).as("12 bytes per id, 20 of header, 8 of CRC").isEqualTo(5000 * 12 + 20 + 8);
    }

    @Test
    void aCutShortIndexIsBuiltAgainFromItsParquetFile() throws Exception {
        List<Invocation> committed = rows("old-", 300);
        writeParquet(DAY + "/part-a-0.parquet", committed);
        assertThat(opened(0, 1, Duration.ofHours(1)).committed(committed.get(0))).isTrue();
        Path index = lake.resolve(RequestIdIndex.DIR).resolve(DAY).resolve("part-a-0.parquet.rid");
        long whole = Files.size(index);
        Files.write(index, Arrays.copyOf(Files.readAllBytes(index), (int) whole / 2));

        LakeRequestIds again = opened(0, 1, Duration.ofHours(1));
        assertThat(committed).allMatch(again::committed);
        assertThat(Files.size(index)).isEqualTo(whole);
    }

    @Test
    void uncommittedFilesAreNotLookedAtAndFilesCommittedLaterAreFoundAfterTheRefresh() throws Exception {
        List<Invocation> inProgress = rows("pending-", 50);
        writeParquet(DAY + "/.part-a-1.parquet.inprogress.0b2d", inProgress);
        LakeRequestIds ids = opened(0, 1, Duration.ZERO);
        assertThat(inProgress).noneMatch(ids::committed);
        List<Invocation> later = rows("later-", 50);
        writeParquet(DAY + "/part-b-0.parquet", later);
        assertThat(later).allMatch(ids::committed);
    }

    @Test
    void thePricingOperatorDropsAndCountsInvocationsAlreadyInTheLake() throws Exception {
        writeParquet(DAY + "/part-a-0.parquet", List.of(row("a", 0)));
        PricingFunction fn = new PricingFunction(PricingOptions.from(JobConfig.defaults().with(Map.of("output.path", lake.toString()))),
                PriceLocation.builtIn().read());
        try (KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> h = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(fn, List.of(PricingFunction.PRICE_FILES)), i -> i.requestId, Types.STRING,
                MAX_PARALLELISM, 1, 0)) {
            h.open();
            h.processElement(row("a", 1), 1);
            h.processElement(row("b", 2), 2);
            h.processElement(row("a", 3), 3);
            assertThat(h.extractOutputValues().stream().map(i -> i.requestId).collect(Collectors.toList())).containsExactly("b");
            assertThat(fn.getRuntimeContext().getAccumulator(LakeRequestIds.ACCUMULATOR).getLocalValue())
                    .as("already in the lake (the later copy of a is an in-job duplicate)").isEqualTo(1L);
        }
    }

    /** A streaming job says which days it writes (the launcher refuses to write beside it); a bounded one does not. */
    @Test
    void aStreamingJobKeepsALiveMarkerOfItsDaysWhileItWritesAndRemovesItWhenItStops() throws Exception {
        Instant now = Instant.now();
        for (boolean streaming : new boolean[] {true, false}) {
            PricingFunction fn = new PricingFunction(PricingOptions.from(JobConfig.defaults().with(Map.of("output.path", lake.toString(),
                    "input.source", streaming ? "kinesis" : "generator", "kinesis.stream.arn", "arn:aws:kinesis:us-east-1:111122223333:stream/logs"))),
                    PriceLocation.builtIn().read());
            try (KeyedBroadcastOperatorTestHarness<String, Invocation, TableReading, Invocation> h = new KeyedBroadcastOperatorTestHarness<>(
                    new CoBroadcastWithKeyedOperator<>(fn, List.of(PricingFunction.PRICE_FILES)), i -> i.requestId, Types.STRING,
                    MAX_PARALLELISM, 1, 0)) {
                h.open();
                h.processElement(row("live-a", 1), 1);
                h.processElement(InvocationFiles.row("live-b", Instant.parse("2026-11-03T23:59:59Z"), 2), 2);
                List<LiveWriters.Marker> live = LiveWriters.fresh(lake.toString(), now);
                if (!streaming) {
                    assertThat(live).as("a bounded run's markers").isEmpty();
                    continue;
                }
                assertThat(live).singleElement().satisfies(m -> {
                    assertThat(m.job).isEqualTo(fn.getRuntimeContext().getJobInfo().getJobId().toString());
                    assertThat(m.firstDay).hasToString("2026-11-01");
                    // The first invocation writes the marker; the next ones are in the next, a minute later.
                    assertThat(m.lastDay).hasToString("2026-11-01");
                    assertThat(m.at).isAfterOrEqualTo(now.minusSeconds(1));
                });
                assertThat(LiveWriters.fresh(lake.toString(), now.plus(LiveWriters.FRESH).plusSeconds(120)))
                        .as("a marker not rewritten for %s", LiveWriters.FRESH).isEmpty();
            }
            assertThat(LiveWriters.fresh(lake.toString(), now)).as("after the job stopped").isEmpty();
        }
    }

    private LakeRequestIds opened(int index, int parallelism, Duration refresh) {
        LakeRequestIds ids = new LakeRequestIds(lake.toString(), 1_000_000, refresh);
        ids.open(MAX_PARALLELISM, parallelism, index);
        return ids;
    }

    private static int owner(String requestId, int parallelism) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(requestId, MAX_PARALLELISM, parallelism);
    }

    private void writeParquet(String relative, List<Invocation> rows) throws Exception {
        InvocationFiles.write(lake.resolve(LakeTables.INVOCATIONS).resolve(relative), rows);
    }

    private static List<Invocation> rows(String prefix, int n) {
        List<Invocation> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(row(prefix + i, i));
        }
        return out;
    }

    private static Invocation row(String requestId, int i) {
        return InvocationFiles.row(requestId, Instant.parse("2026-11-01T10:00:00Z"), i);
    }
}
