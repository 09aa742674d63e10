package com.bedrockcost.model;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

import java.lang.reflect.Type;
import java.util.Map;

/** Makes Flink serialize {@code Map<String, String>} fields with its map serializer instead of Kryo. */
public class StringMapTypeInfoFactory extends TypeInfoFactory<Map<String, String>> {
    @Override
    public TypeInformation<Map<String, String>> createTypeInfo(
            Type t, Map<String, TypeInformation<?>> genericParameters) {
        return Types.MAP(Types.STRING, Types.STRING);
    }
}
