import Vapor

/// The site's only style sheet, served from memory: large readable text, visible focus, one column under
/// 40 em, usable at 320 px wide.
enum Style {
    static let css = """
    *{box-sizing:border-box}
    html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:112.5%;line-height:1.5;color:#1b1b1b;background:#fff}
    body{margin:0}
    main,header,footer{max-width:60rem;margin:0 auto;padding:0 1rem}
    header{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.5rem;border-bottom:2px solid #000091;padding-top:.5rem;padding-bottom:.5rem}
    header .brand{font-weight:700;font-size:1.2rem;margin:0}
    header ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0;padding:0}
    header .logout{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;margin-left:auto}
    footer{border-top:1px solid #ccc;margin-top:3rem}
    a{color:#000091}
    a:hover{text-decoration-thickness:2px}
    :focus-visible{outline:3px solid #e1000f;outline-offset:2px}
    .skip{position:absolute;left:-100vw}
    .skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:1}
    h1{font-size:1.8rem;line-height:1.2}
    h2{font-size:1.35rem;margin-top:2rem}
    .field{margin:1rem 0}
    label{display:block;font-weight:600}
    label.inline-label{display:inline;font-weight:400}
    .hint{margin:.1rem 0;color:#3a3a3a;font-size:.9rem}
    input,select,button,textarea{font:inherit}
    input,select{display:block;width:100%;max-width:28rem;padding:.5rem;border:2px solid #3a3a3a;border-radius:4px;background:#fff}
    input[type=checkbox],input[type=radio]{display:inline;width:auto}
    .invalid input,.invalid select{border-color:#ce0500}
    .error{color:#ce0500;font-weight:600;margin:.2rem 0}
    .errors{border-left:5px solid #ce0500;padding:.5rem 1rem;margin:1rem 0;background:#fff4f3}
    .notice{border-left:5px solid #18753c;padding:.5rem 1rem;background:#f3fbf6}
    button{padding:.55rem 1.1rem;border:2px solid #000091;border-radius:4px;background:#000091;color:#fff;cursor:pointer}
    button.secondary{background:#fff;color:#000091}
    fieldset{border:1px solid #ccc;border-radius:4px;margin:1rem 0;padding:.5rem 1rem}
    legend{font-weight:700}
    .table{overflow-x:auto}
    table{border-collapse:collapse;width:100%;margin:1rem 0}
    caption{text-align:left;font-weight:700;padding:.25rem 0}
    th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}
    td.number,th.number{text-align:right}
    .ok{color:#18753c;font-weight:600}
    .refused{color:#ce0500;font-weight:600}
    .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:1rem;padding:0;list-style:none}
    .cards li{border:1px solid #ccc;border-radius:6px;padding:.75rem}
    .cards strong{display:block;font-size:1.5rem}
    .inline{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}
    .inline .field{margin:0}
    svg{max-width:100%;height:auto}
    .empty{color:#3a3a3a;font-style:italic}
    @media (max-width:40em){html{font-size:100%}header .logout{margin-left:0}}
    dl.document{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}
    dl.document dt{font-weight:bold}
    dl.document dd{margin:0;overflow-wrap:anywhere}
    code.secret,code.hash{overflow-wrap:anywhere;word-break:break-all}
    @media (max-width:40em){dl.document{grid-template-columns:1fr}dl.document dd{margin-bottom:.5rem}}
    .visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
    .desk-rows{list-style:none;padding:0;margin:.5rem 0}
    .desk-row{display:grid;grid-template-columns:1.5rem minmax(0,1fr) minmax(0,1fr);gap:.25rem .5rem;align-items:end;margin:.25rem 0}
    .desk-row input{max-width:none}
    .desk-row[hidden]{display:none}
    .desk-row .error{grid-column:2/4}
    .desk-index{font-weight:700;padding-bottom:.6rem}
    .refused-row input{border-color:#ce0500;border-width:3px;background:#fff4f3}
    .desk-submit{position:sticky;bottom:0;background:#fff;padding:.5rem 0;border-top:1px solid #ccc}
    .desk video{display:block;width:100%;max-width:20rem}
    .confirmation{border:2px solid #000091;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
    .actions{display:flex;flex-wrap:wrap;gap:1rem;align-items:center}
    @media print{header,footer,.skip,.noprint{display:none}body{font-size:11pt}}
    .sheet{font-size:1.3rem}
    .sheet .serials{font-size:1.4rem;font-weight:700;list-style:none;padding:0}
    @media print{.sheet{font-size:15pt}.sheet .serials{font-size:17pt}}
    """

    @Sendable static func serve(_ request: Request) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .init(type: "text", subType: "css", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return Response(status: .ok, headers: headers, body: .init(string: css))
    }
}
