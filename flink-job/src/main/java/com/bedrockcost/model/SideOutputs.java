package com.bedrockcost.model;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/** The side outputs of the pipeline. */
public final class SideOutputs {
    /** Inputs that could not become an invocation row; they end in the {@code failed} table. */
    public static final OutputTag<FailedRecord> FAILED =
            new OutputTag<>("failed", TypeInformation.of(FailedRecord.class));

    /** Cost corrections of invocations already written (PRICED_LATE); they end in the {@code adjustments} table. */
    public static final OutputTag<Adjustment> ADJUSTMENTS =
            new OutputTag<>("adjustments", TypeInformation.of(Adjustment.class));

    private SideOutputs() {}
}
