package com.bedrockcost.it;

import com.bedrockcost.model.ErrorType;
import com.bedrockcost.model.RawInput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Stand-in for the decoder's envelope support until the parse branch is on main: envelope → log lines. */
final class TestEnvelopeUnpack implements FlatMapFunction<RawInput, RawInput> {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void flatMap(RawInput in, Collector<RawInput> out) throws Exception {
        if (in.kind != RawInput.Kind.CLOUDWATCH_ENVELOPE) {
            out.collect(in);
            return;
        }
        byte[] json;
        try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(in.payload))) {
            json = gz.readAllBytes();
        } catch (ZipException e) {
            out.collect(RawInput.damaged(in.source, ErrorType.NOT_GZIP, "not gzip", in.payload, in.size));
            return;
        } catch (EOFException e) {
            out.collect(RawInput.damaged(in.source, ErrorType.TRUNCATED_GZIP, "truncated", new byte[0], in.size));
            return;
        }
        JsonNode env;
        try {
            env = JSON.readTree(json);
        } catch (IOException e) {
            out.collect(RawInput.damaged(in.source, ErrorType.BAD_ENVELOPE, "bad envelope", new byte[0], in.size));
            return;
        }
        if (!"DATA_MESSAGE".equals(env.path("messageType").asText())) {
            return;
        }
        int i = 0;
        for (JsonNode e : env.path("logEvents")) {
            out.collect(RawInput.logLine(in.source + "#" + i++, e.path("message").asText().getBytes(StandardCharsets.UTF_8)));
        }
    }
}
