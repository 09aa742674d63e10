#!/usr/bin/env node
'use strict';
// Prints the Flink execution role's policies (every aws_iam_role_policy of aws_iam_role.app) as Terraform itself
// evaluates it, as a JSON array of {sid, effect, actions, resources, conditions: [{test, variable,
// values}]}: the statements are read from the module's HCL (static and dynamic blocks), resource
// attributes are replaced by stand-ins (the lake bucket's and the stream's ARNs as given), and `terraform console`
// evaluates every expression offline with the module's own variables (defaults, or -var values).
// FlinkRolePolicyTest puts the result in front of S3Mock and kinesalite, so the job's real calls meet it.
//
// Usage: node flink-policy.js --module <dir> --lake-bucket <name> [--stream-arn <arn>] [--var name=value ...]

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { parseModule } = require('./lib/hcl');

function parseArgs(argv) {
  const args = { vars: [] };
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, '');
    if (k === 'var') args.vars.push(argv[i + 1]);
    else args[k] = argv[i + 1];
  }
  return args;
}

// "${expr}" -> expr (a whole-string interpolation, as hcl2json writes expressions).
const expression = (s) => {
  const m = /^\$\{([\s\S]*)\}$/.exec(s);
  if (!m) throw new Error(`not an expression: ${s}`);
  return m[1];
};

async function evaluate(args) {
  const mod = await parseModule(args.module);
  // Every inline policy of the Flink role (aws_iam_role.app), e.g. app and app_alerts.
  const names = mod.resources.filter((r) => r.type === 'aws_iam_role_policy' && /aws_iam_role\.app\.id/.test(r.body.role))
    .map((r) => (/data\.aws_iam_policy_document\.([A-Za-z0-9_]+)/.exec(r.body.policy) || [])[1]);
  const docs = names.map((n) => mod.data.find((d) => d.type === 'aws_iam_policy_document' && d.name === n));
  if (!docs.length || docs.some((d) => !d)) throw new Error(`policy documents of aws_iam_role.app not found: ${names}`);
  const normal = (s) => ({
    sid: s.sid || '', effect: s.effect || 'Allow', actions: s.actions || [], resources: s.resources || [],
    conditions: (s.condition || []).map((c) => ({ test: c.test, variable: c.variable, values: c.values })),
  });
  const parts = [];
  for (const doc of docs) parts.push(JSON.stringify((doc.body.statement || []).map(normal)));
  for (const d of docs.flatMap((doc) => (doc.body.dynamic && doc.body.dynamic.statement) || [])) {
    const iterator = d.iterator || 'statement';
    // A dynamic block's iterator has .key and .value.
    parts.push(`[for ${iterator} in [for k, v in ${expression(d.for_each)} : { key = k, value = v }] : ${JSON.stringify(normal(d.content[0]))}]`);
  }
  // Resource attributes have no value offline: give each a stand-in (the lake bucket a real ARN).
  const stubs = new Map();
  let hcl = `locals {\n  flink_policy = concat(\n${parts.join(',\n')}\n  )\n}\n`.replace(
    /\b(aws_[a-z0-9_]+)\.([a-z0-9_]+)(?:\[\\"([^\\"]+)\\"\])?\.(arn|name|id)\b/g,
    (all, type, name, key, attr) => {
      let value = `arn:aws:${type}:stub:${name}${key ? '-' + key : ''}`;
      if (type === 'aws_s3_bucket') value = `arn:aws:s3:::${key === 'lake' ? args['lake-bucket'] : `${name}-${key}`}`;
      if (type === 'aws_kinesis_stream' && name === 'logs' && attr === 'arn' && args['stream-arn']) value = args['stream-arn'];
      const id = `stub_${stubs.size}`;
      stubs.set(id, value);
      return `local.${id}`;
    });
  hcl += 'locals {\n  partition  = "aws"\n  region     = "us-east-1"\n  account_id = "000000000000"\n'
    + `  lake_bucket_name = ${JSON.stringify(args['lake-bucket'])}\n`
    + [...stubs].map(([id, v]) => `  ${id} = ${JSON.stringify(v)}\n`).join('') + '}\n';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flink-policy-'));
  try {
    // The module's variables (from every file) with their defaults; -var values override them.
    fs.writeFileSync(path.join(dir, 'variables.tf'), Object.entries(mod.variables)
      .map(([name, v]) => `variable "${name}" {\n  default = ${JSON.stringify(v.body.default === undefined ? null : v.body.default)}\n}\n`).join(''));
    fs.writeFileSync(path.join(dir, 'policy.tf'), hcl);
    const rc = path.join(dir, 'terraformrc');
    fs.writeFileSync(rc, '');
    const out = execFileSync('terraform', ['console', ...args.vars.flatMap((v) => ['-var', v])], {
      cwd: dir, input: 'jsonencode(local.flink_policy)\n', encoding: 'utf8',
      env: { ...process.env, TF_CLI_CONFIG_FILE: rc, TF_IN_AUTOMATION: '1', NO_COLOR: '1' },
    });
    // terraform console reports evaluation errors on its output and may still exit 0.
    if (!/^"/.test(out.trim())) throw new Error(`terraform console could not evaluate the policy:\n${out}\n${hcl}`);
    return JSON.parse(JSON.parse(out.trim()));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  evaluate(parseArgs(process.argv.slice(2)))
    .then((statements) => console.log(JSON.stringify(statements, null, 2)))
    .catch((e) => {
      console.error(`flink-policy: ${e.stderr || e.stack || e}`);
      process.exit(1);
    });
}

module.exports = { evaluate };
