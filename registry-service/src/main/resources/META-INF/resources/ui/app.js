// The Wharf web UI: a hash router over plain ES modules (no build step).
import { h, replace, announce } from './dom.js';
import { session } from './api.js';
import { browseView, searchView } from './views/browse.js';
import { repositoryView } from './views/repository.js';
import { projectView } from './views/project.js';
import { eventsView, traceView } from './views/events.js';
import { signInView } from './views/signin.js';
import { accountView } from './views/account.js';
import { targetsView } from './views/targets.js';
import { storageView } from './views/storage.js';

const routes = [
  [/^\/$/, () => browseView],
  [/^\/search$/, () => searchView],
  [/^\/signin$/, () => signInView],
  [/^\/account$/, () => accountView],
  [/^\/events$/, () => eventsView],
  [/^\/targets$/, () => targetsView],
  [/^\/storage$/, () => storageView],
  [/^\/events\/([^/]+)$/, (m) => (ctx) => traceView(ctx, decodeURIComponent(m[1]))],
  [/^\/projects\/([^/]+)(?:\/([a-z]+))?$/, (m) => (ctx) => projectView(ctx, decodeURIComponent(m[1]), m[2] || 'repositories')],
  [/^\/repositories\/(.+)$/, (m) => (ctx) => repositoryView(ctx, m[1].split('/').map(decodeURIComponent).join('/'))],
];

let current = null;

function parse() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = hash.split('?');
  return { path, params: new URLSearchParams(query) };
}

function notFound(ctx) {
  ctx.main.append(h('h1', { tabindex: '-1' }, 'Page not found'), h('p', {}, h('a', { href: '#/' }, 'Back to browsing')));
}

async function render() {
  if (location.hash && !location.hash.startsWith('#/')) return; // in-page anchors such as the skip link
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const { path, params } = parse();
  const main = document.getElementById('main');
  replace(main);
  let view = notFound;
  for (const [pattern, make] of routes) {
    const m = path.match(pattern);
    if (m) { view = make(m); break; }
  }
  markNav(path);
  const ctx = { main, params, signal: controller.signal, navigate };
  try {
    await view(ctx);
  } catch (e) {
    if (controller.signal.aborted) return;
    main.append(h('p', { class: 'message error', role: 'alert' }, `Something went wrong: ${e.message}`));
  }
  if (controller.signal.aborted) return;
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    document.title = `${heading.textContent} · Wharf`;
    if (render.moved) heading.focus();
  }
  render.moved = true;
}

function markNav(path) {
  for (const a of document.querySelectorAll('.site-header nav a')) {
    const target = a.getAttribute('href').slice(1);
    const active = target === '/' ? path === '/' : path.startsWith(target);
    if (active) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
}

export function navigate(hash) {
  if (location.hash === hash) render(); else location.hash = hash;
}

let expiry;
function renderAccount() {
  const box = document.getElementById('account');
  const current = session.read();
  const user = current?.user;
  // Deploy targets and storage are for system administrators: their pages are in the menu only for them.
  for (const id of ['nav-targets', 'nav-storage']) document.getElementById(id)?.toggleAttribute('hidden', !user?.systemAdmin);
  clearTimeout(expiry);
  // The API token is short-lived: when it runs out the page shows the visitor as signed out.
  if (current) expiry = setTimeout(() => { session.clear(); announce('Your session ended: sign in again'); }, current.expiresAt - Date.now() + 100);
  if (user) {
    replace(box,
      h('a', { class: 'who', href: '#/account', 'aria-label': `Your account (signed in as ${user.username})` }, 'Signed in as ', h('strong', {}, user.username)),
      h('button', {
        type: 'button', class: 'link-button', onclick: () => {
          session.clear();
          announce('Signed out');
          navigate('#/');
        },
      }, 'Sign out'));
  } else {
    replace(box, h('a', { href: '#/signin', class: 'button' }, 'Sign in'));
  }
}

document.querySelector('[data-skip]').addEventListener('click', (e) => {
  e.preventDefault();
  document.getElementById('main').focus();
});
window.addEventListener('hashchange', render);
window.addEventListener('wharf:session', renderAccount);
renderAccount();
render();
