package com.bedrockcost.localrun;

import com.bedrockcost.lake.LakeLeftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One run at a time per local lake, and what an interrupted run leaves is cleaned up, nothing else. */
class LakeLockTest {
    @TempDir Path dir;

    @Test
    void aSecondRunIsRefusedNamingTheFirstAndALockLeftByAKilledRunIsTakenOver() throws Exception {
        Path lake = dir.resolve("lake");
        try (LakeLock first = LakeLock.acquire(lake.toString())) {
            assertThat(first.staleHolder).isNull();
            assertThatThrownBy(() -> LakeLock.acquire(lake.toString())).isInstanceOf(LakeLock.HeldException.class)
                    .hasMessageContaining("Another run is writing to " + lake)
                    .hasMessageContaining("pid " + ProcessHandle.current().pid() + " on ")
                    .hasMessageContaining(", started 20");
        }
        Path file = lake.resolve(LakeLock.LOCAL_NAME);
        assertThat(Files.readString(file)).as("a released lock is empty").isEmpty();
        // A killed run's holder line stays in the file, but the operating system has released its lock.
        Files.writeString(file, "pid 999999 on elsewhere, started 2026-12-07T10:00:00Z");
        try (LakeLock next = LakeLock.acquire(lake.toString())) {
            assertThat(next.staleHolder).isEqualTo("pid 999999 on elsewhere, started 2026-12-07T10:00:00Z");
        }
    }

    @Test
    void leftoversOfInterruptedRunsGoAndNothingElse() throws Exception {
        Path day = Files.createDirectories(dir.resolve("invocations/year=2026/month=11/day=01"));
        Path committed = Files.writeString(day.resolve("part-a-0.parquet"), "x");
        Path inProgress = Files.writeString(day.resolve(".part-a-1.parquet.inprogress.0b2d"), "x");
        Path emptyDay = Files.createDirectories(dir.resolve("failed/year=2026/month=12/day=07"));
        Path halfIndex = Files.writeString(Files.createDirectories(dir.resolve("_request_ids/year=2026/month=11/day=01"))
                .resolve(".part-a-0.parquet.rid.1234.tmp"), "x");
        Path notOurs = Files.writeString(Files.createDirectories(dir.resolve("notes")).resolve(".draft.inprogress.1"), "x");
        Path emptyNotOurs = Files.createDirectories(dir.resolve("empty"));

        assertThat(LakeLeftovers.remove(dir.toString())).isEqualTo(2);
        assertThat(committed).exists();
        assertThat(inProgress).doesNotExist();
        assertThat(halfIndex).doesNotExist();
        assertThat(emptyDay).doesNotExist();
        assertThat(dir.resolve("failed")).as("a table folder left empty").doesNotExist();
        assertThat(dir.resolve("_request_ids")).doesNotExist();
        assertThat(notOurs).as("files outside the lake's folders").exists();
        assertThat(emptyNotOurs).exists();
    }
}
