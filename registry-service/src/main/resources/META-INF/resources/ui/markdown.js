// A small Markdown subset rendered into DOM nodes (never through innerHTML, so HTML in a README
// shows as text): headings, paragraphs, lists, block quotes, fenced code, inline code, emphasis,
// strong and links (http, https, relative and mailto only).
import { h } from './dom.js';

/** Only links a reader expects: web pages, mail, and places on this site. */
function safeUrl(url) {
  try {
    return ['http:', 'https:', 'mailto:'].includes(new URL(url, location.href).protocol);
  } catch {
    return false;
  }
}

function inline(text) {
  const out = [];
  // A link's label holds no bracket and its address no parenthesis, so no start is scanned past the
  // next one: the time stays linear in the text (a README may be 256 KiB of it).
  const pattern = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*\s][^*]*\*|(?<!\w)_[^_\s][^_]*_(?!\w))|(\[[^[\]]+\]\([^()\s]+\))/g;
  let last = 0;
  let m;
  while ((m = pattern.exec(text)) !== null) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const token = m[0];
    if (m[1]) out.push(h('code', {}, token.slice(1, -1)));
    else if (m[2]) out.push(h('strong', {}, ...inline(token.slice(2, -2))));
    else if (m[3]) out.push(h('em', {}, ...inline(token.slice(1, -1))));
    else {
      const [, label, url] = token.match(/^\[([^[\]]+)\]\(([^()\s]+)\)$/);
      out.push(safeUrl(url)
        ? h('a', { href: url, rel: 'noopener noreferrer nofollow' }, ...inline(label))
        : `${label} (${url})`);
    }
    last = m.index + token.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** A heading's text without its closing hashes ("## Title ##"), found from the end in linear time. */
function withoutClosingHashes(text) {
  const end = text.trimEnd().length;
  let start = end;
  while (start > 0 && text[start - 1] === '#') start -= 1;
  return start < end && start > 0 && /\s/.test(text[start - 1]) ? text.slice(0, start).trimEnd() : text;
}

/** Renders markdown; headings start at level `top` (the page keeps its single h1). */
export function markdown(source, top = 2) {
  const root = h('div', { class: 'markdown' });
  const lines = String(source || '').replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (/^\s*$/.test(line)) { i += 1; continue; }
    const fence = line.match(/^```\s*([\w-]*)/);
    if (fence) {
      const code = [];
      i += 1;
      while (i < lines.length && !/^```/.test(lines[i])) { code.push(lines[i]); i += 1; }
      i += 1;
      root.append(h('pre', {}, h('code', { 'data-lang': fence[1] || undefined }, code.join('\n'))));
      continue;
    }
    const heading = line.match(/^(#{1,6})\s+(.*)$/);
    if (heading) {
      const level = Math.min(6, top + heading[1].length - 1);
      root.append(h(`h${level}`, {}, ...inline(withoutClosingHashes(heading[2]))));
      i += 1;
      continue;
    }
    if (/^\s*>/.test(line)) {
      const quote = [];
      while (i < lines.length && /^\s*>/.test(lines[i])) { quote.push(lines[i].replace(/^\s*>\s?/, '')); i += 1; }
      root.append(h('blockquote', {}, markdown(quote.join('\n'), top)));
      continue;
    }
    const bullet = /^\s*[-*+]\s+/;
    const numbered = /^\s*\d+[.)]\s+/;
    if (bullet.test(line) || numbered.test(line)) {
      const kind = bullet.test(line) ? bullet : numbered;
      const list = h(kind === bullet ? 'ul' : 'ol');
      while (i < lines.length && kind.test(lines[i])) {
        list.append(h('li', {}, ...inline(lines[i].replace(kind, ''))));
        i += 1;
      }
      root.append(list);
      continue;
    }
    const paragraph = [];
    while (i < lines.length && !/^\s*$/.test(lines[i]) && !/^(#{1,6}\s|```|\s*>|\s*[-*+]\s|\s*\d+[.)]\s)/.test(lines[i])) {
      paragraph.push(lines[i].trim());
      i += 1;
    }
    root.append(h('p', {}, ...inline(paragraph.join(' '))));
  }
  return root;
}
