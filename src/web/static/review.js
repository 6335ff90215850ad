// Keyboard review for /review (progressive enhancement: every form works without this script).
// j / ArrowDown and k / ArrowUp move between items; a accepts, r rejects, c focuses the
// "correct to" box (type-ahead over codes and names, English and Chinese), s skips. Keys are
// ignored while typing in a field; Escape leaves the field.
(function () {
  'use strict';
  var items = Array.prototype.slice.call(document.querySelectorAll('.review-item'));
  if (!items.length) return;
  var at = 0;
  function focusItem(i) {
    if (i < 0 || i >= items.length) return;
    if (items[at]) items[at].classList.remove('is-active');
    at = i;
    items[at].classList.add('is-active');
    items[at].focus({ preventScroll: true });
    items[at].scrollIntoView({ block: 'nearest' });
  }
  function submit(selector) {
    var form = items[at] && items[at].querySelector(selector);
    if (!form) return;
    var button = form.querySelector('button[type=submit]');
    if (button) button.disabled = true;
    form.submit();
  }
  function typing(el) {
    return el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
  }
  items.forEach(function (item, i) {
    item.addEventListener('focusin', function () {
      if (at !== i) {
        if (items[at]) items[at].classList.remove('is-active');
        at = i;
        item.classList.add('is-active');
      }
    });
    var skip = item.querySelector('.skip-link');
    if (skip)
      skip.addEventListener('click', function (e) {
        e.preventDefault();
        item.classList.add('is-skipped');
        focusItem(i + 1);
      });
  });
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (typing(e.target)) {
      if (e.key === 'Escape') {
        e.target.blur();
        focusItem(at);
      }
      return;
    }
    var k = e.key;
    if (k === 'j' || k === 'ArrowDown') focusItem(at + 1);
    else if (k === 'k' || k === 'ArrowUp') focusItem(at - 1);
    else if (k === 'a') submit('form[data-key=a]');
    else if (k === 'r') submit('form[data-key=r]');
    else if (k === 's') {
      items[at].classList.add('is-skipped');
      focusItem(at + 1);
    } else if (k === 'c') {
      var input = items[at].querySelector('.code-input');
      if (input) input.focus();
    } else return;
    e.preventDefault();
  });
  focusItem(0);
})();
