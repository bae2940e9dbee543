// Building the page with the DOM API only: text always goes in as text, never as HTML.

/** h('a', {href: '#/', class: 'x', onclick: fn}, 'text', child) */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      el.className = value;
    } else if (key === 'text') {
      el.textContent = value;
    } else if (key === 'value' && 'value' in el) {
      el.value = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let ids = 0;
/** A unique id for label/input pairs. */
export function uid(prefix = 'f') {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** Says something to screen readers through the page's polite live region. */
export function announce(message) {
  const status = document.getElementById('status');
  status.textContent = '';
  // A new text node after clearing makes screen readers read the same message again.
  setTimeout(() => { status.textContent = message; }, 30);
}

/** A labelled form field: field('Name', {name: 'name', required: true}). */
export function field(label, props = {}, hint) {
  const id = props.id || uid();
  const hintId = hint ? `${id}-hint` : undefined;
  const control = props.tag === 'select'
    ? h('select', { ...props, tag: undefined, options: undefined, id, 'aria-describedby': hintId },
      (props.options || []).map(o => h('option', { value: o.value ?? o, selected: o.selected }, o.label ?? o)))
    : h(props.tag || 'input', { type: props.tag ? undefined : 'text', ...props, tag: undefined, id, 'aria-describedby': hintId });
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null);
}

export function checkbox(label, props = {}) {
  const id = props.id || uid();
  return h('div', { class: 'check' }, h('input', { type: 'checkbox', ...props, id }), h('label', { for: id }, label));
}

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function timeEl(iso) {
  return iso ? h('time', { datetime: iso }, when(iso)) : '—';
}

export function bytes(n) {
  if (n === undefined || n === null) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Number(n);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i += 1; }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export function shortDigest(digest) {
  if (!digest) return '—';
  const [alg, hex] = digest.split(':');
  return hex ? `${alg}:${hex.slice(0, 12)}` : digest;
}

/** A button that copies text, and says so. */
export function copyButton(text, what) {
  return h('button', {
    type: 'button', class: 'copy', 'aria-label': `Copy ${what}`,
    onclick: async (e) => {
      const button = e.currentTarget;
      try {
        await navigator.clipboard.writeText(text);
        announce(`Copied ${what}`);
        button.textContent = 'Copied';
      } catch {
        announce('Copying is not allowed here: select the text and copy it');
      }
      setTimeout(() => { button.textContent = 'Copy'; }, 1500);
    },
  }, 'Copy');
}

/** A message box; kind is info, error or success. Errors are announced assertively (role=alert). */
export function message(kind, text) {
  return h('p', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export function badges(item) {
  return h('span', { class: 'badges' },
    item.official ? h('span', { class: 'badge official', title: 'Official image (library project)' }, 'Official') : null,
    item.verifiedPublisher ? h('span', { class: 'badge verified', title: 'Verified publisher' }, 'Verified Publisher') : null,
    item.public === false || item.isPublic === false ? h('span', { class: 'badge private' }, 'Private') : null);
}
