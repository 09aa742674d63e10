'use strict';
// The AWS provider's resource and data source schemas, as @cdktf/provider-aws carries them.
//
// The package has no Terraform JSON schema file; its jsii assembly (.jsii) describes one class
// per resource and data source, with a Config struct per block. Every argument's docs link to
// the Terraform registry with the argument's real name as the anchor (`...#log_group_name`),
// nested blocks are documented as "<name> block.", and a property that is not optional is a
// required argument (or a block with at least one instance). From that we rebuild:
//
//   { providerVersion, resources: {type: Block}, dataSources: {type: Block} }
//   Block = { attributes: {name: {required}}, blocks: {name: {required, single, block}},
//             computed: [camelCase getter names of the resource class] }
//
// Building it reads a 130 MB JSON file (~3 s), so the result is cached next to node_modules.

const fs = require('fs');
const path = require('path');

const PKG_DIR = path.dirname(require.resolve('@cdktf/provider-aws/package.json'));
const CACHE_DIR = path.join(__dirname, '..', 'node_modules', '.cache');

const CLASS_DOC = /Represents a \{@link https:\/\/registry\.terraform\.io\/providers\/hashicorp\/aws\/([0-9.]+)\/docs\/(resources|data-sources)\/\S+ (\S+)\}/;
const ANCHOR = /#([A-Za-z0-9_]+) /;

function structFqn(type, types) {
  if (!type) return null;
  if (type.fqn) return types[type.fqn] && types[type.fqn].kind === 'interface' ? type.fqn : null;
  if (type.collection) return structFqn(type.collection.elementtype, types);
  if (type.union) {
    for (const t of type.union.types) {
      const f = structFqn(t, types);
      if (f) return f;
    }
  }
  return null;
}

function camelToSnake(s) {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function build() {
  const jsii = JSON.parse(fs.readFileSync(path.join(PKG_DIR, '.jsii'), 'utf8'));
  const types = jsii.types;
  const memo = new Map();
  const building = new Set();

  function block(fqn, depth) {
    if (memo.has(fqn)) return memo.get(fqn);
    // A struct that contains itself cannot be expanded; leave its contents unchecked.
    if (building.has(fqn)) return null;
    building.add(fqn);
    const out = { attributes: {}, blocks: {} };
    const seen = new Set();
    const queue = [fqn];
    while (queue.length) {
      const t = types[queue.shift()];
      if (!t || seen.has(t.fqn)) continue;
      seen.add(t.fqn);
      // Meta-arguments (count, for_each, ...) come from cdktf's own interface, not in this assembly.
      for (const parent of t.interfaces || []) queue.push(parent);
      for (const p of t.properties || []) {
        const docs = p.docs || {};
        const summary = docs.summary || '';
        const blockMatch = summary.match(/^(\S+) block\.$/);
        const anchor = ((docs.remarks || '') + ' ' + summary).match(ANCHOR);
        const name = blockMatch ? blockMatch[1] : anchor ? anchor[1] : camelToSnake(p.name);
        const required = !p.optional;
        const nested = structFqn(p.type, types);
        if (blockMatch) {
          out.blocks[name] = {
            required,
            // A block with at most one instance is a plain struct, not a list of them.
            single: !!(p.type.fqn),
            block: nested ? block(nested, depth + 1) : null,
          };
        } else {
          out.attributes[name] = { required };
        }
      }
    }
    building.delete(fqn);
    memo.set(fqn, out);
    return out;
  }

  const result = { providerVersion: null, resources: {}, dataSources: {} };
  for (const t of Object.values(types)) {
    if (t.kind !== 'class') continue;
    const m = ((t.docs && t.docs.summary) || '').match(CLASS_DOC);
    if (!m) continue;
    result.providerVersion = m[1];
    const params = (t.initializer && t.initializer.parameters) || [];
    const config = params.length >= 3 && params[2].type.fqn;
    if (!config) continue;
    const schema = block(config, 0);
    const computed = (t.properties || []).filter((p) => !p.static).map((p) => p.name);
    const entry = { ...schema, computed };
    if (m[2] === 'resources') result.resources[m[3]] = entry;
    else result.dataSources[m[3]] = entry;
  }
  return result;
}

function load() {
  const version = require('@cdktf/provider-aws/package.json').version;
  const cache = path.join(CACHE_DIR, `aws-provider-schema-${version}.json`);
  if (fs.existsSync(cache)) return JSON.parse(fs.readFileSync(cache, 'utf8'));
  const schema = build();
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  // Blocks are shared by reference in memory; the cache stores them expanded, which is fine.
  fs.writeFileSync(cache, JSON.stringify(schema));
  return schema;
}

module.exports = { load, camelToSnake };
