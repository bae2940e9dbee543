import { h, append, timeEl, bytes, shortDigest, badges, copyButton } from '../dom.js';
import { api } from '../api.js';
import { failure, projectHref } from './common.js';
import { markdown } from '../markdown.js';
import { timeline } from './timeline.js';

/** The registry host as the browser reached it: what docker pull must name. */
export function registryHost() {
  return location.host;
}

function pullLine(command, what) {
  return h('div', { class: 'pull' }, h('code', {}, command), copyButton(command, what));
}

function platforms(list) {
  if (!list || !list.length) return '—';
  return h('ul', { class: 'platforms' }, list.map(p => h('li', {}, [p.os, p.architecture, p.variant].filter(Boolean).join('/'))));
}

function tagRow(full, tag) {
  const host = registryHost();
  return h('tr', { 'data-tag': tag.name },
    h('th', { scope: 'row' }, tag.name),
    h('td', {}, h('code', { class: 'digest', title: tag.digest }, shortDigest(tag.digest))),
    h('td', {}, platforms(tag.platforms)),
    h('td', {}, bytes(tag.size)),
    h('td', {}, timeEl(tag.pushedAt)),
    h('td', { class: 'pulls' },
      pullLine(`docker pull ${host}/${full}:${tag.name}`, `pull command for tag ${tag.name}`),
      tag.digest ? pullLine(`docker pull ${host}/${full}@${tag.digest}`, `pull command for ${tag.name} by digest`) : null));
}

export async function repositoryView(ctx, full) {
  const project = full.split('/')[0];
  const name = full.slice(project.length + 1);
  ctx.main.append(
    h('nav', { 'aria-label': 'Breadcrumb', class: 'breadcrumb' },
      h('ol', {}, h('li', {}, h('a', { href: '#/' }, 'Browse')), h('li', {}, h('a', { href: projectHref(project) }, project)),
        h('li', {}, h('a', { href: location.hash, 'aria-current': 'page' }, name)))),
    h('h1', {}, full));
  const overview = h('div', { class: 'repo-overview' });
  ctx.main.append(overview);
  try {
    const repo = await api(`/api/v1/repositories/${encodeURIComponent(project)}/${name.split('/').map(encodeURIComponent).join('/')}`, { signal: ctx.signal });
    const host = registryHost();
    append(overview, [
      badges(repo),
      repo.description ? h('p', { class: 'lead' }, repo.description) : null,
      h('p', { class: 'meta' }, `${repo.pullCount ?? 0} pulls · last pushed `, timeEl(repo.pushedAt)),
      pullLine(`docker pull ${host}/${full}`, 'pull command')]);
    const tags = repo.tags || [];
    overview.append(h('section', { 'aria-labelledby': 'tags-title' },
      h('h2', { id: 'tags-title' }, 'Tags'),
      h('div', { class: 'table-wrap' }, h('table', { class: 'tags' },
        h('caption', { class: 'visually-hidden' }, `Tags of ${full}`),
        h('thead', {}, h('tr', {}, ['Tag', 'Digest', 'Platforms', 'Size', 'Pushed', 'Pull'].map(x => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, tags.length ? tags.map(t => tagRow(full, t)) : h('tr', {}, h('td', { colspan: 6 }, 'No tags.')))))));
    if (repo.readme) {
      overview.append(h('section', { 'aria-labelledby': 'readme-title', class: 'readme' }, h('h2', { id: 'readme-title' }, 'Readme'), markdown(repo.readme, 3)));
    }
  } catch (e) {
    overview.append(failure(e, 'this repository'));
  }
  ctx.main.append(timeline('Events', { repository: full }, ctx.signal));
}
