/* Conditional fields of the unified form: a field whose data-when rule (JSON Logic over the form's
   fields, the same rule the server checks) fails is hidden and its control disabled, so it is neither
   shown nor sent; it appears as soon as another field's value meets its condition. Without scripting
   the server decides on each submit. */
(function () {
  "use strict";
  var form = document.querySelector("form.unified");
  if (!form || !window.jsonLogic) return;
  var news = document.getElementById("condition-news");
  var wrappers = Array.prototype.slice.call(form.querySelectorAll("[data-key]"));
  var conditional = Array.prototype.slice.call(form.querySelectorAll("[data-when]"));  // fields and groups

  function valueOf(wrapper) {
    var controls = wrapper.querySelectorAll("input, select, textarea");
    var values = [];
    Array.prototype.forEach.call(controls, function (c) {
      if (c.type === "radio" || c.type === "checkbox") {
        if (c.checked) values.push(c.value);
      } else if (c.value !== "") {
        values.push(c.value);
      }
    });
    if (!values.length) return null;
    var one = values.length === 1 ? values[0] : values;
    if (one === "true") return true;
    if (one === "false") return false;
    return one;
  }

  function fields(hidden) {
    var out = {};
    wrappers.forEach(function (w) {
      var key = w.getAttribute("data-key");
      var dot = key.indexOf(".");
      var role = key.slice(0, dot);
      out[role] = out[role] || {};
      out[role][key.slice(dot + 1)] = hidden.indexOf(w) >= 0 ? null : valueOf(w);
    });
    return out;
  }

  function update(announce) {
    var hidden = [];
    for (var round = 0; round <= conditional.length; round++) {  // as the server: until nothing changes
      var data = { fields: fields(hidden) };
      var now = conditional.filter(function (w) {
        return !jsonLogic.truthy(jsonLogic.apply(JSON.parse(w.getAttribute("data-when")), data));
      });
      var same = now.length === hidden.length && now.every(function (w) { return hidden.indexOf(w) >= 0; });
      hidden = now;
      if (same) break;
    }
    var told = [];
    conditional.forEach(function (w) {
      var hide = hidden.indexOf(w) >= 0;
      if (w.hidden !== hide && announce) told.push((hide ? "已隐藏：" : "需要填写：") + w.getAttribute("data-label"));
      w.hidden = hide;
      Array.prototype.forEach.call(w.querySelectorAll("input, select, textarea"), function (c) { c.disabled = hide; });
    });
    if (news && told.length) news.textContent = told.join("；");
  }

  form.addEventListener("input", function () { update(true); });
  form.addEventListener("change", function () { update(true); });
  update(false);
})();
