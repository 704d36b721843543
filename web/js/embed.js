// Embedding: `?embed=1` shows a compact map (no side panel or header tools; a small legend
// and the date), and the Embed button gives the iframe snippet for the current view.

const $ = (id) => document.getElementById(id);

export const isEmbed = (search) => new URLSearchParams(search).get('embed') === '1';

/** The iframe snippet for the page at `href` (its hash keeps the view), embedded. */
export function embedSnippet(href, { width = 800, height = 500 } = {}) {
  const u = new URL(href);
  u.searchParams.set('embed', '1');
  const src = u.href.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<iframe src="${src}" width="${width}" height="${height}" style="border:0" loading="lazy" title="forcemap: force posture map"></iframe>`;
}

/** Switches the page to the compact embedded layout. */
export function setupEmbed() {
  document.body.classList.add('embed');
  $('panel').classList.add('closed');
  const full = $('open-full');
  if (full) {
    const u = new URL(location.href);
    u.searchParams.delete('embed');
    full.href = u.href;
  }
}

/** The Embed button: a dialog with the snippet, ready to copy. */
export function setupEmbedButton() {
  const dialog = $('embed-dialog');
  const text = $('embed-code');
  $('btn-embed').addEventListener('click', () => {
    text.value = embedSnippet(location.href);
    dialog.showModal();
    text.select();
  });
  $('embed-copy').addEventListener('click', async () => {
    try { await navigator.clipboard.writeText(text.value); } catch { text.select(); }
  });
  dialog.addEventListener('click', (e) => { if (e.target === dialog) dialog.close(); });
}
