package com.bedrockcost.rollup;

import com.bedrockcost.config.JobConfig;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RollupPlacementTest {
    private static final String ARN = "arn:aws:kinesis:us-east-1:111122223333:stream/logs";

    @Test
    void aBoundedLocalRunRollsUpAfterItsInputElseTheJobHoldsItsHoursToTheEnd() {
        assertThat(RollupPlacement.of(JobConfig.defaults(), true)).isEqualTo(RollupPlacement.AFTER_INPUT);
        assertThat(RollupPlacement.of(JobConfig.defaults(), false)).isEqualTo(RollupPlacement.IN_JOB_TO_END_OF_INPUT);
        assertThat(RollupPlacement.of(JobConfig.of(Map.of("input.path", "/tmp/x")), true)).isEqualTo(RollupPlacement.AFTER_INPUT);
    }

    @Test
    void anInputThatDoesNotEndRollsUpInTheJobWhereverItRuns() {
        assertThat(RollupPlacement.of(JobConfig.of(Map.of("kinesis.stream.arn", ARN)), true)).isEqualTo(RollupPlacement.IN_JOB);
        assertThat(RollupPlacement.of(JobConfig.of(Map.of("kinesis.stream.arn", ARN)), false)).isEqualTo(RollupPlacement.IN_JOB);
        assertThat(RollupPlacement.of(JobConfig.of(Map.of("input.path", "/tmp/x", "input.monitor.interval", "10s")), true))
                .isEqualTo(RollupPlacement.IN_JOB);
    }

    @Test
    void withoutOutputTenantHourlyThereIsNoRollup() {
        JobConfig off = JobConfig.of(Map.of("output.tenant.hourly", "false"));
        assertThat(RollupPlacement.of(off, true)).isEqualTo(RollupPlacement.NONE);
        assertThat(RollupPlacement.of(off.with(JobConfig.KINESIS_STREAM_ARN, ARN), false)).isEqualTo(RollupPlacement.NONE);
        assertThat(RollupPlacement.NONE.inJob()).isFalse();
        assertThat(RollupPlacement.AFTER_INPUT.inJob()).isFalse();
    }
}
