#!/usr/bin/env node
'use strict';
// Mutation tests of the contract check: each mutant is the module with one realistic mistake,
// and the contract check must fail on it with the given message. A mutant that survives means a
// contract we claim to hold is not really checked.
// Usage: node mutants.js --module <dir> --keys <json> --eval <json> --schemas <dir> --pricing <dir>

const fs = require('fs');
const os = require('os');
const path = require('path');
const { runContracts, parseArgs } = require('./contract-check');

const MUTANTS = [
  {
    name: 'a job that cannot write its alerts stream',
    file: 'alerts.tf',
    from: 'actions   = ["kinesis:PutRecords"]',
    to: 'actions   = ["kinesis:PutRecord"]',
    expect: 'missing kinesis:PutRecords on ${aws_kinesis_stream.alerts.arn}',
  },
  {
    name: 'a pipe that forwards raw records',
    file: 'alerts.tf',
    from: 'input_template = "<$.data.message>',
    to: 'input_template = "<$.data>',
    expect: "the pipe must send the alert's message, not the raw record",
  },
  {
    name: 'an unknown job key',
    file: 'app.tf',
    from: '"pricing.watch.interval"',
    to: '"pricing.watch.intervall"',
    expect: '"pricing.watch.intervall" (group Pricing) is not a configuration key of the job',
  },
  {
    name: 'a key in the wrong property group',
    file: 'app.tf',
    from: '"input.source" = "kinesis"',
    to: '"input.source" = "kinesis"\n      "dedup.ttl"    = "48h"',
    expect: '"dedup.ttl" is in group Input; the job reads it from group Job',
  },
  {
    name: 'a missing Kinesis read permission',
    file: 'app.tf',
    from: '"kinesis:GetRecords",',
    to: '',
    expect: 'missing kinesis:GetRecords on ${aws_kinesis_stream.logs.arn}',
  },
  {
    name: 'a "*" resource where the stream name is known',
    file: 'ingest.tf',
    from: 'resources = [aws_kinesis_stream.logs.arn]',
    to: 'resources = ["*"]',
    expect: 'resource "*" for kinesis:PutRecord,kinesis:PutRecords',
  },
  {
    name: 'an extra permission',
    file: 'app.tf',
    from: '"s3:PutObject",',
    to: '"s3:PutObject",\n      "s3:PutBucketPolicy",',
    expect: 'grants s3:PutBucketPolicy, which Flink execution role does not need',
  },
  {
    name: 'ByLogStream distribution',
    file: 'ingest.tf',
    from: 'distribution = "Random"',
    to: 'distribution = "ByLogStream"',
    expect: 'distribution is ByLogStream',
  },
  {
    name: 'another Flink runtime',
    file: 'app.tf',
    from: '"FLINK-1_20"',
    to: '"FLINK-1_19"',
    expect: 'runtime_environment is FLINK-1_19, not FLINK-1_20',
  },
  {
    name: 'hand-written Glue columns',
    file: 'catalog.tf',
    from: 'for_each = each.value.columns',
    to: 'for_each = [{ name = "request_id", type = "string", comment = "" }]',
    expect: 'storage_descriptor columns must be a dynamic block over each.value.columns',
  },
  {
    name: 'DEFAULT checkpoint configuration',
    file: 'app.tf',
    from: 'configuration_type            = "CUSTOM"',
    to: 'configuration_type            = "DEFAULT"',
    expect: 'checkpoint configuration_type must be CUSTOM',
  },
  {
    name: 'the price statement narrowed back to pricing/* (issue 19: every invocation UNPRICED on AWS)',
    file: 'app.tf',
    from: '      "${aws_s3_bucket.this["lake"].arn}/${var.pricing_prefix}",\n',
    to: '',
    expect: 's3:GetObject on the price folder key itself',
  },
  {
    name: 'the budget statement without the budget folder key',
    file: 'alerts.tf',
    from: '      "${aws_s3_bucket.this["lake"].arn}/${var.budgets_prefix}",\n',
    to: '',
    expect: 's3:GetObject on the budget folder key itself',
  },
  {
    name: 'list limited by s3:prefix again',
    file: 'app.tf',
    from: 'sid       = "ListLakeBucket"\n    actions   = ["s3:ListBucket"]\n    resources = [aws_s3_bucket.this["lake"].arn]\n',
    to: 'sid       = "ListLakeBucket"\n    actions   = ["s3:ListBucket"]\n    resources = [aws_s3_bucket.this["lake"].arn]\n    condition {\n      test     = "StringLike"\n      variable = "s3:prefix"\n      values   = ["${var.pricing_prefix}/*"]\n    }\n',
    expect: 's3:ListBucket must not be limited by s3:prefix',
  },
  {
    name: 'no read permission for the tenant mapping file',
    file: 'app.tf',
    from: 'for_each = var.tenant_mapping_key == null ? [] : [var.tenant_mapping_key]',
    to: 'for_each = []',
    expect: 's3:GetObject on the tenant mapping object',
  },
  {
    name: 'a job key the module neither sets nor explains (tenant.mapping.path dropped)',
    file: 'app.tf',
    from: '"tenant.mapping.path"     = var.tenant_mapping_key == null ? "" : "s3://${local.lake_bucket_name}/${var.tenant_mapping_key}"',
    to: '',
    expect: 'job key tenant.mapping.path (group Tenant) has no Terraform variable or module value',
  },
  {
    name: 'a "Job key" variable that is not passed to its key',
    file: 'app.tf',
    from: '"dedup.ttl"                  = var.dedup_ttl',
    to: '"dedup.ttl"                  = "48h"',
    expect: 'variable dedup_ttl (Job key dedup.ttl) is not what the property group sets',
  },
  {
    name: 'Sum over a running counter',
    file: 'monitoring.tf',
    from: 'stat        = "Maximum"',
    to: 'stat        = "Sum"',
    expect: 'counter numberOfFailedCheckpoints read with Sum',
  },
  {
    name: 'a counter alarm without its increase',
    file: 'monitoring.tf',
    from: 'expression  = "IF(failed + parsed > 0, failed / (failed + parsed), 0)"',
    to: 'expression  = "IF(failed_total + parsed > 0, failed_total / (failed_total + parsed), 0)"',
    expect: 'failed_record_rate: expression rate uses the running total failed_total outside DIFF/RATE',
  },
  {
    name: 'a renamed statement',
    file: 'app.tf',
    from: '"ReadPriceTable"',
    to: '"ReadPrices"',
    // Contracts are about what is granted, not how statements are labelled: no false alarm.
    expect: null,
  },
];

async function main() {
  const args = parseArgs(process.argv.slice(2));
  let failed = 0;
  for (const m of MUTANTS) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutant-'));
    for (const f of fs.readdirSync(args.module)) {
      if (f.endsWith('.tf') || f === 'README.md') fs.copyFileSync(path.join(args.module, f), path.join(dir, f));
    }
    const original = fs.readFileSync(path.join(dir, m.file), 'utf8');
    let verdict;
    if (!original.includes(m.from)) {
      verdict = `the mutation does not apply: ${m.file} has no ${JSON.stringify(m.from)}`;
    } else {
      fs.writeFileSync(path.join(dir, m.file), original.replace(m.from, m.to));
      const results = await runContracts({ ...args, module: dir });
      const problems = results.flatMap((r) => r.problems);
      if (m.expect === null) verdict = problems.length ? `false alarm: ${problems.join('; ')}` : null;
      else if (!problems.length) verdict = 'the contract check passed a module with this mistake';
      else if (!problems.some((p) => p.includes(m.expect))) verdict = `reported ${problems.join('; ')} but not: ${m.expect}`;
      else verdict = null;
    }
    fs.rmSync(dir, { recursive: true, force: true });
    const title = m.expect === null ? `contract check accepts a harmless change: ${m.name}` : `contract check catches ${m.name}`;
    if (verdict) {
      failed++;
      console.log(`FAIL ${title}\n  - ${verdict}`);
    } else {
      console.log(`PASS ${title}`);
    }
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.log(`FAIL mutation tests could not run: ${e.stack || e}`);
  process.exit(1);
});
