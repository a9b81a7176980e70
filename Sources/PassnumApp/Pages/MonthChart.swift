import PassnumDomain

/// A bar chart of one figure by month, readable without colour: bars filled with hatching, each with its number above
/// and its month and year below; the month still under way has a dashed outline and the words "en cours" under its
/// year. Described for screen readers; the page shows the same figures in a table.
func monthChart(id: String, title: String, _ rows: [(month: Month, value: Int64)], current: Month?) -> Node {
    let width = 60, height = 160, top = 24, bottom = 56
    let highest = max(rows.map(\.value).max() ?? 0, 1)
    return h("figure", ["class": "chart"]) {
        h("svg", ["role": "img", "aria-labelledby": "\(id)-titre \(id)-texte", "xmlns": "http://www.w3.org/2000/svg",
                  // Room for 12 bars at least: a few months do not become giant bars.
                  "viewBox": "0 0 \(width * max(rows.count, 12)) \(height + top + bottom)", "width": "100%", "focusable": "false"]) {
            h("title", ["id": "\(id)-titre"]) { title }
            h("desc", ["id": "\(id)-texte"]) {
                rows.map { monthLabel($0.month, current: current) + " : \($0.value)" }.joined(separator: " ; ")
            }
            h("defs") {
                h("pattern", ["id": "\(id)-hachures", "width": "6", "height": "6", "patternUnits": "userSpaceOnUse", "patternTransform": "rotate(45)"]) {
                    h("rect", ["width": "6", "height": "6", "fill": "#ffffff"])
                    h("line", ["x1": "0", "y1": "0", "x2": "0", "y2": "6", "stroke": "#1d3a8a", "stroke-width": "3"])
                }
            }
            for (index, row) in rows.enumerated() {
                let barHeight = Int(Int64(height) * max(row.value, 0) / highest)
                let x = index * width, middle = "\(index * width + width / 2)"
                let underway = row.month == current
                h("rect", ["x": "\(x + 8)", "y": "\(top + height - barHeight)", "width": "\(width - 16)", "height": "\(barHeight)",
                           "fill": "url(#\(id)-hachures)", "stroke": "#1d3a8a", "stroke-dasharray": underway ? "4 3" : nil])
                h("text", ["x": middle, "y": "\(top + height - barHeight - 6)", "text-anchor": "middle", "font-size": "13"]) { String(row.value) }
                h("text", ["x": middle, "y": "\(top + height + 18)", "text-anchor": "middle", "font-size": "13"]) { French.shortMonth(row.month) }
                h("text", ["x": middle, "y": "\(top + height + 34)", "text-anchor": "middle", "font-size": "11"]) { String(row.month.year) }
                if underway {
                    h("text", ["x": middle, "y": "\(top + height + 50)", "text-anchor": "middle", "font-size": "11", "font-style": "italic"]) { "en cours" }
                }
            }
        }
        h("figcaption") {
            title + " : \(rows.reduce(0) { $0 + $1.value }) sur la période."
                + (rows.contains { $0.month == current } ? " Le mois en cours n’est pas fini." : "") + " Les chiffres sont aussi dans le tableau."
        }
    }
}

/// "janvier 2026", and "novembre 2026 (en cours)" for the month under way: how a chart's table and description name
/// its months.
func monthLabel(_ month: Month, current: Month?) -> String {
    French.month(month) + (month == current ? " (en cours)" : "")
}
