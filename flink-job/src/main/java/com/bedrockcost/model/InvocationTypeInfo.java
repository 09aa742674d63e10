package com.bedrockcost.model;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

import java.lang.reflect.Type;
import java.util.Map;

/** Flink's type information for {@link Invocation}: serialized by {@link InvocationSerializer}. */
public final class InvocationTypeInfo extends TypeInformation<Invocation> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<Invocation> getTypeClass() {
        return Invocation.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<Invocation> createSerializer(SerializerConfig config) {
        return new InvocationSerializer();
    }

    @Override
    @Deprecated
    public TypeSerializer<Invocation> createSerializer(ExecutionConfig config) {
        return new InvocationSerializer();
    }

    @Override
    public String toString() {
        return "Invocation";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InvocationTypeInfo;
    }

    @Override
    public int hashCode() {
        return InvocationTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof InvocationTypeInfo;
    }

    /** Named by {@code @TypeInfo} on {@link Invocation}, so {@code TypeInformation.of(Invocation.class)} finds it. */
    public static final class Factory extends TypeInfoFactory<Invocation> {
        @Override
        public TypeInformation<Invocation> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new InvocationTypeInfo();
        }
    }
}
