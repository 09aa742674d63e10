package com.bedrockcost.parse;

import com.bedrockcost.config.ConfigException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import javax.annotation.Nullable;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Bedrock batch inference jobs whose output ({@code <output uri>/<job id>/*.jsonl.out}) the job
 * reads, with who pays for each. Jobs come from {@code batch.jobs.path}: the JSON that
 * {@code aws bedrock list-model-invocation-jobs} prints ({@code invocationJobSummaries[]}), or that of
 * {@code get-model-invocation-job} (one job), or an array of jobs. Tenants come from
 * {@code batch.tenants.path}: a CSV {@code job,tenant} whose {@code job} is a job id, a job name or an
 * {@code s3://} prefix of the job's input (in that order; the longest prefix wins). Both files are
 * checked when the job is built: a bad one stops it with the file and reason.
 */
public final class BatchJobs implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String JOBS_KEY = "batch.jobs.path";
    public static final String TENANTS_KEY = "batch.tenants.path";
    public static final String TENANTS_HEADER = "job,tenant";
    /** The {@code operation} of a batch record's invocation row. */
    public static final String OPERATION = "BatchInference";
    /** The {@code service_tier} of a batch record: the price table's {@code batch} rows price it. */
    public static final String SERVICE_TIER = "batch";
    /** The job ARN as the Bedrock API documents it: region, account, and a 12-character job id. */
    private static final Pattern JOB_ARN = Pattern.compile("arn:aws[a-z-]*:bedrock:([a-z0-9-]+):(\\d{12}):model-invocation-job/([a-z0-9]+)");
    private static final BatchJobs NONE = new BatchJobs(Collections.emptyMap());

    /** One batch inference job: what its output lines do not say. */
    public static final class Job implements Serializable {
        private static final long serialVersionUID = 1L;
        public final String jobId;
        public final String jobName;
        /** As the job names it: a model id, an inference profile id or an ARN. */
        public final String modelId;
        public final String region;
        public final String accountId;
        /** The job's endTime (else lastModifiedTime, else submitTime): when its output was complete. */
        public final Instant eventTime;
        /** Null when no rule of {@code batch.tenants.path} names the job. */
        @Nullable public final String tenant;

        Job(String jobId, String jobName, String modelId, String region, String accountId, Instant eventTime, String tenant) {
            this.jobId = jobId;
            this.jobName = jobName;
            this.modelId = modelId;
            this.region = region;
            this.accountId = accountId;
            this.eventTime = eventTime;
            this.tenant = tenant;
        }
    }

    private final Map<String, Job> byId;

    private BatchJobs(Map<String, Job> byId) {
        this.byId = byId;
    }

    /** No jobs: every batch output file is skipped and counted. */
    public static BatchJobs none() {
        return NONE;
    }

    /** The job with this id (the folder name of its output), or null when it is not configured. */
    @Nullable
    public Job get(String jobId) {
        return jobId == null ? null : byId.get(jobId);
    }

    /** The job id of a batch output file: the name of its folder ({@code <output uri>/<job id>/<input>.jsonl.out}). */
    public static String jobOfFile(String file) {
        int end = file.lastIndexOf('/');
        int start = end <= 0 ? -1 : file.lastIndexOf('/', end - 1);
        return end <= 0 ? "" : file.substring(start + 1, end);
    }

    public int size() {
        return byId.size();
    }

    /** Reads both files ({@code tenantsLocation} may be empty); local paths or any URI Flink's file systems serve. */
    public static BatchJobs load(String jobsLocation, String tenantsLocation) {
        String jobs = read(jobsLocation, JOBS_KEY);
        String tenants = tenantsLocation == null || tenantsLocation.isEmpty() ? null : read(tenantsLocation, TENANTS_KEY);
        return parse(jobs, jobsLocation, tenants, tenantsLocation);
    }

    /** Parses the jobs JSON and the tenant CSV (null = no tenant rules); the names name the files in errors. */
    public static BatchJobs parse(String jobsJson, String jobsName, @Nullable String tenantsCsv, String tenantsName) {
        List<Rule> rules = tenantsCsv == null ? List.of() : rules(tenantsCsv, tenantsName);
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(jobsJson);
        } catch (IOException e) {
            throw fail(JOBS_KEY, jobsName, "not JSON: " + e.getMessage());
        }
        List<JsonNode> summaries = new ArrayList<>();
        if (root != null && root.isObject() && root.has("invocationJobSummaries")) {
            root.get("invocationJobSummaries").forEach(summaries::add);
        } else if (root != null && root.isObject() && root.has("jobArn")) {
            summaries.add(root);
        } else if (root != null && root.isArray()) {
            root.forEach(summaries::add);
        } else {
            throw fail(JOBS_KEY, jobsName, "expected the output of aws bedrock list-model-invocation-jobs"
                    + " (an object with invocationJobSummaries), of get-model-invocation-job, or an array of jobs");
        }
        Map<String, Job> byId = new HashMap<>();
        for (int i = 0; i < summaries.size(); i++) {
            Job job = job(summaries.get(i), rules, jobsName + " job " + (i + 1));
            byId.put(job.jobId, job);
        }
        return new BatchJobs(Collections.unmodifiableMap(byId));
    }

    private static Job job(JsonNode j, List<Rule> rules, String where) {
        String arn = text(j, "jobArn");
        Matcher m = arn == null ? null : JOB_ARN.matcher(arn);
        if (m == null || !m.matches()) {
            throw fail(JOBS_KEY, where, "jobArn '" + arn + "' is not a batch job ARN such as"
                    + " arn:aws:bedrock:us-east-1:111122223333:model-invocation-job/a1b2c3d4e5f6");
        }
        String modelId = text(j, "modelId");
        if (modelId == null) {
            throw fail(JOBS_KEY, where, "job " + arn + " has no modelId");
        }
        Instant time = null;
        for (String field : new String[] {"endTime", "lastModifiedTime", "submitTime"}) {
            String t = text(j, field);
            if (t != null && time == null) {
                time = Timestamps.parse(t);
                if (time == null) {
                    throw fail(JOBS_KEY, where, field + " '" + t + "' of job " + arn + " is not an ISO-8601 date-time");
                }
            }
        }
        if (time == null) {
            throw fail(JOBS_KEY, where, "job " + arn + " has no endTime, lastModifiedTime or submitTime");
        }
        String jobId = m.group(3);
        String name = text(j, "jobName");
        JsonNode input = j.path("inputDataConfig").path("s3InputDataConfig").path("s3Uri");
        String inputUri = input.isTextual() ? input.asText() : null;
        return new Job(jobId, name, modelId, m.group(1), m.group(2), time, tenant(rules, jobId, name, inputUri));
    }

    @Nullable
    private static String text(JsonNode j, String field) {
        JsonNode v = j.get(field);
        return v != null && v.isTextual() && !v.asText().trim().isEmpty() ? v.asText().trim() : null;
    }

    /** A rule of the tenant CSV. */
    private static final class Rule {
        final String job;
        final String tenant;

        Rule(String job, String tenant) {
            this.job = job;
            this.tenant = tenant;
        }
    }

    /** The tenant of a job: a rule naming its id, else its name, else the longest s3:// prefix of its input. */
    @Nullable
    private static String tenant(List<Rule> rules, String jobId, String name, String inputUri) {
        for (Rule r : rules) {
            if (r.job.equals(jobId)) {
                return r.tenant;
            }
        }
        for (Rule r : rules) {
            if (r.job.equals(name)) {
                return r.tenant;
            }
        }
        Rule best = null;
        for (Rule r : rules) {
            if (inputUri != null && r.job.startsWith("s3://") && inputUri.startsWith(r.job)
                    && (best == null || r.job.length() > best.job.length())) {
                best = r;
            }
        }
        return best == null ? null : best.tenant;
    }

    private static List<Rule> rules(String csv, String name) {
        List<Rule> rules = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean header = false;
        int lineNo = 0;
        try (BufferedReader in = new BufferedReader(new StringReader(csv))) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                String t = (lineNo == 1 && line.startsWith("\uFEFF") ? line.substring(1) : line).trim();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String where = name + ":" + lineNo;
                String[] cells = t.split(",", -1);
                if (!header) {
                    if (!t.replace(" ", "").equalsIgnoreCase(TENANTS_HEADER)) {
                        throw fail(TENANTS_KEY, where, "the header row must be '" + TENANTS_HEADER + "'");
                    }
                    header = true;
                    continue;
                }
                if (cells.length != 2) {
                    throw fail(TENANTS_KEY, where, "expected 2 columns (" + TENANTS_HEADER + "), found " + cells.length);
                }
                String job = cells[0].trim();
                String tenant = cells[1].trim();
                if (job.isEmpty() || !ProfileMapping.TENANT.matcher(tenant).matches()) {
                    throw fail(TENANTS_KEY, where, "job must be a job id, a job name or an s3:// input prefix, and tenant 1-256"
                            + " characters of letters, digits, whitespace and : _ @ $ # = / + , - .");
                }
                Integer before = seen.putIfAbsent(job, lineNo);
                if (before != null) {
                    throw fail(TENANTS_KEY, where, "job " + job + " already has a tenant at line " + before);
                }
                rules.add(new Rule(job, tenant));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e); // a StringReader does not fail
        }
        if (!header) {
            throw fail(TENANTS_KEY, name, "the file is empty; it needs the header row '" + TENANTS_HEADER + "'");
        }
        return rules;
    }

    private static String read(String location, String key) {
        Path path = new Path(location);
        try {
            FileSystem fs = path.getFileSystem();
            try (FSDataInputStream in = fs.open(path)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (FileNotFoundException e) {
            throw new ConfigException("The file " + location + " (" + key + ") does not exist");
        } catch (IOException e) {
            throw new ConfigException("Cannot read " + location + " (" + key + "): " + e);
        }
    }

    private static ConfigException fail(String key, String where, String reason) {
        return new ConfigException("Batch jobs (" + key + ") " + where + ": " + reason);
    }
}
