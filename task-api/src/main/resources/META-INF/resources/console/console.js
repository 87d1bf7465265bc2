'use strict';
// The Taskmesh console: a page of its own over the public API. Sign-in is Keycloak's authorization code flow
// with PKCE (client taskmesh-console); every call carries the access token; live views read the run event
// stream (Server-Sent Events, read with fetch so the token travels in a header).

const TERMINAL = ['SUCCEEDED', 'VALIDATED', 'FAILED', 'CANCELLED', 'TIMED_OUT', 'SKIPPED'];
const STATUSES = ['PENDING', 'READY', 'QUEUED', 'RUNNING', 'AWAITING_INPUT', 'AWAITING_VALIDATION', 'REVISE',
  'SUCCEEDED', 'VALIDATED', 'FAILED', 'CANCELLED', 'TIMED_OUT', 'SKIPPED'];
const EXAMPLE_TASK = `name: greet
title: Greet someone
objective: Say hello to a person by name
parameters:
  type: object
  required: [who]
  properties:
    who: {type: string}
resultSchema: string
steps:
  - id: hello
    action: transform
    expression: '"Hello, " + inputs.who + "!"'
validation:
  externalValidationRequired: true
`;

const app = { config: null, tokens: null, claims: null, stream: null, view: 0 };

// ------------------------------------------------------------------ DOM

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const main = () => document.getElementById('main');
const link = (href, text) => h('a', { href }, text);
const badge = (status) => h('span', { class: 'status ' + status, 'data-status': status }, status);
const when = (t) => (t ? new Date(t).toLocaleString() : '—');
const json = (v) => h('pre', {}, JSON.stringify(v, null, 2));

function show(...nodes) {
  main().replaceChildren(...nodes.flat(Infinity).filter((n) => n !== null && n !== undefined && n !== false));
}

function notify(message, kind = 'info') {
  const n = document.getElementById('notice');
  n.replaceChildren(h('p', { class: kind, role: kind === 'error' ? 'alert' : null }, message));
}

function clearNotice() {
  document.getElementById('notice').replaceChildren();
}

// ------------------------------------------------------------------ sign-in (OIDC code flow + PKCE)

function b64url(bytes) {
  let s = '';
  bytes.forEach((b) => { s += String.fromCharCode(b); });
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function redirectUri() {
  return location.origin + location.pathname;
}

async function signIn() {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem('taskmesh.pkce', JSON.stringify({ verifier, state, hash: location.hash }));
  const query = new URLSearchParams({
    client_id: app.config.clientId, response_type: 'code', response_mode: 'query', scope: 'openid',
    redirect_uri: redirectUri(), code_challenge: b64url(new Uint8Array(digest)), code_challenge_method: 'S256', state,
  });
  location.assign(app.config.authUrl + '/protocol/openid-connect/auth?' + query);
}

async function tokenRequest(form) {
  const response = await fetch(app.config.authUrl + '/protocol/openid-connect/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: app.config.clientId, ...form }),
  });
  if (!response.ok) throw new Error('Signing in failed (' + response.status + ')');
  return response.json();
}

function keep(tokens) {
  app.tokens = { ...tokens, expiresAt: tokens.expiresAt || Date.now() + tokens.expires_in * 1000 };
  sessionStorage.setItem('taskmesh.tokens', JSON.stringify(app.tokens));
  const payload = tokens.access_token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  app.claims = JSON.parse(decodeURIComponent(escape(atob(payload))));
}

async function completeSignIn(params) {
  const saved = JSON.parse(sessionStorage.getItem('taskmesh.pkce') || 'null');
  sessionStorage.removeItem('taskmesh.pkce');
  if (!saved || saved.state !== params.get('state')) throw new Error('The sign-in answer does not match a request of this page');
  keep(await tokenRequest({
    grant_type: 'authorization_code', code: params.get('code'), redirect_uri: redirectUri(), code_verifier: saved.verifier,
  }));
  history.replaceState(null, '', location.pathname + (saved.hash || '#/tasks'));
}

async function accessToken() {
  if (app.tokens.expiresAt - Date.now() < 30000) {
    try {
      keep(await tokenRequest({ grant_type: 'refresh_token', refresh_token: app.tokens.refresh_token }));
    } catch (e) {
      sessionStorage.removeItem('taskmesh.tokens');
      await signIn();
    }
  }
  return app.tokens.access_token;
}

function signOut() {
  sessionStorage.removeItem('taskmesh.tokens');
  const query = new URLSearchParams({
    client_id: app.config.clientId, post_logout_redirect_uri: redirectUri(), id_token_hint: app.tokens.id_token || '',
  });
  location.assign(app.config.authUrl + '/protocol/openid-connect/logout?' + query);
}

const roles = () => (app.claims.realm_access && app.claims.realm_access.roles) || [];
const can = (role) => roles().includes(role) || roles().includes('taskmesh-admin');

// ------------------------------------------------------------------ API

class Problem extends Error {
  constructor(status, body) {
    const fields = (body && body.errors) || [];
    const detail = fields.map((f) => f.field + ': ' + f.message).join('; ');
    super(((body && (body.title || body.detail)) || 'HTTP ' + status) + (detail ? ' — ' + detail : ''));
    this.status = status;
  }
}

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { Authorization: 'Bearer ' + await accessToken(), Accept: 'application/json', ...(options.headers || {}) },
  });
  const type = response.headers.get('content-type') || '';
  const body = response.status === 204 ? null : type.includes('json') ? await response.json() : await response.text();
  if (!response.ok) throw new Problem(response.status, typeof body === 'object' ? body : { title: body });
  return body;
}

const post = (path, body, type = 'application/json') => api(path, {
  method: 'POST', headers: { 'Content-Type': type }, body: type === 'application/json' ? JSON.stringify(body) : body,
});

// Follows the tenant's run events while the current view is shown; reconnects after a break. onOpen runs each
// time the stream is open: what changed before it opened (since the view was read, or during a break) is read
// again, since no event will tell of it.
function follow(query, onEvent, onOpen) {
  if (app.stream) app.stream.abort();
  const control = new AbortController();
  app.stream = control;
  (async () => {
    while (!control.signal.aborted) {
      try {
        const response = await fetch('/api/v1/runs/stream?' + query, {
          headers: { Authorization: 'Bearer ' + await accessToken(), Accept: 'text/event-stream' }, signal: control.signal,
        });
        if (response.ok && onOpen) onOpen();
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r/g, '');
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const data = buffer.slice(0, end).split('\n').filter((l) => l.startsWith('data:'))
              .map((l) => l.slice(5).trimStart()).join('\n');
            buffer = buffer.slice(end + 2);
            if (data) onEvent(JSON.parse(data));
          }
        }
      } catch (e) {
        if (control.signal.aborted) return;
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  })();
}

// Runs fn shortly after the last call: a burst of events makes one reload.
function debounced(fn, ms = 300) {
  let timer;
  return () => { clearTimeout(timer); timer = setTimeout(fn, ms); };
}

// ------------------------------------------------------------------ views

function runRows(runs) {
  return h('table', { 'aria-label': 'Runs' },
    h('thead', {}, h('tr', {}, ['Run', 'Task', 'Status', 'Attempt', 'Created', 'Finished'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, runs.map((r) => h('tr', { 'data-run': r.id },
      h('td', {}, link('#/runs/' + r.id, r.id.slice(0, 8))), h('td', {}, link('#/tasks/' + r.task, r.task)),
      h('td', {}, badge(r.status)), h('td', {}, r.attempt), h('td', {}, when(r.createdAt)), h('td', {}, when(r.finishedAt))))));
}

async function tasksView(params) {
  const query = new URLSearchParams({ limit: '100' });
  if (params.get('q')) query.set('q', params.get('q'));
  if (params.get('state')) query.set('state', params.get('state'));
  const page = await api('/api/v1/tasks?' + query);
  const search = h('form', { class: 'row', role: 'search', onsubmit: (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    location.hash = '#/tasks?' + new URLSearchParams([...f].filter(([, v]) => v));
  } },
  h('label', {}, 'Text ', h('input', { name: 'q', value: params.get('q') || '' })),
  h('label', {}, 'State ', h('select', { name: 'state' }, ['', 'active', 'inactive', 'archived']
    .map((s) => h('option', { value: s, selected: params.get('state') === s }, s || 'active and inactive')))),
  h('button', { type: 'submit', class: 'secondary' }, 'Filter'));
  show(h('h1', {}, 'Tasks'),
    can('task-author') ? h('p', {}, link('#/new-task', 'New task')) : null,
    search,
    page.items.length === 0 ? h('p', { class: 'muted' }, 'No tasks yet.') : h('table', { 'aria-label': 'Tasks' },
      h('thead', {}, h('tr', {}, ['Name', 'Title', 'State', 'Version', 'Updated'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, page.items.map((t) => h('tr', {},
        h('td', {}, link('#/tasks/' + t.name, t.name)), h('td', {}, t.title || ''), h('td', {}, t.state),
        h('td', {}, t.version), h('td', {}, when(t.updatedAt)))))));
}

function newTaskView() {
  const text = h('textarea', { id: 'definition', rows: 22, spellcheck: 'false' }, EXAMPLE_TASK);
  show(h('h1', {}, 'New task'),
    h('form', { onsubmit: async (e) => {
      e.preventDefault();
      try {
        const task = await post('/api/v1/tasks', text.value, 'application/yaml');
        notify('Task ' + task.name + ' created, version ' + task.version + '.');
        location.hash = '#/tasks/' + task.name;
      } catch (err) {
        notify(err.message, 'error');
      }
    } },
    h('label', { for: 'definition' }, 'Definition (YAML or JSON)'), text,
    h('p', {}, h('button', { type: 'submit' }, 'Create task'))));
}

function statusBars(stats) {
  const entries = Object.entries(stats.byStatus || {});
  const most = Math.max(1, ...entries.map(([, n]) => n));
  return h('div', { class: 'bars', role: 'img', 'aria-label': 'Runs by status: ' + entries.map(([s, n]) => s + ' ' + n).join(', ') },
    entries.map(([s, n]) => [h('span', {}, badge(s)), h('span', { class: 'bar', style: 'width:' + (100 * n / most) + '%' }), h('span', {}, n)]));
}

async function taskView(name) {
  const enc = encodeURIComponent(name);
  const [task, versions, stats, runs] = await Promise.all([api('/api/v1/tasks/' + enc), api('/api/v1/tasks/' + enc + '/versions'),
    api('/api/v1/tasks/' + enc + '/runs/stats'), api('/api/v1/tasks/' + enc + '/runs?limit=20')]);
  const inputs = h('textarea', { id: 'inputs', rows: 4, spellcheck: 'false' }, '{}');
  const lifecycle = (action) => h('button', { type: 'button', class: 'secondary', onclick: async () => {
    try { await post('/api/v1/tasks/' + enc + '/' + action, {}); notify('Task ' + name + ': ' + action + 'd.'); route(); } catch (e) { notify(e.message, 'error'); }
  } }, action[0].toUpperCase() + action.slice(1));
  const runsTable = h('div', {}, runRows(runs.items));
  show(h('h1', {}, task.title || task.name),
    h('p', {}, 'Task ', h('code', {}, task.name), ' · state ', h('strong', { id: 'task-state' }, task.state), ' · version ', task.version),
    h('p', {}, task.definition.objective || ''),
    can('task-operator') && task.state === 'active' ? h('form', { onsubmit: async (e) => {
      e.preventDefault();
      try {
        const run = await post('/api/v1/tasks/' + enc + '/runs', { inputs: JSON.parse(inputs.value || '{}') });
        location.hash = '#/runs/' + run.id;
      } catch (err) {
        notify(err instanceof SyntaxError ? 'Inputs are not JSON: ' + err.message : err.message, 'error');
      }
    } }, h('h2', {}, 'Run it'), h('label', { for: 'inputs' }, 'Inputs (JSON)'), inputs, h('p', {}, h('button', { type: 'submit' }, 'Run'))) : null,
    can('task-author') ? h('p', { class: 'row' }, task.state === 'active' ? lifecycle('deactivate') : task.state === 'inactive' ? lifecycle('activate') : null,
      task.state !== 'archived' ? lifecycle('archive') : null) : null,
    h('h2', {}, 'Triggers'),
    (task.triggers || []).length === 0 ? h('p', { class: 'muted' }, 'None: runs start on demand.') : h('table', { 'aria-label': 'Triggers' },
      h('thead', {}, h('tr', {}, ['Name', 'Type', 'Next fire time'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, task.triggers.map((t) => h('tr', {}, h('td', {}, t.name), h('td', {}, t.type), h('td', {}, when(t.nextFireAt)))))),
    h('h2', {}, 'Statistics, last 7 days'),
    h('p', {}, stats.total + ' runs · success rate ' + (stats.successRate == null ? '—' : Math.round(stats.successRate * 100) + '%')
      + ' · duration p50 ' + ms(stats.durationMs && stats.durationMs.p50) + ', p90 ' + ms(stats.durationMs && stats.durationMs.p90)
      + ', p99 ' + ms(stats.durationMs && stats.durationMs.p99)),
    statusBars(stats),
    h('h2', {}, 'Recent runs'), runsTable,
    h('h2', {}, 'Versions'),
    h('ul', {}, versions.map((v) => h('li', {}, 'version ' + v.version + ' · ' + when(v.createdAt) + ' · ' + (v.createdBy || '')))),
    h('h2', {}, 'Definition'), json(task.definition));
  const reload = debounced(async () => {
    const fresh = await api('/api/v1/tasks/' + enc + '/runs?limit=20');
    runsTable.replaceChildren(runRows(fresh.items));
  });
  follow('task=' + enc, reload, reload);
}

const ms = (v) => (v == null ? '—' : Math.round(v) + ' ms');

async function runsView(params) {
  const query = new URLSearchParams({ limit: '50' });
  for (const key of ['status', 'is', 'cursor']) if (params.get(key)) query.set(key, params.get(key));
  const path = params.get('task') ? '/api/v1/tasks/' + encodeURIComponent(params.get('task')) + '/runs?' : '/api/v1/runs?';
  const page = await api(path + query);
  const table = h('div', {}, runRows(page.items));
  const filters = h('form', { class: 'row', role: 'search', onsubmit: (e) => {
    e.preventDefault();
    location.hash = '#/runs?' + new URLSearchParams([...new FormData(e.target)].filter(([, v]) => v));
  } },
  h('label', {}, 'Task ', h('input', { name: 'task', value: params.get('task') || '' })),
  h('label', {}, 'Status ', h('select', { name: 'status' }, h('option', { value: '' }, 'any'),
    STATUSES.map((s) => h('option', { value: s, selected: params.get('status') === s }, s)))),
  h('label', {}, 'Which ', h('select', { name: 'is' }, ['', 'ready', 'complete', 'incomplete', 'successful', 'failed']
    .map((s) => h('option', { value: s, selected: params.get('is') === s }, s || 'all')))),
  h('button', { type: 'submit', class: 'secondary' }, 'Filter'));
  const next = new URLSearchParams(params);
  if (page.nextCursor) next.set('cursor', page.nextCursor);
  show(h('h1', {}, 'Runs'), filters, table, page.nextCursor ? h('p', {}, link('#/runs?' + next, 'Older runs')) : null);
  const reload = debounced(async () => table.replaceChildren(runRows((await api(path + query)).items)));
  follow(params.get('task') ? 'task=' + encodeURIComponent(params.get('task')) : '', reload, reload);
}

function actionsFor(run, after) {
  const act = (label, fn, cls) => h('button', { type: 'button', class: cls, onclick: async () => {
    try { await fn(); notify(label + ': done.'); after(); } catch (e) { notify(e.message, 'error'); }
  } }, label);
  const forms = [];
  if (!can('task-operator')) return forms;
  if (run.status === 'AWAITING_VALIDATION') {
    // a run stopped at an approval step: validating approves the step, feedback rejects it
    const approval = run.approval;
    if (approval) forms.push(h('p', {}, 'Approval of step ' + approval.step + ': ' + approval.message));
    forms.push(h('p', { class: 'row' }, act(approval ? 'Approve' : 'Validate',
      () => post('/api/v1/runs/' + run.id + '/validate', {}))));
    const feedback = h('textarea', { id: 'feedback-' + run.id, rows: 3 });
    forms.push(h('form', { onsubmit: async (e) => {
      e.preventDefault();
      try {
        await post('/api/v1/runs/' + run.id + '/feedback', { content: feedback.value });
        notify(approval ? 'Rejected: the run fails.' : 'Feedback sent: the run is revised.'); after();
      } catch (err) { notify(err.message, 'error'); }
    } }, h('label', { for: 'feedback-' + run.id }, approval ? 'Comment (rejects the step: the run fails)'
      : 'Feedback (sends the result back for revision)'), feedback,
    h('p', {}, h('button', { type: 'submit', class: 'secondary' }, approval ? 'Reject' : 'Send feedback'))));
  }
  if (run.status === 'AWAITING_INPUT') {
    const answer = h('textarea', { id: 'answer-' + run.id, rows: 3 });
    forms.push(h('form', { onsubmit: async (e) => {
      e.preventDefault();
      try { await post('/api/v1/runs/' + run.id + '/answer', { answer: answer.value }); notify('Answer sent.'); after(); } catch (err) { notify(err.message, 'error'); }
    } }, h('label', { for: 'answer-' + run.id }, 'Answer: ' + (run.question || '')), answer,
    h('p', {}, h('button', { type: 'submit' }, 'Answer'))));
  }
  if (!run.complete) forms.push(h('p', {}, act('Cancel run', () => post('/api/v1/runs/' + run.id + '/cancel', {}), 'secondary')));
  return forms;
}

// The run's graph: its subtasks (and theirs, one level down) laid out by dependency depth, coloured by status.
async function graphOf(run) {
  const children = run.children || [];
  if (children.length === 0 && !run.parentRunId) return null;
  const nodes = await Promise.all(children.slice(0, 60).map((c) => api('/api/v1/runs/' + c.id)));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const depth = new Map();
  const depthOf = (n, seen = new Set()) => {
    if (depth.has(n.id)) return depth.get(n.id);
    if (seen.has(n.id)) return 0;
    seen.add(n.id);
    const d = Math.max(-1, ...(n.dependencyRunIds || []).filter((id) => byId.has(id)).map((id) => depthOf(byId.get(id), seen))) + 1;
    depth.set(n.id, d);
    return d;
  };
  nodes.forEach((n) => depthOf(n));
  const columns = [];
  nodes.forEach((n) => { (columns[depth.get(n.id)] ||= []).push(n); });
  const W = 170, H = 44, GX = 60, GY = 18, pos = new Map();
  columns.forEach((col, x) => col.forEach((n, y) => pos.set(n.id, { x: 10 + x * (W + GX), y: 10 + y * (H + GY) })));
  const width = 20 + columns.length * (W + GX), height = 20 + Math.max(1, ...columns.map((c) => c.length)) * (H + GY);
  const svg = (tag, attrs, ...kids) => {
    const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    kids.forEach((k) => el.append(k));
    return el;
  };
  const colour = (s) => getComputedStyle(document.documentElement).getPropertyValue(
    TERMINAL.includes(s) ? (s === 'SUCCEEDED' || s === 'VALIDATED' ? '--ok' : '--bad')
      : s.startsWith('AWAITING') || s === 'REVISE' ? '--wait' : s === 'RUNNING' || s === 'QUEUED' || s === 'READY' ? '--run' : '--idle');
  const picture = svg('svg', { width, height, role: 'img', 'aria-label': 'Run graph: ' + nodes.map((n) => n.task + ' ' + n.status).join(', ') });
  nodes.forEach((n) => (n.dependencyRunIds || []).filter((id) => pos.has(id)).forEach((id) => {
    const a = pos.get(id), b = pos.get(n.id);
    picture.append(svg('line', { x1: a.x + W, y1: a.y + H / 2, x2: b.x, y2: b.y + H / 2, stroke: '#8a94a6', 'stroke-width': 2 }));
  }));
  nodes.forEach((n) => {
    const p = pos.get(n.id);
    const a = svg('a', { href: '#/runs/' + n.id, 'data-node': n.task, 'data-status': n.status },
      svg('rect', { x: p.x, y: p.y, width: W, height: H, rx: 6, fill: colour(n.status) }),
      svg('text', { x: p.x + 8, y: p.y + 18 }, document.createTextNode(n.task)),
      svg('text', { x: p.x + 8, y: p.y + 35 }, document.createTextNode(n.status)));
    picture.append(a);
  });
  return h('div', { class: 'graph' }, h('h2', {}, 'Graph'),
    run.parentRunId ? h('p', {}, 'Part of ', link('#/runs/' + run.parentRunId, 'run ' + run.parentRunId.slice(0, 8))) : null,
    nodes.length ? picture : null);
}

async function runView(id) {
  const token = app.view;
  const render = async () => {
    const run = await api('/api/v1/runs/' + encodeURIComponent(id));
    if (token !== app.view) return;
    const graph = await graphOf(run);
    if (token !== app.view) return;
    show(h('h1', {}, 'Run ', h('code', {}, run.id.slice(0, 8)), ' ', h('span', { id: 'run-status' }, badge(run.status))),
      h('p', {}, 'Task ', link('#/tasks/' + run.task, run.task), ' version ', run.taskVersion, ' · attempt ', run.attempt,
        ' · requested by ', run.requestedBy || '—'),
      h('p', { class: 'muted' }, 'Created ' + when(run.createdAt) + ' · started ' + when(run.startedAt) + ' · finished ' + when(run.finishedAt)),
      run.error ? h('p', { class: 'error', role: 'alert' }, run.error.code + ': ' + run.error.message) : null,
      actionsFor(run, () => setTimeout(render, 300)),
      run.result !== undefined ? [h('h2', {}, 'Result'), h('div', { id: 'run-result' }, json(run.result))] : null,
      graph,
      h('h2', {}, 'Inputs'), json(run.inputs || {}),
      run.steps ? [h('h2', {}, 'Steps'), json(run.steps)] : null,
      run.transcript ? [h('h2', {}, 'Transcript'), h('ol', {}, (Array.isArray(run.transcript) ? run.transcript : [run.transcript])
        .map((m) => h('li', {}, h('strong', {}, (m.role || '') + ' '), typeof m.content === 'string' ? m.content : JSON.stringify(m))))] : null,
      (run.feedbackHistory || []).length ? [h('h2', {}, 'Feedback'), h('table', { 'aria-label': 'Feedback history' },
        h('thead', {}, h('tr', {}, ['When', 'By', 'Feedback', 'Status', 'Attempt'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, run.feedbackHistory.map((f) => h('tr', {}, h('td', {}, when(f.timestamp)), h('td', {}, f.by || ''),
          h('td', {}, f.content), h('td', {}, f.status), h('td', {}, f.attempt)))))] : null);
    return run;
  };
  const run = await render();
  const ids = new Set([run.id, ...(run.children || []).map((c) => c.id)]);
  const refresh = debounced(render, 400);
  follow('', (event) => { if (ids.has(event.runId)) { refresh(); setTimeout(refresh, 1500); } }, refresh);
}

async function queueView() {
  const list = async () => (await api('/api/v1/runs?status=AWAITING_VALIDATION&status=AWAITING_INPUT&limit=100')).items;
  const body = h('div', {});
  const render = async () => {
    const runs = await list();
    body.replaceChildren(runs.length === 0 ? h('p', { class: 'muted' }, 'Nothing waits for a person.') : runs.map((r) => h('section', {
      'aria-label': 'Run ' + r.id, 'data-run': r.id },
    h('h2', {}, link('#/runs/' + r.id, r.task + ' · ' + r.id.slice(0, 8)), ' ', badge(r.status)),
    r.result !== undefined ? json(r.result) : null,
    actionsFor(r, () => setTimeout(render, 300)))));
  };
  await render();
  show(h('h1', {}, 'Validation queue'), body);
  const reload = debounced(render, 400);
  follow('status=AWAITING_VALIDATION&status=AWAITING_INPUT&status=VALIDATED&status=REVISE&status=RUNNING&status=CANCELLED',
    reload, reload);
}

// ------------------------------------------------------------------ subscriptions (notification-service)

// The notification-service's API: beside the console behind an ingress, on its own port in the local stack.
const notes = (path, options) => api((app.config.notificationsUrl || '') + path, options);
const EVENT_KINDS = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED', 'AWAITING_VALIDATION', 'AWAITING_INPUT',
  'VALIDATED', 'DELIVERABLE', 'TASK_DEACTIVATED', 'RUN_LATE', 'NOTIFY'];
const manages = () => can('task-author') || can('task-operator');

async function subscriptionsView() {
  const list = await notes('/api/v1/subscriptions');
  const form = h('form', { id: 'new-subscription', onsubmit: async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    const body = { events: f.getAll('events'), channel: f.get('channel') };
    if (f.get('task')) body.task = f.get('task');
    if (f.get('channel') === 'email') body.to = f.get('target').split(',').map((s) => s.trim()).filter(Boolean);
    else body.url = f.get('target');
    try {
      const made = await notes('/api/v1/subscriptions', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      });
      notify('Subscription created' + (made.secret ? '; its signing secret (shown once): ' + made.secret : '') + '.');
      await subscriptionsView();
    } catch (err) { notify(err.message, 'error'); }
  } },
  h('h2', {}, 'New subscription'),
  h('p', { class: 'row' },
    h('label', {}, 'Task (empty: every task) ', h('input', { name: 'task', id: 'subscription-task' })),
    h('label', {}, 'Channel ', h('select', { name: 'channel', id: 'subscription-channel' },
      ['webhook', 'slack', 'email'].map((c) => h('option', { value: c }, c))))),
  h('label', { for: 'subscription-target' }, 'URL (webhook, slack) or addresses, comma-separated (email)'),
  h('input', { name: 'target', id: 'subscription-target', required: true }),
  h('fieldset', {}, h('legend', {}, 'Events'), EVENT_KINDS.map((k) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', name: 'events', value: k, checked: k === 'FAILED' }), ' ' + k))),
  h('p', {}, h('button', { type: 'submit' }, 'Subscribe')));
  const remove = (s) => h('button', { type: 'button', class: 'secondary', onclick: async () => {
    try { await notes('/api/v1/subscriptions/' + s.id, { method: 'DELETE' }); notify('Subscription deleted.'); await subscriptionsView(); } catch (e) { notify(e.message, 'error'); }
  } }, 'Delete');
  show(h('h1', {}, 'Subscriptions'),
    h('p', { class: 'muted' }, 'Who is told about which runs, and how. Those a task\'s definition asks for are kept with the task.'),
    list.length === 0 ? h('p', { class: 'muted' }, 'No subscriptions yet.') : h('table', { 'aria-label': 'Subscriptions' },
      h('thead', {}, h('tr', {}, ['Tasks', 'Events', 'Channel', 'To', 'Created', ''].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, list.map((s) => h('tr', { 'data-subscription': s.id },
        h('td', {}, s.task || (s.labels ? Object.entries(s.labels).map(([k, v]) => k + '=' + v).join(', ') : 'every task')),
        h('td', {}, s.events.join(', ')), h('td', {}, s.channel),
        h('td', {}, link('#/subscriptions/' + s.id, s.url || (s.to || []).join(', '))),
        h('td', {}, when(s.createdAt)),
        h('td', {}, s.definedByTask ? h('span', { class: 'muted' }, 'defined by its task') : manages() ? remove(s) : null))))),
    manages() ? form : null);
}

async function subscriptionView(id) {
  const [all, deliveries] = await Promise.all([notes('/api/v1/subscriptions'),
    notes('/api/v1/subscriptions/' + id + '/deliveries')]);
  const subscription = all.find((s) => s.id === id);
  if (!subscription) throw new Error('No subscription ' + id);
  const retry = (d) => h('button', { type: 'button', class: 'secondary', onclick: async () => {
    try { await notes('/api/v1/subscriptions/' + id + '/deliveries/' + d.id + '/retry', { method: 'POST' }); notify('Delivery queued again.'); await subscriptionView(id); } catch (e) { notify(e.message, 'error'); }
  } }, 'Retry');
  show(h('h1', {}, 'Subscription ' + id.slice(0, 8)),
    h('p', {}, (subscription.task || 'every task') + ' · ' + subscription.events.join(', ') + ' · ' + subscription.channel
      + ' · ' + (subscription.url || (subscription.to || []).join(', '))),
    h('h2', {}, 'Deliveries'),
    deliveries.length === 0 ? h('p', { class: 'muted' }, 'Nothing delivered yet.') : h('table', { 'aria-label': 'Deliveries' },
      h('thead', {}, h('tr', {}, ['Event', 'Run', 'Status', 'Attempts', 'Answer', 'Last error', 'Updated', ''].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, deliveries.map((d) => h('tr', { 'data-delivery': d.id },
        h('td', {}, d.eventType), h('td', {}, d.runId ? link('#/runs/' + d.runId, d.runId.slice(0, 8)) : '—'),
        h('td', {}, h('span', { class: 'status ' + d.status }, d.status)), h('td', {}, d.attempts),
        h('td', {}, d.responseCode == null ? '—' : d.responseCode + (d.latencyMs == null ? '' : ' in ' + d.latencyMs + ' ms')),
        h('td', {}, d.lastError || ''), h('td', {}, when(d.updatedAt)),
        h('td', {}, d.status === 'DEAD' && manages() ? retry(d) : null))))),
    h('p', {}, link('#/subscriptions', 'All subscriptions')));
}

// ------------------------------------------------------------------ routing

async function route() {
  const view = ++app.view;
  if (app.stream) { app.stream.abort(); app.stream = null; }
  const [path, query] = (location.hash.slice(1) || '/tasks').split('?');
  const params = new URLSearchParams(query || '');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  document.querySelectorAll('[data-nav]').forEach((a) => {
    if (a.dataset.nav === (parts[0] || 'tasks')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  try {
    if (parts[0] === 'tasks' && parts[1]) await taskView(parts[1]);
    else if (parts[0] === 'new-task') newTaskView();
    else if (parts[0] === 'runs' && parts[1]) await runView(parts[1]);
    else if (parts[0] === 'runs') await runsView(params);
    else if (parts[0] === 'queue') await queueView();
    else if (parts[0] === 'subscriptions' && parts[1]) await subscriptionView(parts[1]);
    else if (parts[0] === 'subscriptions') await subscriptionsView();
    else await tasksView(params);
    if (view === app.view) document.title = (main().querySelector('h1') || {}).textContent + ' · Taskmesh';
  } catch (e) {
    if (view === app.view) show(h('h1', {}, 'Not available'), h('p', { class: 'error', role: 'alert' }, e.message));
  }
}

async function start() {
  app.config = await (await fetch('config.json')).json();
  const params = new URLSearchParams(location.search);
  try {
    if (params.get('code')) await completeSignIn(params);
    else if (params.get('error')) throw new Error(params.get('error_description') || params.get('error'));
  } catch (e) {
    history.replaceState(null, '', location.pathname);
    show(h('h1', {}, 'Sign-in failed'), h('p', { role: 'alert' }, e.message), h('button', { type: 'button', onclick: signIn }, 'Sign in again'));
    return;
  }
  const saved = JSON.parse(sessionStorage.getItem('taskmesh.tokens') || 'null');
  if (!app.tokens && saved) keep(saved);
  if (!app.tokens) { await signIn(); return; }
  document.getElementById('who').textContent = (app.claims.preferred_username || app.claims.sub) + ' · ' + (app.claims.tenant || '');
  const out = document.getElementById('logout');
  out.hidden = false;
  out.addEventListener('click', signOut);
  window.addEventListener('hashchange', () => { clearNotice(); route(); });
  await route();
}

start();
