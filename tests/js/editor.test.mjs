// <slo-editor>'s pure helpers (elements/slo-editor-draft.js) and its templates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { draftKey, sharedDraft, withDraft, draftFileName, fileType, lineRange } from '../../www/elements/slo-editor-draft.js';
import { TEMPLATES } from '../../www/elements/slo-editor-templates.js';

test('a line range selects the line, without its newline, from line 1', () => {
  const text = 'one\ntwo\n\nfour';
  assert.deepEqual(lineRange(text, 1), [0, 3]);
  assert.deepEqual(lineRange(text, 2), [4, 7]);
  assert.deepEqual(lineRange(text, 3), [8, 8]);
  assert.equal(text.slice(...lineRange(text, 4)), 'four');
  // Past the end: an empty range at the end, never an exception.
  assert.deepEqual(lineRange(text, 9), [text.length, text.length]);
});

test('a draft shared in the fragment comes back whole, beside the other elements\' keys', () => {
  const draft = '{"services": [{"name": "shop & co", "slos": []}]}\n# 100%';
  const hash = withDraft('#budget.target=99.9', 'mine', draft);
  assert.match(hash, /^#budget\.target=99\.9&mine\.draft=/);
  assert.equal(sharedDraft(hash, 'mine'), draft);
  assert.equal(new URLSearchParams(hash.slice(1)).get('budget.target'), '99.9');
  assert.equal(sharedDraft(hash, ''), null);
  assert.equal(draftKey(''), 'editor.draft');
  assert.equal(sharedDraft(withDraft('', '', 'x'), undefined), 'x');
});

test('file names and types follow what the draft was read as', () => {
  assert.equal(draftFileName('spec'), 'slo-draft.json');
  assert.equal(draftFileName('openslo'), 'slo-draft.yaml');
  assert.equal(draftFileName(undefined), 'slo-draft.yaml');
  assert.equal(fileType('slo.json'), 'application/json;charset=utf-8');
  assert.equal(fileType('envoy.yaml'), 'application/yaml;charset=utf-8');
});

test('each template has a label; the JSON ones are a spec of one service and one SLO', () => {
  // The core reads every template as valid: tests/browser/tests/editor.test.mjs.
  const json = Object.entries(TEMPLATES).filter(([, t]) => t.text.startsWith('{'));
  assert.deepEqual(json.map(([name]) => name), ['availability', 'latency', 'grpc', 'prometheus', 'timeslices']);
  for (const [name, template] of json) {
    const spec = JSON.parse(template.text);
    assert.equal(spec.services.length, 1, name);
    assert.equal(spec.services[0].slos.length, 1, name);
  }
  for (const [name, template] of Object.entries(TEMPLATES)) {
    assert.ok(template.label, name);
    assert.ok(template.text.endsWith('\n'), `${name} ends with a newline`);
  }
});
