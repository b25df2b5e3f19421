// Shows only the fields the chosen step uses (the form's data-step-fields: {step code: [field names]}).
(function () {
  var form = document.querySelector("form[data-step-fields]");
  if (!form) return;
  var uses = JSON.parse(form.getAttribute("data-step-fields"));
  var optional = JSON.parse(form.getAttribute("data-optional-fields"));
  var select = form.querySelector("#id_code");
  function update() {
    var wanted = uses[select.value] || [];
    optional.forEach(function (name) {
      var input = form.querySelector("#id_" + name);
      var box = input && input.closest(".field");
      if (box) box.hidden = wanted.indexOf(name) === -1;
    });
  }
  select.addEventListener("change", update);
  update();
})();
