package com.bedrockcost.testutil;

import com.bedrockcost.ingest.LogGenerator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * What the lake must hold for a set of distinct generated records, worked out from the raw records
 * alone (own JSON reading, {@link ContractPricer}): each request id once, the token sums, the cost
 * total and how many rows have no price.
 */
public final class ExpectedTotals {
    public final Set<String> requestIds = new HashSet<>();
    public long inputTokens;
    public long outputTokens;
    public long cacheReadTokens;
    public long cacheWriteTokens;
    public BigDecimal totalCost = BigDecimal.ZERO;
    public long unpriced;

    /** Over the generator's records {@code 0 .. count-1}. */
    public static ExpectedTotals of(LogGenerator generator, ContractPricer pricer) {
        ObjectMapper json = new ObjectMapper();
        List<Record> records = LongStream.range(0, generator.count()).parallel()
                .mapToObj(i -> new Record(read(json, generator.record(i)), pricer))
                .collect(Collectors.toList());
        ExpectedTotals t = new ExpectedTotals();
        for (Record r : records) {
            if (!t.requestIds.add(r.requestId)) {
                throw new IllegalStateException("the records themselves repeat request id " + r.requestId);
            }
            t.inputTokens += r.input;
            t.outputTokens += r.output;
            t.cacheReadTokens += r.cacheRead;
            t.cacheWriteTokens += r.cacheWrite;
            if (r.cost == null) {
                t.unpriced++;
            } else {
                t.totalCost = t.totalCost.add(r.cost);
            }
        }
        return t;
    }

    private static JsonNode read(ObjectMapper json, byte[] record) {
        try {
            return json.readTree(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fields of one raw record that the totals need. */
    private static final class Record {
        final String requestId;
        final long input;
        final long output;
        final long cacheRead;
        final long cacheWrite;
        final BigDecimal cost;

        Record(JsonNode r, ContractPricer pricer) {
            JsonNode in = r.path("input");
            requestId = r.path("requestId").asText();
            input = in.path("inputTokenCount").asLong();
            cacheRead = in.path("cacheReadInputTokenCount").asLong();
            cacheWrite = in.path("cacheWriteInputTokenCount").asLong();
            output = r.path("output").path("outputTokenCount").asLong();
            cost = pricer.totalCost(r);
        }
    }
}
