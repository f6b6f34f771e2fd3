// Interdict web interface: small progressive enhancements. Every page works without
// this script; it only adds rows to repeating form sections, shows the TLP:RED
// recipients when they apply and copies a secret shown once.
(function () {
  "use strict";

  function removable(row) {
    var button = row.querySelector("[data-remove-row]");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var next = row.nextElementSibling;
      if (next && next.classList.contains("row-error")) next.remove();
      row.remove();
    });
  }

  // The identifier of a subject means something different per kind: show which.
  function hinted(select) {
    var row = select.closest("tr");
    var input = row && row.querySelector('input[name="' + select.getAttribute("data-hint-for") + '"]');
    if (!input) return;
    function update() {
      var option = select.options[select.selectedIndex];
      input.placeholder = (option && option.getAttribute("data-hint")) || "";
    }
    select.addEventListener("change", update);
    update();
  }

  function setUpRows(button) {
    var kind = button.getAttribute("data-add-row");
    var body = document.querySelector('tbody[data-rows="' + kind + '"]');
    var template = document.getElementById(kind + "-template");
    if (!body || !template) return;
    button.hidden = false;
    Array.prototype.forEach.call(body.querySelectorAll("tr." + kind + "-row"), removable);
    button.addEventListener("click", function () {
      var source = template.content.querySelector("tr");
      var row = document.importNode(source, true);
      body.appendChild(row);
      removable(row);
      Array.prototype.forEach.call(row.querySelectorAll("[data-hint-for]"), hinted);
      var first = row.querySelector("input[type=text], select");
      if (first) first.focus();
    });
  }

  function setUpTlp(select) {
    var form = select.form;
    var box = form && form.querySelector("[data-red-only]");
    if (!box) return;
    function update() {
      box.hidden = select.value !== "RED";
    }
    select.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-add-row]"), setUpRows);
    Array.prototype.forEach.call(document.querySelectorAll("[data-tlp-select]"), setUpTlp);
    Array.prototype.forEach.call(document.querySelectorAll("tbody [data-hint-for]"), hinted);
    // A secret shown once: a button copies it, when the browser lets scripts do so.
    Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
      var input = document.getElementById(button.getAttribute("data-copy"));
      if (!input) return;
      input.addEventListener("focus", function () {
        input.select();
      });
      if (!navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(input.value).then(function () {
          button.textContent = button.getAttribute("data-copied") || button.textContent;
        });
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.addEventListener("click", function () {
        window.print();
      });
    });
  });
})();
