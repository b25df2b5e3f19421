// The minutes editor: toolbar buttons format the contenteditable area, whose HTML is posted in the form.
(function () {
  var editor = document.getElementById("editor"), field = document.getElementById("id_minutes");
  document.querySelectorAll("[data-cmd]").forEach(function (b) {
    b.addEventListener("click", function () { editor.focus(); document.execCommand(b.dataset.cmd, false, b.dataset.arg || null); });
  });
  document.getElementById("minutes-form").addEventListener("submit", function () { field.value = editor.innerHTML; });
})();
