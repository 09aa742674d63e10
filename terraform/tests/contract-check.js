#!/usr/bin/env node
'use strict';
// Contracts between the Terraform module and the job, read from the module's HCL (parsed, not
// grepped), from the job's own key list (DescribeConfig) and from Terraform's evaluation of
// schemas.tf. Prints one PASS/FAIL line per contract; exit status 1 when any fails.
//
// Usage: node contract-check.js --module <dir> --keys <DescribeConfig JSON> --eval <JSON>
//                               --schemas <dir> --pricing <dir>

const fs = require('fs');
const path = require('path');
const { parseModule } = require('./lib/hcl');


// Actions without resource-level permissions: "*" is the only resource they accept.
const NO_RESOURCE_LEVEL = new Set(['cloudwatch:PutMetricData']);
// Wildcards that do not stand for a known name: objects under a named prefix, streams of a
// named log group, the account's log groups for the list call, the Glue crawler's own group.
const WILDCARD_OK = [
  { re: /\/\*$/, why: 'objects under a named prefix' },
  { re: /:log-stream:\*$/, why: 'log streams of a named log group' },
  { re: /:log-group:\/aws-glue\/crawlers:\*$/, why: "the Glue crawler's log group" },
  { re: /:log-group:\*$/, why: 'list call over the account', actions: ['logs:DescribeLogGroups'] },
];

function one(list, what) {
  if (list.length !== 1) throw new Error(`expected exactly one ${what}, found ${list.length}`);
  return list[0];
}

const ref = (s) => (typeof s === 'string' ? s : JSON.stringify(s));
const refName = (expr, type) => {
  const m = ref(expr).match(new RegExp(`${type.replace('.', '\\.')}\\.([A-Za-z0-9_-]+)`));
  return m && m[1];
};

// Runs every contract on one module; returns [{name, problems, detail}] and prints nothing.
async function runContracts(args) {
  const results = [];
  function contract(name, fn) {
    const problems = [];
    let detail = '';
    try {
      detail = fn((msg) => problems.push(msg)) || '';
    } catch (e) {
      problems.push(`check crashed: ${e.message || e}`);
    }
    results.push({ name, problems, detail });
  }

  const mod = await parseModule(args.module);
  const keys = JSON.parse(fs.readFileSync(args.keys, 'utf8'));
  const evaluated = JSON.parse(fs.readFileSync(args.eval, 'utf8'));
  const res = (type) => mod.resources.filter((r) => r.type === type);
  const data = (type) => mod.data.filter((r) => r.type === type);
  const app = one(res('aws_kinesisanalyticsv2_application'), 'aws_kinesisanalyticsv2_application');
  const appConfig = app.body.application_configuration[0];

  // ------------------------------------------------------------------------------------------
  contract('MSF runtime is FLINK-1_20, jar from S3, checkpointing and snapshots as the job needs', (fail) => {
    if (app.body.runtime_environment !== 'FLINK-1_20') fail(`runtime_environment is ${app.body.runtime_environment}, not FLINK-1_20`);
    const code = appConfig.application_code_configuration[0];
    if (code.code_content_type !== 'ZIPFILE') fail(`code_content_type is ${code.code_content_type}, not ZIPFILE`);
    const s3 = code.code_content[0].s3_content_location[0];
    if (!/aws_s3_bucket\.this\["code"\]\.arn/.test(s3.bucket_arn)) fail(`jar bucket is ${s3.bucket_arn}, not the code bucket`);
    const flink = appConfig.flink_application_configuration[0];
    const cp = flink.checkpoint_configuration[0];
    if (cp.configuration_type !== 'CUSTOM') fail('checkpoint configuration_type must be CUSTOM (DEFAULT ignores the interval)');
    if (cp.checkpointing_enabled !== true) fail('checkpointing must be enabled: the Parquet sink commits files only on checkpoints');
    if (cp.checkpoint_interval !== '${var.checkpoint_interval_ms}') fail(`checkpoint_interval is ${cp.checkpoint_interval}`);
    if (cp.min_pause_between_checkpoints !== '${var.min_pause_between_checkpoints_ms}') fail(`min_pause_between_checkpoints is ${cp.min_pause_between_checkpoints}`);
    const par = flink.parallelism_configuration[0];
    if (par.configuration_type !== 'CUSTOM' || !par.parallelism || !par.auto_scaling_enabled) fail('parallelism_configuration must be CUSTOM with parallelism and auto_scaling_enabled');
    if (appConfig.application_snapshot_configuration[0].snapshots_enabled !== true) fail('snapshots must be enabled');
    const restore = appConfig.run_configuration[0].application_restore_configuration[0].application_restore_type;
    if (restore !== 'RESTORE_FROM_LATEST_SNAPSHOT') fail(`application_restore_type is ${restore}`);
    if (!app.body.cloudwatch_logging_options) fail('cloudwatch_logging_options is missing');
    const vars = mod.variables;
    if (vars.checkpoint_interval_ms.body.default !== 60000 || vars.min_pause_between_checkpoints_ms.body.default !== 5000) fail('checkpoint defaults must be 60000 / 5000 ms');
    return 'CUSTOM checkpoints 60000/5000 ms, snapshots, restore from latest';
  });

  // ------------------------------------------------------------------------------------------
  contract('MSF property groups use only the job\'s keys, each in its own group', (fail) => {
    const groupsLocal = mod.locals.msf_property_groups;
    if (!groupsLocal || typeof groupsLocal.value !== 'object') throw new Error('local.msf_property_groups must be an object literal of group => properties');
    const dyn = appConfig.environment_properties[0].dynamic && appConfig.environment_properties[0].dynamic.property_group;
    if (!dyn || !/local\.msf_property_groups/.test(dyn[0].for_each)) fail('environment_properties must build property_group blocks from local.msf_property_groups');
    else {
      const content = dyn[0].content[0];
      if (content.property_group_id !== '${property_group.key}' || content.property_map !== '${property_group.value}') fail('each property_group must take its id from the group name and its map from the group');
    }
    if (appConfig.environment_properties[0].property_group) fail('property groups outside local.msf_property_groups are not checked; put them there');
    const byName = new Map(keys.map((k) => [k.name, k]));
    const used = [];
    for (const [group, props] of Object.entries(groupsLocal.value)) {
      // A for-expression (optional keys) is a string here: its quoted keys are the candidates.
      const names = typeof props === 'object' ? Object.keys(props) : [...String(props).matchAll(/"([A-Za-z0-9_.-]+)"\s*=/g)].map((m) => m[1]);
      for (const name of names) {
        const key = byName.get(name);
        if (!key) fail(`"${name}" (group ${group}) is not a configuration key of the job`);
        else if (key.group !== group) fail(`"${name}" is in group ${group}; the job reads it from group ${key.group}`);
        used.push(name);
      }
    }
    const g = groupsLocal.value;
    if (!g.Input || g.Input['input.source'] !== 'kinesis') fail('Input must set input.source = kinesis');
    for (const k of ['kinesis.stream.arn', 'kinesis.region', 'kinesis.initial.position']) if (!g.Kinesis || !(k in g.Kinesis)) fail(`Kinesis must set ${k}`);
    if (g.Kinesis && !/aws_kinesis_stream\.logs\.arn/.test(g.Kinesis['kinesis.stream.arn'])) fail('kinesis.stream.arn must be the stream the subscription filter feeds');
    if (!g.Output || g.Output['output.path'] !== '${local.lake_uri}') fail('Output must set output.path = local.lake_uri');
    if (!g.Pricing || g.Pricing['pricing.path'] !== '${local.pricing_uri}') fail('Pricing must set pricing.path = local.pricing_uri');
    if (!/^s3:\/\//.test(mod.locals.lake_uri.value) || !/^s3:\/\/.*\/$/.test(mod.locals.pricing_uri.value)) fail('lake_uri and pricing_uri must be s3:// URIs (pricing a folder, ending in /)');
    return `${used.length} keys in ${Object.keys(g).length} groups, all among the job's ${keys.length} keys`;
  });

  // ------------------------------------------------------------------------------------------
  contract('Glue lake tables are generated from schemas/ (Terraform\'s own evaluation equals the files)', (fail) => {
    const files = fs.readdirSync(args.schemas).filter((f) => f.endsWith('.json')).sort();
    const tables = evaluated.lake_tables;
    const names = Object.keys(tables).sort();
    if (JSON.stringify(names) !== JSON.stringify(files.map((f) => f.replace(/\.json$/, '')))) fail(`Terraform sees tables ${names}, schemas/ has ${files}`);
    for (const f of files) {
      const schema = JSON.parse(fs.readFileSync(path.join(args.schemas, f), 'utf8'));
      const t = tables[schema.table];
      if (!t) continue;
      const cols = (l) => JSON.stringify(l.map((c) => [c.name, c.type]));
      if (cols(t.columns) !== cols(schema.columns)) fail(`${schema.table}: Terraform columns differ from ${f}`);
      if (cols(t.partition_keys) !== cols(schema.partition_keys)) fail(`${schema.table}: Terraform partition keys differ from ${f}`);
      if (schema.partition_keys.some((k) => k.type !== 'string')) fail(`${f}: partition keys must be strings (projection digits 2 yields '03')`);
    }
    const glue = res('aws_glue_catalog_table').find((r) => r.name === 'lake');
    if (!glue) throw new Error('aws_glue_catalog_table.lake is missing');
    if (glue.body.for_each !== '${local.lake_tables}') fail('aws_glue_catalog_table.lake must have for_each = local.lake_tables');
    const sd = glue.body.storage_descriptor[0];
    const cols = sd.dynamic && sd.dynamic.columns && sd.dynamic.columns[0];
    if (!cols || cols.for_each !== '${each.value.columns}' || cols.content[0].name !== '${columns.value.name}' || cols.content[0].type !== '${columns.value.type}') fail('storage_descriptor columns must be a dynamic block over each.value.columns (name and type)');
    if (sd.columns) fail('static columns blocks would drift from schemas/');
    const pk = glue.body.dynamic && glue.body.dynamic.partition_keys && glue.body.dynamic.partition_keys[0];
    if (!pk || pk.for_each !== '${each.value.partition_keys}' || pk.content[0].name !== '${partition_keys.value.name}' || pk.content[0].type !== '${partition_keys.value.type}') fail('partition_keys must be a dynamic block over each.value.partition_keys');
    if (sd.location !== '${local.lake_uri}/${each.key}/') fail(`table location is ${sd.location}, not <lake_uri>/<table>/`);
    if (sd.ser_de_info[0].serialization_library !== 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe') fail('SerDe must be ParquetHiveSerDe');
    const params = JSON.stringify(glue.body.parameters);
    if (!params.includes('storage.location.template') || !params.includes('${local.lake_uri}/${each.key}/year=$${year}/month=$${month}/day=$${day}/')) fail('storage.location.template must be <lake_uri>/<table>/year=${year}/month=${month}/day=${day}/');
    const proj = mod.locals.projection_parameters.value;
    for (const [k, v] of Object.entries({ 'projection.enabled': 'true', 'projection.month.digits': '2', 'projection.day.digits': '2', 'projection.month.range': '1,12', 'projection.day.range': '1,31', 'projection.year.type': 'integer' })) {
      if (proj[k] !== v) fail(`projection parameter ${k} is ${proj[k]}, expected ${v}`);
    }
    return `${names.join(', ')}: ${names.map((n) => tables[n].columns.length).join('/')} columns, projected year/month/day`;
  });

  // ------------------------------------------------------------------------------------------
  contract('pricing Glue table reads the price CSVs by position in the contract\'s column order', (fail) => {
    const cols = evaluated.pricing_columns.map((c) => c.name);
    const contract = ['model_id', 'region', 'effective_from', 'effective_to', 'input_per_mtok', 'output_per_mtok', 'cache_read_per_mtok', 'cache_write_per_mtok', 'min_prompt_tokens', 'profile_scope'];
    if (JSON.stringify(cols.slice(0, contract.length)) !== JSON.stringify(contract)) fail(`pricing columns start ${cols.slice(0, contract.length)}, not the contract's ${contract}`);
    const csvs = fs.existsSync(args.pricing) ? fs.readdirSync(args.pricing).filter((f) => f.endsWith('.csv')) : [];
    for (const f of csvs) {
      const header = fs.readFileSync(path.join(args.pricing, f), 'utf8').split(/\r?\n/)[0].split(',').map((s) => s.trim());
      for (let i = 0; i < Math.min(header.length, cols.length); i++) {
        if (header[i] !== cols[i]) {
          fail(`${f}: column ${i + 1} is "${header[i]}" but the Glue table reads "${cols[i]}" there`);
          break;
        }
      }
      if (header.length > cols.length) fail(`${f}: columns ${header.slice(cols.length)} are not in the Glue table`);
    }
    const t = res('aws_glue_catalog_table').find((r) => r.name === 'pricing');
    if (!t || t.body.storage_descriptor[0].location !== '${local.pricing_uri}') fail('the pricing table must be located at local.pricing_uri');
    if (!t || t.body.parameters['skip.header.line.count'] !== '1') fail('the pricing table must skip the header line');
    return `${cols.length} columns; ${csvs.length} CSV header(s) in pricing/ agree`;
  });

  // ------------------------------------------------------------------------------------------
  contract('the pricing table\'s location holds only token price files; unit price files go beside it and the job reads them', (fail) => {
    // Athena reads every file below a table's location, subfolders included: a unit price file
    // (header charge,model_id,…) under pricing_uri would be rows of the pricing table, columns shifted.
    const objects = res('aws_s3_object');
    const underPricing = objects.filter((r) => String(r.body.key || '').startsWith('${var.pricing_prefix}/'));
    if (underPricing.length === 0) fail('no aws_s3_object uploads the price table under ${var.pricing_prefix}/');
    for (const r of underPricing) {
      const each = JSON.stringify(r.body.for_each || '');
      if (!/fileset\(local\.pricing_dir, \\"\*\.csv\\"\)/.test(each) || /units/.test(each)) {
        fail(`aws_s3_object.${r.name} uploads ${each} under the pricing table's location: only pricing/*.csv (token prices) may go there`);
      }
    }
    const units = objects.filter((r) => /units/.test(JSON.stringify(r.body.source || '')));
    if (units.length === 0) fail('no aws_s3_object uploads pricing/units/ (guardrail, image, video and rerank prices): the job would leave those charges UNPRICED');
    for (const r of units) {
      if (r.body.key !== '${local.pricing_units_prefix}/${each.value}') fail(`aws_s3_object.${r.name} must upload the unit price files to local.pricing_units_prefix, not ${r.body.key}`);
    }
    const prefix = mod.locals.pricing_units_prefix && mod.locals.pricing_units_prefix.value;
    if (!prefix || prefix.startsWith('${var.pricing_prefix}/')) fail(`pricing_units_prefix (${prefix}) must be beside the price folder, not below it`);
    const pricingGroup = (mod.locals.msf_property_groups.value || {}).Pricing;
    if (!pricingGroup || pricingGroup['pricing.units.path'] !== '${local.pricing_units_uri}') fail('Pricing must set pricing.units.path = local.pricing_units_uri, or the job never reads the unit prices');
    const unitCsvs = fs.existsSync(path.join(args.pricing, 'units')) ? fs.readdirSync(path.join(args.pricing, 'units')).filter((f) => f.endsWith('.csv')) : [];
    for (const f of fs.existsSync(args.pricing) ? fs.readdirSync(args.pricing).filter((x) => x.endsWith('.csv')) : []) {
      if (fs.readFileSync(path.join(args.pricing, f), 'utf8').startsWith('charge,')) fail(`pricing/${f} is a unit price file: it belongs in pricing/units/, out of the Glue table's location`);
    }
    return `${underPricing.length} upload(s) under the price folder, ${unitCsvs.length} unit price file(s) beside it`;
  });

  // ------------------------------------------------------------------------------------------
  contract('Athena views: one SELECT per schemas/views file, deployed as named queries', (fail) => {
    const views = evaluated.athena_views;
    const files = fs.readdirSync(path.join(args.schemas, 'views')).filter((f) => f.endsWith('.sql')).sort();
    if (JSON.stringify(Object.keys(views).sort()) !== JSON.stringify(files.map((f) => f.replace(/\.sql$/, '')))) fail(`Terraform sees views ${Object.keys(views)}, schemas/views has ${files}`);
    const tables = new Set(Object.keys(evaluated.lake_tables));
    for (const [name, sql] of Object.entries(views)) {
      if (!/^SELECT\b/i.test(sql)) fail(`${name}: must be a single SELECT (Terraform wraps it in CREATE OR REPLACE VIEW)`);
      if (/;\s*$/.test(sql) || sql.includes('--')) fail(`${name}: no trailing semicolon or inline comments in the view text`);
      const from = [...sql.matchAll(/\bFROM\s+([a-z_]+)/gi)].map((m) => m[1]);
      for (const t of from) if (!tables.has(t) && !views[t]) fail(`${name}: reads "${t}", which is neither a lake table nor a view`);
      // A view read by another view must read lake tables only: one level, created first.
      for (const t of from.filter((v) => views[v])) {
        if ((evaluated.athena_view_reads[t] || []).length) fail(`${name}: reads view "${t}", which itself reads a view`);
      }
      const reads = evaluated.athena_view_reads[name] || [];
      if (JSON.stringify([...reads].sort()) !== JSON.stringify([...new Set(from.filter((v) => views[v]))].sort())) fail(`${name}: Terraform sees it read views ${reads}, the SQL reads ${from}`);
      for (const r of reads) {
        if (evaluated.athena_view_order.indexOf(r) > evaluated.athena_view_order.indexOf(name)) fail(`${name} is created before view ${r}, which it reads`);
      }
    }
    if (JSON.stringify([...evaluated.athena_view_order].sort()) !== JSON.stringify(Object.keys(views).sort())) fail(`athena_view_order ${evaluated.athena_view_order} is not every view once`);
    if (!tables.has('adjustments') || !views.invocations_current) fail('the adjustments table and the invocations_current view (current costs) must be deployed');
    else if (!/\bFROM\s+invocations\b/i.test(views.invocations_current) || !/\bFROM\s+adjustments\b/i.test(views.invocations_current)) fail('invocations_current must read invocations and adjustments');
    for (const v of ['cost_by_tenant_day', 'cost_by_model_day', 'cost_by_department_day']) {
      if (views[v] && !/\bFROM\s+invocations_current\b/i.test(views[v])) fail(`${v} must read current costs (invocations_current)`);
    }
    const ordered = mod.outputs && mod.outputs.athena_view_query_ids_in_order;
    if (!ordered || !JSON.stringify(ordered.body.value).includes('local.athena_view_order')) fail('output athena_view_query_ids_in_order must list the named queries in local.athena_view_order');
    const q = one(res('aws_athena_named_query'), 'aws_athena_named_query');
    if (q.body.for_each !== '${local.athena_views}' || !/CREATE OR REPLACE VIEW \$\{each\.key\} AS/.test(q.body.query)) fail('named queries must be CREATE OR REPLACE VIEW <name> AS <file> for each view');
    const wg = one(res('aws_athena_workgroup'), 'aws_athena_workgroup').body.configuration[0];
    if (wg.enforce_workgroup_configuration !== true) fail('the workgroup must enforce its result configuration');
    const enc = wg.result_configuration[0].encryption_configuration;
    if (!enc || !enc[0].encryption_option) fail('Athena results must be encrypted');
    return `${Object.keys(views).length} views (${evaluated.athena_view_order.filter((v) => !(evaluated.athena_view_reads[v] || []).length).length} read lake tables only, created first)`;
  });

  // ------------------------------------------------------------------------------------------
  contract('subscription filter: Random distribution into this stream, with its own role', (fail) => {
    const f = one(res('aws_cloudwatch_log_subscription_filter'), 'aws_cloudwatch_log_subscription_filter').body;
    if (f.distribution !== 'Random') fail(`distribution is ${f.distribution}: Bedrock logs to one log stream, so ByLogStream means one hot shard`);
    if (f.destination_arn !== '${aws_kinesis_stream.logs.arn}') fail('destination must be the stream the job reads');
    if (!refName(f.role_arn, 'aws_iam_role')) fail('role_arn must be a role of this module');
    const logs = res('aws_kinesis_stream').find((x) => x.name === 'logs');
    if (!logs) throw new Error('aws_kinesis_stream.logs not found');
    const k = logs.body;
    if (k.encryption_type !== 'KMS') fail('the stream must be encrypted');
    if (mod.variables.kinesis_stream_mode.body.default !== 'ON_DEMAND') fail('the stream must be on-demand by default');
    return 'Random, KMS-encrypted on-demand stream';
  });

  // ------------------------------------------------------------------------------------------
  // IAM: follow each consumer to its role, the role to its inline policies, the policies to
  // their statements; then require what the consumer needs and forbid anything beyond it.
  const docs = new Map(data('aws_iam_policy_document').map((d) => [d.name, d]));
  const roles = new Map(res('aws_iam_role').map((r) => [r.name, r]));
  const statementsOf = (docName) => {
    const d = docs.get(docName);
    if (!d) throw new Error(`policy document ${docName} not found`);
    // Dynamic statement blocks count with their content (conditional statements such as the mapping file's).
    const dynamic = ((d.body.dynamic && d.body.dynamic.statement) || []).map((b) => ({ ...b.content[0], for_each: b.for_each }));
    return (d.body.statement || []).concat(dynamic).map((s) => ({
      effect: s.effect || 'Allow',
      actions: [].concat(s.actions || []),
      resources: [].concat(s.resources || []),
      conditions: (s.condition || []).map((c) => c.variable),
      principals: (s.principals || []).flatMap((p) => [].concat(p.identifiers)),
      sid: s.sid || '(no sid)',
      forEach: s.for_each,
    }));
  };
  const rolePolicies = (roleName) => res('aws_iam_role_policy')
    .filter((p) => refName(p.body.role, 'aws_iam_role') === roleName)
    .flatMap((p) => statementsOf(refName(p.body.policy, 'data.aws_iam_policy_document')));
  const trustOf = (roleName) => statementsOf(refName(roles.get(roleName).body.assume_role_policy, 'data.aws_iam_policy_document'));

  function checkRole(consumer, roleExpr, spec) {
    contract(`IAM ${consumer}: ${spec.summary}`, (fail) => {
      const roleName = refName(roleExpr, 'aws_iam_role');
      if (!roleName || !roles.has(roleName)) throw new Error(`${consumer} does not use a role declared here (${roleExpr})`);
      const stmts = rolePolicies(roleName);
      const allow = stmts.filter((s) => s.effect === 'Allow');
      for (const [actions, resource] of spec.required) {
        for (const a of actions) {
          if (!allow.some((s) => s.actions.includes(a) && s.resources.some((r) => r.includes(resource)))) fail(`missing ${a} on ${resource}`);
        }
      }
      const allowed = new Set(spec.required.flatMap(([a]) => a).concat(spec.alsoAllowed || []));
      for (const s of allow) for (const a of s.actions) if (!allowed.has(a)) fail(`${s.sid} grants ${a}, which ${consumer} does not need`);
      const trust = trustOf(roleName);
      if (!trust.some((s) => s.principals.includes(spec.principal))) fail(`trust policy must name ${spec.principal}`);
      for (const c of spec.trustConditions) if (!trust.some((s) => s.conditions.includes(c))) fail(`trust policy needs the confused-deputy condition ${c}`);
      return `${allow.reduce((n, s) => n + s.actions.length, 0)} actions in ${allow.length} statements`;
    });
  }

  const lakeObjects = 'aws_s3_bucket.this["lake"].arn}/${var.lake_prefix}/*';
  checkRole('Flink execution role', app.body.service_execution_role, {
    summary: 'reads this stream, writes this lake prefix and the alerts stream, reads prices, budgets and the jar, logs, publishes metrics; nothing more',
    principal: 'kinesisanalytics.amazonaws.com',
    trustConditions: ['aws:SourceAccount', 'aws:SourceArn'],
    required: [
      [['kinesis:PutRecords'], '${aws_kinesis_stream.alerts.arn}'],
      [['s3:GetObject'], 'aws_s3_bucket.this["lake"].arn}/${var.budgets_prefix}/*'],
      [['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards'], '${aws_kinesis_stream.logs.arn}'],
      [['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'], lakeObjects],
      [['s3:GetObject'], 'aws_s3_bucket.this["lake"].arn}/${var.pricing_prefix}/*'],
      [['s3:ListBucket'], '${aws_s3_bucket.this["lake"].arn}'],
      [['s3:GetObject'], 'aws_s3_bucket.this["code"].arn}/${var.jar_key}'],
      [['logs:PutLogEvents'], '${aws_cloudwatch_log_stream.app.arn}'],
      [['cloudwatch:PutMetricData'], '*'],
    ],
    alsoAllowed: ['s3:GetObjectVersion', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams'],
  });

  const filter = one(res('aws_cloudwatch_log_subscription_filter'), 'subscription filter');
  checkRole('subscription filter role', filter.body.role_arn, {
    summary: 'kinesis:PutRecord(s) on this stream only, trusted by logs.<region> with a source condition',
    principal: 'logs.${local.region}.amazonaws.com',
    trustConditions: ['aws:SourceArn'],
    required: [[['kinesis:PutRecord', 'kinesis:PutRecords'], '${aws_kinesis_stream.logs.arn}']],
  });

  const pipe = one(res('aws_pipes_pipe'), 'budget alerts pipe');
  checkRole('budget alerts pipe role', pipe.body.role_arn, {
    summary: 'reads the alerts stream, publishes to the budget alerts topic (and its key); nothing more',
    principal: 'pipes.amazonaws.com',
    trustConditions: ['aws:SourceAccount'],
    required: [
      [['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards'], '${aws_kinesis_stream.alerts.arn}'],
      [['sns:Publish'], '${aws_sns_topic.budget_alerts.arn}'],
      [['kms:Decrypt', 'kms:GenerateDataKey'], '${aws_kms_key.this.arn}'],
    ],
  });

  contract('budget alerts: the job writes the alerts stream, a pipe delivers it to an SNS topic with an e-mail endpoint variable', (fail) => {
    const budgets = (mod.locals.msf_property_groups.value || {}).Budgets || {};
    if (budgets['budgets.alerts.stream.arn'] !== '${aws_kinesis_stream.alerts.arn}') fail('property budgets.alerts.stream.arn must be the alerts stream');
    if (budgets['budgets.path'] !== '${local.budgets_uri}') fail('property budgets.path must be local.budgets_uri');
    const stream = res('aws_kinesis_stream').find((x) => x.name === 'alerts');
    if (!stream) fail('aws_kinesis_stream.alerts is missing');
    else if (stream.body.encryption_type !== 'KMS') fail('the alerts stream must be encrypted');
    const p = pipe.body;
    if (p.source !== '${aws_kinesis_stream.alerts.arn}') fail(`the pipe must read the alerts stream, not ${p.source}`);
    if (p.target !== '${aws_sns_topic.budget_alerts.arn}') fail(`the pipe must publish to the budget alerts topic, not ${p.target}`);
    const template = (((p.target_parameters || [])[0] || {}).input_template) || '';
    if (!template.includes('$.data.message')) fail('the pipe must send the alert\'s message, not the raw record');
    const sub = res('aws_sns_topic_subscription').find((x) => x.body.topic_arn === '${aws_sns_topic.budget_alerts.arn}');
    if (!sub || sub.body.protocol !== 'email' || sub.body.endpoint !== '${var.budget_alert_email}') fail('an e-mail subscription of the topic to var.budget_alert_email is missing');
    if (!mod.variables.budget_alert_email) fail('variable budget_alert_email is missing');
    return 'stream -> pipe -> SNS topic -> e-mail';
  });

  const bedrock = one(res('aws_bedrock_model_invocation_logging_configuration'), 'Bedrock logging configuration');
  checkRole('Bedrock logging role', bedrock.body.logging_config[0].cloudwatch_config[0].role_arn, {
    summary: 'writes only the aws/bedrock/modelinvocations log stream',
    principal: 'bedrock.amazonaws.com',
    trustConditions: ['aws:SourceAccount', 'aws:SourceArn'],
    required: [[['logs:CreateLogStream', 'logs:PutLogEvents'], ':log-stream:aws/bedrock/modelinvocations']],
  });

  contract('IAM everywhere: no wildcard actions, no "*" resource where a name is known, no managed policies', (fail) => {
    let n = 0;
    for (const roleName of roles.keys()) {
      for (const s of rolePolicies(roleName).filter((x) => x.effect === 'Allow')) {
        n++;
        for (const a of s.actions) if (a.includes('*')) fail(`role ${roleName}, ${s.sid}: wildcard action ${a}`);
        for (const r of s.resources) {
          if (r === '*') {
            const named = s.actions.filter((a) => !NO_RESOURCE_LEVEL.has(a));
            if (named.length) fail(`role ${roleName}, ${s.sid}: resource "*" for ${named} (they accept resource ARNs)`);
          } else if (r.replace(/\$\{[^}]*\}/g, '').includes('*')) {
            const ok = WILDCARD_OK.find((w) => w.re.test(r) && (!w.actions || s.actions.every((a) => w.actions.includes(a))));
            if (!ok) fail(`role ${roleName}, ${s.sid}: wildcard resource ${r}`);
            if (/^arn:\$\{local\.partition\}:s3:::\*/.test(r)) fail(`role ${roleName}, ${s.sid}: all buckets in ${r}`);
          }
        }
      }
      if (!trustOf(roleName).every((s) => s.conditions.length)) fail(`role ${roleName}: trust policy without a condition`);
    }
    if (res('aws_iam_role_policy_attachment').length || res('aws_iam_policy_attachment').length) fail('managed policy attachments are not least privilege');
    return `${roles.size} roles, ${n} allow statements`;
  });

  // ------------------------------------------------------------------------------------------
  contract('S3: every bucket blocks public access, is encrypted, TLS-only; lake and code versioned; failed/ expires', (fail) => {
    const buckets = res('aws_s3_bucket');
    const covers = (type, b) => res(type).some((x) => refName(x.body.bucket, 'aws_s3_bucket') === b.name);
    for (const b of buckets) {
      for (const type of ['aws_s3_bucket_public_access_block', 'aws_s3_bucket_server_side_encryption_configuration', 'aws_s3_bucket_ownership_controls', 'aws_s3_bucket_policy', 'aws_s3_bucket_lifecycle_configuration']) {
        if (!covers(type, b)) fail(`aws_s3_bucket.${b.name} has no ${type}`);
      }
      const policy = res('aws_s3_bucket_policy').find((x) => refName(x.body.bucket, 'aws_s3_bucket') === b.name);
      if (policy) {
        const deny = statementsOf(refName(policy.body.policy, 'data.aws_iam_policy_document')).find((s) => s.effect === 'Deny' && s.conditions.includes('aws:SecureTransport'));
        if (!deny) fail(`aws_s3_bucket.${b.name}: bucket policy does not deny insecure transport`);
      }
    }
    const pab = res('aws_s3_bucket_public_access_block');
    for (const p of pab) for (const k of ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets']) if (p.body[k] !== true) fail(`${p.name}: ${k} must be true`);
    if (!covers('aws_s3_bucket_versioning', buckets.find((b) => b.name === 'this') || {})) fail('lake and code buckets must be versioned');
    const lake = res('aws_s3_bucket_lifecycle_configuration').find((r) => r.name === 'lake');
    const failedRule = lake && lake.body.rule.find((r) => r.filter && r.filter[0].prefix === '${var.lake_prefix}/failed/');
    if (!failedRule || !failedRule.expiration) fail('the lake lifecycle must expire <prefix>/failed/');
    return `${buckets.length} bucket resources`;
  });

  // ------------------------------------------------------------------------------------------
  // What the S3 file system really asks for (FlinkRolePolicyTest runs the job against this policy):
  // the price folder's own key, list without a prefix condition, the mapping file when configured.
  contract('IAM Flink execution role: the S3 calls the job makes for prices and the tenant mapping', (fail) => {
    const roleName = refName(app.body.service_execution_role, 'aws_iam_role');
    const allow = rolePolicies(roleName).filter((x) => x.effect === 'Allow');
    const lake = '${aws_s3_bucket.this["lake"].arn}';
    if (!allow.some((x) => x.actions.includes('s3:GetObject') && x.resources.includes(`${lake}/\${var.pricing_prefix}`))) {
      fail('s3:GetObject on the price folder key itself (<lake>/${var.pricing_prefix}) is missing: the S3 file system reads it before the files, and every invocation is UNPRICED');
    }
    if (mod.variables.budgets_prefix && !allow.some((x) => x.actions.includes('s3:GetObject') && x.resources.includes(`${lake}/\${var.budgets_prefix}`))) {
      fail('s3:GetObject on the budget folder key itself (<lake>/${var.budgets_prefix}) is missing: the S3 file system reads it before the files');
    }
    const list = allow.filter((x) => x.actions.includes('s3:ListBucket') && x.resources.includes(lake));
    if (!list.length) fail('s3:ListBucket on the lake bucket is missing');
    if (list.some((x) => x.conditions.includes('s3:prefix'))) fail('s3:ListBucket must not be limited by s3:prefix: S3 then answers 403, not 404, for keys the file system probes');
    const mapping = allow.find((x) => x.actions.includes('s3:GetObject') && /var\.tenant_mapping_key/.test(x.forEach || ''));
    if (!mapping || !mapping.resources.includes(`${lake}/\${statement.value}`)) fail('s3:GetObject on the tenant mapping object (a statement for each var.tenant_mapping_key) is missing');
    const tenant = mod.locals.msf_property_groups.value.Tenant;
    if (!/"tenant\.mapping\.path"\s*=\s*var\.tenant_mapping_key == null \? "" : "s3:\/\/\$\{local\.lake_bucket_name\}\/\$\{var\.tenant_mapping_key\}"/.test(String(tenant))) {
      fail('Tenant must set tenant.mapping.path to s3://<lake bucket>/<var.tenant_mapping_key> when the key is set');
    }
    return 'price folder key, unconditioned list, mapping object';
  });

  // ------------------------------------------------------------------------------------------
  // Both ways: a "Job key X" variable reaches key X in the property groups, and every job key is
  // either set by the module (from a variable or a module value) or named here with why not.
  const NOT_DEPLOYED = {
    'input.path': 'the module deploys the Kinesis input', 'input.monitor.interval': 'file input only',
    'generator.count': 'the built-in generator is the local launcher\'s', 'generator.rate': 'local generator',
    'generator.seed': 'local generator', 'generator.tenants': 'local generator', 'generator.start': 'local generator',
    'generator.span': 'local generator',
    'kinesis.endpoint': 'emulators and VPC endpoints; the regional endpoint is the default',
    'kinesis.access.key': 'emulators only: MSF uses the execution role', 'kinesis.secret.key': 'emulators only',
    'kinesis.initial.timestamp': 'AT_TIMESTAMP is not offered by kinesis_initial_position',
    'kinesis.shard.discovery.interval': 'the job default (10s) suits MSF', 'kinesis.preflight.timeout': 'the job default suits MSF',
    'output.tenant.hourly': 'the job default (true) is what a deployment wants',
    'output.compaction.size.mb': 'the job default (128 MB, the file size AWS recommends for Athena) suits MSF',
    's3.endpoint': 'MSF provides S3 itself', 's3.access.key': 'MSF provides S3 itself', 's3.secret.key': 'MSF provides S3 itself',
    's3.path.style.access': 'MSF provides S3 itself',
    'pricing.wait.timeout': 'the job default suits MSF', 'pricing.wait.max.records': 'the job default suits MSF',
    'pricing.late.window': 'the job default (35 days) suits MSF', 'pricing.late.max.records': 'the job default suits MSF',
    'pricing.aws.offer.url': 'the public AWS Price List endpoint is the default; another URL is for tests',
    'budgets.retention': 'the job default suits MSF', 'budgets.burn.baseline.hours': 'the job default suits MSF',
    'dedup.lake': 'the job default (true: exactly once per lake) is what a deployment wants',
    'dedup.lake.cache.max.ids': 'the job default suits MSF', 'dedup.lake.refresh': 'the job default suits MSF',
    'pricing.aws.offer.timeout': 'the job default suits MSF',
    'job.parallelism': 'MSF parallelism_configuration (var.parallelism)',
    'checkpoint.interval': 'MSF checkpoint_configuration (var.checkpoint_interval_ms)', 'checkpoint.dir': 'MSF stores checkpoints',
    'checkpoint.min.pause': 'MSF checkpoint_configuration', 'restore.path': 'MSF restores from its snapshots',
    'state.backend': 'MSF always uses RocksDB', 'watermark.idle.timeout': 'the job default suits MSF',
    'batch.jobs.path': 'batch inference output is read by file backfills (input.path), which the module does not deploy',
    'batch.tenants.path': 'batch inference output is read by file backfills (input.path), which the module does not deploy',
  };
  contract('job keys and variables, both ways: each "Job key" variable sets its key; each job key is deployed or says why not', (fail) => {
    const groups = mod.locals.msf_property_groups.value;
    const set = new Map();
    for (const props of Object.values(groups)) {
      if (typeof props === 'object') for (const [k, v] of Object.entries(props)) set.set(k, String(v));
      else for (const m of String(props).matchAll(/"([A-Za-z0-9_.-]+)"\s*=\s*([^\n]+)/g)) set.set(m[1], m[2]);
    }
    let vars = 0;
    for (const [name, v] of Object.entries(mod.variables)) {
      const m = /^Job key ([A-Za-z0-9_.-]+):/.exec(v.body.description || '');
      if (!m) continue;
      vars++;
      if (!keys.some((k) => k.name === m[1])) fail(`variable ${name} names job key ${m[1]}, which the job does not have`);
      else if (!set.has(m[1])) fail(`variable ${name} (Job key ${m[1]}) is not passed: no property sets ${m[1]}`);
      else if (!new RegExp(`var\\.${name}\\b`).test(set.get(m[1]))) fail(`variable ${name} (Job key ${m[1]}) is not what the property group sets ${m[1]} to (${set.get(m[1])})`);
    }
    for (const [k, v] of set) {
      const used = [...v.matchAll(/var\.([a-z0-9_]+)/g)].map((x) => x[1]);
      // A variable may feed more than one key (budgets.watch.interval follows pricing_watch_interval); it must be a job-key variable.
      for (const u of used) if (!/^Job key [A-Za-z0-9_.-]+:/.test((mod.variables[u] && mod.variables[u].body.description) || '')) fail(`${k} is set from var.${u}, whose description does not start "Job key <key>:"`);
    }
    for (const k of keys) {
      if (set.has(k.name) && NOT_DEPLOYED[k.name]) fail(`${k.name} is set by the module but listed as not deployed (${NOT_DEPLOYED[k.name]})`);
      if (!set.has(k.name) && !NOT_DEPLOYED[k.name]) fail(`job key ${k.name} (group ${k.group}) has no Terraform variable or module value, and no reason why a deployment does not need it`);
    }
    return `${set.size} keys deployed (${vars} from "Job key" variables), ${Object.keys(NOT_DEPLOYED).length} not deployed with a reason`;
  });

  // ------------------------------------------------------------------------------------------
  // Flink counters are running totals since the job (re)started: an alarm reads a counter's Maximum
  // per period and the increase with DIFF/RATE (AWS: alarm on RATE(numberOfFailedCheckpoints)).
  const COUNTERS = new Set(['numberOfFailedCheckpoints', 'fullRestarts', 'numRestarts']);
  const isCounter = (name) => COUNTERS.has(name) || /^\$\{local\.job_metrics\./.test(name || '');
  contract('alarms on counters take the increase of the Maximum (DIFF/RATE), never Sum or Average of running totals', (fail) => {
    let n = 0;
    for (const a of res('aws_cloudwatch_metric_alarm')) {
      const b = a.body;
      if (isCounter(b.metric_name) && b.statistic !== 'SampleCount') fail(`${a.name}: reads counter ${b.metric_name} with ${b.statistic}; use metric math over its increase (SampleCount only to see it is published)`);
      const queries = b.metric_query || [];
      const ids = new Set(queries.map((q) => q.id));
      const exprs = queries.filter((q) => q.expression);
      if (queries.length && queries.filter((q) => q.return_data === true).length !== 1) fail(`${a.name}: exactly one metric_query must return data`);
      for (const q of exprs) {
        const names = (q.expression.replace(/"[^"]*"/g, '').match(/\b[a-z][A-Za-z0-9_]*\b/g) || []);
        for (const x of names) if (!ids.has(x)) fail(`${a.name}: expression ${q.id} refers to ${x}, which is no metric_query id`);
      }
      for (const q of queries.filter((x) => x.metric && isCounter(x.metric[0].metric_name))) {
        n++;
        const m = q.metric[0];
        if (m.stat !== 'Maximum') fail(`${a.name}: counter ${m.metric_name} read with ${m.stat}; a running total needs Maximum (its value at the period's end)`);
        if (Number(m.period) > 300) fail(`${a.name}: counter ${m.metric_name} with period ${m.period}; at most 300 s so DIFF sees each restart`);
        if (q.return_data === true) fail(`${a.name}: returns the running total ${m.metric_name} itself`);
        if (!exprs.some((e) => new RegExp(`\\b(DIFF|RATE)\\(${q.id}\\)`).test(e.expression))) fail(`${a.name}: counter ${m.metric_name} (${q.id}) is not turned into an increase with DIFF(${q.id}) or RATE(${q.id})`);
        for (const e of exprs) {
          const rest = e.expression.split(`IF(DIFF(${q.id}) < 0, ${q.id}, DIFF(${q.id}))`).join('')
            .replace(new RegExp(`\\b(DIFF|RATE)\\(${q.id}\\)`, 'g'), '');
          if (new RegExp(`\\b${q.id}\\b`).test(rest)) fail(`${a.name}: expression ${e.id} uses the running total ${q.id} outside DIFF/RATE (or the reset form IF(DIFF(x) < 0, x, DIFF(x)))`);
        }
        if (!(Number(b.evaluation_periods) >= 2)) fail(`${a.name}: evaluation_periods ${b.evaluation_periods}; DIFF needs the previous period, so at least 2`);
      }
    }
    const missing = res('aws_cloudwatch_metric_alarm').find((a) => isCounter(a.body.metric_name) && a.body.statistic === 'SampleCount');
    if (!missing || missing.body.treat_missing_data !== 'breaching') fail('no alarm fires when the job\'s counters are missing (SampleCount of a job counter, treat_missing_data = breaching)');
    return `${n} counter reads`;
  });

  // ------------------------------------------------------------------------------------------
  contract('alarms: downtime, failed checkpoints, millisBehindLatest, failed-record, unpriced and duplicate rates, to SNS', (fail) => {
    const alarms = res('aws_cloudwatch_metric_alarm');
    const metricNames = alarms.flatMap((a) => [a.body.metric_name].concat((a.body.metric_query || []).map((q) => q.metric && q.metric[0].metric_name)));
    for (const m of ['downtime', 'numberOfFailedCheckpoints', 'millisBehindLatest', '${local.job_metrics.failed}', '${local.job_metrics.unpriced}', '${local.job_metrics.duplicates}']) {
      if (!metricNames.includes(m)) fail(`no alarm on ${m}`);
    }
    for (const a of alarms) if (!JSON.stringify(a.body.alarm_actions || '').includes('aws_sns_topic.alarms.arn')) fail(`${a.name} does not notify the alarm topic`);
    return `${alarms.length} alarms`;
  });

  // ------------------------------------------------------------------------------------------
  contract('README documents every input and output', (fail) => {
    const readme = path.join(args.module, 'README.md');
    if (!fs.existsSync(readme)) throw new Error(`${readme} is missing`);
    const text = fs.readFileSync(readme, 'utf8');
    for (const v of Object.keys(mod.variables)) if (!text.includes(`| \`${v}\` |`)) fail(`input ${v} is not in the README's Inputs table`);
    for (const o of Object.keys(mod.outputs)) if (!text.includes(`| \`${o}\` |`)) fail(`output ${o} is not in the README's Outputs table`);
    return `${Object.keys(mod.variables).length} inputs, ${Object.keys(mod.outputs).length} outputs`;
  });

  return results;
}

function report(results) {
  const lines = [];
  for (const r of results) {
    lines.push(`${r.problems.length ? 'FAIL' : 'PASS'} contract: ${r.name}${!r.problems.length && r.detail ? ` (${r.detail})` : ''}`);
    for (const p of r.problems) lines.push(`  - ${p}`);
  }
  return lines.join('\n');
}

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
  return args;
}

if (require.main === module) {
  runContracts(parseArgs(process.argv.slice(2)))
    .then((results) => {
      console.log(report(results));
      process.exit(results.some((r) => r.problems.length) ? 1 : 0);
    })
    .catch((e) => {
      console.log(`FAIL contract checks could not run: ${e.stack || e}`);
      process.exit(1);
    });
}

module.exports = { runContracts, report, parseArgs };
