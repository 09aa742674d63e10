package com.bedrockcost.lake;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

class LakeTablesSqlTest {
    @Test
    void aDaysPartitionIsTheConditionOnItsFolderNames() {
        assertThat(LakeTablesSql.inPartition(LocalDate.of(2026, 3, 4))).isEqualTo("(`year` = '2026' AND `month` = '03' AND `day` = '04')");
    }

    @Test
    void theTablesDdlIsPartitionedByTheFolders() {
        String ddl = LakeTablesSql.createTable(LakeTables.TENANT_HOURLY, "/tmp/lake/");
        assertThat(ddl).contains("PARTITIONED BY (`year`, `month`, `day`)").contains("'path' = '/tmp/lake/tenant_hourly'");
    }
}
