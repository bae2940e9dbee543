// Pieces several views share.
import { h, message, bytes } from '../dom.js';

/** The full repository name from a project and a name that may or may not repeat it. */
export function fullName(project, name) {
  if (!project || !name) return name || '';
  return name.startsWith(`${project}/`) ? name : `${project}/${name}`;
}

export function repositoryHref(full) {
  return `#/repositories/${full.split('/').map(encodeURIComponent).join('/')}`;
}

export function projectHref(name, tab) {
  return `#/projects/${encodeURIComponent(name)}${tab ? `/${tab}` : ''}`;
}

/** A message for an API error, with what to do about it. */
export function failure(e, what) {
  if (e.status === 401) {
    return h('p', { class: 'message info', role: 'status' },
      h('a', { href: `#/signin?next=${encodeURIComponent(location.hash || '#/')}` }, 'Sign in'), ` to see ${what}.`);
  }
  if (e.status === 403) return message('error', `You may not see ${what}.`);
  if (e.status === 404 && e.code === '404') {
    // No problem body: the API itself is missing (a service older than this UI), not the thing asked for.
    return message('info', `${what[0].toUpperCase()}${what.slice(1)}: not available on this Wharf (the API answered 404).`);
  }
  if (e.status === 502) return message('error', `The service behind ${what} did not answer.`);
  return message('error', `Could not load ${what}: ${e.message}`);
}

/** A box that shows a secret once: dismissing it removes the secret from the page for good. */
export function secretBox(title, secret, note) {
  const box = h('section', { class: 'secret-box', role: 'alert', 'aria-label': title },
    h('h2', {}, title),
    h('p', {}, note || 'Copy it now: it is shown this once and cannot be shown again.'),
    h('p', {}, h('code', { class: 'secret-value' }, secret)));
  const copy = h('button', {
    type: 'button', onclick: async () => {
      try { await navigator.clipboard.writeText(secret); copy.textContent = 'Copied'; } catch { copy.textContent = 'Select and copy the text'; }
    },
  }, 'Copy');
  const dismiss = h('button', {
    type: 'button', class: 'primary', onclick: () => {
      const next = box.nextElementSibling || box.parentElement;
      box.remove();
      next?.querySelector?.('input, button, a')?.focus();
    },
  }, 'I have saved it — dismiss');
  box.append(h('div', { class: 'actions' }, copy, dismiss));
  return box;
}

export function emptyRow(columns, text) {
  return h('tr', {}, h('td', { colspan: columns, class: 'empty' }, text));
}

export function table(caption, headers, rows) {
  return h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map(x => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.length ? rows : emptyRow(headers.length, 'None yet.')));
}

/**
 * A project's storage use as text with a bar when it has a storage limit (a meter, so assistive
 * technology reads the numbers); q is a quota answer: { used, storageLimit, percent, warningPercent }.
 */
export function usageBar(q) {
  if (q.storageLimit == null) return h('span', { class: 'usage' }, `${bytes(q.used)} used, no quota`);
  const label = `${bytes(q.used)} of ${bytes(q.storageLimit)} (${q.percent} %)`;
  return h('span', { class: 'usage' }, label, ' ',
    h('meter', {
      min: 0, max: q.storageLimit, value: Math.min(q.used, q.storageLimit), high: q.storageLimit * q.warningPercent / 100,
      optimum: 0, 'aria-label': `Storage: ${label}`,
    }));
}
