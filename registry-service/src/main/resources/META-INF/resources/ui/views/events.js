import { h, field, timeEl, shortDigest } from '../dom.js';
import { api } from '../api.js';
import { failure, repositoryHref } from './common.js';
import { timeline, shortType } from './timeline.js';

const TYPES = ['artifact.pushed', 'artifact.cached', 'artifact.pulled', 'artifact.deleted', 'tag.created', 'tag.updated', 'tag.deleted',
  'repository.created', 'repository.deleted'];

export function eventsView(ctx) {
  const p = ctx.params;
  const filters = { project: p.get('project'), repository: p.get('repository'), type: p.get('type') };
  const form = h('form', {
    class: 'filters-form', 'aria-label': 'Event filters',
    onsubmit: (e) => {
      e.preventDefault();
      const q = new URLSearchParams([...new FormData(form).entries()].filter(([, v]) => v));
      ctx.navigate(`#/events?${q}`);
    },
  },
  field('Project', { name: 'project', value: filters.project || '' }),
  field('Repository', { name: 'repository', value: filters.repository || '', placeholder: 'e.g. library/alpine' }),
  field('Type', { tag: 'select', name: 'type', options: [{ value: '', label: 'Any' }, ...TYPES.map(t => ({ value: t, label: t, selected: t === filters.type }))] }),
  h('button', { type: 'submit' }, 'Apply'));
  ctx.main.append(h('h1', {}, 'Events'), form, timeline('Timeline', filters, ctx.signal));
}

const STAGES = { notification: 'Notify', deployment: 'Deploy' };

function step(event, stage) {
  const d = event.data || {};
  const details = [];
  if (d.repository) details.push(h('a', { href: repositoryHref(d.repository) }, `${d.repository}${d.tag ? `:${d.tag}` : ''}`));
  if (d.digest) details.push(h('code', { title: d.digest }, shortDigest(d.digest)));
  if (d.actor?.name) details.push(`by ${d.actor.name}`);
  if (d.channel || d.target) details.push(`to ${[d.channel, d.target].filter(Boolean).join(' ')}`);
  if (d.attempt) details.push(`attempt ${d.attempt}`);
  if (d.statusCode) details.push(`HTTP ${d.statusCode}`);
  if (d.environment || d.image) details.push([d.environment, d.image].filter(Boolean).join(' · '));
  if (d.error || d.reason) details.push(h('span', { class: 'error-text' }, d.error || d.reason));
  const outcome = shortType(event.type);
  // Why a deployment was skipped, superseded, planned or rejected (the deployer's message).
  if (d.message && outcome.startsWith('deployment.')) details.push(d.message);
  const failed = /failed|rolledback|rejected/.test(outcome);
  return h('li', { class: `step ${failed ? 'failed' : 'ok'}`, 'data-type': outcome },
    h('span', { class: 'stage' }, stage),
    h('strong', {}, outcome), ' ', timeEl(event.time),
    details.length ? h('p', { class: 'meta' }, details.flatMap((x, i) => (i ? [' · ', x] : [x]))) : null);
}

export async function traceView(ctx, id) {
  ctx.main.append(h('h1', {}, 'Trace'));
  const body = h('section', { 'aria-live': 'polite', 'aria-busy': 'true', 'aria-label': 'Pipeline' });
  ctx.main.append(h('p', { class: 'meta' }, 'What happened after this event: push → notify → deploy. Updates every few seconds.'), body);
  let shown = -1;
  const load = async () => {
    const trace = await api(`/api/v1/events/${encodeURIComponent(id)}/trace`, { signal: ctx.signal });
    const pipeline = trace.pipeline || [];
    if (pipeline.length === shown) return;
    shown = pipeline.length;
    const steps = [step(trace.event, 'Registry'), ...pipeline.map(e => step(e, STAGES[shortType(e.type).split('.')[0]] || 'Pipeline'))];
    const notified = pipeline.some(e => shortType(e.type).startsWith('notification.'));
    const deployed = pipeline.some(e => shortType(e.type).startsWith('deployment.'));
    body.replaceChildren(
      h('ol', { class: 'trace' }, steps),
      h('p', { class: 'meta' }, notified ? '' : 'No notification yet. ', deployed ? '' : 'No deployment yet.'));
  };
  try {
    await load();
  } catch (e) {
    body.append(failure(e, 'this event'));
    return;
  } finally {
    body.setAttribute('aria-busy', 'false');
  }
  const timer = setInterval(() => load().catch(() => {}), 3000);
  ctx.signal.addEventListener('abort', () => clearInterval(timer));
}
