// The public dashboard: reads GET /v1/public/dashboard and draws it with the DOM API only
// (textContent, never innerHTML: names come from users). No build step, no library; the page's
// CSP allows scripts from this origin only, hence this file.
(function () {
  'use strict';

  var REFRESH_MS = 30000;
  var FIGURES = [
    ['deposited', 'Deposited'],
    ['allocated', 'Allocated'],
    ['released', 'Released'],
    ['refunded', 'Refunded'],
    ['repaid', 'Repaid'],
    ['unallocated', 'Unallocated'],
  ];
  var CATEGORIES = {
    utilities: 'Water & utilities',
    shelters: 'Shelters',
    clinics: 'Clinics',
    infrastructure: 'Infrastructure',
    livelihoods: 'Livelihoods',
  };
  var TRANCHE_STATUS = { allocated: 'Allocated', release_pending: 'Release pending', released: 'Released', cancelled: 'Cancelled', expired: 'Expired' };
  var BENCHMARK_KIND = { humanitarian_access: 'Humanitarian access', anti_corruption: 'Anti-corruption', final_audit: 'Final audit' };
  var lastShown = null;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') node.textContent = attrs[key];
      else if (key === 'className') node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(child);
    });
    return node;
  }

  /** "1250000.50" → "1,250,000.50", on the string itself: amounts are exact decimals, not floats. */
  function groupDigits(amount) {
    var negative = amount.charAt(0) === '-';
    var parts = (negative ? amount.slice(1) : amount).split('.');
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return (negative ? '-' : '') + whole + (parts.length > 1 ? '.' + parts[1] : '');
  }

  function integer(n) {
    return groupDigits(String(n));
  }

  function shortHash(hex) {
    return hex ? hex.slice(0, 16) + '…' + hex.slice(-8) : '—';
  }

  function setText(selector, value, title) {
    var node = document.querySelector(selector);
    node.textContent = value;
    if (title) node.title = title;
  }

  function renderLedger(data) {
    document.getElementById('ledger').hidden = false;
    setText('[data-ledger="transactions"]', integer(data.ledger.transactions));
    setText('[data-ledger="sealed"]', integer(data.ledger.sealed));
    setText('[data-ledger="headHash"]', data.ledger.headHash || '—');
    var cp = data.latestCheckpoint;
    document.getElementById('checkpoint').hidden = !cp;
    document.getElementById('no-checkpoint').hidden = !!cp;
    if (cp) {
      setText('[data-checkpoint="treeSize"]', integer(cp.treeSize));
      setText('[data-checkpoint="timestamp"]', cp.timestamp.replace('T', ' ').replace(/\.\d+Z$/, ''), cp.timestamp);
      setText('[data-checkpoint="rootHash"]', cp.rootHash);
      setText('[data-checkpoint="signature"]', cp.signature);
    }
    document.getElementById('verify-command').textContent =
      'npm run -s cli -- proof:verify --url ' + location.origin + (cp ? ' --chain-index 0' : '');
  }

  /** Sums per category and phase; cancelled tranches hold no money and are left out. */
  function chartData(tranches) {
    var rows = {};
    var phases = {};
    tranches.forEach(function (t) {
      if (t.status === 'cancelled') return;
      rows[t.category] = rows[t.category] || { total: 0, phases: {} };
      // Numbers only for drawing; the exact decimal strings are shown in the table.
      var value = Number(t.amount);
      rows[t.category].total += value;
      rows[t.category].phases[t.phase] = (rows[t.category].phases[t.phase] || 0) + value;
      phases[t.phase] = true;
    });
    return {
      categories: Object.keys(CATEGORIES).filter(function (c) { return rows[c]; }).map(function (c) { return { category: c, row: rows[c] }; }),
      phases: Object.keys(phases).map(Number).sort(function (a, b) { return a - b; }),
    };
  }

  function renderChart(account) {
    var data = chartData(account.tranches);
    var figure = el('figure', { className: 'chart', 'aria-label': 'Allocated and released funds by category and phase' });
    figure.appendChild(el('figcaption', { text: 'By category and phase (' + account.currency + ')' }));
    if (data.categories.length === 0) {
      figure.appendChild(el('p', { className: 'muted', text: 'No tranches yet.' }));
      return figure;
    }
    var max = Math.max.apply(null, data.categories.map(function (c) { return c.row.total; }));
    data.categories.forEach(function (entry) {
      var track = el('div', { className: 'track' });
      data.phases.forEach(function (phase) {
        var value = entry.row.phases[phase];
        if (!value) return;
        var segment = el('span', {
          className: 'segment phase-' + (((phase - 1) % 6) + 1),
          'data-chart-category': entry.category,
          'data-chart-phase': String(phase),
          title: CATEGORIES[entry.category] + ', phase ' + phase + ': ' + groupDigits(String(value)) + ' ' + account.currency,
        });
        segment.style.width = ((value / max) * 100).toFixed(3) + '%';
        track.appendChild(segment);
      });
      figure.appendChild(
        el('div', { className: 'bar' }, [
          el('span', { className: 'bar-label', text: CATEGORIES[entry.category] }),
          track,
        ]),
      );
    });
    var legend = el('ul', { className: 'legend' });
    data.phases.forEach(function (phase) {
      legend.appendChild(el('li', {}, [el('span', { className: 'swatch phase-' + (((phase - 1) % 6) + 1) }), document.createTextNode('Phase ' + phase)]));
    });
    figure.appendChild(legend);
    return figure;
  }

  function renderTranches(account) {
    if (account.tranches.length === 0) return el('p', { className: 'muted', text: 'No tranches allocated yet.' });
    var head = el('tr', {}, ['Phase', 'Category', 'Recipient', 'Amount', 'Status', 'Benchmarks'].map(function (h) {
      return el('th', { scope: 'col', text: h });
    }));
    var body = el('tbody');
    account.tranches.forEach(function (t) {
      var benchmarks = el('div', { className: 'benchmarks' });
      if (t.benchmarks.length === 0) benchmarks.appendChild(el('span', { className: 'muted', text: 'none yet' }));
      t.benchmarks.forEach(function (b) {
        benchmarks.appendChild(
          el('span', { className: 'badge benchmark-' + b.status, 'data-benchmark-kind': b.kind, 'data-benchmark-status': b.status }, [
            document.createTextNode(BENCHMARK_KIND[b.kind] + ': '),
            el('strong', { text: b.status }),
          ]),
        );
      });
      body.appendChild(
        el('tr', { 'data-tranche': t.id }, [
          el('td', { 'data-label': 'Phase', 'data-cell': 'phase', text: String(t.phase) }),
          el('td', { 'data-label': 'Category', 'data-cell': 'category', text: CATEGORIES[t.category] || t.category }),
          el('td', { 'data-label': 'Recipient', 'data-cell': 'recipient', text: t.recipient }),
          el('td', { 'data-label': 'Amount', 'data-cell': 'amount', className: 'num', text: groupDigits(t.amount) }),
          el('td', { 'data-label': 'Status', 'data-cell': 'status' }, [
            el('span', { className: 'badge tranche-' + t.status, 'data-tranche-status': t.status, text: TRANCHE_STATUS[t.status] || t.status }),
          ]),
          el('td', { 'data-label': 'Benchmarks', 'data-cell': 'benchmarks' }, [benchmarks]),
        ]),
      );
    });
    return el('div', { className: 'table-wrap' }, [el('table', { className: 'tranches' }, [el('thead', {}, [head]), body])]);
  }

  function renderAccount(account) {
    var status = el('span', { className: 'badge account-' + account.status, 'data-account-status': account.status, text: account.status === 'suspended' ? 'Suspended' : account.status === 'closed' ? 'Closed' : 'Active' });
    var figures = el('dl', { className: 'figures' }, FIGURES.map(function (f) {
      return el('div', { className: 'figure figure-' + f[0] }, [
        el('dt', {}, [document.createTextNode(f[1] + ' '), el('span', { className: 'currency', text: account.currency })]),
        el('dd', {}, [el('span', { className: 'amount', 'data-figure': f[0], text: groupDigits(account.balances[f[0]]) })]),
      ]);
    }));
    var card = el('article', { className: 'panel account', 'data-account': account.id }, [
      el('header', { className: 'account-head' }, [
        el('h2', { text: account.name }),
        el('div', { className: 'meta' }, [status, account.country ? el('span', { className: 'muted', text: account.country }) : null]),
      ]),
      account.status === 'suspended'
        ? el('p', { className: 'notice warn', text: 'This account is suspended after a reported violation: no release can be requested or approved until it is resumed.' })
        : null,
      figures,
      renderChart(account),
      el('h3', { text: 'Tranches' }),
      renderTranches(account),
    ]);
    return card;
  }

  function render(data) {
    renderLedger(data);
    var container = document.getElementById('accounts');
    container.textContent = '';
    if (data.escrowAccounts.length === 0) container.appendChild(el('p', { className: 'muted', text: 'No escrow accounts yet.' }));
    data.escrowAccounts.forEach(function (account) {
      container.appendChild(renderAccount(account));
    });
    document.getElementById('generated').textContent = ' · data as of ' + data.generatedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
    var status = document.getElementById('status');
    status.hidden = true;
    document.body.setAttribute('data-state', 'ready');
  }

  function load() {
    // `no-cache` revalidates with the ETag: the server answers 304 until the ledger moves.
    return fetch('/v1/public/dashboard', { cache: 'no-cache', headers: { accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) throw new Error('the dashboard answered ' + response.status);
        return response.json();
      })
      .then(function (data) {
        var key = JSON.stringify([data.ledger, data.latestCheckpoint, data.escrowAccounts]);
        if (key !== lastShown) {
          lastShown = key;
          render(data);
        }
      })
      .catch(function (error) {
        var status = document.getElementById('status');
        status.hidden = false;
        status.className = 'notice warn';
        status.textContent = 'Could not load the ledger: ' + error.message + '. Retrying…';
        if (document.body.getAttribute('data-state') !== 'ready') document.body.setAttribute('data-state', 'error');
      });
  }

  load();
  setInterval(function () {
    if (!document.hidden) load();
  }, REFRESH_MS);
})();
