import { h, field, checkbox, timeEl, announce, message, replace } from '../dom.js';
import { api, session } from '../api.js';
import { failure, secretBox, table } from './common.js';

/** The signed-in account: its projects and personal access tokens (shown once when made). */
export async function accountView(ctx) {
  const user = session.user;
  ctx.main.append(h('h1', {}, 'Your account'));
  if (!user) {
    ctx.main.append(failure({ status: 401 }, 'your account'));
    return;
  }
  const roles = Object.entries(user.projects || {});
  ctx.main.append(h('p', {}, `Signed in as ${user.username}${user.systemAdmin ? ' (system administrator)' : ''}.`),
    h('section', { 'aria-labelledby': 'roles-title' }, h('h2', { id: 'roles-title' }, 'Your projects'),
      roles.length ? h('ul', {}, roles.map(([p, r]) => h('li', {}, h('a', { href: `#/projects/${encodeURIComponent(p)}` }, p), ` — ${r}`)))
        : h('p', {}, 'You are not a member of any project.')));
  const tokens = h('section', { 'aria-labelledby': 'tokens-title' });
  ctx.main.append(tokens);
  const render = async () => {
    const kept = [...tokens.querySelectorAll('.secret-box')];
    replace(tokens, h('h2', { id: 'tokens-title' }, 'Personal access tokens'),
      h('p', {}, 'Use a token instead of your password with docker login (pull and push by default) and, with the api scope, '
        + 'the API. No token can change your password or make tokens.'), ...kept);
    let list;
    try {
      list = await api('/api/v1/users/me/tokens', { signal: ctx.signal });
    } catch (e) {
      tokens.append(failure(e, 'your tokens'));
      return;
    }
    tokens.append(table('Your tokens', ['Name', 'Scopes', 'Created', 'Expires', ''], list.map(t => h('tr', {},
      h('th', { scope: 'row' }, t.name), h('td', {}, (t.scopes || []).join(', ')), h('td', {}, timeEl(t.createdAt)), h('td', {}, t.expiresAt ? timeEl(t.expiresAt) : 'never'),
      h('td', {}, h('button', {
        type: 'button', class: 'danger', onclick: async () => {
          if (!window.confirm(`Revoke the token ${t.name}? Clients using it stop working.`)) return;
          await api(`/api/v1/users/me/tokens/${encodeURIComponent(t.name)}`, { method: 'DELETE' });
          announce(`Token ${t.name} revoked`);
          render();
        },
      }, `Revoke ${t.name}`))))));
    const error = h('div');
    const form = h('form', {
      class: 'card', 'aria-label': 'Create token',
      onsubmit: async (e) => {
        e.preventDefault();
        error.replaceChildren();
        const data = new FormData(form);
        try {
          const created = await api('/api/v1/users/me/tokens', {
            method: 'POST',
            body: { name: data.get('name'), expiresInDays: Number(data.get('expiresInDays') || 0), scopes: data.getAll('scopes') },
          });
          await render();
          tokens.querySelector('h2').after(secretBox(`Token ${created.name}`, created.token,
            'Use it as the password with docker login. It is shown this once.'));
          announce(`Token ${created.name} created; it is shown once`);
        } catch (err) {
          error.append(message('error', err.message));
        }
      },
    }, h('h3', {}, 'Create token'), error,
    field('Name', { name: 'name', required: true, maxlength: 100, autocomplete: 'off' }),
    field('Expires after (days, 0 for never)', { name: 'expiresInDays', type: 'number', min: 0, value: '90' }),
    h('fieldset', {}, h('legend', {}, 'Scopes'),
      checkbox('pull images', { name: 'scopes', value: 'pull', checked: true }),
      checkbox('push images', { name: 'scopes', value: 'push', checked: true }),
      checkbox('delete images', { name: 'scopes', value: 'delete' }),
      checkbox('use the API (projects, webhooks, deploy rules)', { name: 'scopes', value: 'api' })),
    h('button', { type: 'submit', class: 'primary' }, 'Create token'));
    tokens.append(form);
  };
  await render();
}
