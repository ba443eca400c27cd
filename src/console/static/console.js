// The console's only script: a little progressive enhancement. Every page works without it.
'use strict';

// Verification with live progress: the form's GET (which waits for the result) becomes a
// stream of server-sent events updating a progress bar, then the result.
function enhanceVerify() {
  const form = document.querySelector('form[data-verify-stream]');
  if (!form || typeof EventSource === 'undefined') return;
  const wrap = document.querySelector('[data-verify-progress]');
  const bar = wrap.querySelector('progress');
  const status = wrap.querySelector('[data-verify-status]');
  const result = document.querySelector('[data-verify-result]');
  const button = form.querySelector('button');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    button.disabled = true;
    wrap.hidden = false;
    bar.value = 0;
    status.textContent = 'Starting…';
    result.innerHTML = '';
    document.body.dataset.verifyEvents = '0';
    const source = new EventSource(form.dataset.verifyStream);
    let lastAnnounced = -1;
    source.addEventListener('progress', (message) => {
      const { done, total } = JSON.parse(message.data);
      const percent = total > 0 ? Math.floor((done * 100) / total) : 0;
      bar.value = percent;
      document.body.dataset.verifyEvents = String(Number(document.body.dataset.verifyEvents) + 1);
      // Announce in steps of a quarter, not every batch.
      if (Math.floor(percent / 25) !== lastAnnounced) {
        lastAnnounced = Math.floor(percent / 25);
        status.textContent = `Checked ${percent} %`;
      }
    });
    const finish = (html) => {
      source.close();
      button.disabled = false;
      bar.value = 100;
      status.textContent = 'Done.';
      // Server-rendered and escaped by the console: its own markup.
      result.innerHTML = html;
      document.body.dataset.verifyDone = 'true';
    };
    source.addEventListener('result', (message) => finish(JSON.parse(message.data).html));
    source.addEventListener('failure', (message) => finish(`<div class="notice notice-error" role="alert">${JSON.parse(message.data).message.replace(/[<>&]/g, '')}</div>`));
    source.onerror = () => {
      if (document.body.dataset.verifyDone !== 'true') finish('<div class="notice notice-error" role="alert">The connection was lost. Try again.</div>');
    };
  });
}

// Secrets shown once: selected on focus, for copying.
function enhanceSecrets() {
  for (const input of document.querySelectorAll('input[data-secret]')) input.addEventListener('focus', () => input.select());
}

document.addEventListener('DOMContentLoaded', () => {
  enhanceVerify();
  enhanceSecrets();
  document.body.dataset.enhanced = 'true';
});
