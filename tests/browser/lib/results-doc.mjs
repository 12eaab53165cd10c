// The result shapes documented in docs/results.md, and a check that a value has exactly
// them (the Rust and Envoy suites read the same tables).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { ROOT } from './harness.mjs';

/** Documented field path (`periods[].period`) -> { kind, nullable }, for one result. */
function documented(result) {
  const fields = new Map();
  let inside = false;
  for (const line of readFileSync(join(ROOT, 'docs/results.md'), 'utf8').split('\n')) {
    if (line.startsWith('## ')) inside = line.slice(3).trim() === result;
    const row = inside && /^\| `([^`]+)` \| ([^|]+) \|/.exec(line);
    if (row) {
      const kind = row[2].trim();
      fields.set(row[1], { kind: kind.replace(/ or null$/, ''), nullable: kind.endsWith(' or null') });
    }
  }
  assert.ok(fields.size > 0, `docs/results.md documents no ${result}`);
  return fields;
}

const FITS = {
  number: (v) => typeof v === 'number',
  count: (v) => Number.isInteger(v) && v >= 0,
  text: (v) => typeof v === 'string',
  boolean: (v) => typeof v === 'boolean',
  numbers: (v) => (Array.isArray(v) || v instanceof Float64Array) && [...v].every((x) => typeof x === 'number'),
  list: (v) => Array.isArray(v),
};

function walk(fields, prefix, value, seen, wrong) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    wrong.push(`${prefix}: not an object`);
    return;
  }
  const pathOf = (key) => (prefix ? `${prefix}.${key}` : key);
  for (const path of fields.keys()) {
    const rest = prefix ? (path.startsWith(`${prefix}.`) ? path.slice(prefix.length + 1) : null) : path;
    if (rest !== null && !rest.includes('.') && !(rest in value)) wrong.push(`${path}: missing`);
  }
  for (const [key, field] of Object.entries(value)) {
    const path = pathOf(key);
    const doc = fields.get(path);
    if (!doc) {
      wrong.push(`${path}: not documented`);
      continue;
    }
    seen.add(path);
    const fits = field === null ? doc.nullable : FITS[doc.kind]?.(field);
    if (!fits) wrong.push(`${path}: ${JSON.stringify(field)} is not ${doc.kind}${doc.nullable ? ' or null' : ''}`);
    if (doc.kind === 'list' && Array.isArray(field)) for (const item of field) walk(fields, `${path}[]`, item, seen, wrong);
  }
}

/**
 * Each value has exactly the fields of `result` in docs/results.md, each of its type; and
 * together the values hold every documented field, so that none goes unchecked.
 */
export function assertDocumented(result, values) {
  const fields = documented(result);
  const seen = new Set();
  for (const value of values) {
    const wrong = [];
    walk(fields, '', value, seen, wrong);
    assert.deepEqual(wrong, [], `${result}: ${JSON.stringify(value).slice(0, 400)}`);
  }
  assert.deepEqual([...fields.keys()].filter((path) => !seen.has(path)), [], `${result}: fields no value held`);
}
