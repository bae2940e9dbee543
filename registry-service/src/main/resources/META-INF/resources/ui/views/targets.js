import { h, field, checkbox, announce, message, replace } from '../dom.js';
import { api, session, DEPLOYER } from '../api.js';
import { failure, secretBox, table } from './common.js';

/** The example settings and grants each kind takes, shown as placeholders. */
const EXAMPLES = {
  kubernetes: {
    endpoint: 'in-cluster or kubeconfig:<context>', settings: '{}',
    grants: '[{"project": "team", "namespaces": ["team-*"], "workloads": "api-*"}]',
  },
  docker: {
    endpoint: 'unix:///var/run/docker.sock or tcp://host:2375', settings: '{"registryAuth": {"username": "robot$team+deployer", "password": "…"}}',
    grants: '[{"project": "team", "containers": "team-*"}]',
  },
  http: {
    endpoint: 'https://ci.example.com/hooks/deploy', settings: '{"method": "POST", "headers": {"Authorization": "Bearer …"}}',
    grants: '[{"project": "team"}]',
  },
};

function json(text, what, fallback) {
  if (!text || !text.trim()) return fallback;
  try { return JSON.parse(text); } catch { throw new Error(`${what} must be JSON`); }
}

function grantText(g) {
  const bounds = [g.namespaces ? `namespaces ${g.namespaces.join(', ')}` : null, g.workloads ? `workloads ${g.workloads}` : null,
    g.containers ? `containers ${g.containers}` : null].filter(Boolean).join('; ');
  return `${g.project}${bounds ? ` (${bounds})` : ''}`;
}

/** Deploy targets, for system administrators: where rules may deploy, and which projects may use each. */
export async function targetsView(ctx) {
  ctx.main.append(h('h1', {}, 'Deploy targets'));
  if (!session.user?.systemAdmin) {
    ctx.main.append(message('info', 'Deploy targets are defined by system administrators. A project\'s deploy rules tab lists the targets it may use.'));
    return;
  }
  const section = h('section', { 'aria-label': 'Deploy targets' });
  ctx.main.append(h('p', {}, 'A target is a Kubernetes cluster, a Docker host or an HTTP hook, granted to projects within bounds. '
    + 'Credentials (hook secret, header values, URL query values, registry passwords) are shown masked; '
    + 'changing a target\'s endpoint drops them unless new ones are given.'), section);
  const render = async () => {
    const kept = [...section.querySelectorAll('.secret-box')];
    replace(section, ...kept);
    let targets;
    try {
      targets = await api(`${DEPLOYER}/targets`, { signal: ctx.signal });
    } catch (e) {
      section.append(failure(e, 'deploy targets'));
      return;
    }
    section.append(table('Deploy targets', ['Name', 'Kind', 'Endpoint', 'Granted to', ''], targets.map(t => h('tr', {},
      h('th', { scope: 'row' }, t.name), h('td', {}, t.kind + (t.allowWharf ? ' (may change Wharf\'s own workloads)' : '')),
      h('td', {}, h('code', {}, t.endpoint)), h('td', {}, (t.grants || []).map(grantText).join(' · ') || 'no project'),
      h('td', {}, h('button', {
        type: 'button', class: 'danger', onclick: async () => {
          if (!window.confirm(`Delete the target ${t.name}?`)) return;
          try {
            await api(`${DEPLOYER}/targets/${t.id}`, { method: 'DELETE' });
            announce(`Target ${t.name} deleted`);
            render();
          } catch (e) {
            announce(`Delete ${t.name} failed: ${e.message}`);
          }
        },
      }, `Delete ${t.name}`))))));
    const error = h('div');
    const kind = field('Kind', { tag: 'select', name: 'kind', options: Object.keys(EXAMPLES) });
    const endpoint = field('Endpoint', { name: 'endpoint', required: true, autocomplete: 'off' });
    const settings = field('Settings (JSON, credentials included)', { tag: 'textarea', name: 'settings', rows: 3 });
    const grants = field('Grants (JSON)', { tag: 'textarea', name: 'grants', rows: 3 });
    const examples = () => {
      const example = EXAMPLES[kind.querySelector('select').value];
      endpoint.querySelector('input').placeholder = example.endpoint;
      settings.querySelector('textarea').placeholder = example.settings;
      grants.querySelector('textarea').placeholder = example.grants;
    };
    kind.querySelector('select').addEventListener('change', examples);
    examples();
    const form = h('form', {
      class: 'card', 'aria-label': 'Create deploy target',
      onsubmit: async (e) => {
        e.preventDefault();
        error.replaceChildren();
        const data = new FormData(form);
        try {
          const created = await api(`${DEPLOYER}/targets`, {
            method: 'POST',
            body: {
              name: data.get('name'), kind: data.get('kind'), endpoint: data.get('endpoint'),
              settings: json(data.get('settings'), 'Settings', {}), grants: json(data.get('grants'), 'Grants', []),
              allowWharf: data.get('allowWharf') === 'true',
            },
          });
          await render();
          if (created.secret) {
            section.prepend(secretBox(`Signing secret of ${created.name}`, created.secret,
              'The hook verifies the webhook-signature header with it. It is shown this once.'));
          }
          announce(`Target ${created.name} created`);
        } catch (err) {
          error.append(message('error', err.message));
        }
      },
    }, h('h2', {}, 'Create deploy target'), error,
    field('Name', { name: 'name', required: true, autocomplete: 'off' }, 'Lower case letters, digits and -; rules name the target by it.'),
    kind, endpoint, settings, grants,
    checkbox('May change Wharf\'s own workloads (the deployer\'s namespace, workloads labelled app.kubernetes.io/part-of: wharf)',
      { name: 'allowWharf', value: 'true' }),
    h('button', { type: 'submit', class: 'primary' }, 'Create deploy target'));
    section.append(form);
  };
  await render();
}
