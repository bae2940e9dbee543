import { h, field, message, announce } from '../dom.js';
import { signIn } from '../api.js';

export function signInView(ctx) {
  const error = h('div', { class: 'form-error' });
  const form = h('form', {
    class: 'card narrow', 'aria-describedby': 'signin-help',
    onsubmit: async (e) => {
      e.preventDefault();
      const data = new FormData(form);
      const button = form.querySelector('button');
      button.disabled = true;
      error.replaceChildren();
      try {
        const user = await signIn(data.get('username'), data.get('password'));
        form.reset();
        announce(`Signed in as ${user.username}`);
        const next = ctx.params.get('next') || '';
        ctx.navigate(next.startsWith('#/') ? next : '#/');
      } catch (err) {
        form.querySelector('[name=password]').value = '';
        error.append(message('error', err.status === 401
          ? 'Incorrect username or password.'
          : `Signing in failed: ${err.message}`));
        form.querySelector('[name=password]').focus();
      } finally {
        button.disabled = false;
      }
    },
  },
  h('p', { id: 'signin-help' }, 'Use your Wharf account, or a personal access token as the password.'),
  error,
  field('Username', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' }),
  field('Password or access token', { name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
  h('button', { type: 'submit', class: 'primary' }, 'Sign in'));
  ctx.main.append(h('h1', {}, 'Sign in'), form);
  form.querySelector('[name=username]').focus();
}
