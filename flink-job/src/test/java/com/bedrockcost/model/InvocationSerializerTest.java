package com.bedrockcost.model;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InvocationSerializerTest {
    private final InvocationSerializer serializer = new InvocationSerializer();

    @Test
    void flinkUsesItForInvocation() {
        TypeInformation<Invocation> type = TypeInformation.of(Invocation.class);
        assertThat(type).isInstanceOf(InvocationTypeInfo.class);
        assertThat(type.createSerializer(new ExecutionConfig().getSerializerConfig()))
                .isInstanceOf(InvocationSerializer.class);
    }

    @Test
    void everyFieldOfInvocationSurvivesARoundTrip() throws Exception {
        // Each instance field gets its own non-default value: a field added to Invocation but not to
        // the serializer comes back null or 0 and fails here.
        Invocation full = new Invocation();
        int i = 0;
        for (Field f : instanceFields()) {
            i++;
            f.set(full, sample(f, i));
        }
        Invocation back = roundTrip(full);
        for (Field f : instanceFields()) {
            assertThat(f.get(back)).as(f.getName()).isEqualTo(f.get(full)).isNotNull();
        }
        assertThat(back).isEqualTo(full);
        assertThat(serializer.copy(full)).isEqualTo(full);
    }

    @Test
    void stateWrittenInVersion1IsReadByTheSerializerItsSnapshotRestoresAndMigrated() throws IOException {
        // The version-1 format as the previous job wrote it: null bits, then the fields up to source.
        DataOutputSerializer v1 = new DataOutputSerializer(64);
        v1.writeShort(1 << 1 | 1 << 2 | 1 << 3 | 1 << 4 | 1 << 5 | 1 << 6 | 1 << 7 | 1 << 8); // only eventTime set
        writeString(v1, "req-1");
        v1.writeLong(1_773_480_067L);
        v1.writeInt(0);
        for (String s : new String[] {"111122223333", "us-east-1", null, "Converse", "us.m", "m", "geo", null, "acme"}) {
            writeString(v1, s);
        }
        for (long tokens : new long[] {412, 187, 3072, 0, 0}) {
            v1.writeLong(tokens);
        }
        writeString(v1, null); // errorCode
        writeString(v1, "UNPRICED");
        writeString(v1, null); // priceSource
        writeString(v1, "file:1");

        InvocationSerializer.Snapshot old = new InvocationSerializer.Snapshot();
        old.readSnapshot(1, new DataInputDeserializer(new byte[0]), null);
        TypeSerializerSchemaCompatibility<Invocation> compatibility = serializer.snapshotConfiguration().resolveSchemaCompatibility(old);
        assertThat(compatibility.isCompatibleAfterMigration()).isTrue();
        DataInputDeserializer in = new DataInputDeserializer(v1.getCopyOfBuffer());
        Invocation r = old.restoreSerializer().deserialize(in);
        assertThat(in.available()).isZero();
        assertThat(r.requestId).isEqualTo("req-1");
        assertThat(r.eventTime).isEqualTo(Instant.ofEpochSecond(1_773_480_067L));
        assertThat(r.tenantId).isEqualTo("acme");
        assertThat(r.cacheReadTokens).isEqualTo(3072);
        assertThat(r.source).isEqualTo("file:1");
        assertThat(r.guardrailUnits).isNull();
        assertThat(r.guardrailCost).isNull();
        // Migrated: written again in the current format, read back the same.
        assertThat(roundTrip(r)).isEqualTo(r);
    }

    private static void writeString(DataOutputSerializer out, String s) throws IOException {
        if (s == null) {
            out.writeInt(0);
            return;
        }
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length + 1);
        out.write(b);
    }

    @Test
    void nullsStayNull() throws IOException {
        Invocation empty = new Invocation();
        Invocation back = roundTrip(empty);
        assertThat(back).isEqualTo(empty);
        for (Field f : instanceFields()) {
            if (!f.getType().isPrimitive()) {
                assertThat(getQuietly(f, back)).as(f.getName()).isNull();
            }
        }
    }

    @Test
    void keepsNonAsciiTextExactDecimalsAndEmptyOrNullMapValues() throws IOException {
        Invocation r = new Invocation();
        r.requestId = "req-ü-日本-😀";
        r.tenantId = "";
        r.requestMetadata = new LinkedHashMap<>();
        r.requestMetadata.put("tenantId", "Åcme");
        r.requestMetadata.put("empty", "");
        r.requestMetadata.put("nothing", null);
        r.inputCost = new BigDecimal("0.000000000001");
        r.outputCost = new BigDecimal("-123456789012345678901234.123456789012");
        r.cacheReadCost = new BigDecimal("1E+5");
        r.cacheWriteCost = BigDecimal.ZERO;
        r.totalCost = new BigDecimal("0.005458860000");
        r.eventTime = Instant.parse("1969-12-31T23:59:59.999999999Z");
        r.latencyMs = -1L;
        Invocation back = roundTrip(r);
        assertThat(back).isEqualTo(r);
        assertThat(back.totalCost.scale()).isEqualTo(12);
        assertThat(back.outputCost.scale()).isEqualTo(r.outputCost.scale());
        assertThat(back.requestMetadata).containsEntry("nothing", null).hasSize(3);

        Invocation emptyMap = new Invocation();
        emptyMap.requestMetadata = new HashMap<>();
        assertThat(roundTrip(emptyMap).requestMetadata).isNotNull().isEmpty();
    }

    @Test
    void recordsFollowEachOtherInOneStreamAndLongStringsFit() throws IOException {
        Invocation a = new Invocation();
        a.requestId = "a";
        a.identityArn = "x".repeat(100_000);
        Invocation b = new Invocation();
        b.requestId = "b";
        b.inputTokens = Long.MAX_VALUE;
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(a, out);
        serializer.serialize(b, out);
        serializer.serialize(a, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        assertThat(serializer.deserialize(in)).isEqualTo(a);
        assertThat(serializer.deserialize(in)).isEqualTo(b);
        assertThat(serializer.deserialize(in)).isEqualTo(a);
        assertThat(in.available()).isZero();
    }

    @Test
    void copiesAreIndependentOfTheOriginal() throws IOException {
        Invocation r = new Invocation();
        r.requestId = "r";
        r.requestMetadata = new HashMap<>(Map.of("tenantId", "t1"));
        Invocation copy = serializer.copy(r);
        assertThat(copy).isEqualTo(r).isNotSameAs(r);
        r.requestMetadata.put("tenantId", "changed");
        assertThat(copy.requestMetadata).containsEntry("tenantId", "t1");

        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(r, out);
        DataOutputSerializer copied = new DataOutputSerializer(64);
        serializer.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
        assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
        assertThat(serializer.duplicate()).isNotSameAs(serializer).isEqualTo(serializer);
    }

    @Test
    void aSnapshotRestoresTheSameFormatAndRefusesAnUnknownVersion() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());
        TypeSerializerSnapshot<Invocation> restored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertThat(restored.restoreSerializer()).isEqualTo(serializer);
        TypeSerializerSchemaCompatibility<Invocation> compatibility =
                serializer.snapshotConfiguration().resolveSchemaCompatibility(restored);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();

        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeSerializerSnapshot<Invocation> other = (TypeSerializerSnapshot) StringSerializer.INSTANCE.snapshotConfiguration();
        assertThat(serializer.snapshotConfiguration().resolveSchemaCompatibility(other).isIncompatible()).isTrue();

        InvocationSerializer.Snapshot future = new InvocationSerializer.Snapshot();
        assertThatThrownBy(() -> future.readSnapshot(InvocationSerializer.VERSION + 1, new DataInputDeserializer(new byte[0]), null))
                .hasMessageContaining("format version " + (InvocationSerializer.VERSION + 1));
    }

    private Invocation roundTrip(Invocation r) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializer<Invocation> writer = serializer.duplicate();
        writer.serialize(r, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    private static List<Field> instanceFields() {
        List<Field> fields = new ArrayList<>();
        for (Field f : Invocation.class.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                fields.add(f);
            }
        }
        assertThat(fields).hasSizeGreaterThan(20);
        return fields;
    }

    private static Object sample(Field f, int i) {
        Class<?> t = f.getType();
        if (t == String.class) {
            return f.getName() + "-" + i;
        } else if (t == long.class || t == Long.class) {
            return 1000L + i;
        } else if (t == Instant.class) {
            return Instant.ofEpochSecond(1_700_000_000L + i, i);
        } else if (t == BigDecimal.class) {
            return new BigDecimal("0.000001234567").multiply(BigDecimal.valueOf(i));
        } else if (t == long[].class) {
            return new long[] {i, 0, 2L * i, Long.MAX_VALUE};
        } else if (t == Map.class) {
            return new HashMap<>(Map.of("tenantId", "t" + i, "department", "d" + i));
        }
        throw new AssertionError("no sample value for field " + f.getName() + " of type " + t);
    }

    private static Object getQuietly(Field f, Object o) {
        try {
            return f.get(o);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }
}
