/* Dependent selects on the registration page: community -> building -> entrance -> room.
   Without JavaScript the form still validates on the server and keeps the choices. */
(function () {
  "use strict";
  var order = ["community", "building", "entrance", "household"];
  var form = document.querySelector("form[data-options-url]");
  if (!form) { return; }
  var url = form.getAttribute("data-options-url");
  var placeholder = form.getAttribute("data-placeholder") || "---";
  var errorBox = form.querySelector("[data-cascade-error]");
  // Each level remembers its latest request; an older reply arriving late is ignored.
  var latest = {};
  function select(name) { return form.querySelector('[data-cascade="' + name + '"]'); }
  function clearFrom(index) {
    for (var i = index; i < order.length; i++) {
      var el = select(order[i]);
      latest[order[i]] = (latest[order[i]] || 0) + 1;
      if (!el) { continue; }
      el.innerHTML = "";
      var opt = document.createElement("option");
      opt.value = ""; opt.textContent = placeholder;
      el.appendChild(opt);
    }
  }
  order.slice(0, 3).forEach(function (name, index) {
    var el = select(name);
    if (!el) { return; }
    el.addEventListener("change", function () {
      var child = order[index + 1];
      clearFrom(index + 1);
      if (errorBox) { errorBox.classList.add("d-none"); }
      if (!el.value) { return; }
      var ticket = latest[child];
      fetch(url + "?level=" + child + "&parent=" + encodeURIComponent(el.value), {
        headers: { "Accept": "application/json" }, credentials: "same-origin"
      }).then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.json();
      }).then(function (data) {
        if (ticket !== latest[child]) { return; }
        var target = select(child);
        data.options.forEach(function (o) {
          var opt = document.createElement("option");
          opt.value = o.id; opt.textContent = o.label;
          target.appendChild(opt);
        });
      }).catch(function () {
        if (ticket === latest[child] && errorBox) { errorBox.classList.remove("d-none"); }
      });
    });
  });
})();
