package com.bedrockcost.model;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/** The side outputs of the pipeline. */
public final class SideOutputs {
    /** Inputs that could not become an invocation row; they end in the {@code failed} table. */
    public static final OutputTag<FailedRecord> FAILED =
            new OutputTag<>("failed", TypeInformation.of(FailedRecord.class));

    private SideOutputs() {}
}
