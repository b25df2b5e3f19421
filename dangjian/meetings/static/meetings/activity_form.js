// The activity form shows only the fields of the chosen kind: a field marked data-kinds="a b" is for
// those kinds. The server clears such a field for any other kind, so hiding it is only for the eye.
(function () {
  "use strict";
  var kind = document.getElementById("id_kind");
  if (!kind || !kind.form) return;
  var boxes = [];
  kind.form.querySelectorAll("[data-kinds]").forEach(function (input) {
    var box = input.closest(".field");
    if (box && boxes.indexOf(box) < 0) {
      box.setAttribute("data-kinds", input.getAttribute("data-kinds"));
      boxes.push(box);
    }
  });
  function update() {
    boxes.forEach(function (box) {
      box.hidden = box.getAttribute("data-kinds").split(" ").indexOf(kind.value) < 0;
    });
  }
  kind.addEventListener("change", update);
  update();
})();
