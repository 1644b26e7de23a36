/* "Tick all" for a building's entrances; without JavaScript each box is ticked by hand. */
document.querySelectorAll("[data-building]").forEach(function (card) {
  var button = card.querySelector("[data-tick-building]");
  var boxes = card.querySelectorAll("input[type=checkbox]");
  button.classList.remove("d-none");
  button.addEventListener("click", function () {
    var all = Array.prototype.every.call(boxes, function (b) { return b.checked; });
    boxes.forEach(function (b) { b.checked = !all; });
  });
});
