// Records JavaScript errors and Content-Security-Policy violations in #report-errors.
(function () {
  var pending = [];
  function show(message) {
    var box = document.getElementById('report-errors');
    if (!box) {
      pending.push(message);
      return;
    }
    var line = document.createElement('p');
    line.textContent = message;
    box.appendChild(line);
  }
  window.onerror = function (message, source, line, column) {
    show(message + ' (' + source + ':' + line + ':' + column + ')');
  };
  window.addEventListener('unhandledrejection', function (event) {
    show('Unhandled rejection: ' + event.reason);
  });
  document.addEventListener('securitypolicyviolation', function (event) {
    show('Content-Security-Policy blocked ' + event.blockedURI + ' (' + event.violatedDirective + ')');
  });
  document.addEventListener('DOMContentLoaded', function () {
    pending.splice(0).forEach(show);
  });
})();
