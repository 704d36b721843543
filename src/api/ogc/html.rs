//! Plain HTML renderings of the OGC documents, for people browsing the API.

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub fn list(items: impl Iterator<Item = String>) -> String {
    let mut out = String::from("<ul>");
    for item in items {
        out.push_str("<li>");
        out.push_str(&item);
        out.push_str("</li>");
    }
    out.push_str("</ul>");
    out
}

pub fn page(title: &str, content: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t} · forcemap</title>\
         <link rel=\"stylesheet\" href=\"/assets/api.css\"></head>\
         <body><nav><a href=\"/\">Map</a> · <a href=\"/collections?f=html\">Collections</a> · \
         <a href=\"/api?f=html\">API</a></nav><h1>{t}</h1>{content}</body></html>",
        t = escape(title)
    )
}
