// Storage, for system administrators: garbage collection (run now, dry run, history, stop) and every
// project's quota with its usage bar and an inline editor for the limits.
import { h, uid, timeEl, bytes, message, announce, replace } from '../dom.js';
import { api, session } from '../api.js';
import { failure, projectHref, table, usageBar } from './common.js';

const GC = '/api/v1/gc';
const PAGE = 20;
/** How often a running collection's row is read again (ms): a person watches it, nothing needs it sooner. */
const POLL_MS = 1500;

/** Waits ms, or less when the page is left (the signal aborts). */
function pause(ms, signal) {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

function runStatus(run) {
  if (run.status === 'running') return run.stopRequested ? 'running (stop requested)' : 'running';
  return run.error ? `${run.status}: ${run.error}` : run.status;
}

/** The garbage-collection section: start buttons, the history (paged), a Stop button and polling for a running run. */
function gcSection(ctx) {
  const section = h('section', { 'aria-labelledby': 'gc-title' },
    h('h2', { id: 'gc-title' }, 'Garbage collection'),
    h('p', {}, 'A collection deletes the blobs no manifest references and no repository links any more, after their grace period. '
      + 'A dry run changes nothing and counts what a run would free.'));
  const notice = h('div', { class: 'gc-notice' });
  const body = h('tbody');
  const headers = ['Started', 'Finished', 'Trigger', 'Dry run', 'Status', 'Blobs deleted', 'Bytes freed', 'Manifests deleted', 'Requested by', ''];
  const history = h('table', { class: 'gc-history' },
    h('caption', {}, 'Garbage-collection runs, newest first'),
    h('thead', {}, h('tr', {}, headers.map(x => h('th', { scope: 'col' }, x)))), body);
  const more = h('div', { class: 'pager' });
  const polling = new Set();

  const row = (run) => h('tr', { 'data-run': run.id, 'data-status': run.status },
    h('th', { scope: 'row' }, timeEl(run.startedAt)),
    h('td', {}, timeEl(run.finishedAt)),
    h('td', {}, run.trigger),
    h('td', {}, run.dryRun ? 'yes' : 'no'),
    h('td', {}, runStatus(run)),
    h('td', {}, String(run.blobsDeleted)),
    h('td', { title: `${run.bytesFreed} bytes` }, bytes(run.bytesFreed)),
    h('td', {}, String(run.manifestsDeleted)),
    h('td', {}, run.requestedBy || '—'),
    h('td', {}, run.status === 'running' && !run.stopRequested ? h('button', {
      type: 'button', class: 'danger', onclick: async (e) => {
        const button = e.currentTarget;
        button.disabled = true;
        notice.replaceChildren();
        try {
          show(await api(`${GC}/${encodeURIComponent(run.id)}/stop`, { method: 'POST' }));
          announce('Stop requested: the collection stops after its current batch');
        } catch (err) {
          button.disabled = false;
          notice.append(message('error', `Stopping failed: ${err.message}`));
        }
      },
    }, 'Stop') : null));

  /** Puts the run's row in the table (replacing its old one, or first when new) and follows it while it runs. */
  const show = (run) => {
    const fresh = row(run);
    const old = body.querySelector(`tr[data-run="${CSS.escape(run.id)}"]`);
    if (old) old.replaceWith(fresh);
    else {
      body.querySelector('td.empty')?.closest('tr')?.remove();
      body.prepend(fresh);
    }
    if (run.status === 'running') follow(run.id);
  };

  /** Reads a running run's row every POLL_MS until it ends or the page is left. */
  const follow = async (id) => {
    if (polling.has(id)) return;
    polling.add(id);
    try {
      for (;;) {
        await pause(POLL_MS, ctx.signal);
        if (ctx.signal.aborted) return;
        let run;
        try {
          run = await api(`${GC}/${encodeURIComponent(id)}`, { signal: ctx.signal });
        } catch (e) {
          if (ctx.signal.aborted) return;
          notice.replaceChildren(message('error', `Could not follow run ${id}: ${e.message}`));
          return;
        }
        show(run); // still running: show finds it followed already
        if (run.status !== 'running') {
          announce(`Garbage collection ${run.status}${run.dryRun ? ' (dry run)' : ''}: ${run.blobsDeleted} blobs, ${bytes(run.bytesFreed)}`
            + `${run.dryRun ? ' would be freed' : ' freed'}`);
          return;
        }
      }
    } finally {
      polling.delete(id);
    }
  };

  const load = async (cursor) => {
    const page = await api(GC, { signal: ctx.signal, query: { limit: PAGE, cursor } });
    for (const run of page.runs) {
      body.append(row(run));
      if (run.status === 'running') follow(run.id);
    }
    if (!body.children.length) body.append(h('tr', {}, h('td', { colspan: headers.length, class: 'empty' }, 'No collection has run yet.')));
    replace(more, page.next ? h('button', {
      type: 'button', onclick: async (e) => {
        e.currentTarget.disabled = true;
        try { await load(page.next); } catch (err) { more.append(message('error', err.message)); }
      },
    }, 'Show older runs') : null);
  };

  const start = (dryRun) => h('button', {
    type: 'button', class: dryRun ? 'primary' : 'danger', onclick: async (e) => {
      if (!dryRun && !window.confirm('Delete every blob nothing references any more, now?')) return;
      const button = e.currentTarget;
      button.disabled = true;
      notice.replaceChildren();
      try {
        show(await api(GC, { method: 'POST', body: { dryRun } }));
        announce(`${dryRun ? 'Dry run' : 'Garbage collection'} started`);
      } catch (err) {
        notice.append(message('error', err.status === 409 ? `Not started: ${err.message}` : `Starting failed: ${err.message}`));
      } finally {
        button.disabled = false;
      }
    },
  }, dryRun ? 'Dry run' : 'Run now');

  section.append(h('div', { class: 'actions' }, start(true), start(false)), notice, h('div', { class: 'table-wrap' }, history), more);
  return { section, load };
}

/** The field's problems in a 400 answer: the entries naming it, or the detail when it starts with its name. */
function problemsOf(err, name) {
  const listed = (err.errors || []).filter(e => (e.field || '').split('.').pop() === name).map(e => e.message);
  if (listed.length) return listed.join('; ');
  return err.message.startsWith(`${name}:`) ? err.message.slice(name.length + 1).trim() : null;
}

/** A limit input with its label and the slot where the API's complaint about it goes. */
function limitInput(label, name, value, hint) {
  const id = uid('quota');
  const input = h('input', { id, name, type: 'text', value: value ?? '', placeholder: 'unlimited', autocomplete: 'off', 'aria-describedby': `${id}-hint` });
  const error = h('p', { class: 'hint error-text', id: `${id}-error` });
  return {
    input,
    element: h('div', { class: 'field' }, h('label', { for: id }, label), input, h('p', { class: 'hint', id: `${id}-hint` }, hint), error),
    complain(text) {
      error.textContent = text || '';
      input.toggleAttribute('aria-invalid', Boolean(text));
      input.setAttribute('aria-describedby', text ? `${id}-error ${id}-hint` : `${id}-hint`);
    },
  };
}

/** The inline editor of one project's limits, in its row's last cell; saved, the table is read again. */
function quotaEditor(q, cell, reload) {
  const storage = limitInput(`Storage limit of ${q.project}`, 'storageLimit', q.storageLimit, 'A size such as 10GiB or 500MB; empty for unlimited.');
  const artifacts = limitInput(`Artifact limit of ${q.project}`, 'artifactLimit', q.artifactLimit, 'Manifests; empty for unlimited.');
  const general = h('div');
  const form = h('form', {
    class: 'quota-editor', 'aria-label': `Quota of ${q.project}`,
    onsubmit: async (e) => {
      e.preventDefault();
      general.replaceChildren();
      storage.complain(null);
      artifacts.complain(null);
      const storageLimit = storage.input.value.trim() || null;
      const artifactText = artifacts.input.value.trim();
      const artifactLimit = artifactText === '' ? null : Number(artifactText);
      if (artifactLimit !== null && !Number.isInteger(artifactLimit)) {
        artifacts.complain('must be a whole number, or empty for unlimited');
        artifacts.input.focus();
        return;
      }
      const save = form.querySelector('button[type=submit]');
      save.disabled = true;
      try {
        await api(`/api/v1/projects/${encodeURIComponent(q.project)}/quota`, { method: 'PUT', body: { storageLimit, artifactLimit } });
        announce(`Quota of ${q.project} saved`);
        await reload();
      } catch (err) {
        save.disabled = false;
        const onStorage = err.status === 400 ? problemsOf(err, 'storageLimit') : null;
        const onArtifacts = err.status === 400 ? problemsOf(err, 'artifactLimit') : null;
        storage.complain(onStorage);
        artifacts.complain(onArtifacts);
        if (onStorage) storage.input.focus();
        else if (onArtifacts) artifacts.input.focus();
        else general.append(message('error', err.message));
      }
    },
  }, general, storage.element, artifacts.element,
  h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'primary' }, `Save quota of ${q.project}`),
    h('button', { type: 'button', onclick: () => { replace(cell, editButton(q, cell, reload)); cell.querySelector('button').focus(); } }, 'Cancel')));
  return form;
}

function editButton(q, cell, reload) {
  return h('button', {
    type: 'button', onclick: () => {
      replace(cell, quotaEditor(q, cell, reload));
      cell.querySelector('input').focus();
    },
  }, `Edit quota of ${q.project}`);
}

/** Every project's quota and usage, fullest first. */
function quotasSection(ctx) {
  const section = h('section', { 'aria-labelledby': 'quotas-title' }, h('h2', { id: 'quotas-title' }, 'Quotas'));
  const slot = h('div');
  section.append(h('p', {}, 'Usage counts every blob and manifest a project stores once, however many of its repositories share it. '
    + 'A push that would go over the storage limit is refused before its bytes are stored.'), slot);
  const load = async () => {
    let quotas;
    try {
      quotas = await api('/api/v1/quotas', { signal: ctx.signal });
    } catch (e) {
      replace(slot, failure(e, 'the quotas'));
      return;
    }
    replace(slot, h('div', { class: 'table-wrap' }, table('Projects by usage, fullest first', ['Project', 'Storage', 'Artifacts', ''], quotas.map((q) => {
      const cell = h('td', {});
      cell.append(editButton(q, cell, load));
      return h('tr', { 'data-project': q.project },
        h('th', { scope: 'row' }, h('a', { href: projectHref(q.project) }, q.project)),
        h('td', {}, usageBar(q)),
        h('td', {}, q.artifactLimit == null ? `${q.artifacts}` : `${q.artifacts} of ${q.artifactLimit}`),
        cell);
    }))));
  };
  return { section, load };
}

export async function storageView(ctx) {
  ctx.main.append(h('h1', {}, 'Storage'));
  if (!session.user?.systemAdmin) {
    ctx.main.append(message('info', 'Garbage collection and quotas are managed by system administrators. A project page shows its own usage.'));
    return;
  }
  const gc = gcSection(ctx);
  const quotas = quotasSection(ctx);
  ctx.main.append(gc.section, quotas.section);
  await Promise.all([
    gc.load().catch((e) => { if (!ctx.signal.aborted) gc.section.append(failure(e, 'the garbage-collection runs')); }),
    quotas.load(),
  ]);
}
