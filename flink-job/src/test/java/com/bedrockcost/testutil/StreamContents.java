package com.bedrockcost.testutil;

import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.KinesisClient;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Record;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Shard;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.util.ArrayList;
import java.util.List;

/** Every record in a stream, read with plain GetRecords calls (shard by shard, in sequence order within a shard). */
public final class StreamContents {
    private StreamContents() {}

    public static List<Record> readAll(KinesisClient client, String stream) {
        List<Record> out = new ArrayList<>();
        for (Shard shard : client.listShards(ListShardsRequest.builder().streamName(stream).build()).shards()) {
            String it = client.getShardIterator(GetShardIteratorRequest.builder().streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON).build()).shardIterator();
            while (it != null) {
                GetRecordsResponse r = client.getRecords(GetRecordsRequest.builder().shardIterator(it).build());
                out.addAll(r.records());
                if (r.records().isEmpty()) {
                    break;
                }
                it = r.nextShardIterator();
            }
        }
        return out;
    }
}
