// The public dashboard's script. The server renders the summary into the page (it reads with
// JavaScript off); this adds what needs a request: each account's tranches, page by page from
// GET /v1/public/escrow-accounts/:id/tranches, and a refresh of the summary every 30 s by
// fetching the page again (one renderer for the figures: the server's). DOM API only
// (textContent, never innerHTML: names come from users); amounts are shown as the exact decimal
// strings the API sends, never turned into numbers. No build step, no library; the page's CSP
// allows scripts from this origin only, hence this file.
(function () {
  'use strict';

  var REFRESH_MS = 30000;
  var PAGE_SIZE = 50;
  var CATEGORIES = {
    utilities: 'Water & utilities',
    shelters: 'Shelters',
    clinics: 'Clinics',
    infrastructure: 'Infrastructure',
    livelihoods: 'Livelihoods',
  };
  var TRANCHE_STATUS = { allocated: 'Allocated', release_pending: 'Release pending', released: 'Released', cancelled: 'Cancelled', expired: 'Expired' };
  var BENCHMARK_KIND = { humanitarian_access: 'Humanitarian access', anti_corruption: 'Anti-corruption', final_audit: 'Final audit' };

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

  function showProblem(message) {
    var status = document.getElementById('status');
    status.hidden = false;
    status.className = 'notice warn';
    status.textContent = message;
  }

  function trancheRow(t) {
    var benchmarks = el('div', { className: 'benchmarks' });
    if (t.benchmarks.length === 0) benchmarks.appendChild(el('span', { className: 'muted', text: 'none yet' }));
    t.benchmarks.forEach(function (b) {
      benchmarks.appendChild(
        el('span', { className: 'badge benchmark-' + b.status, 'data-benchmark-kind': b.kind, 'data-benchmark-status': b.status }, [
          document.createTextNode((BENCHMARK_KIND[b.kind] || b.kind) + ': '),
          el('strong', { text: b.status }),
        ]),
      );
    });
    return el('tr', { 'data-tranche': t.id }, [
      el('td', { 'data-label': 'Phase', 'data-cell': 'phase', text: String(t.phase) }),
      el('td', { 'data-label': 'Category', 'data-cell': 'category', text: CATEGORIES[t.category] || t.category }),
      el('td', { 'data-label': 'Recipient', 'data-cell': 'recipient', text: t.recipient.name }),
      el('td', { 'data-label': 'Amount', 'data-cell': 'amount', className: 'num', text: groupDigits(t.amount) }),
      el('td', { 'data-label': 'Released', 'data-cell': 'released', className: 'num', text: groupDigits(t.releasedAmount) }),
      el('td', { 'data-label': 'Status', 'data-cell': 'status' }, [
        el('span', { className: 'badge tranche-' + t.status, 'data-tranche-status': t.status, text: TRANCHE_STATUS[t.status] || t.status }),
      ]),
      el('td', { 'data-label': 'Benchmarks', 'data-cell': 'benchmarks' }, [benchmarks]),
    ]);
  }

  function trancheTable(currency) {
    var head = el('tr', {}, ['Phase', 'Category', 'Recipient', 'Amount (' + currency + ')', 'Released (' + currency + ')', 'Status', 'Benchmarks'].map(function (h) {
      return el('th', { scope: 'col', text: h });
    }));
    return el('div', { className: 'table-wrap' }, [el('table', { className: 'tranches' }, [el('thead', {}, [head]), el('tbody')])]);
  }

  /** Fetches the next page of an account's tranches into its list; the control then asks for the page after. */
  function showTranches(control) {
    var id = control.getAttribute('data-show-tranches');
    var card = control.closest('[data-account]');
    var list = card.querySelector('[data-tranches-for]');
    var cursor = control.getAttribute('data-cursor');
    var url = '/v1/public/escrow-accounts/' + encodeURIComponent(id) + '/tranches?limit=' + PAGE_SIZE + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '');
    control.setAttribute('aria-busy', 'true');
    return fetch(url, { headers: { accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) throw new Error('the tranches answered ' + response.status);
        return response.json();
      })
      .then(function (page) {
        if (!list.firstChild) {
          var currency = card.querySelector('.figure .currency');
          list.appendChild(trancheTable(currency ? currency.textContent : ''));
        }
        var body = list.querySelector('tbody');
        page.items.forEach(function (t) {
          body.appendChild(trancheRow(t));
        });
        var total = card.querySelector('[data-tranche-total]').getAttribute('data-tranche-total');
        list.setAttribute('data-shown', String(body.children.length));
        control.removeAttribute('aria-busy');
        if (page.nextCursor) {
          control.setAttribute('data-cursor', page.nextCursor);
          control.textContent = 'Show more tranches (' + groupDigits(String(body.children.length)) + ' of ' + groupDigits(total) + ' shown)';
        } else {
          control.parentNode.removeChild(control);
        }
      })
      .catch(function (error) {
        control.removeAttribute('aria-busy');
        showProblem('Could not load the tranches: ' + error.message + '.');
      });
  }

  document.addEventListener('click', function (event) {
    var control = event.target.closest && event.target.closest('[data-show-tranches]');
    if (!control) return;
    event.preventDefault();
    if (control.getAttribute('aria-busy') !== 'true') showTranches(control);
  });

  /**
   * Fetches the page again (`no-cache`: 304 until the ledger moves) and, when its summary is of a
   * newer state, puts it in place, keeping the tranches a reader has opened.
   */
  function refresh() {
    return fetch(location.pathname, { cache: 'no-cache', headers: { accept: 'text/html' } })
      .then(function (response) {
        if (!response.ok) throw new Error('the page answered ' + response.status);
        return response.text();
      })
      .then(function (text) {
        var fresh = new DOMParser().parseFromString(text, 'text/html').getElementById('summary');
        var current = document.getElementById('summary');
        if (!fresh || !current || fresh.getAttribute('data-watermark') === current.getAttribute('data-watermark')) return;
        current.querySelectorAll('[data-tranches-for]').forEach(function (opened) {
          if (!opened.firstChild) return;
          var id = opened.getAttribute('data-tranches-for');
          var slot = fresh.querySelector('[data-tranches-for="' + id + '"]');
          if (!slot) return;
          slot.parentNode.replaceChild(document.adoptNode(opened), slot);
          var more = fresh.querySelector('[data-show-tranches="' + id + '"]');
          var oldMore = current.querySelector('[data-show-tranches="' + id + '"]');
          if (more && oldMore && oldMore.getAttribute('data-cursor')) more.parentNode.replaceChild(document.adoptNode(oldMore), more);
          else if (more && !oldMore) more.parentNode.removeChild(more);
        });
        current.parentNode.replaceChild(document.adoptNode(fresh), current);
        document.getElementById('status').hidden = true;
      })
      .catch(function (error) {
        showProblem('Could not refresh the ledger: ' + error.message + '. Retrying…');
      });
  }

  setInterval(function () {
    if (!document.hidden) refresh();
  }, REFRESH_MS);
  document.body.setAttribute('data-script', 'ready');
})();
