import { h, field, checkbox, timeEl, badges, shortDigest, announce } from '../dom.js';
import { api } from '../api.js';
import { failure, fullName, repositoryHref, projectHref } from './common.js';

function searchForm(ctx, params) {
  const form = h('form', {
    class: 'search-form', role: 'search', 'aria-label': 'Registry',
    onsubmit: (e) => {
      e.preventDefault();
      const data = new FormData(form);
      const query = new URLSearchParams();
      for (const [k, v] of data.entries()) if (v) query.set(k, v);
      ctx.navigate(`#/search?${query}`);
    },
  },
  field('Search repositories, projects and tags', { name: 'q', type: 'search', value: params.get('q') || '', placeholder: 'e.g. alpine' }),
  h('fieldset', { class: 'filters' },
    h('legend', {}, 'Filters'),
    field('Show', {
      tag: 'select', name: 'kind',
      options: [{ value: '', label: 'Everything' }, { value: 'repository', label: 'Repositories' },
        { value: 'project', label: 'Projects' }, { value: 'tag', label: 'Tags' }]
        .map(o => ({ ...o, selected: params.get('kind') === o.value })),
    }),
    checkbox('Official images only', { name: 'official', value: 'true', checked: params.get('official') === 'true' }),
    checkbox('Verified publishers only', { name: 'verified', value: 'true', checked: params.get('verified') === 'true' })),
  h('button', { type: 'submit', class: 'primary' }, 'Search'));
  return form;
}

export async function browseView(ctx) {
  ctx.main.append(h('h1', {}, 'Browse'), searchForm(ctx, ctx.params));
  const list = h('section', { 'aria-labelledby': 'projects-title' }, h('h2', { id: 'projects-title' }, 'Projects'));
  ctx.main.append(list);
  try {
    const projects = await api('/api/v1/projects', { signal: ctx.signal });
    list.append(projects.length === 0
      ? h('p', {}, 'No projects you can see yet.')
      : h('ul', { class: 'cards' }, projects.map(p => h('li', { class: 'card' },
        h('h3', {}, h('a', { href: projectHref(p.name) }, p.name)),
        badges({ official: p.official, verifiedPublisher: p.verifiedPublisher, public: p.isPublic }),
        p.role ? h('p', { class: 'meta' }, `Your role: ${p.role}`) : null))));
  } catch (e) {
    list.append(failure(e, 'projects'));
  }
}

function resultItem(item) {
  if (item.kind === 'repository') {
    const full = fullName(item.project, item.name);
    return h('li', { class: 'card result' },
      h('h3', {}, h('a', { href: repositoryHref(full) }, full)), badges(item),
      item.description ? h('p', {}, item.description) : null,
      h('p', { class: 'meta' }, `${item.tagCount ?? 0} tags · ${item.pullCount ?? 0} pulls · pushed `, timeEl(item.pushedAt)));
  }
  if (item.kind === 'project') {
    return h('li', { class: 'card result' },
      h('h3', {}, 'Project ', h('a', { href: projectHref(item.name) }, item.name)), badges(item),
      h('p', { class: 'meta' }, `${item.repositoryCount ?? 0} repositories`));
  }
  return h('li', { class: 'card result' },
    h('h3', {}, h('a', { href: repositoryHref(item.repository) }, `${item.repository}:${item.tag}`)),
    h('p', { class: 'meta' }, h('code', { title: item.digest }, shortDigest(item.digest)), ' · pushed ', timeEl(item.pushedAt)));
}

export async function searchView(ctx) {
  const { params } = ctx;
  ctx.main.append(h('h1', {}, 'Search'), searchForm(ctx, params));
  const results = h('section', { 'aria-labelledby': 'results-title', 'aria-busy': 'true' }, h('h2', { id: 'results-title' }, 'Results'));
  ctx.main.append(results);
  const page = Number(params.get('page') || '1');
  try {
    const answer = await api('/api/v1/search', {
      signal: ctx.signal,
      query: {
        q: params.get('q'), kind: params.get('kind'), project: params.get('project'), official: params.get('official'),
        verified: params.get('verified'), tag: params.get('tag'), pushedSince: params.get('pushedSince'), page, pageSize: 20,
      },
    });
    const items = answer.items || [];
    // Matches are counted up to 10 000 (totalExact false: more match).
    const summary = `${answer.total ?? items.length}${answer.totalExact === false ? '+' : ''} result${(answer.total ?? items.length) === 1 ? '' : 's'}`;
    results.append(h('p', { class: 'meta' }, summary), items.length
      ? h('ol', { class: 'cards results' }, items.map(resultItem))
      : h('p', {}, 'Nothing matches. Try fewer words or fewer filters.'));
    const pages = Math.ceil((answer.total || 0) / (answer.pageSize || 20));
    if (pages > 1) {
      const link = (n, label) => {
        const q = new URLSearchParams(params);
        q.set('page', n);
        return h('a', { href: `#/search?${q}` }, label);
      };
      results.append(h('nav', { 'aria-label': 'Result pages', class: 'pager' },
        page > 1 ? link(page - 1, 'Previous page') : null, ` Page ${page} of ${pages} `, page < pages ? link(page + 1, 'Next page') : null));
    }
    announce(summary);
  } catch (e) {
    results.append(failure(e, 'search'));
  } finally {
    results.setAttribute('aria-busy', 'false');
  }
}
