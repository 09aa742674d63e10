#!/usr/bin/env node
'use strict';
// Checks Terraform modules against the AWS provider schema without the provider:
//   - every resource and data source type exists,
//   - every argument and nested block name exists where it is used (dynamic blocks included),
//   - every required argument and required block is given, single blocks appear at most once,
//   - every reference (aws_x.y.attr, data.aws_x.y.attr, var.x, local.x, module.x) points at
//     something declared in the module, of a type that exists, with an attribute that exists.
// Usage: node schema-check.js <module dir>...   Exit status 1 when any module has an error.

const path = require('path');
const { parseModule, strings, expressions, lineOf } = require('./lib/hcl');
const providerSchema = require('./lib/provider-schema');

const META = {
  resource: new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'provisioner', 'connection']),
  data: new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle']),
};
// Types that are not from the AWS provider but built into Terraform.
const BUILTIN = new Set(['terraform_data']);

function snakeToCamel(s) {
  return s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
}

function isBlockList(v) {
  return Array.isArray(v) && v.every((x) => x && typeof x === 'object' && !Array.isArray(x));
}

function checkBody(body, schema, where, trail, errors, meta) {
  const loc = (name) => `${where.file}:${lineOf(where.text, new RegExp(`^\\s*${name}\\s*(=|\\{)`), where.line - 1) || where.line}`;
  const present = new Set();
  for (const [name, value] of Object.entries(body)) {
    if (meta && meta.has(name)) continue;
    if (name === 'dynamic') {
      for (const [label, instances] of Object.entries(value)) {
        const b = schema.blocks[label];
        if (!b) {
          errors.push(`${loc(`dynamic\\s+"${label}"`)}: ${trail}: unknown block "${label}" in dynamic block${suggest(label, schema)}`);
          continue;
        }
        present.add(label);
        for (const inst of instances) {
          for (const content of inst.content || []) {
            if (b.block) checkBody(content, b.block, where, `${trail}.${label}`, errors, null);
          }
        }
      }
      continue;
    }
    if (schema.attributes[name]) {
      present.add(name);
      continue;
    }
    const b = schema.blocks[name];
    if (b) {
      present.add(name);
      if (!isBlockList(value)) {
        errors.push(`${loc(name)}: ${trail}: "${name}" is a block; write ${name} { ... } instead of an assignment`);
        continue;
      }
      if (b.single && value.length > 1) errors.push(`${loc(name)}: ${trail}: block "${name}" may appear only once (found ${value.length})`);
      if (b.block) value.forEach((inst) => checkBody(inst, b.block, where, `${trail}.${name}`, errors, null));
      continue;
    }
    errors.push(`${loc(name)}: ${trail}: unknown argument or block "${name}"${suggest(name, schema)}`);
  }
  for (const [name, a] of Object.entries(schema.attributes)) {
    if (a.required && !present.has(name)) errors.push(`${where.file}:${where.line}: ${trail}: required argument "${name}" is missing`);
  }
  for (const [name, b] of Object.entries(schema.blocks)) {
    if (b.required && !present.has(name)) errors.push(`${where.file}:${where.line}: ${trail}: required block "${name}" is missing`);
  }
}

// "did you mean" for near misses, which is what a misspelling usually is.
function suggest(name, schema) {
  const candidates = Object.keys(schema.attributes).concat(Object.keys(schema.blocks));
  let best = null;
  let bestD = 3;
  for (const c of candidates) {
    const d = distance(name, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best ? ` (did you mean "${best}"?)` : '';
}

function distance(a, b) {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) dp[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      dp[i][j] = Math.min(dp[i - 1][j] + 1, dp[i][j - 1] + 1, dp[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return dp[a.length][b.length];
}

const REF = /(?<![\w.])(data\.)?(aws_[a-z0-9_]+)\.([A-Za-z_][\w-]*)((?:\[[^\]]*\])*)(?:\.([a-z_][a-z0-9_]*))?/g;
const SIMPLE_REF = /(?<![\w.])(var|local|module)\.([A-Za-z_][\w-]*)/g;

function checkReferences(mod, schema, errors) {
  const declared = {
    resource: new Set(mod.resources.map((r) => `${r.type}.${r.name}`)),
    data: new Set(mod.data.map((r) => `${r.type}.${r.name}`)),
  };
  const sources = [];
  for (const f of mod.files) for (const { s } of strings(f.json)) sources.push({ s, file: f });
  for (const { s, file } of sources) {
    for (const expr of expressions(s)) {
      const at = () => `${file.file}:${lineOf(file.text, new RegExp(escapeRe(expr.slice(0, 40)))) || 1}`;
      for (const m of expr.matchAll(REF)) {
        const [, isData, type, name, , attr] = m;
        const kind = isData ? 'data' : 'resource';
        const types = isData ? schema.dataSources : schema.resources;
        if (!types[type]) {
          errors.push(`${at()}: reference ${m[0]}: ${kind === 'data' ? 'data source' : 'resource'} type "${type}" does not exist in the AWS provider`);
          continue;
        }
        if (!declared[kind].has(`${type}.${name}`)) {
          errors.push(`${at()}: reference ${m[0]}: no ${kind} "${type}" "${name}" is declared in this module`);
          continue;
        }
        if (attr && !types[type].computed.includes(snakeToCamel(attr)) && !types[type].attributes[attr] && !types[type].blocks[attr]) {
          errors.push(`${at()}: reference ${m[0]}: "${type}" has no attribute "${attr}"`);
        }
      }
      for (const m of expr.matchAll(SIMPLE_REF)) {
        const [, kind, name] = m;
        const table = kind === 'var' ? mod.variables : kind === 'local' ? mod.locals : mod.modules;
        if (!table[name]) errors.push(`${at()}: reference ${m[0]}: no ${kind === 'var' ? 'variable' : kind} "${name}" is declared in this module`);
      }
    }
  }
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// A call of a local module may pass only that module's variables, and must pass the ones
// without a default.
const MODULE_META = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);

async function checkModuleCalls(mod, errors) {
  for (const [name, call] of Object.entries(mod.modules)) {
    const source = call.body.source;
    if (typeof source !== 'string' || !/^\.\.?\//.test(source)) continue;
    const callee = await parseModule(path.resolve(mod.dir, source));
    for (const arg of Object.keys(call.body)) {
      if (MODULE_META.has(arg) || callee.variables[arg]) continue;
      const line = lineOf(call.text, new RegExp(`^\\s*${arg}\\s*=`), call.line - 1) || call.line;
      const near = Object.keys(callee.variables).find((v) => distance(v, arg) < 3);
      errors.push(`${call.file}:${line}: module.${name}: "${source}" has no variable "${arg}"${near ? ` (did you mean "${near}"?)` : ''}`);
    }
    for (const [v, decl] of Object.entries(callee.variables)) {
      if (!('default' in decl.body) && !(v in call.body)) errors.push(`${call.file}:${call.line}: module.${name}: required variable "${v}" is not set`);
    }
  }
}

async function checkModule(dir, schema) {
  const errors = [];
  const mod = await parseModule(dir);
  for (const [kind, list, types] of [['resource', mod.resources, schema.resources], ['data', mod.data, schema.dataSources]]) {
    for (const r of list) {
      const label = `${kind === 'data' ? 'data.' : ''}${r.type}.${r.name}`;
      if (BUILTIN.has(r.type)) continue;
      if (!types[r.type]) {
        errors.push(`${r.file}:${r.line}: ${label}: ${kind === 'data' ? 'data source' : 'resource'} type "${r.type}" does not exist in the AWS provider ${schema.providerVersion}`);
        continue;
      }
      checkBody(r.body, types[r.type], r, label, errors, META[kind]);
    }
  }
  checkReferences(mod, schema, errors);
  await checkModuleCalls(mod, errors);
  return { mod, errors };
}

async function main() {
  const dirs = process.argv.slice(2);
  if (!dirs.length) {
    console.error('usage: schema-check.js <module dir>...');
    process.exit(2);
  }
  const schema = providerSchema.load();
  let failed = 0;
  for (const dir of dirs) {
    let result;
    try {
      result = await checkModule(dir, schema);
    } catch (e) {
      result = { errors: [e.message], mod: { resources: [], data: [] } };
    }
    const rel = path.relative(process.cwd(), dir) || '.';
    if (result.errors.length) {
      failed++;
      console.log(`FAIL schema ${rel}: ${result.errors.length} error(s) against AWS provider ${schema.providerVersion}`);
      for (const e of result.errors) console.log(`  ${path.relative(process.cwd(), e.split(':')[0]) ? e.replace(/^[^:]+/, (p) => path.relative(process.cwd(), p)) : e}`);
    } else {
      const calls = Object.keys(result.mod.modules || {}).length;
      console.log(`PASS schema ${rel}: ${result.mod.resources.length} resources, ${result.mod.data.length} data sources${calls ? `, ${calls} module call(s)` : ''} match AWS provider ${schema.providerVersion}`);
    }
  }
  process.exit(failed ? 1 : 0);
}

if (require.main === module) main();

module.exports = { checkModule };
