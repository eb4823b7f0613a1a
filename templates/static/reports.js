// The "In báo cáo" links open the print version of a report; with JavaScript they print the page at
// once. Everything else on the report pages works without this file.
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('[data-print]').forEach(function (el) {
    el.addEventListener('click', function (ev) {
      ev.preventDefault();
      window.print();
    });
  });
});
