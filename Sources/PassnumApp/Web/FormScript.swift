import Vapor

/// Every page's few lines of script (`/formulaires.js`, served from memory; the CSP allows no inline script): a form is
/// sent once. A second click while the page waits, on an old computer or a slow line, would send it again and, for
/// example, allocate the booklets twice. The form can be sent again after 10 seconds (a download leaves the page as
/// it was) or when the browser comes back to the page from its history. Without the script the pages work as before;
/// the server refuses what matters most twice on its own (a payment with the same reference, a validation key).
enum FormScript {
    static let js = #"""
    (function () {
      document.addEventListener('submit', function (event) {
        var form = event.target;
        if (form.method.toLowerCase() !== 'post') return;
        if (form.dataset.sent) { event.preventDefault(); return; }
        form.dataset.sent = '1';
        setTimeout(function () { delete form.dataset.sent; }, 10000);
      });
      window.addEventListener('pageshow', function () {
        Array.prototype.forEach.call(document.forms, function (form) { delete form.dataset.sent; });
      });
    })();
    """#

    @Sendable static func serve(_ request: Request) -> Response { DeskScript.javascript(js) }
}
