/// A form that posts to `action` and checks its input on the server: the summary of its errors first (announced,
/// each linking to its field), then the CSRF token, then its fields.
func postForm(_ action: SiteURL, _ context: PageContext, errors: FormErrors, @NodeBuilder _ content: () -> [Node]) -> Node {
    h("form", ["method": "post", "action": action.path, "novalidate": ""]) {
        errors.summary
        csrfField(context)
        content()
    }
}

/// A checkbox or radio button with its label beside it; `more` adds attributes after the value (checked, required…).
func choice(_ type: String, id: String, name: String, value: String, label: String, _ more: KeyValuePairs<String, String?> = [:]) -> Node {
    h("div") {
        Node.element("input", [("type", type), ("id", id), ("name", name), ("value", value)] + more.compactMap { key, value in value.map { (key, $0) } }, [])
        " "
        h("label", ["for": id, "class": "inline-label"]) { label }
    }
}

/// Terms and their values (`dl`): the facts at the top of a document, an order, an account.
func definitions(_ pairs: [(term: String, value: String)], class className: String? = nil) -> Node {
    h("dl", ["class": className]) {
        for pair in pairs {
            h("dt") { pair.term }
            h("dd") { pair.value }
        }
    }
}

/// A telephone number as French readers group it, that a phone can call.
func phoneLink(_ phone: String) -> Node {
    h("a", ["href": "tel:" + phone.filter { !" .-".contains($0) }]) { French.phone(phone) }
}
