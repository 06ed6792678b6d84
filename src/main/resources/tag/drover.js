/*! drover.js: Drover's first-party tag, with the analytics.js API. Served by Drover at /drover.js (docs/tag.md). */
(function (window, document) {
  'use strict';

  var VERSION = '1.0.0';
  var DAY = 864e5;
  var ANONYMOUS_ID = 'ajs_anonymous_id';   // analytics.js's names: a site switching keeps its visitors
  var USER_ID = 'ajs_user_id';
  var USER_TRAITS = 'ajs_user_traits';
  var VENDOR_IDS = 'drover_ids';
  var CONSENT = 'drover_consent';
  var QUEUE = 'drover_queue_';             // + one id per page: tabs never overwrite each other's queue
  var MAX_MESSAGE = 32000;                 // Drover refuses a message over 32 KB, and with it its whole batch
  var MAX_BATCH = 400000;                  // and a batch over 500 KB
  var BEACON_MAX = 60000;                  // browsers refuse beacons and keepalive bodies over 64 KB in flight

  // Vendor ids, as data: 'vendor.key' (the key in context.providers) -> where the id comes from.
  //   param: landing URL parameter; cookie: the vendor's first-party cookie ('*' ends a prefix);
  //   paramFormat / cookieFormat: a FORMATS entry applied to that value; create: a CREATE entry used when the id is
  //   found nowhere; writeCookie: the tag writes the id to `cookie` too, so the vendor's own tag uses the same id;
  //   category: the consent category that must not be denied; days: how long a captured id is kept (default 90).
  // drover.load(key, {providers: {'acme.clickId': {param: 'acid', category: 'advertising'}, 'meta.fbp': null}})
  // adds, replaces or (null) removes entries.
  var PROVIDERS = {
    'google.gclid': {param: 'gclid', category: 'advertising'},
    'google.gbraid': {param: 'gbraid', category: 'advertising'},
    'google.wbraid': {param: 'wbraid', category: 'advertising'},
    'google.clientId': {cookie: '_ga', cookieFormat: 'gaClientId', category: 'analytics'},
    'google.sessionId': {cookie: '_ga_*', cookieFormat: 'gaSessionId', category: 'analytics'},
    'meta.fbc': {param: 'fbclid', paramFormat: 'fbc', cookie: '_fbc', writeCookie: true, category: 'advertising'},
    'meta.fbp': {cookie: '_fbp', create: 'fbp', writeCookie: true, category: 'advertising'},
    'tiktok.ttclid': {param: 'ttclid', category: 'advertising'},
    'tiktok.ttp': {cookie: '_ttp', category: 'advertising'},
    'snapchat.clickId': {param: 'ScCid', category: 'advertising'},
    'snapchat.scid': {cookie: '_scid', category: 'advertising'},
    'pinterest.clickId': {param: 'epik', cookie: '_epik', category: 'advertising'}
  };

  var FORMATS = {
    // Meta's click id: fb.<subdomain index>.<creation ms>.<fbclid>; an fbc of the same click keeps its time.
    fbc: function (fbclid, current) {
      return current && current.slice(-fbclid.length - 1) === '.' + fbclid ? current : 'fb.1.' + now() + '.' + fbclid;
    },
    // _ga = GA1.<domain level>.<random>.<first visit, s>: the client id is the last two parts.
    gaClientId: function (v) {
      var p = v.split('.');
      return p.length >= 4 ? p.slice(-2).join('.') : undefined;
    },
    // _ga_<container> = GS1.1.<session id>.<n>... or GS2.1.s<session id>$o<n>$...
    gaSessionId: function (v) {
      var p = v.split('.');
      if (p[0] === 'GS1') return p[2];
      var m = /(?:^|\$)s(\d+)/.exec(p.slice(2).join('.'));
      return m ? m[1] : undefined;
    }
  };

  var CREATE = {
    // Meta's browser id: fb.1.<creation ms>.<random number>.
    fbp: function () { return 'fb.1.' + now() + '.' + random32(); }
  };

  // OneTrust's OptanonConsent cookie: groups=C0001:1,C0002:0,... Groups not named here keep their own id.
  var ONETRUST = {C0001: 'necessary', C0002: 'analytics', C0003: 'functional', C0004: 'advertising', C0005: 'social'};

  // ---------------------------------------------------------------------------------------------------------------
  // Small helpers

  function now() { return Date.now(); }

  function random32() { return window.crypto.getRandomValues(new Uint32Array(1))[0]; }

  // A version 4 UUID (crypto.randomUUID exists only on https pages).
  function uuid() {
    var b = window.crypto.getRandomValues(new Uint8Array(16)), s = '';
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) s += (b[i] + 256).toString(16).slice(1) + (i === 3 || i === 5 || i === 7 || i === 9 ? '-' : '');
    return s;
  }

  function assign(target) {
    for (var i = 1; i < arguments.length; i++) for (var k in arguments[i]) if (Object.prototype.hasOwnProperty.call(arguments[i], k)) target[k] = arguments[i][k];
    return target;
  }

  function isEmpty(o) { for (var k in o) return false; return true; }

  function warn() { if (window.console) console.warn.apply(console, ['drover.js:'].concat([].slice.call(arguments))); }

  function decode(v) { try { return decodeURIComponent(v); } catch (e) { return v; } }

  // analytics.js wrote ids JSON-quoted ("abc"), analytics-next writes them plain: read both.
  function unquote(v) {
    if (typeof v === 'string' && v.charAt(0) === '"') { try { return JSON.parse(v); } catch (e) { return v; } }
    return v;
  }

  // localStorage may be missing or throw (blocked storage, private modes): the tag then works from memory.
  var memory = {};
  var store = {
    get: function (k) {
      var v;
      try { v = window.localStorage.getItem(k); } catch (e) { return memory[k]; }
      if (v === null) return undefined;
      try { return JSON.parse(v); } catch (e) { return v; }   // a value another script stored unquoted
    },
    set: function (k, v) { memory[k] = v; try { window.localStorage.setItem(k, JSON.stringify(v)); } catch (e) { /* memory only */ } },
    remove: function (k) { delete memory[k]; try { window.localStorage.removeItem(k); } catch (e) { /* memory only */ } },
    keys: function () { try { return Object.keys(window.localStorage); } catch (e) { return Object.keys(memory); } }
  };

  var cookies = {
    domain: '',
    all: function () {
      var out = {}, parts = document.cookie ? document.cookie.split('; ') : [];
      for (var i = 0; i < parts.length; i++) {
        var eq = parts[i].indexOf('=');
        var name = parts[i].slice(0, eq);
        if (!(name in out)) out[name] = decode(parts[i].slice(eq + 1));
      }
      return out;
    },
    // A name ending in '*' finds the first cookie with that prefix (_ga_<container>).
    get: function (name, all) {
      all = all || cookies.all();
      if (name.slice(-1) !== '*') return all[name];
      for (var k in all) if (k.indexOf(name.slice(0, -1)) === 0) return all[k];
    },
    set: function (name, value, days, domain) {
      domain = domain === undefined ? cookies.domain : domain;
      document.cookie = name + '=' + encodeURIComponent(value) + '; Path=/; Max-Age=' + Math.round(days * 86400)
        + (domain ? '; Domain=' + domain : '') + '; SameSite=Lax' + (location.protocol === 'https:' ? '; Secure' : '');
    },
    remove: function (name) {
      cookies.set(name, '', -1, '');
      if (cookies.domain) cookies.set(name, '', -1, cookies.domain);
    },
    // The widest domain a cookie may be set on (example.com for www.example.com): the browser refuses public
    // suffixes, so the first that takes is it. Host-only on IP addresses and single-label hosts.
    topDomain: function (host) {
      if (/^[\d.]+$|^\[|^[^.]+$/.test(host)) return '';
      var labels = host.split('.');
      for (var i = labels.length - 2; i >= 0; i--) {
        var candidate = labels.slice(i).join('.');
        cookies.set('drover_probe', '1', 1, candidate);
        if (cookies.all().drover_probe) { cookies.set('drover_probe', '', -1, candidate); return candidate; }
      }
      return '';
    }
  };

  // ---------------------------------------------------------------------------------------------------------------
  // Identity: the anonymous id (cookie and localStorage, as analytics.js), the user id and traits.

  var identity = {
    anonymousId: function () {
      var id = unquote(cookies.get(ANONYMOUS_ID)) || unquote(store.get(ANONYMOUS_ID));
      if (!id) id = uuid();
      identity.keep(id);
      return id;
    },
    // The cookie is written only when it is missing or different: rewriting it from script would replace the
    // long-lived cookie Drover's answer sets with a script cookie, which Safari keeps for 7 days only.
    keep: function (id) {
      if (unquote(cookies.get(ANONYMOUS_ID)) !== id) cookies.set(ANONYMOUS_ID, id, 365);
      if (store.get(ANONYMOUS_ID) !== id) store.set(ANONYMOUS_ID, id);
    },
    userId: function () { return unquote(store.get(USER_ID)) || unquote(cookies.get(USER_ID)) || null; },
    setUserId: function (id) { store.set(USER_ID, id); cookies.set(USER_ID, id, 365); },
    traits: function () { return store.get(USER_TRAITS) || {}; },
    setTraits: function (traits) { store.set(USER_TRAITS, traits); },
    reset: function () {
      store.remove(ANONYMOUS_ID); store.remove(USER_ID); store.remove(USER_TRAITS);
      cookies.remove(ANONYMOUS_ID); cookies.remove(USER_ID);
    }
  };

  // ---------------------------------------------------------------------------------------------------------------
  // Consent: drover.consent({...}) wins over OneTrust's cookie for the categories it names. A category is denied
  // only when it is false (or, with requireConsent, when it is not true).

  var consent = {
    oneTrust: ONETRUST,
    required: false,
    given: function () { return store.get(CONSENT) || {}; },
    preferences: function () {
      var prefs = {}, ot = cookies.get('OptanonConsent'), m = ot && /(?:^|&)groups=([^&]*)/.exec(ot);
      if (m) {
        var groups = decode(m[1]).split(',');
        for (var i = 0; i < groups.length; i++) {
          var g = groups[i].split(':');
          if (g.length === 2) prefs[consent.oneTrust[g[0]] || g[0]] = g[1] === '1';
        }
      }
      return assign(prefs, consent.given());
    },
    allows: function (category, prefs) {
      if (!category) return true;
      var v = (prefs || consent.preferences())[category];
      return consent.required ? v === true : v !== false;
    },
    give: function (prefs) { store.set(CONSENT, assign(consent.given(), prefs)); }
  };

  // ---------------------------------------------------------------------------------------------------------------
  // Vendor ids: captured from the landing URL (kept in localStorage, so that later pages send them), read from the
  // vendors' cookies at each event, created when a vendor's table entry says so; never for a denied category.

  var vendors = {
    table: assign({}, PROVIDERS),
    stored: function () { return store.get(VENDOR_IDS) || {}; },
    // Runs on load and on each page(): the URL may carry a new click id.
    capture: function () {
      var params = new URLSearchParams(location.search), all = cookies.all(), kept = vendors.stored(), prefs = consent.preferences();
      vendors.forget(prefs, kept);
      for (var name in vendors.table) {
        var e = vendors.table[name], value = null;
        if (!e || !consent.allows(e.category, prefs)) continue;
        var current = kept[name] ? kept[name].v : e.cookie && cookies.get(e.cookie, all);
        if (e.param && params.get(e.param)) {
          value = e.paramFormat ? FORMATS[e.paramFormat](params.get(e.param), current) : params.get(e.param);
        } else if (e.create && !current) {
          value = CREATE[e.create]();
        }
        if (value && value !== (kept[name] && kept[name].v)) {
          kept[name] = {v: value, t: now()};
          if (e.writeCookie && e.cookie) cookies.set(e.cookie, value, e.days || 90);
        }
      }
      store.set(VENDOR_IDS, kept);
    },
    // Drops kept ids that expired or whose category is now denied, with the cookies the tag wrote for them.
    forget: function (prefs, kept) {
      for (var name in kept) {
        var e = vendors.table[name];
        var denied = e && !consent.allows(e.category, prefs);
        if (!e || denied || now() - kept[name].t > (e.days || 90) * DAY) delete kept[name];
      }
      for (name in vendors.table) {
        e = vendors.table[name];
        if (e && e.writeCookie && !consent.allows(e.category, prefs)) cookies.remove(e.cookie);
      }
    },
    // context.providers: {vendor: {key: id}}; a vendor's live cookie wins over what was kept.
    current: function (prefs) {
      var out = {}, all = cookies.all(), kept = vendors.stored();
      for (var name in vendors.table) {
        var e = vendors.table[name];
        if (!e || !consent.allows(e.category, prefs)) continue;
        var raw = e.cookie && cookies.get(e.cookie, all);
        var value = raw && (e.cookieFormat ? FORMATS[e.cookieFormat](raw) : raw) || (kept[name] && kept[name].v);
        if (value) {
          var dot = name.indexOf('.');
          (out[name.slice(0, dot)] = out[name.slice(0, dot)] || {})[name.slice(dot + 1)] = value;
        }
      }
      return out;
    },
    reset: function () {
      store.remove(VENDOR_IDS);
      for (var name in vendors.table) if (vendors.table[name] && vendors.table[name].writeCookie) cookies.remove(vendors.table[name].cookie);
    }
  };

  // ---------------------------------------------------------------------------------------------------------------
  // The queue: batches to /v1/batch on size and time, persisted in localStorage (bounded), retried with backoff on
  // network errors, 5xx, 408 and 429; handed to sendBeacon when the page is hidden. Delivery is at least once: a
  // message sent twice keeps its messageId, and Drover drops the second copy.

  var queue = {
    key: QUEUE + uuid(),
    items: [],
    sending: [],
    failures: 0,
    timer: null,
    url: '',
    writeKey: '',
    flushAt: 20,
    flushInterval: 1000,
    maxItems: 500,
    backoffMax: 30000,

    // Takes over queues that other pages left behind: released when their page was hidden, or not touched for a
    // minute (their page is gone; a live page rewrites its queue at every attempt, at most backoffMax apart).
    adopt: function () {
      var keys = store.keys();
      for (var i = 0; i < keys.length; i++) {
        if (keys[i].indexOf(QUEUE) !== 0 || keys[i] === queue.key) continue;
        var left = store.get(keys[i]);
        if (left && (left.t === 0 || now() - left.t > 60000)) {
          queue.items = (left.q || []).concat(queue.items);
          store.remove(keys[i]);
        }
      }
      queue.trim();
      queue.persist();
    },
    trim: function () { if (queue.items.length > queue.maxItems) queue.items.splice(0, queue.items.length - queue.maxItems); },
    persist: function (released) {
      if (queue.items.length) store.set(queue.key, {t: released ? 0 : now(), q: queue.items});
      else store.remove(queue.key);
    },
    add: function (message) {
      if (JSON.stringify(message).length > MAX_MESSAGE) { warn('message over 32 KB dropped', message.type, message.event || ''); return; }
      queue.items.push(message);
      queue.trim();   // the oldest go first: a long offline spell keeps its latest events
      queue.persist();
      if (queue.items.length >= queue.flushAt && !queue.failures) queue.flush();
      else queue.schedule(queue.failures ? queue.backoff() : queue.flushInterval);
    },
    schedule: function (delay) {
      if (!queue.timer) queue.timer = setTimeout(function () { queue.timer = null; queue.flush(); }, delay);
    },
    backoff: function () {
      return Math.min(queue.backoffMax, 500 * Math.pow(2, queue.failures)) * (0.5 + Math.random() / 2);
    },
    // The next batch: the oldest messages, within Drover's batch limits.
    batch: function (items, maxSize) {
      var out = [], size = 0;
      for (var i = 0; i < items.length && out.length < 100; i++) {
        size += JSON.stringify(items[i]).length + 1;
        if (out.length && size > maxSize) break;
        out.push(items[i]);
      }
      return out;
    },
    body: function (batch) { return JSON.stringify({batch: batch, writeKey: queue.writeKey, sentAt: new Date().toISOString()}); },
    drop: function (batch) {
      queue.items = queue.items.filter(function (m) { return batch.indexOf(m) < 0; });
      queue.persist();
    },
    flush: function () {
      if (queue.sending.length || !queue.items.length || !queue.url) return;
      var batch = queue.sending = queue.batch(queue.items, MAX_BATCH), body = queue.body(batch);
      queue.persist();   // the heartbeat that tells other pages this queue is alive
      // text/plain with the write key in the body: a CORS "simple" request, no pre-flight. credentials: the answer
      // sets the anonymous-id cookie. keepalive: the request outlives the page if it is small enough.
      var mode = queue.credentials || 'include';
      window.fetch(queue.url, {method: 'POST', body: body, headers: {'Content-Type': 'text/plain'},
        credentials: mode, keepalive: body.length < BEACON_MAX})
        .then(function (r) {
          if (r.ok) return true;
          if (r.status >= 500 || r.status === 408 || r.status === 429) return false;
          warn('Drover refused a batch of ' + batch.length + ' (' + r.status + '); it is dropped');
          return true;   // a 4xx does not get better by sending it again
        }, function () {
          // A source that allows any origin ('*') grants no credentials, and the browser then refuses the answer:
          // try once more at once without them (the batch's messageIds make a stored copy harmless).
          if (mode === 'include') { queue.credentials = 'omit'; return null; }
          queue.credentials = null;   // offline, or Drover away: next time with credentials again
          return false;
        })
        .then(function (done) {
          queue.sending = [];
          if (done === null) { queue.schedule(0); return; }
          if (done) { queue.failures = 0; queue.drop(batch); } else { queue.failures++; }
          if (queue.items.length) queue.schedule(queue.failures ? queue.backoff() : 0);
        });
    },
    // The page is being hidden (maybe for good): beacons survive it. They report nothing back, so when Drover was
    // failing or the browser is offline the queue stays in localStorage, released for the next page to send.
    hide: function () {
      var rest = queue.items.filter(function (m) { return queue.sending.indexOf(m) < 0; });
      if (!rest.length) return;
      if (!queue.failures && navigator.onLine !== false) {
        while (rest.length) {
          var batch = queue.batch(rest, BEACON_MAX - 200);
          if (!queue.beacon(queue.body(batch))) break;
          queue.drop(batch);
          rest = rest.slice(batch.length);
        }
      }
      if (queue.items.length) queue.persist(true);
    },
    // sendBeacon where there is one, else a keepalive fetch: both outlive the page, neither reports back to it.
    beacon: function (body) {
      if (navigator.sendBeacon) return navigator.sendBeacon(queue.url, body);
      window.fetch(queue.url, {method: 'POST', body: body, headers: {'Content-Type': 'text/plain'}, credentials: 'include', keepalive: true});
      return true;
    },
    online: function () {
      queue.failures = 0;
      clearTimeout(queue.timer);
      queue.timer = null;
      queue.flush();
    }
  };

  // ---------------------------------------------------------------------------------------------------------------
  // Messages: the Segment spec's fields and context.

  function pageDefaults() {
    return {path: location.pathname, referrer: document.referrer, search: location.search, title: document.title,
      url: location.href.replace(/#.*$/, '')};
  }

  // utm_source=x -> {source: 'x'}; utm_campaign is the campaign's name.
  function campaign() {
    var out = {}, params = new URLSearchParams(location.search);
    params.forEach(function (value, key) {
      if (key.indexOf('utm_') === 0 && key.length > 4) out[key === 'utm_campaign' ? 'name' : key.slice(4)] = value;
    });
    return out;
  }

  function context(options) {
    var prefs = consent.preferences();
    var c = {
      library: {name: 'drover.js', version: VERSION},
      page: pageDefaults(),
      userAgent: navigator.userAgent,
      locale: navigator.language,
      screen: {width: screen.width, height: screen.height, density: window.devicePixelRatio},
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone
    };
    var utm = campaign(), ids = vendors.current(prefs);
    if (!isEmpty(utm)) c.campaign = utm;
    if (!isEmpty(ids)) c.providers = ids;
    if (!isEmpty(prefs)) c.consent = {categoryPreferences: prefs};
    return assign(c, options.context);
  }

  function message(type, fields, options, time) {
    var m = {type: type, messageId: uuid(), timestamp: new Date(time).toISOString(),
      anonymousId: options.anonymousId || identity.anonymousId(), context: context(options)};
    var userId = identity.userId();
    if (userId) m.userId = userId;
    if (options.integrations) m.integrations = options.integrations;
    return assign(m, fields);
  }

  // analytics.js's flexible arguments: up to `positions` leading ids or names (string, number or null), then
  // properties, options and a callback, each optional.
  function parse(args, positions) {
    var a = [].slice.call(args), out = {ids: []};
    if (typeof a[a.length - 1] === 'function') out.callback = a.pop();
    while (out.ids.length < positions && a.length && (a[0] == null || typeof a[0] === 'string' || typeof a[0] === 'number')) {
      var id = a.shift();
      out.ids.push(id == null ? undefined : String(id));
    }
    out.properties = a[0] || {};
    out.options = a[1] || {};
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The public API. Every method is guarded: a tag error never breaks the page.

  var loaded = false, beforeLoad = [], readyCallbacks = [];
  var scriptOrigin = document.currentScript && document.currentScript.src ? new URL(document.currentScript.src).origin : location.origin;

  // Calls made before load() wait, with the time they were made.
  function call(build, positions) {
    return function () {
      var time = now(), args = arguments;
      if (!loaded) { beforeLoad.push(function () { send(build, parse(args, positions), time); }); return; }
      send(build, parse(args, positions), time);
    };
  }

  function send(build, a, time) {
    var m = build(a, time);
    if (m) queue.add(m);
    if (a.callback) setTimeout(a.callback, 0);
  }

  var api = {
    VERSION: VERSION,

    load: function (writeKey, options) {
      if (loaded) { warn('load() was called twice; the second call is ignored'); return; }
      options = options || {};
      var host = (options.apiHost || scriptOrigin).replace(/\/+$/, '');
      queue.url = (/^https?:\/\//.test(host) ? host : 'https://' + host) + '/v1/batch';
      queue.writeKey = writeKey;
      ['flushAt', 'flushInterval', 'backoffMax'].forEach(function (k) { if (options[k] > 0) queue[k] = options[k]; });
      if (options.maxQueue > 0) queue.maxItems = options.maxQueue;
      assign(vendors.table, options.providers);
      consent.oneTrust = assign({}, ONETRUST, options.oneTrust);
      consent.required = !!options.requireConsent;
      cookies.domain = options.cookieDomain !== undefined ? options.cookieDomain : cookies.topDomain(location.hostname);
      identity.anonymousId();
      vendors.capture();
      queue.adopt();
      document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'hidden') queue.hide(); });
      window.addEventListener('pagehide', queue.hide);
      window.addEventListener('online', queue.online);
      loaded = true;
      beforeLoad.splice(0).forEach(function (f) { f(); });
      queue.flush();
      readyCallbacks.splice(0).forEach(function (f) { setTimeout(f, 0); });
    },

    track: call(function (a, time) {
      if (!a.ids[0]) { warn('track() needs an event name'); return; }
      return message('track', {event: a.ids[0], properties: a.properties}, a.options, time);
    }, 1),

    identify: call(function (a, time) {
      if (a.ids[0]) identity.setUserId(a.ids[0]);
      var traits = assign(identity.traits(), a.properties);
      identity.setTraits(traits);
      return message('identify', {traits: traits}, a.options, time);
    }, 1),

    // page([category], [name], [properties], [options], [callback])
    page: call(function (a, time) {
      vendors.capture();
      var name = a.ids.length > 1 ? a.ids[1] : a.ids[0], category = a.ids.length > 1 ? a.ids[0] : undefined;
      var properties = assign(pageDefaults(), a.properties);
      if (name) properties.name = name;
      if (category) properties.category = category;
      return message('page', {name: name, category: category, properties: properties}, a.options, time);
    }, 2),

    screen: call(function (a, time) {
      var name = a.ids.length > 1 ? a.ids[1] : a.ids[0], category = a.ids.length > 1 ? a.ids[0] : undefined;
      return message('screen', {name: name, category: category, properties: a.properties}, a.options, time);
    }, 2),

    group: call(function (a, time) {
      if (!a.ids[0]) { warn('group() needs a group id'); return; }
      return message('group', {groupId: a.ids[0], traits: a.properties}, a.options, time);
    }, 1),

    // alias(userId, [previousId]): previousId is the current user id, else the anonymous id.
    alias: call(function (a, time) {
      if (!a.ids[0]) { warn('alias() needs a user id'); return; }
      return message('alias', {userId: a.ids[0], previousId: a.ids[1] || identity.userId() || identity.anonymousId()},
        a.options, time);
    }, 2),

    // Forgets who this is: user id, traits, anonymous id (a new one is made) and the vendor ids the tag keeps.
    reset: function () {
      identity.reset();
      vendors.reset();
      if (loaded) identity.anonymousId();
    },

    // consent({advertising: false}) records the visitor's choice; consent() returns what is in force.
    consent: function (preferences) {
      if (preferences) {
        consent.give(preferences);
        if (loaded) vendors.capture();
      }
      return consent.preferences();
    },

    ready: function (callback) {
      if (loaded) setTimeout(callback, 0); else readyCallbacks.push(callback);
    },

    flush: function () { queue.online(); },

    user: function () {
      return {anonymousId: identity.anonymousId, id: identity.userId, traits: identity.traits};
    }
  };

  function guard(f) {
    return function () {
      try { return f.apply(api, arguments); } catch (e) { warn(e); }
    };
  }

  var drover = {};
  for (var name in api) drover[name] = typeof api[name] === 'function' ? guard(api[name]) : api[name];

  // The snippet's stub is an array of [method, args...] calls made while this file loaded: replay them in order.
  var stub = window.drover;
  window.drover = drover;
  if (stub && typeof stub.length === 'number') {
    for (var i = 0; i < stub.length; i++) if (drover[stub[i][0]]) drover[stub[i][0]].apply(drover, stub[i].slice(1));
  }
})(window, document);
