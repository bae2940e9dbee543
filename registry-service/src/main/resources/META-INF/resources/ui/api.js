// Calls to the registry's API (/api/v1) and, through its same-origin pass-through, to the
// notifier's (/ui-api/notifier/api/v1) and the deployer's (/ui-api/deployer/api/v1).
//
// Only the short-lived API token is kept, in sessionStorage (gone when the tab closes); passwords
// never are. Secrets the APIs return once (robot secrets, webhook secrets) are never stored.

const KEY = 'wharf.session';

export const session = {
  read() {
    try {
      const s = JSON.parse(sessionStorage.getItem(KEY) || 'null');
      if (s && s.token && s.expiresAt > Date.now()) return s;
    } catch { /* a damaged entry is the same as none */ }
    sessionStorage.removeItem(KEY);
    return null;
  },
  get token() { return this.read()?.token || null; },
  get user() { return this.read()?.user || null; },
  save(token, expiresIn, user) {
    sessionStorage.setItem(KEY, JSON.stringify({ token, user, expiresAt: Date.now() + (expiresIn - 30) * 1000 }));
    window.dispatchEvent(new Event('wharf:session'));
  },
  clear() {
    sessionStorage.removeItem(KEY);
    window.dispatchEvent(new Event('wharf:session'));
  },
};

export class ApiError extends Error {
  /** errors: the refused request fields, [{ field, message }] (empty unless the request did not validate). */
  constructor(status, code, message, errors = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.errors = errors;
  }
}

export const NOTIFIER = '/ui-api/notifier/api/v1';
export const DEPLOYER = '/ui-api/deployer/api/v1';

// Every Wharf API refuses with one shape, RFC 9457 problem details (application/problem+json):
// { type, title, status, detail, code, errors: [{ field, message }] }. An answer without one (a proxy,
// an API this UI is newer than) keeps the HTTP status as its code.
async function problem(response) {
  let body = null;
  try { body = await response.json(); } catch { /* not JSON */ }
  const fields = Array.isArray(body?.errors) && body.errors.length
    ? body.errors.map(e => (e.field ? `${e.field} ${e.message}` : e.message)).join('; ') : null;
  const text = fields || body?.detail || body?.title || `${response.status} ${response.statusText}`;
  return new ApiError(response.status, body?.code || String(response.status), String(text), Array.isArray(body?.errors) ? body.errors : []);
}

/** fetch with the session's token; JSON in and out; throws ApiError on a non-2xx answer. */
export async function api(path, { method = 'GET', body, signal, query } = {}) {
  const headers = { Accept: 'application/json' };
  const token = session.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let url = path;
  if (query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (Array.isArray(v)) v.forEach(x => params.append(k, x));
      else if (v !== undefined && v !== null && v !== '' && v !== false) params.set(k, v);
    }
    const qs = params.toString();
    if (qs) url += `?${qs}`;
  }
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal, credentials: 'omit' });
  if (response.status === 401 && token) {
    session.clear();
  }
  if (!response.ok) throw await problem(response);
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  return type.includes('json') ? response.json() : response.text();
}

function basic(username, password) {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let binary = '';
  bytes.forEach(b => { binary += String.fromCharCode(b); });
  return `Basic ${btoa(binary)}`;
}

/** Exchanges a username and password (or personal access token) for an API token. */
export async function signIn(username, password) {
  const response = await fetch('/api/v1/auth/token', {
    method: 'POST', headers: { Authorization: basic(username, password), Accept: 'application/json' }, credentials: 'omit',
  });
  if (!response.ok) throw await problem(response);
  const { token, expiresIn } = await response.json();
  const me = await fetch('/api/v1/users/me', { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
  const user = me.ok ? await me.json() : { username };
  session.save(token, expiresIn || 300, user);
  return user;
}

/**
 * Follows a Server-Sent Events endpoint with the session's token (EventSource cannot send one):
 * calls onEvent with each data line's JSON; reconnects after a drop until signal aborts.
 */
export async function follow(path, query, onEvent, signal, onState = () => {}) {
  while (!signal.aborted) {
    try {
      const headers = { Accept: 'text/event-stream' };
      if (session.token) headers.Authorization = `Bearer ${session.token}`;
      const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v));
      const response = await fetch(`${path}?${params}`, { headers, signal, credentials: 'omit' });
      if (!response.ok) throw await problem(response);
      onState('live');
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5).replace(/^ /, '')).join('\n');
          if (data) {
            try { onEvent(JSON.parse(data)); } catch { /* a malformed line is skipped */ }
          }
        }
      }
    } catch (e) {
      if (signal.aborted) return;
      if (e instanceof ApiError && e.status >= 400 && e.status < 500) { onState('stopped', e); return; }
    }
    if (signal.aborted) return;
    onState('reconnecting');
    await new Promise(resolve => { const t = setTimeout(resolve, 2000); signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true }); });
  }
}
