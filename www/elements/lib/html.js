// Small HTML helpers of the SLO elements: escaping, titles, landmark names, the narrow
// table layout's labels, and saving a file from memory. No SLO math and no words of
// results here: those come from the core.

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Text made safe for HTML. */
export const esc = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

/**
 * The element's title: its `heading` attribute, or `fallback`; none when `heading=""`
 * (for pages that title the element themselves). An h3, to sit under a page's sections.
 */
export function titleHTML(element, fallback) {
  const text = element.getAttribute('heading') ?? fallback;
  return text ? `<h3 class="title">${esc(text)}</h3>` : '';
}

/**
 * A results region's accessible name, told apart from its twin's on a page with two
 * elements of a kind (landmarks must be unique): the element's heading, else its id,
 * follows the name. Escaped for an attribute.
 */
export function regionLabel(element, name) {
  const which = element.getAttribute('heading') || element.id;
  return esc(which ? `${name}: ${which}` : name);
}

/** Copies each column's heading onto its cells (data-label), for the narrow card layout. */
export function labelCells(table) {
  const heads = [...(table.tHead?.rows[0]?.cells ?? [])].map((th) => th.textContent.trim());
  for (const row of table.tBodies[0]?.rows ?? []) {
    [...row.cells].forEach((cell, i) => { if (cell.localName === 'td' && heads[i]) cell.dataset.label = heads[i]; });
  }
}

/** Saves `text` as a file named `name`, from memory (a Blob): nothing goes over the network. */
export function saveText(text, type, name) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  Object.assign(document.createElement('a'), { href: url, download: name }).click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
