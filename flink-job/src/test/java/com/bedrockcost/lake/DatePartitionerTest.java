package com.bedrockcost.lake;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

class DatePartitionerTest {
    @Test
    void aFilesDayIsReadBackFromThePartitionItWasWrittenTo() {
        Instant t = Instant.parse("2026-03-04T23:59:59.999Z");
        String file = "s3://bucket/lake/invocations/" + DatePartitioner.partition(t) + "/part-ab12-0-0.parquet";
        assertThat(DatePartitioner.partition(t)).isEqualTo("year=2026/month=03/day=04");
        assertThat(DatePartitioner.dayOf(file)).isEqualTo(LocalDate.of(2026, 3, 4));
        assertThat(DatePartitioner.dayOf("invocations/year=2026/month=12/day=31/x.parquet")).isEqualTo(LocalDate.of(2026, 12, 31));
    }

    @Test
    void aPathWithoutDayFoldersHasNoDay() {
        assertThat(DatePartitioner.dayOf("lake/invocations/part-0.parquet")).isNull();
        assertThat(DatePartitioner.dayOf("lake/invocations/year=2026/month=03/part-0.parquet")).isNull();
        assertThat(DatePartitioner.dayOf("lake/invocations/year=2026/month=13/day=01/part-0.parquet")).isNull();
    }
}
