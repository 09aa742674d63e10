package com.bedrockcost.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Prints every configuration key as a JSON array of {@code {group, name, default, description}}, so
 * tools outside the JVM (the Terraform contract check) read the keys from the code, not a copy.
 */
public final class DescribeConfig {
    private DescribeConfig() {}

    public static void main(String[] args) throws Exception {
        System.out.println(describe());
    }

    static String describe() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode keys = mapper.createArrayNode();
        for (ConfigKey<?> k : JobConfig.keys()) {
            ObjectNode o = keys.addObject();
            o.put("group", k.group());
            o.put("name", k.name());
            o.put("default", k.defaultValue());
            o.put("description", k.description());
        }
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(keys);
    }
}
