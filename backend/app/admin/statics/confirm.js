// A form with data-confirm="Question?" is sent only once the staff member answers OK.
// (In a file, not an onsubmit= attribute: the panel's CSP runs no inline handlers.)
document.addEventListener('submit', function (event) {
  var form = event.target;
  var question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
