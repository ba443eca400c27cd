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

// Evidence uploads with progress: the multipart form is sent by XMLHttpRequest (whose upload
// reports progress), and its answer (this page again, with the file's hash in ?evidence=)
// updates the decision form's evidenceFiles field in place, so nothing typed there is lost.
// Without script the form posts and the page comes back with the file attached.
function enhanceUploads() {
  for (const form of document.querySelectorAll('form[data-evidence-upload]')) {
    const wrap = form.querySelector('[data-upload-progress]');
    const bar = wrap.querySelector('progress');
    const status = wrap.querySelector('[data-upload-status]');
    const button = form.querySelector('button[type="submit"]');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      wrap.hidden = false;
      bar.value = 0;
      status.textContent = 'Uploading…';
      button.disabled = true;
      xhr.upload.addEventListener('progress', (e) => {
        if (e.lengthComputable) bar.value = Math.floor((e.loaded * 100) / e.total);
      });
      xhr.addEventListener('load', () => {
        button.disabled = false;
        const evidence = xhr.status < 400 ? new URL(xhr.responseURL).searchParams.get('evidence') : null;
        if (!evidence) {
          const refusal = new DOMParser().parseFromString(xhr.responseText, 'text/html').querySelector('.notice');
          status.textContent = refusal ? refusal.textContent.trim() : 'The upload was refused.';
          form.dataset.uploadFailed = 'true';
          return;
        }
        bar.value = 100;
        status.textContent = 'Uploaded.';
        const files = evidence.split(',');
        form.querySelector('input[name="evidence"]').value = evidence;
        for (const field of document.querySelectorAll('input[data-evidence-field]')) field.value = evidence;
        const list = document.createElement('ul');
        list.className = 'evidence';
        for (const sha256 of files) {
          const item = document.createElement('li');
          item.dataset.sha256 = sha256;
          const code = document.createElement('code');
          code.className = 'hash';
          code.textContent = sha256;
          item.appendChild(code);
          list.appendChild(item);
        }
        const attached = form.querySelector('[data-evidence-attached]');
        attached.replaceChildren(list);
        form.querySelector('input[type="file"]').value = '';
        form.dataset.uploaded = String(files.length);
      });
      xhr.addEventListener('error', () => {
        button.disabled = false;
        status.textContent = 'The connection was lost. Try again.';
      });
      xhr.send(new FormData(form));
    });
  }
}

// Secrets shown once: selected on focus, for copying.
function enhanceSecrets() {
  for (const input of document.querySelectorAll('input[data-secret]')) input.addEventListener('focus', () => input.select());
}

document.addEventListener('DOMContentLoaded', () => {
  enhanceVerify();
  enhanceSecrets();
  enhanceUploads();
  document.body.dataset.enhanced = 'true';
});
