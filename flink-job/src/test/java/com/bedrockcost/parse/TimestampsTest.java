package com.bedrockcost.parse;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.OffsetDateTime;

import static org.assertj.core.api.Assertions.assertThat;

class TimestampsTest {
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({
        "2026-03-14T09:21:07Z, 2026-03-14T09:21:07Z",
        "2026-03-14T09:21:07.123Z, 2026-03-14T09:21:07.123Z",
        "2026-03-14T09:21:07.1Z, 2026-03-14T09:21:07.100Z",
        "2026-03-14T09:21:07.123456789Z, 2026-03-14T09:21:07.123456789Z",
        "'2026-03-14T09:21:07,5Z', 2026-03-14T09:21:07.500Z",
        "2026-03-14t09:21:07z, 2026-03-14T09:21:07Z",
        "2026-03-14 09:21:07Z, 2026-03-14T09:21:07Z",
        "2026-03-14T11:21:07+02:00, 2026-03-14T09:21:07Z",
        "2026-03-14T04:21:07.250-05:00, 2026-03-14T09:21:07.250Z",
        "2026-03-14T14:51:07+0530, 2026-03-14T09:21:07Z",
        "2026-03-14T10:21:07+01, 2026-03-14T09:21:07Z",
        "2026-03-14T09:21:07, 2026-03-14T09:21:07Z",
        "2026-03-14T00:30:00+01:00, 2026-03-13T23:30:00Z",
        "2024-02-29T12:00:00Z, 2024-02-29T12:00:00Z",
    })
    void parsesTheIso8601FormsToUtc(String text, String utc) {
        assertThat(Timestamps.parse(text)).isEqualTo(Instant.parse(utc));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
        "", "yesterday", "2026-03-14", "2026-03-14T09:21", "2026-02-30T10:00:00Z", "2025-02-29T10:00:00Z",
        "2026-13-01T00:00:00Z", "2026-03-14T24:00:00Z", "2026-03-14T09:60:00Z", "2026-03-14T09:21:61Z",
        "2026-03-14T09:21:07.Z", "2026-03-14T09:21:07.1234567891Z", "2026-03-14T09:21:07+2", "2026-03-14T09:21:07+02:0",
        "2026-03-14T09:21:07Zjunk", "2026-03-14X09:21:07Z", "1773480067000", "２026-03-14T09:21:07Z", "2026-03-14T09:21:07+19:00",
    })
    void rejectsAnythingElse(String text) {
        assertThat(Timestamps.parse(text)).isNull();
    }

    @org.junit.jupiter.api.Test
    void agreesWithJavaTimeOnManyInstantsAndOffsets() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        for (int i = 0; i < 5000; i++) {
            long sec = 946_684_800L + r.nextLong(4_102_444_800L - 946_684_800L);
            int nanos = r.nextInt(3) == 0 ? 0 : r.nextInt(1_000_000_000);
            int offsetMinutes = (r.nextInt(37) - 18) * 30;
            OffsetDateTime t = Instant.ofEpochSecond(sec, nanos).atOffset(java.time.ZoneOffset.ofTotalSeconds(offsetMinutes * 60));
            String text = java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t);
            assertThat(Timestamps.parse(text)).as(text).isEqualTo(t.toInstant());
        }
    }
}
