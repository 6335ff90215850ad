// Optional enhancements; every page works without this script.
// Adds "Copy" buttons to the citation box (stable URL, reference, BibTeX).
(function () {
  'use strict';
  var zh = (document.documentElement.lang || '').indexOf('zh') === 0;
  var label = zh ? '复制' : 'Copy';
  var done = zh ? '已复制' : 'Copied';
  function addCopy(el, getText) {
    if (!navigator.clipboard || !el) return;
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'secondary copy-button';
    b.textContent = label;
    b.addEventListener('click', function () {
      navigator.clipboard.writeText(getText()).then(function () {
        b.textContent = done;
        setTimeout(function () { b.textContent = label; }, 1500);
      });
    });
    el.insertAdjacentElement('afterend', b);
  }
  document.querySelectorAll('.cite').forEach(function (box) {
    var url = box.querySelector('#cite-url');
    if (url) addCopy(url, function () { return url.value; });
    var text = box.querySelector('.cite-text');
    if (text) addCopy(text, function () { return text.textContent.trim(); });
    var bib = box.querySelector('pre.bibtex');
    if (bib) addCopy(bib, function () { return bib.textContent; });
  });
})();
