package com.bedrockcost.model;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Flink's serializer for {@link Invocation}, on the network and in state. Every invocation crosses
 * the network once (to the pricing operator, keyed by request id); the generic POJO serializer spent
 * a sixth of that operator's CPU there, most of it decoding strings char by char and setting fields
 * by reflection. This one writes strings as UTF-8 bytes and fields in a fixed order.
 *
 * <p>Format version 1: a bit set of the null fields, then the fields in declaration order up to
 * {@code source}. Version {@value #VERSION} appends the charges other than tokens (a second null bit
 * set, then guardrail units, costs, service tier and media quantities). A field added to
 * {@link Invocation} must be added here with a new version, and {@link Snapshot} must then read the old
 * versions (state written by an older job): a serializer restored from an older snapshot reads that
 * version's format and leaves the newer fields null.
 */
public final class InvocationSerializer extends TypeSerializer<Invocation> {
    private static final long serialVersionUID = 1L;
    static final int VERSION = 2;

    private static final int EVENT_TIME = 1;
    private static final int METADATA = 1 << 1;
    private static final int LATENCY = 1 << 2;
    private static final int INPUT_COST = 1 << 3;
    private static final int OUTPUT_COST = 1 << 4;
    private static final int CACHE_READ_COST = 1 << 5;
    private static final int CACHE_WRITE_COST = 1 << 6;
    private static final int TOTAL_COST = 1 << 7;
    private static final int INGEST_TIME = 1 << 8;
    // Second null bit set (version 2).
    private static final int GUARDRAIL_UNITS = 1;
    private static final int GUARDRAIL_COST = 1 << 1;
    private static final int IMAGE_COUNT = 1 << 2;
    private static final int VIDEO_SECONDS = 1 << 3;
    private static final int RERANK_QUERIES = 1 << 4;
    private static final int IMAGE_COST = 1 << 5;
    private static final int VIDEO_COST = 1 << 6;
    private static final int RERANK_COST = 1 << 7;

    /** The format {@link #deserialize} reads: {@link #VERSION}, or an older one for state written by an older job. */
    private final int readVersion;

    /** Reused for reading strings; each thread has its own serializer ({@link #duplicate()}). */
    private transient byte[] buffer;

    public InvocationSerializer() {
        this(VERSION);
    }

    InvocationSerializer(int readVersion) {
        this.readVersion = readVersion;
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<Invocation> duplicate() {
        return new InvocationSerializer(readVersion);
    }

    @Override
    public Invocation createInstance() {
        return new Invocation();
    }

    @Override
    public Invocation copy(Invocation from) {
        Invocation to = new Invocation();
        to.requestId = from.requestId;
        to.eventTime = from.eventTime;
        to.accountId = from.accountId;
        to.region = from.region;
        to.inferenceRegion = from.inferenceRegion;
        to.operation = from.operation;
        to.modelId = from.modelId;
        to.model = from.model;
        to.profileScope = from.profileScope;
        to.identityArn = from.identityArn;
        to.tenantId = from.tenantId;
        to.requestMetadata = from.requestMetadata == null ? null : new LinkedHashMap<>(from.requestMetadata);
        to.inputTokens = from.inputTokens;
        to.outputTokens = from.outputTokens;
        to.cacheReadTokens = from.cacheReadTokens;
        to.cacheWriteTokens = from.cacheWriteTokens;
        to.cacheWrite1hTokens = from.cacheWrite1hTokens;
        to.latencyMs = from.latencyMs;
        to.errorCode = from.errorCode;
        to.inputCost = from.inputCost;
        to.outputCost = from.outputCost;
        to.cacheReadCost = from.cacheReadCost;
        to.cacheWriteCost = from.cacheWriteCost;
        to.totalCost = from.totalCost;
        to.pricingStatus = from.pricingStatus;
        to.priceSource = from.priceSource;
        to.ingestTime = from.ingestTime;
        to.source = from.source;
        to.guardrailUnits = from.guardrailUnits == null ? null : from.guardrailUnits.clone();
        to.guardrailCost = from.guardrailCost;
        to.serviceTier = from.serviceTier;
        to.imageCount = from.imageCount;
        to.imageVariant = from.imageVariant;
        to.videoSeconds = from.videoSeconds;
        to.rerankQueries = from.rerankQueries;
        to.imageCost = from.imageCost;
        to.videoCost = from.videoCost;
        to.rerankCost = from.rerankCost;
        to.quantityGap = from.quantityGap;
        to.unpricedReason = from.unpricedReason;
        return to;
    }

    @Override
    public Invocation copy(Invocation from, Invocation reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Invocation r, DataOutputView out) throws IOException {
        int nulls = (r.eventTime == null ? EVENT_TIME : 0)
                | (r.requestMetadata == null ? METADATA : 0)
                | (r.latencyMs == null ? LATENCY : 0)
                | (r.inputCost == null ? INPUT_COST : 0)
                | (r.outputCost == null ? OUTPUT_COST : 0)
                | (r.cacheReadCost == null ? CACHE_READ_COST : 0)
                | (r.cacheWriteCost == null ? CACHE_WRITE_COST : 0)
                | (r.totalCost == null ? TOTAL_COST : 0)
                | (r.ingestTime == null ? INGEST_TIME : 0);
        out.writeShort(nulls);
        writeString(r.requestId, out);
        if (r.eventTime != null) {
            writeInstant(r.eventTime, out);
        }
        writeString(r.accountId, out);
        writeString(r.region, out);
        writeString(r.inferenceRegion, out);
        writeString(r.operation, out);
        writeString(r.modelId, out);
        writeString(r.model, out);
        writeString(r.profileScope, out);
        writeString(r.identityArn, out);
        writeString(r.tenantId, out);
        if (r.requestMetadata != null) {
            out.writeInt(r.requestMetadata.size());
            for (Map.Entry<String, String> e : r.requestMetadata.entrySet()) {
                writeString(e.getKey(), out);
                writeString(e.getValue(), out);
            }
        }
        out.writeLong(r.inputTokens);
        out.writeLong(r.outputTokens);
        out.writeLong(r.cacheReadTokens);
        out.writeLong(r.cacheWriteTokens);
        out.writeLong(r.cacheWrite1hTokens);
        if (r.latencyMs != null) {
            out.writeLong(r.latencyMs);
        }
        writeString(r.errorCode, out);
        writeDecimal(r.inputCost, out);
        writeDecimal(r.outputCost, out);
        writeDecimal(r.cacheReadCost, out);
        writeDecimal(r.cacheWriteCost, out);
        writeDecimal(r.totalCost, out);
        writeString(r.pricingStatus, out);
        writeString(r.priceSource, out);
        if (r.ingestTime != null) {
            writeInstant(r.ingestTime, out);
        }
        writeString(r.source, out);
        int nulls2 = (r.guardrailUnits == null ? GUARDRAIL_UNITS : 0)
                | (r.guardrailCost == null ? GUARDRAIL_COST : 0)
                | (r.imageCount == null ? IMAGE_COUNT : 0)
                | (r.videoSeconds == null ? VIDEO_SECONDS : 0)
                | (r.rerankQueries == null ? RERANK_QUERIES : 0)
                | (r.imageCost == null ? IMAGE_COST : 0)
                | (r.videoCost == null ? VIDEO_COST : 0)
                | (r.rerankCost == null ? RERANK_COST : 0);
        out.writeShort(nulls2);
        if (r.guardrailUnits != null) {
            out.writeInt(r.guardrailUnits.length);
            for (long u : r.guardrailUnits) {
                out.writeLong(u);
            }
        }
        writeDecimal(r.guardrailCost, out);
        writeString(r.serviceTier, out);
        if (r.imageCount != null) {
            out.writeLong(r.imageCount);
        }
        writeString(r.imageVariant, out);
        writeDecimal(r.videoSeconds, out);
        if (r.rerankQueries != null) {
            out.writeLong(r.rerankQueries);
        }
        writeDecimal(r.imageCost, out);
        writeDecimal(r.videoCost, out);
        writeDecimal(r.rerankCost, out);
        writeString(r.quantityGap, out);
        writeString(r.unpricedReason, out);
    }

    @Override
    public Invocation deserialize(DataInputView in) throws IOException {
        Invocation r = new Invocation();
        int nulls = in.readUnsignedShort();
        r.requestId = readString(in);
        r.eventTime = (nulls & EVENT_TIME) != 0 ? null : readInstant(in);
        r.accountId = readString(in);
        r.region = readString(in);
        r.inferenceRegion = readString(in);
        r.operation = readString(in);
        r.modelId = readString(in);
        r.model = readString(in);
        r.profileScope = readString(in);
        r.identityArn = readString(in);
        r.tenantId = readString(in);
        if ((nulls & METADATA) == 0) {
            int size = in.readInt();
            Map<String, String> metadata = new HashMap<>(Math.max(4, size * 4 / 3 + 1));
            for (int i = 0; i < size; i++) {
                metadata.put(readString(in), readString(in));
            }
            r.requestMetadata = metadata;
        }
        r.inputTokens = in.readLong();
        r.outputTokens = in.readLong();
        r.cacheReadTokens = in.readLong();
        r.cacheWriteTokens = in.readLong();
        r.cacheWrite1hTokens = in.readLong();
        r.latencyMs = (nulls & LATENCY) != 0 ? null : in.readLong();
        r.errorCode = readString(in);
        r.inputCost = (nulls & INPUT_COST) != 0 ? null : readDecimal(in);
        r.outputCost = (nulls & OUTPUT_COST) != 0 ? null : readDecimal(in);
        r.cacheReadCost = (nulls & CACHE_READ_COST) != 0 ? null : readDecimal(in);
        r.cacheWriteCost = (nulls & CACHE_WRITE_COST) != 0 ? null : readDecimal(in);
        r.totalCost = (nulls & TOTAL_COST) != 0 ? null : readDecimal(in);
        r.pricingStatus = readString(in);
        r.priceSource = readString(in);
        r.ingestTime = (nulls & INGEST_TIME) != 0 ? null : readInstant(in);
        r.source = readString(in);
        if (readVersion >= 2) {
            int nulls2 = in.readUnsignedShort();
            if ((nulls2 & GUARDRAIL_UNITS) == 0) {
                long[] units = new long[in.readInt()];
                for (int i = 0; i < units.length; i++) {
                    units[i] = in.readLong();
                }
                r.guardrailUnits = units;
            }
            r.guardrailCost = (nulls2 & GUARDRAIL_COST) != 0 ? null : readDecimal(in);
            r.serviceTier = readString(in);
            r.imageCount = (nulls2 & IMAGE_COUNT) != 0 ? null : in.readLong();
            r.imageVariant = readString(in);
            r.videoSeconds = (nulls2 & VIDEO_SECONDS) != 0 ? null : readDecimal(in);
            r.rerankQueries = (nulls2 & RERANK_QUERIES) != 0 ? null : in.readLong();
            r.imageCost = (nulls2 & IMAGE_COST) != 0 ? null : readDecimal(in);
            r.videoCost = (nulls2 & VIDEO_COST) != 0 ? null : readDecimal(in);
            r.rerankCost = (nulls2 & RERANK_COST) != 0 ? null : readDecimal(in);
            r.quantityGap = readString(in);
            r.unpricedReason = readString(in);
        }
        return r;
    }

    @Override
    public Invocation deserialize(Invocation reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    /** The format version this serializer reads. */
    int readVersion() {
        return readVersion;
    }

    /** Length + 1 (0: null), then the UTF-8 bytes. */
    private static void writeString(String s, DataOutputView out) throws IOException {
        if (s == null) {
            out.writeInt(0);
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length + 1);
        out.write(utf8);
    }

    private String readString(DataInputView in) throws IOException {
        int length = in.readInt() - 1;
        if (length < 0) {
            return null;
        }
        if (buffer == null || buffer.length < length) {
            buffer = new byte[Math.max(256, length)];
        }
        in.readFully(buffer, 0, length);
        return new String(buffer, 0, length, StandardCharsets.UTF_8);
    }

    private static void writeInstant(Instant t, DataOutputView out) throws IOException {
        out.writeLong(t.getEpochSecond());
        out.writeInt(t.getNano());
    }

    private static Instant readInstant(DataInputView in) throws IOException {
        long seconds = in.readLong();
        return Instant.ofEpochSecond(seconds, in.readInt());
    }

    private static void writeDecimal(BigDecimal d, DataOutputView out) throws IOException {
        if (d == null) {
            return;
        }
        byte[] unscaled = d.unscaledValue().toByteArray();
        out.writeInt(d.scale());
        out.writeInt(unscaled.length);
        out.write(unscaled);
    }

    private static BigDecimal readDecimal(DataInputView in) throws IOException {
        int scale = in.readInt();
        byte[] unscaled = new byte[in.readInt()];
        in.readFully(unscaled);
        return new BigDecimal(new BigInteger(unscaled), scale);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InvocationSerializer && ((InvocationSerializer) o).readVersion == readVersion;
    }

    @Override
    public int hashCode() {
        return InvocationSerializer.class.hashCode() + readVersion;
    }

    @Override
    public TypeSerializerSnapshot<Invocation> snapshotConfiguration() {
        return new Snapshot();
    }

    /** What a checkpoint records of this serializer: its format version. */
    public static final class Snapshot implements TypeSerializerSnapshot<Invocation> {
        private int readVersion = VERSION;

        @Override
        public int getCurrentVersion() {
            return VERSION;
        }

        @Override
        public void writeSnapshot(DataOutputView out) {
            // The version, which Flink writes, is all there is.
        }

        @Override
        public void readSnapshot(int version, DataInputView in, ClassLoader classLoader) throws IOException {
            if (version < 1 || version > VERSION) {
                throw new IOException("Invocation state was written in format version " + version
                        + "; this job reads versions 1 to " + VERSION);
            }
            readVersion = version;
        }

        /** A serializer that reads the format the snapshot was written in. */
        @Override
        public TypeSerializer<Invocation> restoreSerializer() {
            return new InvocationSerializer(readVersion);
        }

        /** Same version: as is; an older version: Flink reads the old state with the restored serializer and rewrites it. */
        @Override
        public TypeSerializerSchemaCompatibility<Invocation> resolveSchemaCompatibility(TypeSerializerSnapshot<Invocation> old) {
            if (!(old instanceof Snapshot)) {
                return TypeSerializerSchemaCompatibility.incompatible();
            }
            int oldVersion = ((Snapshot) old).readVersion;
            if (oldVersion == VERSION) {
                return TypeSerializerSchemaCompatibility.compatibleAsIs();
            }
            return oldVersion >= 1 && oldVersion < VERSION
                    ? TypeSerializerSchemaCompatibility.compatibleAfterMigration()
                    : TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
