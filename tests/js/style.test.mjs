// elements/lib/style.js: every palette colour is a custom property with a light and a
// dark default, and the theme refers to no colour the palette lacks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PALETTE, color, BASE_CSS } from '../../www/elements/lib/style.js';

test('a palette colour is the author\'s property, else the light or the dark default', () => {
  assert.equal(color('accent'), 'var(--slo-accent, light-dark(#1d4ed8, #93c5fd))');
  for (const [name, pair] of Object.entries(PALETTE)) {
    assert.equal(pair.length, 2, name);
    for (const value of pair) assert.match(value, /^#[0-9a-f]{3,6}$/, name);
  }
});

test('the theme has no hole where a colour was missing', () => {
  assert.doesNotMatch(BASE_CSS, /undefined|light-dark\(,/);
  assert.match(BASE_CSS, /:host \{/);
});
