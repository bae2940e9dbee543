// A project's retention: keep-rules (what stays; everything else in scope goes), schedule, untagged
// cleanup, and runs with their per-repository KEEP / DELETE reports. Members read; project admins edit and run.
import { h, field, checkbox, timeEl, message, announce, shortDigest } from '../dom.js';
import { api } from '../api.js';
import { failure, table } from './common.js';

const KINDS = [
  ['latestPushed', 'Keep the most recently pushed N'],
  ['latestPulled', 'Keep the most recently pulled N'],
  ['pushedWithinDays', 'Keep what was pushed within N days'],
  ['pulledWithinDays', 'Keep what was pulled within N days'],
  ['always', 'Always keep'],
];

function describeSelector(s) {
  if (!s || (s.pattern === '**' && !s.exclude)) return 'all';
  return `${s.exclude ? 'except ' : ''}${s.pattern}`;
}

function describeRule(r) {
  const kind = (KINDS.find(([k]) => k === r.kind) || [r.kind, r.kind])[1];
  return kind.replace(' N', r.count !== undefined && r.count !== null ? ` ${r.count}` : '');
}

/** The report of one run: a table per repository, each artifact KEEP or DELETE with what decided. */
function report(run) {
  const repos = run.report?.repositories || [];
  const section = h('section', { class: 'retention-report', 'aria-label': `Report of run ${run.id}` },
    h('h3', {}, `Run ${run.id}: ${run.dryRun ? 'dry run' : 'real run'} (${run.kind}), ${run.deleted} to delete, ${run.kept} kept`));
  if (!repos.length) section.append(h('p', {}, 'Nothing was in scope.'));
  for (const repo of repos) {
    section.append(table(repo.repository, ['Artifact', 'Tags', 'Decision', 'Why'], repo.items.map(item => h('tr', { class: item.action === 'DELETE' ? 'delete' : 'keep' },
      h('th', { scope: 'row' }, h('code', { title: item.digest }, shortDigest(item.digest))),
      h('td', {}, item.tags.length ? item.tags.map(t => `${t.tag} (${t.action})`).join(', ') : 'untagged'),
      h('td', {}, item.action),
      h('td', {}, item.reason)))));
  }
  return section;
}

export async function retentionSection(ctx, project, panel, refresh) {
  const base = `/api/v1/projects/${encodeURIComponent(project)}/retention`;
  let policy;
  let runs;
  try {
    [policy, runs] = await Promise.all([api(base, { signal: ctx.signal }), api(`${base}/runs`, { signal: ctx.signal })]);
  } catch (e) {
    panel.append(failure(e, 'the retention policy'));
    return;
  }
  const rules = [...(policy.rules || [])];
  const save = async (changes) => {
    await api(base, { method: 'PUT', body: { ...policy, rules, ...changes } });
    announce('Retention policy saved');
    refresh();
  };
  panel.append(h('p', {}, 'Rules say what to keep; everything else in scope goes. Never deleted: digests a deployment runs or may roll back to, immutable tags, and the referrers and children of what is kept.'));
  panel.append(table(`Keep-rules of ${project}`, ['Rule', 'Repositories', 'Tags', 'Untagged', ''], rules.map((r, i) => h('tr', {},
    h('th', { scope: 'row' }, describeRule(r)),
    h('td', {}, describeSelector(r.repositories)),
    h('td', {}, describeSelector(r.tags)),
    h('td', {}, r.untagged ? 'included' : 'not in scope'),
    h('td', {}, h('button', {
      type: 'button', class: 'danger', onclick: async () => {
        const [removed] = rules.splice(i, 1);
        try { await save({}); } catch (err) { rules.splice(i, 0, removed); announce(`Removing rule ${i + 1} failed: ${err.message}`); }
      },
    }, `Remove rule ${i + 1}`))))));
  panel.append(h('p', { class: 'meta' }, `Schedule: ${policy.schedule || 'off'} · Untagged cleanup: ${policy.deleteUntagged ? `on, after ${policy.untaggedGraceHours} h` : 'off'}`));

  const error = h('div');
  const form = h('form', {
    class: 'card', 'aria-label': 'Add a keep-rule',
    onsubmit: async (e) => {
      e.preventDefault();
      error.replaceChildren();
      const data = new FormData(form);
      const kind = data.get('kind');
      rules.push({
        kind,
        count: kind === 'always' ? undefined : Number(data.get('count') || 0),
        repositories: { pattern: data.get('repositories') || '**', exclude: data.get('repositoriesExclude') === 'true' },
        tags: { pattern: data.get('tags') || '**', exclude: data.get('tagsExclude') === 'true' },
        untagged: data.get('untagged') === 'true',
      });
      try { await save({}); } catch (err) { rules.pop(); error.append(message('error', err.message)); }
    },
  }, h('h3', {}, 'Add a keep-rule'), error,
  field('Keep', { tag: 'select', name: 'kind', options: KINDS.map(([value, label]) => ({ value, label })) }),
  field('N', { name: 'count', type: 'number', min: 1, value: '10' }, 'How many, or how many days (unused for always).'),
  field('Repositories (glob after the project)', { name: 'repositories', placeholder: '**' }),
  checkbox('Every repository except these', { name: 'repositoriesExclude', value: 'true' }),
  field('Tags (glob)', { name: 'tags', placeholder: '**' }),
  checkbox('Every tag except these', { name: 'tagsExclude', value: 'true' }),
  checkbox('Untagged artifacts are in scope too', { name: 'untagged', value: 'true' }),
  h('button', { type: 'submit', class: 'primary' }, 'Add rule'));
  panel.append(form);

  const settingsError = h('div');
  const settings = h('form', {
    class: 'card', 'aria-label': 'Schedule and untagged cleanup',
    onsubmit: async (e) => {
      e.preventDefault();
      settingsError.replaceChildren();
      const data = new FormData(settings);
      try {
        await save({ schedule: data.get('schedule') || null, deleteUntagged: data.get('deleteUntagged') === 'true', untaggedGraceHours: Number(data.get('grace') || 0) });
      } catch (err) { settingsError.append(message('error', err.message)); }
    },
  }, h('h3', {}, 'Schedule and untagged cleanup'), settingsError,
  field('Schedule (cron, UTC; empty for off)', { name: 'schedule', value: policy.schedule || '', placeholder: '0 3 * * *' }),
  checkbox('Delete untagged manifests', { name: 'deleteUntagged', value: 'true', checked: policy.deleteUntagged }),
  field('Grace period (hours)', { name: 'grace', type: 'number', min: 0, value: String(policy.untaggedGraceHours) }),
  h('button', { type: 'submit', class: 'primary' }, 'Save'));
  panel.append(settings);

  const reportSlot = h('div', { class: 'report-slot' });
  const start = (dryRun) => h('button', {
    type: 'button', class: dryRun ? 'primary' : 'danger', onclick: async (e) => {
      if (!dryRun && !window.confirm(`Delete what the rules do not keep in ${project}?`)) return;
      // currentTarget is gone once the handler awaits: keep the button.
      const button = e.currentTarget;
      button.disabled = true;
      try {
        const run = await api(`${base}/runs`, { method: 'POST', body: { dryRun } });
        // The runs table gains the run; its report goes into the re-rendered tab's slot.
        await refresh();
        panel.querySelector('.report-slot')?.replaceChildren(report(run));
        announce(`${dryRun ? 'Dry run' : 'Run'} finished: ${run.deleted} ${dryRun ? 'would be deleted' : 'deleted'}`);
      } catch (err) {
        reportSlot.replaceChildren(message('error', err.message));
        button.disabled = false;
      }
    },
  }, dryRun ? 'Dry run' : 'Run now');
  panel.append(h('div', { class: 'actions' }, start(true), start(false)), reportSlot);

  panel.append(table(`Retention runs of ${project}`, ['Run', 'When', 'Kind', 'Deleted', 'Kept', 'Status', ''], runs.map(r => h('tr', {},
    h('th', { scope: 'row' }, `${r.id}${r.dryRun ? ' (dry)' : ''}`), h('td', {}, timeEl(r.startedAt)), h('td', {}, `${r.kind}, ${r.trigger}`),
    h('td', {}, `${r.deleted} (${r.deletedTags} tags)`), h('td', {}, String(r.kept)), h('td', {}, r.error ? `${r.status}: ${r.error}` : r.status),
    h('td', {}, h('button', {
      type: 'button', onclick: async () => {
        try { reportSlot.replaceChildren(report(await api(`${base}/runs/${r.id}`))); } catch (err) { reportSlot.replaceChildren(message('error', err.message)); }
      },
    }, `Report of run ${r.id}`))))));
}
