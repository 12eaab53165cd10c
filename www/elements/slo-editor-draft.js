// The editor's pure helpers: where a draft sits in the URL fragment, what its files are
// called and typed, and where a line of it starts and ends. No DOM, so that the unit tests
// (tests/js) run them in Node.

/** The fragment key of the draft of the editor with this `id` (empty: the page's one editor). */
export const draftKey = (id) => `${id || 'editor'}.draft`;

/** The draft shared in a fragment (`#editor.draft=...`), or null. */
export const sharedDraft = (hash, id) => new URLSearchParams(hash.replace(/^#/, '')).get(draftKey(id));

/** The fragment `hash` with the draft put in, the other keys kept. */
export function withDraft(hash, id, text) {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  params.set(draftKey(id), text);
  return `#${params}`;
}

/** The name a saved draft gets: JSON for the spec, YAML for OpenSLO and Sloth. */
export const draftFileName = (format) => `slo-draft.${format === 'spec' ? 'json' : 'yaml'}`;

/** The media type of a file the core wrote, from its name. */
export const fileType = (fileName) => `${fileName.endsWith('.json') ? 'application/json' : 'application/yaml'};charset=utf-8`;

/** Where line `line` (from 1) of `text` starts and ends, as a textarea selects it; past the
 * last line, the end of the text. */
export function lineRange(text, line) {
  const lines = text.split('\n');
  const start = Math.min(text.length, lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0));
  return [start, start + (lines[line - 1]?.length ?? 0)];
}
