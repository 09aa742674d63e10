package com.bedrockcost.rollup;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hourly rollup's SQL state has a version ({@link RollupState}): a change of its shape without a
 * new version would feed an old snapshot's accumulators to operators that cannot read them, and an
 * upgrade with that snapshot would not start (docs/upgrading.md).
 */
class RollupStateVersionTest {
    /** Every state version and its shape. Only ever add to this map. */
    static final Map<Integer, String> SHAPES = Map.of(2, "7e991b43f2113a5b");

    @Test
    void theRollupsStateShapeIsThatOfItsVersion() {
        assertThat(RollupState.shape())
                .as("The tenant_hourly rollup's SQL state changed shape (TenantHourlyRollup.QUERY or INPUT_SCHEMA), or its"
                        + " version changed without a new shape. Flink SQL cannot restore the window's old accumulators, so:"
                        + " (1) set RollupState.VERSION to %d; (2) add the uids of version %d (PipelineUpgradeSafetyTest."
                        + "PLANNER_UIDS) to RollupState.RETIRED_UIDS, and the new ones to PLANNER_UIDS; (3) add %d -> \"%s\" to"
                        + " RollupStateVersionTest.SHAPES; (4) say in docs/upgrading.md that an upgrade from the previous release"
                        + " drops the rollup's open hours and that rollup-repair adds them back",
                        RollupState.VERSION + 1, RollupState.VERSION, RollupState.VERSION + 1, RollupState.shape())
                .isEqualTo(SHAPES.get(RollupState.VERSION));
    }

    @Test
    void theSqlOperatorsUidsCarryTheVersionAndNoRetiredUidIsReused() {
        assertThat(RollupState.UID_PREFIX).isEqualTo("rollup-sql-v" + RollupState.VERSION + "-");
        for (String retired : RollupState.RETIRED_UIDS) {
            assertThat(retired).as("a retired uid").doesNotStartWith(RollupState.UID_PREFIX);
        }
    }
}
