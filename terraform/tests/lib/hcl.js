'use strict';
// Parses a Terraform module (every .tf file of one folder) with HashiCorp's HCL parser, compiled
// to WebAssembly in @cdktf/hcl2json. Blocks come out as arrays of objects, expressions as
// "${...}" strings; we add file and line numbers for readable reports.

const fs = require('fs');
const path = require('path');
const { parse } = require('@cdktf/hcl2json');

function lineOf(text, pattern, from = 0) {
  const lines = text.split('\n');
  for (let i = from; i < lines.length; i++) if (pattern.test(lines[i])) return i + 1;
  return null;
}

async function parseModule(dir) {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.tf')).sort();
  const mod = { dir, files: [], resources: [], data: [], variables: {}, locals: {}, outputs: {}, modules: {} };
  for (const f of files) {
    const file = path.join(dir, f);
    const text = fs.readFileSync(file, 'utf8');
    let json;
    try {
      json = await parse(f, text);
    } catch (e) {
      throw new Error(`${file}: HCL syntax error: ${e.message || e}`);
    }
    mod.files.push({ file, text, json });
    const where = (kind, type, name) => {
      const re = type
        ? new RegExp(`^\\s*${kind}\\s+"${type}"\\s+"${name}"`)
        : new RegExp(`^\\s*${kind}\\s+"${name}"`);
      return { file, line: lineOf(text, re) || 1, text };
    };
    for (const [kind, target] of [['resource', mod.resources], ['data', mod.data]]) {
      for (const [type, byName] of Object.entries(json[kind] || {})) {
        for (const [name, bodies] of Object.entries(byName)) {
          for (const body of bodies) target.push({ type, name, body, ...where(kind, type, name) });
        }
      }
    }
    for (const [name, bodies] of Object.entries(json.variable || {})) mod.variables[name] = { body: bodies[0], ...where('variable', null, name) };
    for (const [name, bodies] of Object.entries(json.output || {})) mod.outputs[name] = { body: bodies[0], ...where('output', null, name) };
    for (const [name, bodies] of Object.entries(json.module || {})) mod.modules[name] = { body: bodies[0], ...where('module', null, name) };
    for (const block of json.locals || []) {
      for (const [name, value] of Object.entries(block)) {
        mod.locals[name] = { value, file, line: lineOf(text, new RegExp(`^\\s*${name}\\s*=`)) || 1 };
      }
    }
  }
  return mod;
}

// Every string in a parsed value, with the path that leads to it.
function* strings(value, at = []) {
  if (typeof value === 'string') yield { s: value, at };
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* strings(value[i], at.concat(i));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* strings(v, at.concat(k));
}

// The text inside ${ ... } interpolations, with escaped $${ left out.
function expressions(s) {
  const out = [];
  const text = s.replace(/\$\$\{/g, '');
  let i = text.indexOf('${');
  while (i >= 0) {
    let depth = 0;
    let j = i + 1;
    for (; j < text.length; j++) {
      if (text[j] === '{') depth++;
      else if (text[j] === '}' && --depth === 0) break;
    }
    out.push(text.slice(i + 2, j));
    i = text.indexOf('${', j);
  }
  return out;
}

module.exports = { parseModule, strings, expressions, lineOf };
