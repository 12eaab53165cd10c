// elements/lib/element.js's pure parts: the chart width a box gets, and which edits are
// keystrokes (computed after the typing pause) rather than a paste, a drop or a script.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

let element;
before(async () => {
  // The module defines a subclass of HTMLElement: Node has none, and needs none to run the
  // functions tested here.
  globalThis.HTMLElement = class {};
  element = await import('../../www/elements/lib/element.js');
});
after(() => { delete globalThis.HTMLElement; });

test('a chart is as wide as its box, within 280 and 760 px; 640 before layout', () => {
  const { chartWidthFor } = element;
  assert.equal(chartWidthFor(0), 640);
  assert.equal(chartWidthFor(200), 280);
  assert.equal(chartWidthFor(500.4), 500);
  assert.equal(chartWidthFor(2000), 760);
});

test('typing and deleting wait for the pause; a paste, a drop or a script does not', () => {
  const { isKeystroke, TYPING_PAUSE_MS } = element;
  for (const inputType of ['insertText', 'insertCompositionText', 'insertLineBreak', 'deleteContentBackward', 'deleteWordForward']) {
    assert.equal(isKeystroke({ inputType }), true, inputType);
  }
  for (const inputType of ['insertFromPaste', 'insertFromDrop', 'historyUndo', '', undefined]) {
    assert.equal(isKeystroke({ inputType }), false, String(inputType));
  }
  assert.equal(isKeystroke({}), false);
  assert.ok(TYPING_PAUSE_MS >= 200 && TYPING_PAUSE_MS <= 1000, 'a pause a typist makes between words, not between keys');
});
