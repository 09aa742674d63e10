package com.bedrockcost.ingest;

import com.bedrockcost.StreamFactory;
import com.bedrockcost.config.ConfigException;
import com.bedrockcost.config.JobConfig;
import com.bedrockcost.model.RawInput;

/** Kinesis input: CloudWatch Logs subscription payloads from a Kinesis data stream. */
public final class KinesisInput {
    private KinesisInput() {}

    public static StreamFactory<RawInput> fromConfig(JobConfig config) {
        throw new ConfigException("input.source=kinesis is not available in this build yet");
    }
}
