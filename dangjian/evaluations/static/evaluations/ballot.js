// The ballot's progress line: how many members have a grade chosen, out of data-total.
(function () {
  var form = document.getElementById("ballot"), out = document.getElementById("progress");
  var total = form.dataset.total;
  function update() { out.textContent = "已选 " + form.querySelectorAll("input[type=radio]:checked").length + " / " + total + " 人"; }
  form.addEventListener("change", update); update();
})();
