//! The map page of an export: the same embedded files the server serves (`api::assets`), laid
//! out as the server's addresses are, so `index.html` at the top and everything else under
//! `assets/`. The exported `index.html` carries a marker naming the manifest, which tells the
//! page that no server is behind it (see `web/js/api.js`).

use super::manifest::{Site, MANIFEST_FILE};
use crate::assets::{asset, asset_paths};

/// Name of the `<meta>` element that marks a static copy of the page; its `content` is the
/// manifest's address relative to the page.
pub const STATIC_MARKER: &str = "forcemap-export";

/// Writes `index.html` with the static marker and every other asset under `assets/`.
pub fn write_page(site: &mut Site) -> anyhow::Result<()> {
    let index = asset("index.html").ok_or_else(|| anyhow::anyhow!("the page is not embedded"))?;
    let html = std::str::from_utf8(index.bytes)?;
    site.write(
        "index.html",
        mark_static(html)?.as_bytes(),
        "the map page, marked as a static copy",
    )?;
    for path in asset_paths().filter(|p| *p != "index.html") {
        let file = asset(path).expect("listed assets exist");
        let what = if path.starts_with("vendor/") {
            "a library of the map page"
        } else {
            "a file of the map page"
        };
        site.write(&format!("assets/{path}"), file.bytes, what)?;
    }
    Ok(())
}

/// The page with the marker inserted right after `<head>`. The import map, the one inline
/// script, stays byte for byte the same, so a Content-Security-Policy naming its hash still
/// holds.
pub fn mark_static(html: &str) -> anyhow::Result<String> {
    let head = html
        .find("<head>")
        .ok_or_else(|| anyhow::anyhow!("the page has no <head>"))?
        + "<head>".len();
    Ok(format!(
        "{}\n<meta name=\"{STATIC_MARKER}\" content=\"{MANIFEST_FILE}\">{}",
        &html[..head],
        &html[head..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marker_goes_into_the_head_and_the_import_map_is_unchanged() {
        let html = std::str::from_utf8(asset("index.html").unwrap().bytes).unwrap();
        let marked = mark_static(html).unwrap();
        let meta = marked.find("<meta name=\"forcemap-export\"").unwrap();
        assert!(meta < marked.find("</head>").unwrap());
        let import_map = |s: &str| {
            let start = s.find("<script type=\"importmap\">").unwrap();
            s[start..start + s[start..].find("</script>").unwrap()].to_string()
        };
        assert_eq!(import_map(html), import_map(&marked));
    }
}
