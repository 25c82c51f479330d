// Encore hosted pages: progressive enhancement only. Every page works without this file; it adds a
// live countdown and the live fee preview (the numbers come from the server, never computed here).
'use strict';
(function () {
  function pad(n) { return n < 10 ? '0' + n : String(n); }

  // <span data-countdown="<ISO expiresAt>" data-expired-text="…"> counts down to the server's time.
  function countdowns() {
    var els = document.querySelectorAll('[data-countdown]');
    if (els.length === 0) return;
    var skew = 0;
    var now = document.documentElement.getAttribute('data-server-now');
    if (now) skew = Date.parse(now) - Date.now();
    function tick() {
      els.forEach(function (el) {
        var left = Math.max(0, Date.parse(el.getAttribute('data-countdown')) - (Date.now() + skew));
        var s = Math.floor(left / 1000);
        el.textContent = Math.floor(s / 60) + ':' + pad(s % 60);
        if (left === 0 && !el.hasAttribute('data-done')) {
          el.setAttribute('data-done', '');
          var target = el.getAttribute('data-expired-reload');
          if (target !== null) setTimeout(function () { location.reload(); }, 1500);
        }
      });
    }
    tick();
    setInterval(tick, 1000);
  }

  // <form data-preview="<url>"> with an input[name=price]: asks the server what the buyer pays and
  // what the seller receives, and fills [data-preview-field=<key>] elements with the answer.
  function previews() {
    document.querySelectorAll('form[data-preview]').forEach(function (form) {
      var input = form.querySelector('input[name=price]');
      if (!input) return;
      var timer = null;
      var seq = 0;
      function update() {
        var mine = ++seq;
        var url = form.getAttribute('data-preview') + (form.getAttribute('data-preview').indexOf('?') < 0 ? '?' : '&') + 'price=' + encodeURIComponent(input.value);
        fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (data) {
            if (!data || mine !== seq) return;
            Object.keys(data).forEach(function (key) {
              form.querySelectorAll('[data-preview-field="' + key + '"]').forEach(function (el) { el.textContent = data[key]; });
            });
          })
          .catch(function () { /* the preview is a convenience; the form still submits */ });
      }
      input.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(update, 200); });
    });
  }

  // <button data-copy="<text>"> copies a share link.
  function copies() {
    document.querySelectorAll('[data-copy]').forEach(function (btn) {
      btn.addEventListener('click', function () {
        if (!navigator.clipboard) return;
        navigator.clipboard.writeText(btn.getAttribute('data-copy')).then(function () {
          var done = btn.getAttribute('data-copied');
          if (done) btn.textContent = done;
        });
      });
    });
  }

  // <form data-confirm="question">: asks before a destructive action (delist, cancel).
  function confirms() {
    document.querySelectorAll('form[data-confirm]').forEach(function (form) {
      form.addEventListener('submit', function (e) {
        if (!window.confirm(form.getAttribute('data-confirm'))) e.preventDefault();
      });
    });
  }

  // Forms submit once: a second click while the first is on its way does nothing.
  function singleSubmit() {
    document.querySelectorAll('form[method=post]').forEach(function (form) {
      form.addEventListener('submit', function (e) {
        if (e.defaultPrevented) return;
        if (form.hasAttribute('data-sending')) { e.preventDefault(); return; }
        form.setAttribute('data-sending', '');
      });
    });
  }

  function start() { countdowns(); previews(); copies(); confirms(); singleSubmit(); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
