/* Irreversible actions ask once before they act (issue 12): a form, or the submit button
   that sends it, carries data-onay="the question"; "İptal" in the browser's dialog keeps
   everything as it was. A bundled file, no inline script: a Content-Security-Policy may
   forbid those. Without JavaScript the form is sent as before (the server still checks). */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var question = (button && button.getAttribute("data-onay")) || event.target.getAttribute("data-onay");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
