// Registry events as a list that loads recent history and then follows the live stream.
import { h, timeEl, shortDigest, announce } from '../dom.js';
import { api, follow } from '../api.js';
import { failure } from './common.js';

export function shortType(type) {
  return String(type || '').replace(/^io\.wharf\./, '');
}

function describe(event) {
  const d = event.data || {};
  const what = d.repository ? `${d.repository}${d.tag ? `:${d.tag}` : ''}` : event.subject || '';
  const who = d.actor?.name ? ` by ${d.actor.name}` : '';
  return `${what}${who}`;
}

export function eventItem(event) {
  const d = event.data || {};
  return h('li', { class: 'event', 'data-event-id': event.id, 'data-type': shortType(event.type) },
    h('span', { class: `event-type t-${shortType(event.type).split('.')[0]}` }, shortType(event.type)),
    h('span', { class: 'event-what' }, describe(event)),
    d.digest ? h('code', { class: 'digest', title: d.digest }, shortDigest(d.digest)) : null,
    timeEl(event.time),
    h('a', { href: `#/events/${encodeURIComponent(event.id)}`, 'aria-label': `Trace ${shortType(event.type)} ${describe(event)}` }, 'Trace'));
}

/** Newest first: the API pages oldest first, so read the last day forward and keep the tail. */
async function recent(filters, signal, keep = 50) {
  const since = new Date(Date.now() - 7 * 24 * 3600 * 1000).toISOString();
  let cursor;
  let all = [];
  for (let pages = 0; pages < 10; pages += 1) {
    const page = await api('/api/v1/events', { signal, query: { ...filters, since: cursor ? undefined : since, cursor, limit: 500 } });
    all = all.concat(page.items || page.events || []);
    if (all.length > keep * 4) all = all.slice(-keep);
    cursor = page.next;
    if (!cursor) break;
  }
  return all.slice(-keep).reverse();
}

/** A section with recent events matching filters, kept up to date from the live stream. */
export function timeline(title, filters, signal) {
  const state = h('p', { class: 'live-state meta' }, 'Connecting to live updates…');
  const list = h('ol', { class: 'events', 'aria-label': title });
  const section = h('section', { class: 'timeline', 'aria-labelledby': 'timeline-title' },
    h('h2', { id: 'timeline-title' }, title), state, list);
  const seen = new Set();
  const add = (event, live) => {
    if (seen.has(event.id)) return;
    seen.add(event.id);
    list.querySelector('.empty')?.remove();
    if (live) {
      list.prepend(eventItem(event));
      announce(`New event: ${shortType(event.type)} ${describe(event)}`);
    } else {
      list.append(eventItem(event));
    }
  };
  (async () => {
    // Follow first, so nothing published while the history loads is missed (duplicates are dropped).
    follow('/api/v1/events/stream', filters, (e) => add(e, true), signal, (s, err) => {
      state.textContent = s === 'live' ? 'Live: new events appear at the top.'
        : s === 'reconnecting' ? 'Live updates interrupted; reconnecting…'
          : `Live updates stopped: ${err?.message || ''}`;
      state.dataset.state = s;
    });
    try {
      const events = await recent(filters, signal);
      for (const e of events) add(e, false);
      if (!list.children.length) list.append(h('li', { class: 'empty' }, 'No events yet.'));
    } catch (e) {
      if (!signal.aborted) section.append(failure(e, 'events'));
    }
  })();
  return section;
}
