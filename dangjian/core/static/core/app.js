// Behaviour shared by every page, bound by data attributes instead of inline handlers (the CSP allows no
// inline script): data-print prints the page, data-confirm asks before a button or form goes ahead.
document.addEventListener("click", function (event) {
  var target = event.target.closest("[data-print], button[data-confirm]");
  if (!target) return;
  if (target.hasAttribute("data-print")) {
    window.print();
  } else if (!window.confirm(target.dataset.confirm)) {
    event.preventDefault();
  }
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
});
