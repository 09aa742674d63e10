package com.bedrockcost.ingest;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Generated corpora: the same seed gives the same bytes; different seeds never share a request id. */
class LogGeneratorTest {
    private static final Pattern REQUEST_ID = Pattern.compile("\"requestId\":\"([0-9a-f-]{36})\"");
    private static final Pattern UUID_V4 = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    private static final int COUNT = 20_000;

    private static LogGenerator gen(long seed) {
        return new LogGenerator(seed, COUNT, 50, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofDays(1));
    }

    private static String requestId(LogGenerator g, long index) {
        Matcher m = REQUEST_ID.matcher(g.recordText(index));
        assertThat(m.find()).as("record %d has a requestId", index).isTrue();
        return m.group(1);
    }

    @Test
    void adjacentAndNearbySeedsShareNoRequestId() {
        // Seeds 1..6 (adjacent ones once shared ids: their random draws are shifted copies) and the default 42, 43.
        long[] seeds = {1, 2, 3, 4, 5, 6, 42, 43, -1, Long.MIN_VALUE, Long.MAX_VALUE};
        Map<String, String> seen = new HashMap<>();
        for (long seed : seeds) {
            LogGenerator g = gen(seed);
            for (long i = 0; i < COUNT; i++) {
                String id = requestId(g, i);
                assertThat(id).matches(UUID_V4);
                String where = "seed " + seed + " record " + i;
                String before = seen.putIfAbsent(id, where);
                assertThat(before).as("request id %s of %s", id, where).isNull();
            }
        }
        assertThat(seen).hasSize(seeds.length * COUNT);
    }

    @Test
    void theSameSeedGivesTheSameBytes() {
        LogGenerator a = gen(7);
        LogGenerator b = gen(7);
        for (long i = 0; i < 2_000; i++) {
            assertThat(b.recordText(i)).isEqualTo(a.recordText(i));
        }
        assertThat(gen(8).recordText(0)).isNotEqualTo(a.recordText(0));
    }

    @Test
    void requestIdsAreOneToOneInSeedAndIndex() {
        assertThat(LogGenerator.requestId(1, 5)).isNotEqualTo(LogGenerator.requestId(2, 5)).isNotEqualTo(LogGenerator.requestId(1, 6));
        assertThat(LogGenerator.requestId(9, LogGenerator.MAX_INDEX - 1)).matches(UUID_V4);
        assertThatThrownBy(() -> LogGenerator.requestId(9, LogGenerator.MAX_INDEX)).isInstanceOf(IllegalArgumentException.class);
    }
}
