import { h, field, checkbox, announce } from '../dom.js';
import { api } from '../api.js';
import { failure, table } from './common.js';

/** Comma- or newline-separated patterns as a list (empty entries dropped). */
const patterns = (text) => (text || '').split(/[,\n]/).map(s => s.trim()).filter(Boolean);

/**
 * The project's tag immutability rules: a table (with enable/disable and delete for project admins; the
 * API refuses others) and a form to add one. {@code forms} are the project page's actionForm and confirmButton.
 */
export async function immutabilityTab(ctx, project, panel, refresh, { actionForm, confirmButton }) {
  const base = `/api/v1/projects/${encodeURIComponent(project)}/immutability-rules`;
  let rules;
  try {
    rules = await api(base, { signal: ctx.signal });
  } catch (e) {
    panel.append(failure(e, 'tag immutability rules'));
    return;
  }
  panel.append(h('p', { class: 'hint' }, 'Tags a rule matches cannot be moved to another image or deleted once pushed. ',
    'Signature and attestation tags (sha256-*, *.sig, *.att) are exempt unless a rule includes them.'));
  const toggle = (r) => h('button', {
    type: 'button', onclick: async () => {
      try {
        await api(`${base}/${r.id}`, {
          method: 'PUT',
          body: {
            description: r.description, enabled: !r.enabled, repositories: r.repositories, repositoryMatch: r.repositoryMatch,
            tags: r.tags, tagMatch: r.tagMatch, tagPatternSyntax: r.tagPatternSyntax, includeSignatureTags: r.includeSignatureTags,
          },
        });
        announce(`Rule ${r.id} ${r.enabled ? 'disabled' : 'enabled'}`);
        refresh();
      } catch (e) { announce(`Changing rule ${r.id} failed: ${e.message}`); }
    },
  }, `${r.enabled ? 'Disable' : 'Enable'} rule ${r.id}`);
  panel.append(table(`Tag immutability rules of ${project}`, ['Rule', 'Protects', 'State', ''], rules.map(r => h('tr', { 'data-rule': r.id },
    h('th', { scope: 'row' }, `${r.id}`, r.description ? ` — ${r.description}` : ''),
    h('td', {}, h('code', {}, r.summary)),
    h('td', {}, r.enabled ? 'enabled' : 'disabled'),
    h('td', { class: 'row-actions' }, toggle(r),
      confirmButton(`Delete rule ${r.id}`, `Delete immutability rule ${r.id}? The tags it protects can be moved and deleted again.`, async () => {
        await api(`${base}/${r.id}`, { method: 'DELETE' });
        announce(`Rule ${r.id} deleted`);
        refresh();
      }))))));
  panel.append(actionForm('Add immutability rule', [
    field('Tags (patterns, comma-separated)', { name: 'tags', required: true, placeholder: 'v*' }, 'Globs such as v* or 1.*; with regex, RE2 expressions matched against the whole tag.'),
    field('Tags the rule covers', { tag: 'select', name: 'tagMatch', options: [{ value: 'include', label: 'tags matching a pattern' }, { value: 'exclude', label: 'every tag except those matching' }] }),
    field('Tag pattern syntax', { tag: 'select', name: 'tagPatternSyntax', options: ['glob', 'regex'] }),
    field('Repositories (patterns, comma-separated; empty for all)', { name: 'repositories', placeholder: `${project}/**` }),
    field('Repositories the rule covers', { tag: 'select', name: 'repositoryMatch', options: [{ value: 'include', label: 'repositories matching a pattern' }, { value: 'exclude', label: 'every repository except those matching' }] }),
    field('Description', { name: 'description' }),
    checkbox('Protect signature and attestation tags too', { name: 'includeSignatureTags', value: 'true' }),
  ], async (data) => {
    const created = await api(base, {
      method: 'POST',
      body: {
        tags: patterns(data.get('tags')), tagMatch: data.get('tagMatch'), tagPatternSyntax: data.get('tagPatternSyntax'),
        repositories: patterns(data.get('repositories')), repositoryMatch: data.get('repositoryMatch'),
        description: data.get('description') || null, includeSignatureTags: data.get('includeSignatureTags') === 'true',
      },
    });
    announce(`Rule ${created.id} added: ${created.summary}`);
    refresh();
  }));
}
