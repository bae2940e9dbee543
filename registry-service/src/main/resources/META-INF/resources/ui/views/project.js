import { h, field, checkbox, timeEl, badges, message, announce, replace } from '../dom.js';
import { api, session, NOTIFIER, DEPLOYER } from '../api.js';
import { failure, fullName, repositoryHref, projectHref, secretBox, table, usageBar } from './common.js';

const TABS = [['repositories', 'Repositories'], ['members', 'Members'], ['robots', 'Robot accounts'],
  ['webhooks', 'Webhooks'], ['deploy', 'Deploy rules'], ['immutability', 'Tag immutability'], ['retention', 'Retention'], ['events', 'Events']];
const ROLES = ['projectAdmin', 'maintainer', 'developer', 'guest', 'limitedGuest'];
const EVENT_TYPES = ['artifact.pushed', 'artifact.deleted', 'tag.created', 'tag.updated', 'tag.deleted', 'repository.created', 'repository.deleted'];

/** A form that sends, shows errors inline (role=alert) and re-renders the tab on success. */
function actionForm(title, fields, submit) {
  const error = h('div');
  const form = h('form', {
    class: 'card', 'aria-label': title,
    onsubmit: async (e) => {
      e.preventDefault();
      error.replaceChildren();
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      try {
        await submit(new FormData(form), form);
        form.reset();
      } catch (err) {
        error.append(message('error', err.message));
      } finally {
        button.disabled = false;
      }
    },
  }, h('h3', {}, title), error, fields, h('button', { type: 'submit', class: 'primary' }, title));
  return form;
}

function confirmButton(label, question, run) {
  return h('button', {
    type: 'button', class: 'danger', onclick: async (e) => {
      if (!window.confirm(question)) return;
      const button = e.currentTarget;
      button.disabled = true;
      try {
        await run();
      } catch (err) {
        button.disabled = false;
        announce(`${label} failed: ${err.message}`);
      }
    },
  }, label);
}

async function repositoriesTab(ctx, project, panel) {
  try {
    const answer = await api('/api/v1/search', { signal: ctx.signal, query: { kind: 'repository', project, pageSize: 100 } });
    const items = answer.items || [];
    panel.append(items.length
      ? h('ul', { class: 'cards' }, items.map(r => {
        const full = fullName(r.project || project, r.name);
        return h('li', { class: 'card' }, h('h3', {}, h('a', { href: repositoryHref(full) }, full)), badges(r),
          r.description ? h('p', {}, r.description) : null,
          h('p', { class: 'meta' }, `${r.tagCount ?? 0} tags · pushed `, timeEl(r.pushedAt)));
      }))
      : h('p', {}, 'No repositories yet. Push an image to create one.'));
  } catch (e) {
    panel.append(failure(e, 'repositories'));
  }
}

async function membersTab(ctx, project, panel, refresh) {
  let members;
  try {
    members = await api(`/api/v1/projects/${encodeURIComponent(project)}/members`, { signal: ctx.signal });
  } catch (e) {
    panel.append(failure(e, 'members'));
    return;
  }
  panel.append(table(`Members of ${project}`, ['User', 'Role', ''], members.map(m => h('tr', {},
    h('th', { scope: 'row' }, m.username), h('td', {}, m.role),
    h('td', {}, confirmButton(`Remove ${m.username}`, `Remove ${m.username} from ${project}?`, async () => {
      await api(`/api/v1/projects/${encodeURIComponent(project)}/members/${encodeURIComponent(m.username)}`, { method: 'DELETE' });
      announce(`${m.username} removed`);
      refresh();
    }))))));
  panel.append(actionForm('Add or change a member', [
    field('Username', { name: 'username', required: true, autocomplete: 'off' }),
    field('Role', { tag: 'select', name: 'role', options: ROLES.map(r => ({ value: r, label: r, selected: r === 'developer' })) }),
  ], async (data) => {
    await api(`/api/v1/projects/${encodeURIComponent(project)}/members/${encodeURIComponent(data.get('username'))}`, { method: 'PUT', body: { role: data.get('role') } });
    announce(`${data.get('username')} is now ${data.get('role')}`);
    refresh();
  }));
}

async function robotsTab(ctx, project, panel, refresh) {
  let robots;
  try {
    robots = await api(`/api/v1/projects/${encodeURIComponent(project)}/robots`, { signal: ctx.signal });
  } catch (e) {
    panel.append(failure(e, 'robot accounts'));
    return;
  }
  const shortName = (full) => full.slice(full.indexOf('+') + 1);
  const secretSlot = h('div', { class: 'secret-slot' });
  panel.append(secretSlot, table(`Robot accounts of ${project}`, ['Name', 'Permissions', 'Expires', 'State', ''], robots.map(r => h('tr', {},
    h('th', { scope: 'row' }, h('code', {}, r.name)), h('td', {}, (r.permissions || []).join(', ')),
    h('td', {}, r.expiresAt ? timeEl(r.expiresAt) : 'never'), h('td', {}, r.disabled ? 'disabled' : 'active'),
    h('td', {}, confirmButton(`Delete ${r.name}`, `Delete ${r.name}? Clients using it stop working.`, async () => {
      await api(`/api/v1/projects/${encodeURIComponent(project)}/robots/${encodeURIComponent(shortName(r.name))}`, { method: 'DELETE' });
      announce(`${r.name} deleted`);
      refresh();
    }))))));
  panel.append(actionForm('Create robot account', [
    field('Name', { name: 'name', required: true, pattern: '[a-z0-9]+([._\\-][a-z0-9]+)*', autocomplete: 'off' }, 'Lowercase letters, digits and . _ -'),
    field('Description', { name: 'description' }),
    h('fieldset', {}, h('legend', {}, 'Permissions'),
      checkbox('Pull', { name: 'permissions', value: 'pull', checked: true }),
      checkbox('Push', { name: 'permissions', value: 'push' }),
      checkbox('Delete', { name: 'permissions', value: 'delete' })),
    field('Expires after (days, 0 for never)', { name: 'expiresInDays', type: 'number', min: 0, value: '90' }),
  ], async (data) => {
    const created = await api(`/api/v1/projects/${encodeURIComponent(project)}/robots`, {
      method: 'POST',
      body: { name: data.get('name'), description: data.get('description') || null, permissions: data.getAll('permissions'), expiresInDays: Number(data.get('expiresInDays') || 0) },
    });
    await refresh();
    document.querySelector('#tab-panel .secret-slot')?.append(secretBox(`Secret of ${created.name}`, created.secret, 'Use it as the password with docker login. It is shown this once.'));
    announce(`${created.name} created; its secret is shown once`);
  }));
}

async function webhooksTab(ctx, project, panel, refresh) {
  let subs;
  try {
    subs = await api(`${NOTIFIER}/subscriptions`, { signal: ctx.signal, query: { project } });
  } catch (e) {
    panel.append(failure(e, 'webhook subscriptions'));
    return;
  }
  const secretSlot = h('div', { class: 'secret-slot' });
  panel.append(secretSlot, table(`Notification subscriptions of ${project}`, ['Name', 'Events', 'Where', 'State', ''], subs.map(s => h('tr', { 'data-subscription': s.name },
    h('th', { scope: 'row' }, s.name),
    h('td', {}, (s.eventTypes || []).length ? s.eventTypes.join(', ') : 'all'),
    h('td', {}, `${s.channel} `, h('code', {}, s.url || (s.recipients || []).join(', '))),
    h('td', {}, s.enabled ? 'enabled' : `disabled${s.disabledReason ? `: ${s.disabledReason}` : ''}`,
      s.tagPatternProblem ? `; matches nothing: ${s.tagPatternProblem}` : ''),
    h('td', { class: 'row-actions' },
      h('button', {
        type: 'button', onclick: async () => {
          try { await api(`${NOTIFIER}/subscriptions/${s.id}/test`, { method: 'POST' }); announce(`Test event sent to ${s.name}`); } catch (e) { announce(`Test failed: ${e.message}`); }
        },
      }, `Send test to ${s.name}`),
      confirmButton(`Delete ${s.name}`, `Delete the subscription ${s.name}?`, async () => {
        await api(`${NOTIFIER}/subscriptions/${s.id}`, { method: 'DELETE' });
        announce(`${s.name} deleted`);
        refresh();
      }))))));
  panel.append(actionForm('Create webhook', [
    field('Name', { name: 'name', required: true }),
    field('URL', { name: 'url', type: 'url', required: true, placeholder: 'https://ci.example/hooks/wharf' }),
    field('Repositories (glob within this project, empty for all)', { name: 'repository', placeholder: `${project}/api-*` }),
    h('fieldset', {}, h('legend', {}, 'Events'), EVENT_TYPES.map(t => checkbox(t, { name: 'eventTypes', value: t, checked: t === 'artifact.pushed' }))),
    field('Only tags matching (glob)', { name: 'tagPattern', placeholder: 'v*' }),
    field('Payload', { tag: 'select', name: 'payloadFormat', options: ['CLOUDEVENTS_STRUCTURED', 'CLOUDEVENTS_BINARY', 'COMPACT'] }),
  ], async (data) => {
    const repository = data.get('repository');
    const created = await api(`${NOTIFIER}/subscriptions`, {
      method: 'POST',
      body: {
        name: data.get('name'), scope: repository ? 'REPOSITORY' : 'PROJECT', project, repository: repository || null,
        eventTypes: data.getAll('eventTypes'), tagPattern: data.get('tagPattern') || null, channel: 'WEBHOOK',
        url: data.get('url'), payloadFormat: data.get('payloadFormat'),
      },
    });
    await refresh();
    const slot = document.querySelector('#tab-panel .secret-slot');
    if (created.secret) {
      slot?.append(secretBox(`Signing secret of ${created.name}`, created.secret,
        'Your receiver verifies the webhook-signature header with it. It is shown this once.'));
    }
    announce(`Webhook ${created.name} created`);
  }));
}

async function deployTab(ctx, project, panel, refresh) {
  let rules;
  try {
    rules = await api(`${DEPLOYER}/rules`, { signal: ctx.signal, query: { project } });
  } catch (e) {
    panel.append(failure(e, 'deploy rules'));
    return;
  }
  const act = (label, run) => h('button', {
    type: 'button', onclick: async () => {
      try { await run(); announce(`${label}: done`); refresh(); } catch (e) { announce(`${label} failed: ${e.message}`); }
    },
  }, label);
  panel.append(table(`Deploy rules of ${project}`, ['Rule', 'Repository', 'Tags', 'Target', 'State', ''], rules.map(r => h('tr', {},
    h('th', { scope: 'row' }, r.name),
    h('td', {}, r.repository),
    h('td', {}, r.tagPolicy ? `${r.tagPolicy.kind} ${r.tagPolicy.value}` : '—'),
    h('td', {}, r.target ? `${r.target.name || r.target.id} (${r.target.kind})${describeWorkload(r.workload)}` : '—'),
    h('td', {}, [r.enabled ? 'enabled' : 'disabled', r.dryRun ? 'dry run' : null, r.hold ? `on hold${r.hold.reason ? ` (${r.hold.reason})` : ''}` : null, r.lastVersion ? `last ${r.lastVersion}` : null].filter(Boolean).join(' · ')),
    h('td', { class: 'row-actions' },
      r.hold ? act(`Release ${r.name}`, () => api(`${DEPLOYER}/rules/${r.id}/hold`, { method: 'DELETE' }))
        : act(`Hold ${r.name}`, () => api(`${DEPLOYER}/rules/${r.id}/hold`, { method: 'POST', body: { reason: 'held from the web UI' } })),
      act(`Roll back ${r.name}`, () => api(`${DEPLOYER}/rules/${r.id}/rollback`, { method: 'POST', body: {} })),
      confirmButton(`Delete ${r.name}`, `Delete the rule ${r.name}?`, async () => {
        await api(`${DEPLOYER}/rules/${r.id}`, { method: 'DELETE' });
        refresh();
      }))))));
  const deployments = h('section', { 'aria-labelledby': 'deployments-title' }, h('h3', { id: 'deployments-title' }, 'Recent deployments'));
  panel.append(deployments);
  api(`${DEPLOYER}/deployments`, { signal: ctx.signal, query: { project, limit: 20 } }).then((page) => {
    const items = page.items || [];
    deployments.append(table(`Deployments in ${project}`, ['When', 'Image', 'State', ''], items.map(d => h('tr', {},
      h('td', {}, timeEl(d.createdAt)), h('td', {}, h('code', {}, d.image || `${d.repository}:${d.tag}`)),
      h('td', {}, `${d.state}${d.reason ? ` — ${d.reason}` : ''}`),
      h('td', {}, d.state === 'awaiting_approval'
        ? act('Approve', () => api(`${DEPLOYER}/deployments/${d.id}/approvals`, { method: 'POST', body: {} })) : null)))));
  }).catch(e => deployments.append(failure(e, 'deployments')));
  let targets = [];
  try {
    targets = await api(`${DEPLOYER}/targets`, { signal: ctx.signal, query: { project } });
  } catch (e) {
    panel.append(failure(e, 'the deploy targets of this project'));
    return;
  }
  if (!targets.length) {
    panel.append(message('info', 'No deploy target is granted to this project yet: a system administrator defines targets and grants them to projects.'));
    return;
  }
  const targetFields = h('div', { class: 'target-fields' });
  const showFields = (id) => replace(targetFields, ...workloadFields(targets.find(t => t.id === id), project));
  const picker = field('Target', {
    tag: 'select', name: 'target', required: true,
    options: targets.map(t => ({ value: t.id, label: `${t.name} (${t.kind})` })),
    onchange: (e) => showFields(e.target.value),
  }, 'The targets a system administrator granted to this project.');
  showFields(targets[0].id);
  const form = actionForm('Create deploy rule', [
    field('Name', { name: 'name', required: true }),
    field('Repository', { name: 'repository', required: true, placeholder: `${project}/api` }),
    field('Tag policy', { tag: 'select', name: 'policyKind', options: ['semver', 'glob', 'exact', 'regex'] }),
    field('Tag pattern', { name: 'policyValue', required: true, placeholder: '>=1.0.0 or v* or latest' }),
    picker,
    targetFields,
    field('Approvals required', { name: 'approvalsRequired', type: 'number', min: 0, value: '0' }),
    checkbox('Dry run (plan only, deploy nothing)', { name: 'dryRun', value: 'true' }),
  ], async (data) => {
    const target = targets.find(t => t.id === data.get('target'));
    const workload = {};
    for (const name of WORKLOAD_FIELDS[target.kind] || []) workload[name] = data.get(`workload.${name}`);
    const created = await api(`${DEPLOYER}/rules`, {
      method: 'POST',
      body: {
        name: data.get('name'), repository: data.get('repository'), tagPolicy: { kind: data.get('policyKind'), value: data.get('policyValue') },
        target: target.id, workload, dryRun: data.get('dryRun') === 'true', approvalsRequired: Number(data.get('approvalsRequired') || 0),
      },
    });
    await refresh();
    announce(`Rule ${created.name} created`);
  });
  form.addEventListener('reset', () => setTimeout(() => showFields(form.querySelector('select[name=target]').value)));
  panel.append(form);
}

/** What a rule names on its target, for the rules table. */
function describeWorkload(w) {
  if (!w) return '';
  if (w.namespace) return ` — ${w.workload} ${w.namespace}/${w.name}, container ${w.container}`;
  if (w.container) return ` — container ${w.container}`;
  return '';
}

/** The workload fields of each target kind, as a rule sends them. */
const WORKLOAD_FIELDS = { kubernetes: ['workload', 'namespace', 'name', 'container'], docker: ['container'], http: [] };

/** The fields a rule fills in for {@code target}, with the bounds its project was granted as hints. */
function workloadFields(target, project) {
  if (!target) return [];
  const grants = (target.grants || []).filter(g => g.project === project);
  if (target.kind === 'kubernetes') {
    const namespaces = [...new Set(grants.flatMap(g => g.namespaces || []))].join(', ');
    const workloads = [...new Set(grants.map(g => g.workloads || '*'))].join(', ');
    return [
      field('Workload kind', { tag: 'select', name: 'workload.workload', options: ['Deployment', 'StatefulSet', 'DaemonSet'] }),
      field('Namespace', { name: 'workload.namespace', required: true, autocomplete: 'off' }, `Granted: ${namespaces || 'none'}`),
      field('Workload name', { name: 'workload.name', required: true, autocomplete: 'off' }, `Granted: ${workloads}`),
      field('Container', { name: 'workload.container', required: true, autocomplete: 'off' }, 'The container in the pod template whose image is replaced.'),
    ];
  }
  if (target.kind === 'docker') {
    const containers = [...new Set(grants.map(g => g.containers))].join(', ');
    return [field('Container name', { name: 'workload.container', required: true, autocomplete: 'off' }, `Granted: ${containers}`)];
  }
  if (target.kind === 'http') return [h('p', { class: 'hint' }, 'The hook is the whole target: there is nothing to choose.')];
  return [h('p', { class: 'hint' }, `Targets of kind ${target.kind} cannot be used from the web UI yet.`)];
}

async function eventsTab(ctx, project, panel) {
  const { timeline } = await import('./timeline.js');
  panel.append(timeline(`Events in ${project}`, { project }, ctx.signal));
}

async function immutabilityTab(ctx, project, panel, refresh) {
  const { immutabilityTab: render } = await import('./immutability.js');
  await render(ctx, project, panel, refresh, { actionForm, confirmButton });
}

/**
 * The project's storage quota and usage as a line with a bar (a meter, so assistive technology reads
 * the numbers); nothing when the caller may not read it (limited guests, anonymous callers).
 */
async function quotaLine(ctx, project) {
  let q;
  try {
    q = await api(`/api/v1/projects/${encodeURIComponent(project)}/quota`, { signal: ctx.signal });
  } catch (e) {
    return null;
  }
  const artifacts = q.artifactLimit == null ? `${q.artifacts} artifacts` : `${q.artifacts} of ${q.artifactLimit} artifacts`;
  return h('p', { class: 'meta quota' }, 'Storage: ', usageBar(q), ` · ${artifacts}`);
}

async function retentionTab(ctx, project, panel, refresh) {
  const { retentionSection } = await import('./retention.js');
  await retentionSection(ctx, project, panel, refresh);
}

const RENDER = { repositories: repositoriesTab, members: membersTab, robots: robotsTab, webhooks: webhooksTab, deploy: deployTab, immutability: immutabilityTab, retention: retentionTab, events: eventsTab };

export async function projectView(ctx, name, tab) {
  const heading = h('h1', {}, name);
  ctx.main.append(heading);
  try {
    const project = await api(`/api/v1/projects/${encodeURIComponent(name)}`, { signal: ctx.signal });
    ctx.main.append(h('p', {}, badges({ official: project.official, verifiedPublisher: project.verifiedPublisher, public: project.isPublic }),
      project.role ? h('span', { class: 'meta' }, ` Your role: ${project.role}`) : null));
    const quota = await quotaLine(ctx, name);
    if (quota) ctx.main.append(quota);
  } catch (e) {
    ctx.main.append(failure(e, `project ${name}`));
    if (e.status === 404 || (e.status === 401 && !session.token)) return;
  }
  const current = RENDER[tab] ? tab : 'repositories';
  ctx.main.append(h('nav', { class: 'tabs', 'aria-label': 'Project sections' }, h('ul', {}, TABS.map(([id, label]) => h('li', {},
    h('a', { href: projectHref(name, id), 'aria-current': id === current ? 'page' : undefined }, label))))));
  const panel = h('section', { id: 'tab-panel', 'aria-labelledby': 'tab-title' });
  ctx.main.append(panel);
  const refresh = async () => {
    const kept = [...panel.querySelectorAll('.secret-box')];
    replace(panel, h('h2', { id: 'tab-title' }, TABS.find(([id]) => id === current)[1]));
    await RENDER[current](ctx, name, panel, refresh);
    const slot = panel.querySelector('.secret-slot');
    kept.forEach(box => slot?.append(box));
  };
  await refresh();
}
