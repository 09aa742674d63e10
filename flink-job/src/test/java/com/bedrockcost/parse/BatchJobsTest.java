package com.bedrockcost.parse;

import com.bedrockcost.config.ConfigException;
import com.bedrockcost.config.JobConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The batch jobs file (what the AWS CLI prints) and the tenant rules: what a job gets, and the message a bad file gives. */
class BatchJobsTest {
    private static String job(String id, String name, String input, String times) {
        return "{\"jobArn\":\"arn:aws:bedrock:eu-west-1:111122223333:model-invocation-job/" + id + "\",\"jobName\":\"" + name + "\","
                + "\"modelId\":\"eu.anthropic.claude-3-haiku-20240307-v1:0\"," + times
                + "\"inputDataConfig\":{\"s3InputDataConfig\":{\"s3Uri\":\"" + input + "\"}}}";
    }

    @Test
    void aJobGetsTheRuleOfItsIdThenItsNameThenTheLongestPrefixOfItsInput() {
        String times = "\"submitTime\":\"2026-03-01T08:00:00+00:00\",\"endTime\":\"2026-03-01T09:30:00.250000+00:00\",";
        String list = "{\"invocationJobSummaries\":[" + job("aaaaaaaaaaaa", "alpha", "s3://b/in/x/y.jsonl", times) + ","
                + job("bbbbbbbbbbbb", "beta", "s3://b/in/x/y.jsonl", times) + "," + job("cccccccccccc", "gamma", "s3://b/in/x/z.jsonl", times)
                + "," + job("dddddddddddd", "delta", "s3://other/in.jsonl", times) + "]}";
        BatchJobs jobs = BatchJobs.parse(list, "jobs.json",
                "job,tenant\n# comment\nalpha,by-name\naaaaaaaaaaaa,by-id\nbeta,beta-co\ns3://b/,short\ns3://b/in/x/,long\n", "t.csv");
        assertThat(jobs.get("aaaaaaaaaaaa").tenant).isEqualTo("by-id");
        assertThat(jobs.get("bbbbbbbbbbbb").tenant).isEqualTo("beta-co");
        assertThat(jobs.get("cccccccccccc").tenant).isEqualTo("long");
        assertThat(jobs.get("dddddddddddd").tenant).isNull();
        BatchJobs.Job a = jobs.get("aaaaaaaaaaaa");
        assertThat(a.region).isEqualTo("eu-west-1");
        assertThat(a.accountId).isEqualTo("111122223333");
        assertThat(a.eventTime).isEqualTo(Instant.parse("2026-03-01T09:30:00.250Z"));
        assertThat(jobs.get("eeeeeeeeeeee")).isNull();
    }

    @Test
    void getModelInvocationJobOutputIsOneJobAndWithoutEndTimeTheLastModifiedTimeIsUsed() {
        BatchJobs jobs = BatchJobs.parse(job("aaaaaaaaaaaa", "alpha", "s3://b/in.jsonl",
                "\"submitTime\":\"2026-03-01T08:00:00Z\",\"lastModifiedTime\":\"2026-03-02T08:00:00Z\","), "job.json", null, "");
        assertThat(jobs.size()).isEqualTo(1);
        assertThat(jobs.get("aaaaaaaaaaaa").eventTime).isEqualTo(Instant.parse("2026-03-02T08:00:00Z"));
    }

    @Test
    void badFilesStopTheJobNamingTheFileAndWhatIsWrong() {
        assertThatThrownBy(() -> BatchJobs.parse("{\"jobs\":[]}", "jobs.json", null, ""))
                .isInstanceOf(ConfigException.class).hasMessageContaining("batch.jobs.path").hasMessageContaining("jobs.json")
                .hasMessageContaining("list-model-invocation-jobs");
        assertThatThrownBy(() -> BatchJobs.parse("[{\"jobArn\":\"arn:aws:bedrock:us-east-1:111122223333:custom-model/x\",\"modelId\":\"m\"}]",
                "jobs.json", null, "")).isInstanceOf(ConfigException.class).hasMessageContaining("jobs.json job 1")
                .hasMessageContaining("is not a batch job ARN");
        assertThatThrownBy(() -> BatchJobs.parse(job("aaaaaaaaaaaa", "a", "s3://b/", ""), "jobs.json", null, ""))
                .hasMessageContaining("has no endTime, lastModifiedTime or submitTime");
        assertThatThrownBy(() -> BatchJobs.parse("[]", "jobs.json", "job_id,tenant\n", "t.csv"))
                .hasMessageContaining("batch.tenants.path").hasMessageContaining("t.csv:1").hasMessageContaining("job,tenant");
        assertThatThrownBy(() -> BatchJobs.parse("[]", "jobs.json", "job,tenant\nalpha,a\nalpha,b\n", "t.csv"))
                .hasMessageContaining("t.csv:3").hasMessageContaining("alpha already has a tenant at line 2");
    }

    @Test
    void tenantsWithoutJobsAndAMissingJobsFileStopTheJob(@TempDir Path dir) throws Exception {
        Path tenants = Files.writeString(dir.resolve("t.csv"), "job,tenant\n");
        assertThatThrownBy(() -> ParseOptions.from(JobConfig.defaults().with(Map.of("batch.tenants.path", tenants.toString()))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("batch.tenants.path is set but batch.jobs.path is not");
        assertThatThrownBy(() -> ParseOptions.from(JobConfig.defaults().with(Map.of("batch.jobs.path", dir.resolve("none.json").toString()))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("none.json (batch.jobs.path) does not exist");
    }
}
