package com.bedrockcost;

import com.bedrockcost.config.ConfigException;
import com.bedrockcost.config.JobConfig;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.contrib.streaming.state.RocksDBConfigurableOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.CheckpointConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a local run checkpoints: the settings exactly-once and restarts rely on. */
class LocalRunnerCheckpointTest {
    @TempDir Path dir;

    @Test
    void defaultsAreExactlyOnceEveryTenSecondsWithFiveSecondsPauseAndTheLastCheckpointKeptOnCancel() {
        CheckpointConfig c = LocalRunner.environment(config(Map.of())).getCheckpointConfig();

        assertThat(c.isCheckpointingEnabled()).isTrue();
        assertThat(c.getCheckpointingConsistencyMode()).isEqualTo(CheckpointingMode.EXACTLY_ONCE);
        assertThat(c.getCheckpointInterval()).isEqualTo(10_000);
        assertThat(c.getMinPauseBetweenCheckpoints()).isEqualTo(5_000);
        assertThat(c.isUnalignedCheckpointsEnabled()).isFalse();
        assertThat(c.getExternalizedCheckpointRetention().deleteOnCancellation()).isFalse();
    }

    @Test
    void theDefaultPauseIsHalfAShortInterval() {
        CheckpointConfig c = LocalRunner.environment(config(Map.of("checkpoint.interval", "1s"))).getCheckpointConfig();

        assertThat(c.getCheckpointInterval()).isEqualTo(1_000);
        assertThat(c.getMinPauseBetweenCheckpoints()).isEqualTo(500);
    }

    @Test
    void aGivenPauseWins() {
        CheckpointConfig c = LocalRunner.environment(config(Map.of("checkpoint.interval", "1s", "checkpoint.min.pause", "2s")))
                .getCheckpointConfig();

        assertThat(c.getMinPauseBetweenCheckpoints()).isEqualTo(2_000);
    }

    @Test
    void anIntervalFlinkCannotCheckpointAtNamesTheKey() {
        assertThatThrownBy(() -> LocalRunner.environment(config(Map.of("checkpoint.interval", "0"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("checkpoint.interval");
    }

    @Test
    void restorePathStartsTheJobFromThatSnapshotAndRefusesToDropState() throws Exception {
        Path savepoint = Files.createDirectories(dir.resolve("savepoint-1"));
        Configuration local = LocalRunner.flinkConfiguration(config(Map.of("restore.path", savepoint.toString())));
        Configuration uri = LocalRunner.flinkConfiguration(config(Map.of("restore.path", savepoint.toUri().toString())));
        Configuration none = LocalRunner.flinkConfiguration(config(Map.of()));

        assertThat(local.get(StateRecoveryOptions.SAVEPOINT_PATH)).isEqualTo(savepoint.toUri().toString());
        assertThat(local.get(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE)).isFalse();
        assertThat(uri.get(StateRecoveryOptions.SAVEPOINT_PATH)).isEqualTo(savepoint.toUri().toString());
        assertThat(none.getOptional(StateRecoveryOptions.SAVEPOINT_PATH)).isEmpty();
    }

    @Test
    void rocksDbKeepsBloomFiltersForTheDeDuplicationLookupsOfNewRequestIds() {
        Configuration rocks = LocalRunner.flinkConfiguration(config(Map.of("state.backend", "rocksdb")));
        assertThat(rocks.get(RocksDBConfigurableOptions.USE_BLOOM_FILTER)).isTrue();
    }

    @Test
    void aMissingRestorePathNamesTheKey() {
        assertThatThrownBy(() -> LocalRunner.environment(config(Map.of("restore.path", dir.resolve("nothing-here").toString()))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("restore.path").hasMessageContaining("nothing-here");
    }

    private JobConfig config(Map<String, String> values) {
        return JobConfig.defaults().with(Map.of("checkpoint.dir", dir.resolve("checkpoints").toString())).with(values);
    }
}
