/// A small HTML tree with escaping built in. Plot, tried first, writes attribute values unescaped and its
/// typed contexts fought every form; this is the part of it the site needs, and every string that goes in
/// is escaped on the way out (`HTMLTests` pins it). Text nodes also get French typography (FrenchTypography.swift).
indirect enum Node: Sendable {
    case element(String, [(String, String)], [Node])
    case text(String)
    case group([Node])
    /// Markup written by this program only (never user input).
    case trusted(String)

    static let voidElements: Set<String> = ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]

    /// Text shown as typed, without French typography: a mail's text, codes, what a user edits.
    static let verbatimElements: Set<String> = ["pre", "code", "textarea"]

    func render(into output: inout String, typeset: Bool = true) {
        switch self {
        case let .element(name, attributes, children):
            output += "<" + name
            for (key, value) in attributes {
                output += " " + key + "=\"" + Self.escape(value, quotes: true) + "\""
            }
            output += ">"
            guard !Self.voidElements.contains(name) else { return }
            let typeset = typeset && !Self.verbatimElements.contains(name)
            for child in children { child.render(into: &output, typeset: typeset) }
            output += "</" + name + ">"
        case let .text(text):
            output += Self.escape(typeset ? French.typeset(text) : text, quotes: false)
        case let .group(nodes):
            for node in nodes { node.render(into: &output, typeset: typeset) }
        case let .trusted(markup):
            output += markup
        }
    }

    var rendered: String {
        var output = ""
        render(into: &output)
        return output
    }

    static func escape(_ text: String, quotes: Bool) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"" where quotes: output += "&quot;"
            case "'" where quotes: output += "&#39;"
            default: output.unicodeScalars.append(character)
            }
        }
        return output
    }
}

@resultBuilder
enum NodeBuilder {
    static func buildBlock(_ parts: [Node]...) -> [Node] { parts.flatMap { $0 } }
    static func buildExpression(_ node: Node) -> [Node] { [node] }
    static func buildExpression(_ nodes: [Node]) -> [Node] { nodes }
    static func buildExpression(_ text: String) -> [Node] { [.text(text)] }
    static func buildOptional(_ nodes: [Node]?) -> [Node] { nodes ?? [] }
    static func buildEither(first nodes: [Node]) -> [Node] { nodes }
    static func buildEither(second nodes: [Node]) -> [Node] { nodes }
    static func buildArray(_ parts: [[Node]]) -> [Node] { parts.flatMap { $0 } }
}

/// An element: `h("a", ["href": url]) { "Accueil" }`. Attributes whose value is nil are left out; a boolean
/// attribute is written with an empty value (`["required": ""]`).
func h(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:], @NodeBuilder _ content: () -> [Node] = { [] }) -> Node {
    .element(name, attributes.compactMap { key, value in value.map { (key, $0) } }, content())
}

/// Several nodes side by side, without a wrapping element.
func group(@NodeBuilder _ content: () -> [Node]) -> Node { .group(content()) }
