package com.bedrockcost.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DescribeConfigTest {
    @Test
    void listsEveryKeyWithItsGroupInDeclarationOrder() throws Exception {
        JsonNode keys = new ObjectMapper().readTree(DescribeConfig.describe());
        List<String> described = new ArrayList<>();
        keys.forEach(k -> described.add(k.get("group").asText() + "/" + k.get("name").asText()));
        List<String> expected = new ArrayList<>();
        JobConfig.keys().forEach(k -> expected.add(k.group() + "/" + k.name()));
        assertThat(described).isEqualTo(expected).contains("Kinesis/kinesis.stream.arn", "Output/output.path");
        assertThat(keys.get(0).has("default")).isTrue();
        assertThat(keys.get(0).get("description").asText()).isNotEmpty();
    }
}
