// Small behaviours without inline script (the Content-Security-Policy forbids it).
document.addEventListener("DOMContentLoaded", function () {
  // A form with data-confirm asks before it is sent.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  // Keep the selected finding in view on the document side.
  var mark = document.querySelector(".doc .hl");
  if (mark) { mark.scrollIntoView({block: "center"}); }
});
