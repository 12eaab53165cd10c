// elements/lib/html.js: escaping, and the titles and landmark names made from attributes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { esc, titleHTML, regionLabel } from '../../www/elements/lib/html.js';

/** An element as the helpers read it: attributes and an id. */
const element = (attributes = {}, id = '') => ({ id, getAttribute: (name) => attributes[name] ?? null });

test('esc makes each of the five HTML-special characters text, and nothing else', () => {
  assert.equal(esc(`<a href="x" title='y'>&amp;</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  assert.equal(esc('99.9% over 30 d'), '99.9% over 30 d');
  assert.equal(esc(null), '');
  assert.equal(esc(undefined), '');
  assert.equal(esc(0), '0');
});

test("titleHTML: the heading attribute, else the fallback, and none for heading=''", () => {
  assert.equal(titleHTML(element(), 'Error budget'), '<h3 class="title">Error budget</h3>');
  assert.equal(titleHTML(element({ heading: 'A <b> title' }), 'Error budget'), '<h3 class="title">A &lt;b&gt; title</h3>');
  assert.equal(titleHTML(element({ heading: '' }), 'Error budget'), '');
});

test('regionLabel tells twin elements apart by heading, else id, and escapes for an attribute', () => {
  assert.equal(regionLabel(element(), 'Results'), 'Results');
  assert.equal(regionLabel(element({}, 'checkout'), 'Results'), 'Results: checkout');
  assert.equal(regionLabel(element({ heading: 'The "shop"' }, 'checkout'), 'Results'), 'Results: The &quot;shop&quot;');
});
