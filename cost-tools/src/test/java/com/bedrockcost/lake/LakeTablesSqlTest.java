package com.bedrockcost.lake;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LakeTablesSqlTest {
    @Test
    void theTablesDdlIsPartitionedByTheFolders() {
        String ddl = LakeTablesSql.createTable(LakeTables.TENANT_HOURLY, "/tmp/lake/");
        assertThat(ddl).contains("PARTITIONED BY (`year`, `month`, `day`)").contains("'path' = '/tmp/lake/tenant_hourly'");
    }
}
