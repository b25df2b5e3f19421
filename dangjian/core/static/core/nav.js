// The main navigation on phones: folded behind a menu button, unfolded on a tap. Without this script the
// items wrap onto several lines instead (app.css), so every page stays reachable either way.
(function () {
  var root = document.documentElement;
  root.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".nav-toggle");
    var items = document.getElementById("mainnav-items");
    if (!button || !items) return;
    button.addEventListener("click", function () {
      var open = items.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
})();
