import Vapor

/// The validation desk's few lines of script, served from memory (the CSP allows no inline script). The page works
/// without them; with them, one empty row at a time is shown, and a camera button reads QR codes where the browser
/// can (`BarcodeDetector`). Nothing is sent by the script: it only fills the form's fields.
enum DeskScript {
    static let js = #"""
    (function () {
      var list = document.querySelector('.desk-rows');
      if (!list) return;
      var rows = Array.prototype.slice.call(list.querySelectorAll('.desk-row'));
      var filled = function (row) { return row.querySelector('input[name^=serial]').value.trim() !== ''; };
      // One empty row after the last filled one; the next appears as soon as it is filled.
      var reveal = function () {
        var last = -1;
        rows.forEach(function (row, i) { if (filled(row) || row.classList.contains('refused-row')) last = i; });
        rows.forEach(function (row, i) { row.hidden = i > last + 1; });
      };
      list.addEventListener('input', reveal);
      reveal();
      if (!('BarcodeDetector' in window) || !navigator.mediaDevices) return;
      // The camera button: reads a QR code and fills the next empty row with its number and code.
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'secondary';
      button.textContent = 'Scanner avec la caméra';
      var video = document.createElement('video');
      video.hidden = true;
      video.setAttribute('playsinline', '');
      video.setAttribute('aria-label', 'Image de la caméra');
      list.parentNode.insertBefore(button, list);
      list.parentNode.insertBefore(video, list);
      var detector = new BarcodeDetector({ formats: ['qr_code'] });
      var fill = function (text) {
        var match = /\/c\/([0-9]+)-([0-9A-Za-z]+)/.exec(text);
        if (!match) return false;
        var row = rows.filter(function (r) { return !filled(r); })[0];
        if (!row) return false;
        row.querySelector('input[name^=serial]').value = match[1];
        row.querySelector('input[name^=code]').value = match[2].toUpperCase();
        reveal();
        return true;
      };
      button.addEventListener('click', function () {
        navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } }).then(function (stream) {
          video.srcObject = stream;
          video.hidden = false;
          video.play();
          var scan = function () {
            detector.detect(video).then(function (codes) {
              if (codes.length && fill(codes[0].rawValue)) {
                stream.getTracks().forEach(function (track) { track.stop(); });
                video.hidden = true;
              } else {
                requestAnimationFrame(scan);
              }
            }, function () { requestAnimationFrame(scan); });
          };
          scan();
        }, function () {
          button.textContent = 'Caméra indisponible : tapez le numéro ou utilisez la douchette';
          button.disabled = true;
        });
      });
    })();
    """#

    @Sendable static func serve(_ request: Request) -> Response { javascript(js) }

    /// A script of the site, cached an hour.
    static func javascript(_ js: String) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .init(type: "text", subType: "javascript", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return Response(status: .ok, headers: headers, body: .init(string: js))
    }
}
