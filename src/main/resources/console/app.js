// Drover's console: plain DOM, no library. Every value from the server goes in with textContent, never as HTML,
// so an event field holding <script> shows as text. Calls carry X-Drover-Console (state changes need it) and
// the session cookie; the token is sent once, in the login's body.
'use strict';
(function () {
  const H = { 'X-Drover-Console': '1' };
  const $ = (id) => document.getElementById(id);
  let stopLive = null;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'on') { for (const [ev, f] of Object.entries(v)) e.addEventListener(ev, f); }
      else if (k === 'text') e.textContent = v;
      else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
    return e;
  }
  const pretty = (v) => { try { return JSON.stringify(typeof v === 'string' ? JSON.parse(v) : v, null, 2); } catch (e) { return String(v); } };
  const pre = (v) => el('pre', { text: pretty(v) });
  const state = (s) => el('span', { class: 'state ' + s, text: s });

  async function api(path, opts) {
    const r = await fetch(path, Object.assign({ credentials: 'same-origin', headers: H }, opts || {}));
    if (r.status === 401) { showLogin(); throw new Error('unauthorized'); }
    const body = r.headers.get('content-type') && r.headers.get('content-type').includes('json') ? await r.json() : null;
    if (!r.ok) throw new Error((body && body.message) || ('HTTP ' + r.status));
    return body;
  }
  const post = (path, body) => api(path, { method: 'POST', headers: Object.assign({ 'Content-Type': 'application/json' }, H),
    body: body === undefined ? '' : JSON.stringify(body) });

  function showLogin() {
    $('login').hidden = false; $('nav').hidden = true; $('logout').hidden = true; $('page').replaceChildren();
  }
  $('login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = await fetch('/console/login', { method: 'POST', credentials: 'same-origin',
      headers: Object.assign({ 'Content-Type': 'application/json' }, H), body: JSON.stringify({ token: $('token').value }) });
    $('token').value = '';
    if (r.ok) { $('login-error').textContent = ''; start(); }
    else { const b = await r.json().catch(() => ({})); $('login-error').textContent = b.message || ('HTTP ' + r.status); }
  });
  $('logout').addEventListener('click', async () => { await post('/console/logout'); showLogin(); });

  async function start() {
    const s = await (await fetch('/console/session', { credentials: 'same-origin', headers: H })).json();
    if (!s.authenticated) { showLogin(); return; }
    $('login').hidden = true; $('nav').hidden = false; $('logout').hidden = !s.tokenRequired;
    route();
  }
  window.addEventListener('hashchange', route);

  function route() {
    if ($('nav').hidden) return;
    if (stopLive) { stopLive(); stopLive = null; }
    const [page, arg] = decodeURIComponent(location.hash.slice(1) || 'overview').split('/');
    for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.page === page);
    const root = $('page');
    root.replaceChildren();
    const pages = { overview, live, journey, dead, modules, playground };
    (pages[page] || overview)(root, arg).catch((e) => root.append(el('p', { class: 'error', text: e.message })));
  }

  // --- Overview -------------------------------------------------------------------------------------------
  async function overview(root) {
    const win = el('select', { id: 'window' }, ...['5m', '15m', '1h', '6h'].map((w) => el('option', { value: w, text: w })));
    win.value = sessionStorage.getItem('window') || '15m';
    const box = el('div');
    root.append(el('h1', { text: 'Overview' }), el('div', { class: 'filters' }, el('label', {}, 'Window', win)), box);
    async function load() {
      sessionStorage.setItem('window', win.value);
      const o = await api('/admin/overview?window=' + encodeURIComponent(win.value));
      const rows = o.integrations.map((i) => {
        const f = i.funnel; const left = Object.entries(f.leftOut).filter(([, n]) => n > 0).map(([k, n]) => k + ' ' + n).join(', ');
        return el('tr', {}, el('td', {}, el('strong', { text: i.name }), el('div', { class: 'muted', text: i.file })),
          el('td', {}, state(i.state), i.reason ? el('div', { class: 'muted', text: i.reason }) : null),
          el('td', { text: f.received }), el('td', { text: f.leftOutTotal + (left ? ' (' + left + ')' : '') }),
          el('td', { text: f.delivered }), el('td', { text: f.retryingNow }), el('td', { text: f.deadLettered }),
          el('td', { text: f.deliveryRate === null ? '–' : (f.deliveryRate * 100).toFixed(1) + ' %' }),
          el('td', { text: (f.latencyMs.p50 ?? '–') + ' / ' + (f.latencyMs.p95 ?? '–') + ' ms' }),
          el('td', { text: i.lag ?? '–' }), el('td', {}, spark(f.series.map((s) => s.received))));
      });
      const ing = o.ingestion;
      const since = o.recording && o.recording.since ? ' since ' + o.recording.since : '';
      box.replaceChildren(el('p', { id: 'overview-instance', class: 'muted', text: 'Counted by instance ' + o.instance.name
        + ' (host ' + o.instance.host + ', pid ' + o.instance.pid + ')' + since + ': each instance counts what its own consumers'
        + ' did. For the whole cluster, sum over instances in Prometheus, e.g. sum by (integration) (increase('
        + 'drover_integration_delivered_total[' + o.window + ']))' }), el('table', {}, el('tr', {}, ...['Integration', 'State', 'Received', 'Left out', 'Delivered',
        'Retrying now', 'Dead-lettered', 'Delivery rate', 'p50 / p95', 'Lag', 'Received / min'].map((t) => el('th', { text: t }))), ...rows),
        el('h2', { text: 'Ingestion (since start)' }),
        el('p', { text: 'Requests by status: ' + JSON.stringify(ing.requestsByStatus || {}) }),
        el('p', { text: 'Events by outcome: ' + JSON.stringify(ing.eventsByOutcome || {}) }));
    }
    win.addEventListener('change', load);
    await load();
  }
  function spark(values) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg'); svg.setAttribute('class', 'spark'); svg.setAttribute('viewBox', '0 0 120 24');
    const max = Math.max(1, ...values); const line = document.createElementNS(ns, 'polyline');
    line.setAttribute('points', values.map((v, i) => (i * 120 / Math.max(1, values.length - 1)).toFixed(1) + ',' + (23 - v * 22 / max).toFixed(1)).join(' '));
    svg.append(line); return svg;
  }

  // --- Live events ----------------------------------------------------------------------------------------
  async function live(root) {
    const fields = ['source', 'type', 'event', 'userId', 'anonymousId', 'messageId'];
    const inputs = Object.fromEntries(fields.map((f) => [f, el('input', { id: 'live-' + f, name: f })]));
    const toggle = el('button', { id: 'live-toggle', text: 'Pause' });
    const status = el('span', { class: 'muted', id: 'live-status' });
    const rows = el('tbody', { id: 'live-rows' });
    root.append(el('h1', { text: 'Live events' }),
      el('form', { class: 'filters', id: 'live-filters' }, ...fields.map((f) => el('label', {}, f, inputs[f])),
        el('button', { type: 'submit', text: 'Apply' }), toggle, status),
      el('table', {}, el('thead', {}, el('tr', {}, ...['Stored', 'Source', 'Type', 'Event', 'userId', 'anonymousId', 'messageId']
        .map((t) => el('th', { text: t })))), rows));
    let controller = null;
    function stop() { if (controller) { controller.abort(); controller = null; } }
    async function follow() {
      stop();
      const q = new URLSearchParams({ follow: 'true', timeout: '1h', limit: '10000' });
      for (const f of fields) if (inputs[f].value.trim()) q.set(f, inputs[f].value.trim());
      controller = new AbortController();
      status.textContent = 'connecting…';
      try {
        const r = await fetch('/admin/events?' + q, { credentials: 'same-origin', headers: H, signal: controller.signal });
        if (!r.ok) { const b = await r.json().catch(() => ({})); status.textContent = b.message || ('HTTP ' + r.status); return; }
        status.textContent = 'following';
        const reader = r.body.getReader(); const dec = new TextDecoder(); let buf = '';
        for (;;) {
          const { value, done } = await reader.read(); if (done) break;
          buf += dec.decode(value, { stream: true });
          let nl; while ((nl = buf.indexOf('\n')) >= 0) { const line = buf.slice(0, nl); buf = buf.slice(nl + 1); if (line) add(JSON.parse(line)); }
        }
        status.textContent = 'stopped';
      } catch (e) { if (e.name !== 'AbortError') status.textContent = e.message; }
    }
    function add(s) {
      if (s.error) { status.textContent = s.error; return; }
      const e = s.event || {};
      const tr = el('tr', { class: 'clickable', 'data-message-id': e.messageId, on: { click: () => { location.hash = 'journey/' + e.messageId; } } },
        el('td', { text: s.storedAt }), el('td', { text: s.source }), el('td', { text: e.type }), el('td', { text: e.event || '' }),
        el('td', { text: e.userId || '' }), el('td', { text: e.anonymousId || '' }), el('td', { text: e.messageId }));
      rows.prepend(tr);
      while (rows.children.length > 500) rows.lastChild.remove();
      sessionStorage.setItem('lastEvent', JSON.stringify(e));
    }
    $('live-filters').addEventListener('submit', (ev) => { ev.preventDefault(); toggle.textContent = 'Pause'; follow(); });
    toggle.addEventListener('click', (ev) => {
      ev.preventDefault();
      if (controller) { stop(); toggle.textContent = 'Resume'; status.textContent = 'paused'; }
      else { toggle.textContent = 'Pause'; follow(); }
    });
    stopLive = stop;
    follow();
  }

  // --- Event journey --------------------------------------------------------------------------------------
  async function journey(root, arg) {
    const input = el('input', { id: 'journey-id', placeholder: 'messageId', value: arg || '' });
    const user = el('input', { id: 'journey-user', placeholder: 'or a userId' });
    const out = el('div', { id: 'journey-out' });
    root.append(el('h1', { text: 'Event journey' }),
      el('form', { class: 'filters', id: 'journey-form', on: { submit: (ev) => { ev.preventDefault();
        if (user.value.trim()) byUser(user.value.trim()); else location.hash = 'journey/' + input.value.trim(); } } },
      el('label', {}, 'messageId', input), el('label', {}, 'userId', user), el('button', { type: 'submit', text: 'Show' })), out);
    async function byUser(u) {
      const j = await api('/admin/journeys?limit=100&userId=' + encodeURIComponent(u));
      out.replaceChildren(el('h2', { text: 'Latest events of ' + u }), el('table', {}, el('tr', {}, ...['Recorded', 'Integration', 'Type',
        'Event', 'State', 'Reason', 'messageId'].map((t) => el('th', { text: t }))), ...j.journeys.map((x) => el('tr', { class: 'clickable',
        on: { click: () => { location.hash = 'journey/' + x.messageId; } } }, el('td', { text: x.recordedAt }), el('td', { text: x.integration }),
        el('td', { text: x.type }), el('td', { text: x.event || '' }), el('td', {}, state(x.state)), el('td', { text: x.reason || '' }),
        el('td', { text: x.messageId })))));
    }
    if (!arg) return;
    const r = await fetch('/admin/events/' + encodeURIComponent(arg), { credentials: 'same-origin', headers: H });
    const b = await r.json();
    if (!r.ok) { out.replaceChildren(el('p', { class: 'error', text: b.message })); return; }
    const jn = b.journey;
    const parts = [];
    if (jn.received) {
      parts.push(el('h2', { text: 'Received' }), el('p', { text: 'Stored at ' + jn.received.storedAt + ' from source ' + jn.received.source }),
        el('h2', { text: 'What ingestion added' }), pre(jn.ingestion), el('details', {}, el('summary', { text: 'The event as stored' }), pre(b.stored[0].event)));
    }
    parts.push(el('h2', { text: 'Integrations' }),
      el('p', { id: 'journey-instance', class: 'muted', text: 'As recorded by instance ' + jn.instance.name + ' (its partitions; ask the others for theirs)' }));
    if (jn.note) parts.push(el('p', { class: 'muted', text: jn.note }));
    for (const i of jn.integrations) {
      const card = el('div', { class: 'card integration', 'data-integration': i.integration },
        el('h2', {}, i.integration + ' ', state(i.state)),
        el('p', { class: 'decision', text: i.decision.selected ? 'Selected' : 'Left out: ' + i.decision.reason + ' — ' + i.decision.detail }));
      if (i.reason) card.append(el('p', { class: 'reason', text: 'Reason: ' + i.reason }));
      for (const a of i.attempts) {
        card.append(el('h3', { text: 'Attempt ' + a.attempt + ' at ' + a.at + (a.failure ? ' — ' + a.failure : '') + (a.retryInMs ? ' (retry in ' + a.retryInMs + ' ms)' : '') }));
        for (const q of a.requests) {
          card.append(el('div', { class: 'request' }, el('strong', { text: 'Request: ' + q.method + ' ' + q.url }), pre(q.headers), pre(q.body)));
          if (q.response) card.append(el('div', { class: 'response' }, el('strong', { text: 'Response: ' + q.response.status + ' (' + q.response.ms + ' ms)' }), pre(q.response.body)));
        }
      }
      if (i.latencyMs !== undefined) card.append(el('p', { class: 'muted', text: 'From receipt to delivery: ' + i.latencyMs + ' ms' }));
      parts.push(card);
    }
    out.replaceChildren(...parts);
  }

  // --- Dead letters ---------------------------------------------------------------------------------------
  async function dead(root) {
    const ints = await api('/admin/integrations');
    const names = Object.values(ints.modules).flat();
    const which = el('select', { id: 'dead-integration' }, ...names.map((n) => el('option', { value: n, text: n })));
    const f = { since: el('input', { id: 'dead-since', placeholder: '2026-01-01T00:00:00Z' }), until: el('input', { id: 'dead-until' }),
      status: el('input', { id: 'dead-status', placeholder: '4xx' }), reason: el('input', { id: 'dead-reason' }) };
    const list = el('div', { id: 'dead-list' }); const detail = el('div', { id: 'dead-detail' }); const progress = el('p', { id: 'dead-progress', class: 'muted' });
    const query = () => { const q = new URLSearchParams(); for (const [k, v] of Object.entries(f)) if (v.value.trim()) q.set(k, v.value.trim()); return q; };
    root.append(el('h1', { text: 'Dead letters' }), el('form', { class: 'filters', id: 'dead-form', on: { submit: (ev) => { ev.preventDefault(); load(); } } },
      el('label', {}, 'Integration', which), ...Object.entries(f).map(([k, v]) => el('label', {}, k, v)), el('button', { type: 'submit', text: 'List' }),
      el('button', { id: 'replay-selected', type: 'button', on: { click: () => replay(true) }, text: 'Replay selected' }),
      el('button', { id: 'replay-all', type: 'button', on: { click: () => replay(false) }, text: 'Replay all matching' })), progress, list, detail);
    let letters = [];
    // The selection outlives a redraw of the list (a new search, a late answer): letters are known by partition and offset.
    const chosen = new Set();
    const key = (l) => l.partition + '-' + l.offset;
    let asked = 0;
    let drawn = 0;
    async function load() {
      const q = query(); q.set('include', 'request'); q.set('limit', '200');
      const mine = ++asked;
      const b = await api('/admin/integrations/' + encodeURIComponent(which.value) + '/dead-letters?' + q);
      if (mine < drawn) return;   // an answer older than the one drawn (searches overlap): not drawn over it
      drawn = mine;
      letters = b.deadLetters;
      list.replaceChildren(el('table', {}, el('tr', {}, ...['', 'Written', 'Status', 'Reason', 'messageId', 'userId'].map((t) => el('th', { text: t }))),
        ...letters.map((l, i) => el('tr', { class: 'clickable letter', 'data-message-id': l.event && l.event.messageId, on: { click: (ev) => { if (ev.target.type !== 'checkbox') open(l, b.requests); } } },
          el('td', {}, el('input', { type: 'checkbox', 'data-index': i, checked: chosen.has(key(l)),
            on: { change: (ev) => { if (ev.target.checked) chosen.add(key(l)); else chosen.delete(key(l)); } } })),
          el('td', { text: l.writtenAt }), el('td', { text: l.status ?? '' }),
          el('td', { text: l.reason }), el('td', { text: l.event && l.event.messageId }), el('td', { text: l.event && (l.event.userId || l.event.anonymousId) })))));
    }
    function open(l, requests) {
      detail.replaceChildren(el('h2', { text: 'Event' }), pre(l.event), el('h2', { text: 'Request' }),
        pre(l.requestId && requests && requests[l.requestId] ? requests[l.requestId] : '(none sent)'), el('h2', { text: 'Answer' }),
        pre({ status: l.status, body: l.responseBody, reason: l.reason, attempts: l.attempts }));
    }
    async function replay(selected) {
      let body;
      if (selected) {
        const picked = letters.filter((l) => chosen.has(key(l)));
        if (!picked.length) { progress.textContent = 'Select letters first.'; return; }
        body = { letters: picked.map((l) => ({ partition: l.partition, offset: l.offset })) };
      }
      const job = await post('/admin/integrations/' + encodeURIComponent(which.value) + '/replay-jobs?' + query(), body);
      for (;;) {
        const j = await api('/admin/replay-jobs/' + job.job);
        progress.textContent = 'Replay ' + j.state + ': ' + j.replayed + ' sent back' + (j.error ? ' — ' + j.error : '');
        if (j.state !== 'running') break;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    which.addEventListener('change', () => { chosen.clear(); load(); });
    if (names.length) await load();
  }

  // --- Modules --------------------------------------------------------------------------------------------
  async function modules(root) {
    const b = await api('/admin/modules');
    root.append(el('h1', { text: 'Modules' }), ...b.modules.map((m) => el('div', { class: 'card module' },
      el('h2', {}, m.file + ' ', state(m.status)), m.error ? el('p', { class: 'error', text: m.error + (m.line ? ' (line ' + m.line + ')' : '') }) : null,
      el('table', {}, el('tr', {}, ...['Parameter', 'As written', 'Value'].map((t) => el('th', { text: t }))),
        ...m.parameters.map((p) => el('tr', {}, el('td', { text: p.name }), el('td', { text: p.value }),
          el('td', { text: p.missing ? '(not set)' : (p.resolved ?? p.value) })))))));
  }

  // --- Playground -----------------------------------------------------------------------------------------
  async function playground(root) {
    const ints = await api('/admin/integrations');
    const which = el('select', { id: 'play-module' }, ...Object.values(ints.modules).flat().map((n) => el('option', { value: n, text: n })));
    const text = el('textarea', { id: 'play-event' });
    text.value = pretty(sessionStorage.getItem('lastEvent') || { type: 'track', event: 'Order Completed', userId: 'u1', messageId: 'try-1', properties: { revenue: 10, currency: 'EUR' } });
    const code = el('input', { id: 'play-code', placeholder: 'Meta test_event_code' });
    const out = el('div', { id: 'play-out' });
    async function run(validate) {
      let event;
      try { event = JSON.parse(text.value); } catch (e) { out.replaceChildren(el('p', { class: 'error', text: 'Not JSON: ' + e.message })); return; }
      try {
        const r = await post(validate ? '/admin/playground/validate' : '/admin/playground', { module: which.value, event, testEventCode: code.value });
        // replaceChildren would write a null as the text "null": leave the absent parts out.
        out.replaceChildren(...[el('p', { class: 'decision', text: r.decision ? (r.decision.selected ? 'Selected' : 'Left out: ' + r.decision.reason + ' — ' + r.decision.detail) : '' }),
          r.error ? el('p', { class: 'error', text: r.error }) : null, r.rejected ? el('p', { class: 'error', text: 'Refused: ' + r.rejected }) : null,
          // The vendor's answer first: it is what the validation button was pressed for.
          ...(r.validation || []).map((v) => el('div', { class: 'card validation' }, el('strong', { text: 'Validation ' + v.status + ' ' + v.url }), pre(v.body))),
          r.validation ? el('h2', { text: 'The requests, as the module builds them' }) : null,
          ...r.requests.map((q) => el('div', { class: 'card' }, el('strong', { text: q.method + ' ' + q.url }), pre(q.headers), pre(q.body)))]
          .filter((c) => c !== null));
      } catch (e) { out.replaceChildren(el('p', { class: 'error', text: e.message })); }
    }
    root.append(el('h1', { text: 'Playground' }), el('div', { class: 'filters' }, el('label', {}, 'Module', which), el('label', {}, 'Meta test code', code),
      el('button', { id: 'play-run', on: { click: () => run(false) }, text: 'Show requests (nothing sent)' }),
      el('button', { id: 'play-validate', on: { click: () => run(true) }, text: 'Send to the validation endpoint' })), text, out);
  }

  start();
})();
