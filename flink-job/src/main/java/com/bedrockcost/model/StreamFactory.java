package com.bedrockcost.model;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.Serializable;

/** Creates one input stream of the pipeline; production passes Kinesis or files, tests pass bounded test data. */
@FunctionalInterface
public interface StreamFactory<T> extends Serializable {
    DataStream<T> create(StreamExecutionEnvironment env);
}
