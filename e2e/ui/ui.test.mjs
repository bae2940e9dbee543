// End-to-end test of the Wharf web UI in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) against a running Wharf (e2e/ui/run.sh passes the addresses and credentials).
// Each step prints "ok - …" or "not ok - …" and leaves a screenshot in the artifacts directory.
import { chromium } from 'playwright-core';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const BASE = process.env.WHARF_UI_URL || 'http://127.0.0.1:5000';
const USER = process.env.WHARF_ADMIN_USER || 'admin';
const PASSWORD = process.env.WHARF_ADMIN_PASSWORD;
const HOOK_URL = process.env.E2E_HOOK_URL; // a receiver the notifier may deliver to
const ARTIFACTS = process.env.E2E_UI_ARTIFACTS || path.resolve('logs');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = 30_000;
if (!PASSWORD) throw new Error('set WHARF_ADMIN_PASSWORD');
mkdirSync(ARTIFACTS, { recursive: true });

const host = new URL(BASE).host;
const repoName = `ui-e2e-${randomBytes(4).toString('hex')}`;
const repository = `library/${repoName}`;
const auth = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

let passed = 0;
let failed = 0;
let shot = 0;
const results = [];

// ---- a real push over the registry API (the way clients.sh's images are made: no internet needed)

async function putBlob(bytes) {
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const start = await fetch(`${BASE}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: { Authorization: auth } });
  if (start.status !== 202) throw new Error(`upload start: ${start.status} ${await start.text()}`);
  const location = new URL(start.headers.get('location'), BASE);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', headers: { Authorization: auth, 'Content-Type': 'application/octet-stream' }, body: bytes });
  if (put.status !== 201) throw new Error(`blob put: ${put.status} ${await put.text()}`);
  return { digest, size: bytes.length };
}

/** Pushes a one-layer linux/amd64 image as repository:tag; returns the manifest digest. */
async function pushImage(tag) {
  const layer = await putBlob(Buffer.from(`layer of ${repository}:${tag} ${Date.now()}`));
  const config = await putBlob(Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [layer.digest] },
  })));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
  }));
  const put = await fetch(`${BASE}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT', headers: { Authorization: auth, 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }, body: manifest,
  });
  if (put.status !== 201) throw new Error(`manifest put: ${put.status} ${await put.text()}`);
  return `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
}

/** Whether an API the UI uses is in this build (issue 8's search and repository APIs come from another branch). */
async function answers(pathname) {
  const r = await fetch(`${BASE}${pathname}`, { headers: { Authorization: auth } });
  await r.arrayBuffer();
  return r.status !== 404;
}

// ---- checks every page must pass

async function accessibility(page) {
  return page.evaluate(() => {
    const problems = [];
    const h1 = document.querySelectorAll('h1');
    if (h1.length !== 1) problems.push(`${h1.length} h1 elements`);
    for (const landmark of ['header', 'nav', 'main', 'footer']) {
      if (!document.querySelector(landmark)) problems.push(`no <${landmark}>`);
    }
    for (const control of document.querySelectorAll('input, select, textarea')) {
      if (control.type === 'hidden') continue;
      const labelled = (control.id && document.querySelector(`label[for="${CSS.escape(control.id)}"]`))
        || control.closest('label') || control.getAttribute('aria-label') || control.getAttribute('aria-labelledby');
      if (!labelled) problems.push(`unlabelled ${control.tagName.toLowerCase()} ${control.name || ''}`);
    }
    for (const b of document.querySelectorAll('button, a[href]')) {
      if (!(b.textContent.trim() || b.getAttribute('aria-label'))) problems.push(`${b.tagName.toLowerCase()} without a name`);
    }
    const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
    const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (dup.length) problems.push(`duplicate ids ${[...new Set(dup)].join(', ')}`);
    if (!document.documentElement.lang) problems.push('no lang on <html>');
    return problems;
  });
}

async function step(page, name, run) {
  shot += 1;
  const file = path.join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 60)}.png`);
  try {
    await run();
    const problems = await accessibility(page);
    if (problems.length) throw new Error(`accessibility: ${problems.join('; ')}`);
    passed += 1;
    results.push(`ok - ${name}`);
    console.log(`ok - ${name}`);
  } catch (e) {
    failed += 1;
    results.push(`not ok - ${name}`);
    console.log(`not ok - ${name}\n#   ${String(e.stack || e).split('\n').slice(0, 6).join('\n#   ')}`);
  } finally {
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
  }
}

function skip(name, why) {
  results.push(`ok - ${name} # SKIP ${why}`);
  console.log(`ok - ${name} # SKIP ${why}`);
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

// ---- the scenarios

const profile = mkdtempSync(path.join(tmpdir(), 'wharf-ui-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  viewport: { width: 1280, height: 900 },
});
context.setDefaultTimeout(TIMEOUT);
const page = context.pages()[0] || await context.newPage();

// Console errors fail the run, except the network errors a step expects (e.g. 401 on a wrong password).
const consoleErrors = [];
let expectedFailures = [];
page.on('console', (msg) => {
  if (msg.type() !== 'error') return;
  const url = msg.location()?.url || '';
  if (/Failed to load resource/.test(msg.text()) && expectedFailures.some(p => url.includes(p))) return;
  consoleErrors.push(`${msg.text()} (${url})`);
});
page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));

let digest;
let searchApi = false;
let repositoryApi = false;
let deployerRules = false;

try {
  digest = await pushImage('1.0');
  console.log(`# pushed ${host}/${repository}:1.0 (${digest})`);
  searchApi = await answers('/api/v1/search?q=probe');
  repositoryApi = await answers(`/api/v1/repositories/${repository}`);
  const token = (await (await fetch(`${BASE}/api/v1/auth/token`, { method: 'POST', headers: { Authorization: auth } })).json()).token;
  const rules = await fetch(`${BASE}/ui-api/deployer/api/v1/rules?project=library`, { headers: { Authorization: `Bearer ${token}` } });
  await rules.arrayBuffer();
  deployerRules = rules.status !== 404;
  console.log(`# APIs in this build: search ${searchApi}, repository detail ${repositoryApi}, deployer rules ${deployerRules}`);
  if (!(searchApi && repositoryApi && deployerRules)) {
    throw new Error(`an API the UI needs does not answer: search ${searchApi}, repository detail ${repositoryApi}, deployer rules ${deployerRules}`);
  }

  await step(page, 'the UI opens at / with landmarks, one h1 and labelled inputs', async () => {
    const response = await page.goto(`${BASE}/`);
    expect(response.ok(), `GET / answered ${response.status()}`);
    expect(page.url().startsWith(`${BASE}/ui/`), `not redirected to /ui/: ${page.url()}`);
    await page.getByRole('heading', { level: 1, name: 'Browse' }).waitFor();
    await page.getByRole('link', { name: 'library' }).first().waitFor();
  });

  await step(page, 'signing in with a wrong password shows an error', async () => {
    expectedFailures.push('/api/v1/auth/token');
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Username').fill(USER);
    await page.getByLabel('Password or access token').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Incorrect username or password' }).waitFor();
    expect(await page.getByLabel('Password or access token').inputValue() === '', 'the wrong password stays in the field');
    expectedFailures = expectedFailures.filter(p => p !== '/api/v1/auth/token');
  });

  await step(page, 'signing in with the right password shows the account and keeps only an API token', async () => {
    await page.getByLabel('Password or access token').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.account').getByText(`Signed in as ${USER}`).waitFor();
    const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
    expect(!stored.includes(PASSWORD), 'the password is stored in the browser');
    expect(await page.evaluate(() => localStorage.length) === 0, 'something is kept in localStorage');
  });

  if (searchApi) {
    await step(page, 'search finds the pushed repository with the Official badge', async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Search', exact: true }).click();
      await page.getByLabel('Search repositories, projects and tags').fill(repoName);
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      const result = page.locator('.result').filter({ has: page.getByRole('link', { name: repository, exact: true }) });
      await result.waitFor();
      await result.locator('.badge.official', { hasText: 'Official' }).waitFor();
    });
  } else {
    skip('search finds the pushed repository with the Official badge', 'GET /api/v1/search is not in this build (issue 8, search branch)');
  }

  if (repositoryApi) {
    await step(page, 'the repository page shows tags, digests, platforms and the exact docker pull lines', async () => {
      await page.goto(`${BASE}/ui/#/repositories/${repository}`);
      await page.getByRole('heading', { level: 1, name: repository }).waitFor();
      const row = page.locator('tr[data-tag="1.0"]');
      await row.waitFor();
      await row.locator('code.digest').filter({ hasText: digest.slice(0, 19) }).waitFor();
      expect(await row.locator('code.digest').getAttribute('title') === digest, 'the full digest is not given');
      await row.getByText(`docker pull ${host}/${repository}:1.0`, { exact: true }).waitFor();
      await row.getByText(`docker pull ${host}/${repository}@${digest}`, { exact: true }).waitFor();
      await row.getByText('linux/amd64').waitFor();
    });

    await step(page, 'a README with HTML in it is rendered as text, its markdown as markup', async () => {
      const readme = '# Hello\n\nSome **bold** text and `code`.\n\n<script>window.pwned = 1</script>\n\n'
        + '[safe](https://example.org/) [unsafe](javascript:window.pwned=2) <img src=x onerror="window.pwned=3">\n\n- one\n- two\n';
      const put = await fetch(`${BASE}/api/v1/repositories/${repository}/readme`, {
        method: 'PUT', headers: { Authorization: auth, 'Content-Type': 'text/markdown' }, body: readme,
      });
      expect(put.ok, `PUT readme answered ${put.status}`);
      await page.reload();
      const rendered = page.locator('.readme .markdown');
      await rendered.getByRole('heading', { name: 'Hello' }).waitFor();
      await rendered.locator('strong', { hasText: 'bold' }).waitFor();
      await rendered.getByText('<script>window.pwned = 1</script>').waitFor();
      expect(await rendered.locator('script, img').count() === 0, 'HTML from the README became elements');
      expect(await rendered.locator('a[href^="javascript"]').count() === 0, 'a javascript: link was rendered');
      await rendered.getByRole('link', { name: 'safe', exact: true }).waitFor();
      expect(await page.evaluate(() => window.pwned) === undefined, 'script from the README ran');
    });
  } else {
    skip('the repository page shows tags, digests, platforms and the exact docker pull lines',
      'GET /api/v1/repositories/{project}/{name} is not in this build (issue 8, search branch)');
  }

  await step(page, 'a webhook subscription made in the UI (notifier through the proxy) shows its secret once', async () => {
    expect(HOOK_URL, 'E2E_HOOK_URL is not set');
    await page.goto(`${BASE}/ui/#/projects/library/webhooks`);
    await page.getByRole('heading', { level: 2, name: 'Webhooks' }).waitFor();
    const form = page.getByRole('form', { name: 'Create webhook' });
    await form.getByLabel('Name').fill(`ui-${repoName}`);
    await form.getByLabel('URL').fill(HOOK_URL);
    await form.getByRole('button', { name: 'Create webhook' }).click();
    const box = page.locator('.secret-box');
    await box.waitFor();
    const secret = (await box.locator('.secret-value').textContent()).trim();
    expect(secret.startsWith('whsec_'), `not a webhook secret: ${secret.slice(0, 6)}…`);
    await page.locator('tr[data-subscription]').filter({ hasText: `ui-${repoName}` }).waitFor();
    const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }) + location.href);
    expect(!stored.includes(secret), 'the secret is in storage or the URL');
    await page.screenshot({ path: path.join(ARTIFACTS, `${String(shot).padStart(2, '0')}b-secret-shown-once.png`), fullPage: true });
    await box.getByRole('button', { name: /dismiss/ }).click();
    await box.waitFor({ state: 'detached' });
    expect(!(await page.content()).includes(secret), 'the secret is still in the page after dismissing');
    await page.reload();
    await page.locator('tr[data-subscription]').filter({ hasText: `ui-${repoName}` }).waitFor();
    expect(!(await page.content()).includes(secret), 'the secret is shown again');
  });

  await step(page, 'a robot account made in the UI shows its secret once', async () => {
    await page.goto(`${BASE}/ui/#/projects/library/robots`);
    await page.getByRole('heading', { level: 2, name: 'Robot accounts' }).waitFor();
    const form = page.getByRole('form', { name: 'Create robot account' });
    await form.getByLabel('Name').fill(`ci-${repoName}`);
    await form.getByLabel('Push').check();
    await form.getByRole('button', { name: 'Create robot account' }).click();
    const box = page.locator('.secret-box');
    await box.waitFor();
    const secret = (await box.locator('.secret-value').textContent()).trim();
    expect(secret.length >= 20, 'no robot secret shown');
    await page.getByRole('row').filter({ hasText: `robot$library+ci-${repoName}` }).waitFor();
    await box.getByRole('button', { name: /dismiss/ }).click();
    await box.waitFor({ state: 'detached' });
    expect(!(await page.content()).includes(secret), 'the robot secret is still in the page after dismissing');
    const robot = await fetch(`${BASE}/v2/`, { headers: { Authorization: `Basic ${Buffer.from(`robot$library+ci-${repoName}:${secret}`).toString('base64')}` } });
    expect(robot.status === 200, `the shown secret does not sign the robot in: ${robot.status}`);
  });

  await step(page, 'a tag immutability rule added in the UI refuses moving the tag, naming the rule; removed, it does not', async () => {
    await page.goto(`${BASE}/ui/#/projects/library/immutability`);
    await page.getByRole('heading', { level: 2, name: 'Tag immutability' }).waitFor();
    const form = page.getByRole('form', { name: 'Add immutability rule' });
    await form.getByLabel(/^Tags \(patterns/).fill('1.*');
    await form.getByLabel(/^Repositories \(patterns/).fill(repository);
    await form.getByLabel('Description').fill(`ui-${repoName}`);
    await form.getByRole('button', { name: 'Add immutability rule' }).click();
    const row = page.getByRole('row').filter({ hasText: `tags 1.* in ${repository}` });
    await row.waitFor();
    const moved = await pushImage('1.0').then(() => null, (e) => e.message);
    expect(moved && moved.includes(`tag ${repository}:1.0 is immutable (rule `), `moving 1.0 was not refused naming the rule: ${moved}`);
    const id = await row.getAttribute('data-rule');
    page.once('dialog', (d) => d.accept());
    await row.getByRole('button', { name: `Delete rule ${id}` }).click();
    await row.waitFor({ state: 'detached' });
    await pushImage('1.0'); // the rule is gone: 1.0 moves again
  });

  await step(page, 'a retention keep-rule added in the UI and a dry run show the KEEP / DELETE report; the rule removed again', async () => {
    await page.goto(`${BASE}/ui/#/projects/library/retention`);
    await page.getByRole('heading', { level: 2, name: 'Retention' }).waitFor();
    const form = page.getByRole('form', { name: 'Add a keep-rule' });
    await form.getByLabel('Keep', { exact: true }).selectOption('latestPushed');
    await form.getByLabel('N', { exact: true }).fill('5');
    await form.getByLabel('Repositories (glob after the project)').fill(repoName);
    await form.getByRole('button', { name: 'Add rule' }).click();
    const rule = page.getByRole('table', { name: 'Keep-rules of library' }).getByRole('row').filter({ hasText: 'Keep the most recently pushed 5' });
    await rule.waitFor();
    await page.getByRole('button', { name: 'Dry run', exact: true }).click();
    const report = page.locator('.retention-report');
    await report.getByRole('heading', { level: 3, name: /dry run/ }).waitFor();
    await report.getByRole('table', { name: repository }).getByRole('row').filter({ hasText: 'KEEP' }).first().waitFor();
    await page.getByRole('table', { name: 'Retention runs of library' }).getByRole('rowheader', { name: /\(dry\)$/ }).first().waitFor();
    await rule.getByRole('button', { name: /^Remove rule/ }).click();
    await page.getByRole('table', { name: 'Keep-rules of library' }).getByText('None yet.').waitFor();
  });

  await step(page, 'a system administrator starts a dry garbage collection on the Storage page and sees it complete with its numbers', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Storage', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Storage' }).waitFor();
    const history = page.getByRole('table', { name: 'Garbage-collection runs, newest first' });
    await history.locator('tbody tr').first().waitFor();
    const before = await history.locator('tbody tr[data-run]').first().getAttribute('data-run', { timeout: 1000 }).catch(() => null);
    await page.getByRole('button', { name: 'Dry run', exact: true }).click();
    const refused = page.getByRole('alert').filter({ hasText: 'Not started' });
    const first = history.locator('tbody tr[data-run]').first();
    await page.waitForFunction(([previous]) => {
      const id = document.querySelector('.gc-history tbody tr[data-run]')?.dataset.run;
      return (id && id !== previous) || document.querySelector('.gc-notice [role=alert]');
    }, [before]);
    expect(!(await refused.count()), `the dry run was not started: ${await refused.first().textContent().catch(() => '')}`);
    const id = await first.getAttribute('data-run');
    // The page follows the running run by itself (polling its row) until it ends.
    const done = history.locator(`tr[data-run="${id}"]:not([data-status="running"])`);
    await done.waitFor({ timeout: 90_000 });
    const token = (await (await fetch(`${BASE}/api/v1/auth/token`, { method: 'POST', headers: { Authorization: auth } })).json()).token;
    const run = await (await fetch(`${BASE}/api/v1/gc/${id}`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(run.status === 'completed' && run.dryRun === true, `the run ended ${run.status} (dry ${run.dryRun}): ${run.error}`);
    const cells = (await done.locator('th, td').allTextContents()).map(t => t.trim());
    // Started, Finished, Trigger, Dry run, Status, Blobs deleted, Bytes freed, Manifests deleted, Requested by
    expect(cells[2] === 'manual' && cells[3] === 'yes' && cells[4] === 'completed', `the row says ${cells.join(' | ')}`);
    expect(cells[1] !== '—', 'the finished run shows no end time');
    expect(cells[5] === String(run.blobsDeleted) && cells[7] === String(run.manifestsDeleted), `counts ${cells[5]}, ${cells[7]} are not the API's ${run.blobsDeleted}, ${run.manifestsDeleted}`);
    expect(/^\d+(\.\d)? (B|KiB|MiB|GiB|TiB)$/.test(cells[6]), `bytes freed not in human units: ${cells[6]}`);
    expect(await done.locator('td').nth(5).getAttribute('title') === `${run.bytesFreed} bytes`, 'the exact byte count is not given');
    expect(cells[8] === USER, `requested by ${cells[8]}`);
    expect(!(await done.getByRole('button', { name: 'Stop' }).count()), 'an ended run still offers Stop');
  });

  await step(page, 'a system administrator sets a project quota on the Storage page (a bad size refused next to the field) and sees the bar', async () => {
    const token = (await (await fetch(`${BASE}/api/v1/auth/token`, { method: 'POST', headers: { Authorization: auth } })).json()).token;
    const quotaUrl = `${BASE}/api/v1/projects/library/quota`;
    const previous = await (await fetch(quotaUrl, { headers: { Authorization: `Bearer ${token}` } })).json();
    const quotas = page.getByRole('table', { name: 'Projects by usage, fullest first' });
    const row = quotas.locator('tr[data-project="library"]');
    await row.getByRole('button', { name: 'Edit quota of library' }).click();
    const limit = row.getByLabel('Storage limit of library');
    expectedFailures.push('/api/v1/projects/library/quota');
    await limit.fill('ten gigs');
    await row.getByRole('button', { name: 'Save quota of library' }).click();
    await row.locator('.error-text').filter({ hasText: /\S/ }).waitFor();
    expect(await limit.getAttribute('aria-invalid') !== null, 'the refused field is not marked invalid');
    expectedFailures = expectedFailures.filter(p => p !== '/api/v1/projects/library/quota');
    const unchanged = await (await fetch(quotaUrl, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(unchanged.storageLimit === previous.storageLimit, 'a refused limit changed the quota');
    try {
      await limit.fill('10GiB');
      await row.getByRole('button', { name: 'Save quota of library' }).click();
      const meter = quotas.locator('tr[data-project="library"] meter');
      await meter.waitFor();
      expect(await meter.getAttribute('max') === String(10 * 1024 ** 3), `the bar's maximum is ${await meter.getAttribute('max')}`);
      expect((await meter.getAttribute('aria-label')).includes('of 10.0 GiB'), `the bar says ${await meter.getAttribute('aria-label')}`);
      const saved = await (await fetch(quotaUrl, { headers: { Authorization: `Bearer ${token}` } })).json();
      expect(saved.storageLimit === 10 * 1024 ** 3, `the API has ${saved.storageLimit}`);
      expect(await meter.getAttribute('value') === String(saved.used), `the bar shows ${await meter.getAttribute('value')} used, the API ${saved.used}`);
      await page.goto(`${BASE}/ui/#/projects/library`);
      await page.locator('.quota meter').waitFor();
    } finally {
      // Back to what it was, so the pushes after this step are not limited by it.
      await fetch(quotaUrl, {
        method: 'PUT', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ storageLimit: previous.storageLimit == null ? null : String(previous.storageLimit), artifactLimit: previous.artifactLimit }),
      });
    }
  });

  await step(page, 'a personal access token made on the account page is shown once and signs in', async () => {
    await page.locator('.account').getByRole('link', { name: /Your account/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
    const form = page.getByRole('form', { name: 'Create token' });
    await form.getByLabel('Name').fill(`ui-${repoName}`);
    await form.getByRole('button', { name: 'Create token' }).click();
    const box = page.locator('.secret-box');
    await box.waitFor();
    const token = (await box.locator('.secret-value').textContent()).trim();
    await page.getByRole('table', { name: 'Your tokens' }).getByRole('rowheader', { name: `ui-${repoName}` }).waitFor();
    await box.getByRole('button', { name: /dismiss/ }).click();
    await box.waitFor({ state: 'detached' });
    expect(!(await page.content()).includes(token), 'the token is still in the page after dismissing');
    const login = await fetch(`${BASE}/v2/`, { headers: { Authorization: `Basic ${Buffer.from(`${USER}:${token}`).toString('base64')}` } });
    expect(login.status === 200, `the shown token does not sign in: ${login.status}`);
  });

  const hookTarget = `ui-hook-${Date.now()}`;
  await step(page, 'a system administrator defines a deploy target on the Targets page; its secret is shown once', async () => {
    await page.getByRole('link', { name: 'Targets' }).click();
    await page.getByRole('heading', { level: 1, name: 'Deploy targets' }).waitFor();
    const form = page.getByRole('form', { name: 'Create deploy target' });
    await form.getByLabel('Name', { exact: true }).fill(hookTarget);
    await form.getByLabel('Kind').selectOption('http');
    await form.getByLabel('Endpoint').fill(`${HOOK_URL}?token=ui-query-secret`);
    await form.getByLabel(/^Settings/).fill(JSON.stringify({ headers: { Authorization: 'Bearer ui-header-secret' } }));
    await form.getByLabel(/^Grants/).fill(JSON.stringify([{ project: 'library' }]));
    await form.getByRole('button', { name: 'Create deploy target' }).click();
    await page.getByRole('rowheader', { name: hookTarget, exact: true }).waitFor();
    const box = page.locator('.secret-box');
    await box.waitFor();
    const secret = (await box.locator('.secret-value').textContent()).trim();
    await box.getByRole('button', { name: /dismiss/ }).click();
    const content = await page.content();
    expect(!content.includes(secret), 'the target secret is still in the page after dismissing');
    expect(!content.includes('ui-query-secret') && !content.includes('ui-header-secret'), 'a query or header value is shown');
  });

  await step(page, 'the deploy rules tab reaches the deployer through the proxy', async () => {
    await page.goto(`${BASE}/ui/#/projects/library/deploy`);
    await page.getByRole('heading', { level: 2, name: 'Deploy rules' }).waitFor();
    if (deployerRules) {
      await page.getByRole('table', { name: 'Deploy rules of library' }).waitFor();
      const form = page.getByRole('form', { name: 'Create deploy rule' });
      await form.getByLabel('Name', { exact: true }).fill(`deploy-${repoName}`);
      await form.getByLabel('Repository').fill(repository);
      await form.getByLabel('Tag policy').selectOption('glob');
      await form.getByLabel('Tag pattern').fill('*');
      await form.getByLabel('Target', { exact: true }).selectOption({ label: `${hookTarget} (http)` });
      await form.getByText('The hook is the whole target').waitFor();
      await form.getByLabel(/Dry run/).check();
      await form.getByRole('button', { name: 'Create deploy rule' }).click();
      const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: `deploy-${repoName}`, exact: true }) });
      await row.waitFor();
      await row.getByRole('button', { name: `Hold deploy-${repoName}` }).click();
      await page.getByRole('row').filter({ hasText: `deploy-${repoName}` }).filter({ hasText: 'on hold' }).waitFor();
      await page.getByRole('button', { name: `Release deploy-${repoName}` }).click();
      await page.getByRole('button', { name: `Hold deploy-${repoName}` }).waitFor(); // released: the next push deploys (dry run)
    } else {
      await page.getByText('Deploy rules: not available on this Wharf').waitFor();
    }
  });

  let pushedEvent;
  await step(page, 'a push appears live on the repository page', async () => {
    await page.goto(`${BASE}/ui/#/repositories/${repository}`);
    await page.locator('.live-state[data-state="live"]').waitFor();
    await page.locator('li.event[data-type="artifact.pushed"]').first().waitFor(); // the 1.0 push, from history
    await pushImage('2.0');
    const live = page.locator('li.event[data-type="artifact.pushed"]').filter({ hasText: `${repository}:2.0` });
    await live.waitFor();
    expect(await page.locator('li.event').first().getAttribute('data-event-id') === await live.getAttribute('data-event-id')
      || await page.locator('li.event').nth(1).getAttribute('data-event-id') === await live.getAttribute('data-event-id'),
    'the new event is not at the top');
    pushedEvent = live;
  });

  await step(page, 'the trace of that push shows push → notify (the UI-made webhook delivered)', async () => {
    expect(pushedEvent, 'no live event to trace');
    await pushedEvent.getByRole('link', { name: /Trace/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Trace' }).waitFor();
    await page.locator('.step[data-type="artifact.pushed"]').waitFor();
    await page.locator('.step[data-type="notification.delivered"]').first().waitFor({ timeout: 60_000 });
  });

  if (deployerRules) {
    await step(page, 'the deploy tab lists the deployment the rule made of that push (dry run)', async () => {
      await page.goto(`${BASE}/ui/#/projects/library/deploy`);
      const table = page.getByRole('table', { name: 'Deployments in library' });
      await table.waitFor();
      const deadline = Date.now() + 60_000;
      const row = table.getByRole('row').filter({ hasText: `${repository}:2.0` });
      while (!(await row.count()) && Date.now() < deadline) {
        await page.waitForTimeout(1000); // the deployments list has no live feed: look again
        await page.reload();
        await table.waitFor();
      }
      await row.first().waitFor({ timeout: 1000 });
    });
  }

  await step(page, 'the event timeline lists the pushes', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Events', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Events' }).waitFor();
    await page.locator('li.event').filter({ hasText: `${repository}:2.0` }).first().waitFor();
  });

  await step(page, 'signing out forgets the token', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.length) === 0, 'sessionStorage is not empty after signing out');
  });
} catch (e) {
  failed += 1;
  console.log(`not ok - the test could not run: ${e.stack || e}`);
} finally {
  if (consoleErrors.length) {
    failed += 1;
    console.log(`not ok - no console errors\n#   ${consoleErrors.join('\n#   ')}`);
  } else {
    passed += 1;
    console.log('ok - no console errors');
  }
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

writeFileSync(path.join(ARTIFACTS, 'results.txt'), `${results.join('\n')}\n`);
console.log(`# screenshots: ${ARTIFACTS}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
