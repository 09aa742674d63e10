package com.bedrockcost.parse;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What of a failed input may be stored: the header, never a body. */
class RedactionTest {
    private final Redaction redaction = new Redaction(InvocationLogParser.newJsonFactory(1 << 20));

    @Test
    void aWholeRecordKeepsItsHeaderAndCountsAndLosesItsBodies() {
        String rec = "{\"schemaType\":\"ModelInvocationLog\",\"requestId\":\"r1\",\"input\":{\"inputContentType\":\"application/json\","
                + "\"inputBodyJson\":{\"messages\":[{\"content\":\"SECRET\"}]},\"inputTokenCount\":-5,\"inputBodyS3Path\":\"s3://b/k\"},"
                + "\"output\":{\"outputBodyJson\":[\"SECRET\"],\"outputTokenCount\":3,\"note\":\"SECRET\"},"
                + "\"requestMetadata\":{\"tenantId\":\"acme\"},\"trace\":{\"text\":\"SECRET\"},\"flag\":true,\"extra\":\"" + "SECRET ".repeat(20) + "\"}";
        assertThat(redaction.record(rec)).isEqualTo("{\"schemaType\":\"ModelInvocationLog\",\"requestId\":\"r1\","
                + "\"input\":{\"inputContentType\":\"application/json\",\"inputBodyJson\":\"<removed 35 chars>\",\"inputTokenCount\":-5,"
                + "\"inputBodyS3Path\":\"s3://b/k\"},\"output\":{\"outputBodyJson\":\"<removed 10 chars>\",\"outputTokenCount\":3,"
                + "\"note\":\"<removed 8 chars>\"},\"requestMetadata\":{\"tenantId\":\"acme\"},\"trace\":\"<removed 17 chars>\",\"flag\":true,"
                + "\"extra\":\"<removed 142 chars>\"}");
    }

    @Test
    void aRecordCutInsideABodyKeepsWhatCameBefore() {
        String cut = "{\"requestId\":\"r1\",\"input\":{\"inputTokenCount\":5,\"inputBodyJson\":{\"messages\":[{\"content\":\"SECRET";
        assertThat(redaction.record(cut)).isEqualTo("{\"requestId\":\"r1\",\"input\":{\"inputTokenCount\":5,\"inputBodyJson\" "
                + Redaction.DAMAGED_NOTE);
    }

    @Test
    void damageBeforeAnyBodyCutsTheTextWhereABodyCouldStart() {
        String damaged = "{\"requestId\":\"r1\"x,\"timestamp\":\"t\",\"input\":{\"inputBodyJson\":{\"text\":\"SECRET\"}}}";
        assertThat(redaction.record(damaged)).isEqualTo("{\"requestId\":\"r1\"x,\"timestamp\":\"t\"," + Redaction.CUT_NOTE);
        String renamedKey = "{\"requestId\":\"r1\"x,\"inpuT\":{\"inputBodyJson\":{\"text\":\"SECRET\"}}}";
        assertThat(redaction.record(renamedKey)).doesNotContain("SECRET");
    }

    @Test
    void textThatIsNoRecordIsKeptAsItIs() {
        assertThat(redaction.record("this is not json")).isEqualTo("this is not json");
        assertThat(redaction.record("[1,2,3]")).isEqualTo("[1,2,3]");
    }

    @Test
    void anEnvelopeIsKeptUpToItsLogEvents() {
        String env = "{\"messageType\":\"DATA_MESSAGE\",\"logGroup\":\"g\",\"logEvents\":[{\"id\":\"1\",\"message\":\"{\\\"input\\\":SECRET\"}]}";
        assertThat(Redaction.envelope(env)).isEqualTo("{\"messageType\":\"DATA_MESSAGE\",\"logGroup\":\"g\"," + Redaction.CUT_NOTE);
        assertThat(Redaction.envelope("hello")).isEqualTo("hello");
    }
}
