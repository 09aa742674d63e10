package com.bedrockcost.testutil;

import com.bedrockcost.lake.LakeTables;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.sink.LakeSinks;

import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.local.LocalFileSystem;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** Invocation rows and Parquet files of them, written by the lake's own writer, for tests that need a lake file. */
public final class InvocationFiles {
    private InvocationFiles() {}

    /** A priced Converse invocation: {@code i} input tokens, {@code i} µUSD, {@code i} seconds after {@code start}. */
    public static Invocation row(String requestId, Instant start, int i) {
        Invocation inv = new Invocation();
        inv.requestId = requestId;
        inv.eventTime = start.plusSeconds(i);
        inv.ingestTime = inv.eventTime;
        inv.accountId = "123456789012";
        inv.region = "us-east-1";
        inv.operation = "Converse";
        inv.modelId = "anthropic.claude-haiku-4-5-20251001-v1:0";
        inv.model = inv.modelId;
        inv.inputTokens = i;
        inv.pricingStatus = Invocation.PRICED;
        inv.totalCost = new BigDecimal("0.000001").multiply(BigDecimal.valueOf(i));
        return inv;
    }

    /** Writes {@code rows} as one {@code invocations} Parquet file at {@code file} (folders made as needed). */
    public static void write(Path file, Iterable<Invocation> rows) throws Exception {
        Files.createDirectories(file.getParent());
        try (FSDataOutputStream out = LocalFileSystem.getSharedInstance().create(
                new org.apache.flink.core.fs.Path(file.toUri()), FileSystem.WriteMode.OVERWRITE)) {
            BulkWriter<Invocation> writer = LakeSinks.parquet(LakeTables.INVOCATIONS, "SNAPPY", LakeTables::invocationColumns).create(out);
            for (Invocation inv : rows) {
                writer.addElement(inv);
            }
            writer.finish();
        }
    }
}
