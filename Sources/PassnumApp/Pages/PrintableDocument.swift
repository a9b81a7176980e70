import PassnumDomain

/// Where a printable document (invoice, credit note) is shown: as a page, with a link to download the same page as
/// a file, or as that file itself.
struct PrintableDocument {
    let context: PageContext
    /// The document's own path, which the download link repeats.
    let path: String
    /// Whether this is the file to keep rather than the page.
    let download: Bool

    func page(title: String, filename: String, @NodeBuilder _ content: () -> [Node]) -> Node {
        Layout.page(title: title, context: context) {
            content()
            if !download {
                h("p", ["class": "noprint"]) { h("a", ["href": path + "?telecharger=1", "download": filename]) { "Télécharger ce document" } }
            }
        }
    }
}
