// The organisation filter (core/orgpicker.py): where the page could not list every organisation in scope,
// offer the names matching what is typed, fetched from the box's data-options-url.
(function () {
  "use strict";
  document.querySelectorAll("input[data-options-url]").forEach(function (box) {
    var list = document.getElementById(box.getAttribute("list"));
    var timer = null;
    var asked = "";
    function fill(results) {
      list.textContent = "";
      results.forEach(function (o) {
        var option = document.createElement("option");
        option.value = o.name;
        option.textContent = (o.parent ? o.parent + " · " : "") + o.code;
        list.appendChild(option);
      });
    }
    box.addEventListener("input", function () {
      clearTimeout(timer);
      var q = box.value.trim();
      if (!q || q === asked) return;
      timer = setTimeout(function () {
        asked = q;
        fetch(box.getAttribute("data-options-url") + "?q=" + encodeURIComponent(q), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) { if (box.value.trim() === q) fill(data.results); })
          .catch(function () {});
      }, 250);
    });
  });
})();
