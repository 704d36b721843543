//! The bundled map page: its HTML, CSS and ES modules from `web/`, plus MapLibre GL JS, the
//! PMTiles protocol and fflate from `web/node_modules`, all embedded into the binary by
//! `build.rs` so that the page works with no network. Paths are relative to the page's
//! `assets/` folder (`index.html`, `app.js`, `vendor/maplibre-gl.mjs`). The server (`api/web.rs`)
//! and the static export (`export/page.rs`) both read them from here.

include!(concat!(env!("OUT_DIR"), "/web_assets.rs"));

/// One embedded file.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    pub bytes: &'static [u8],
    pub content_type: &'static str,
}

/// The embedded file at `path` (leading `/` ignored; the empty path means `index.html`).
pub fn asset(path: &str) -> Option<Asset> {
    let path = path.trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    ASSETS
        .binary_search_by(|(p, _, _)| (*p).cmp(path))
        .ok()
        .map(|i| Asset {
            bytes: ASSETS[i].1,
            content_type: ASSETS[i].2,
        })
}

/// Every embedded path, sorted.
pub fn asset_paths() -> impl Iterator<Item = &'static str> {
    ASSETS.iter().map(|(p, _, _)| *p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_and_libraries_are_embedded() {
        for p in [
            "index.html",
            "app.js",
            "style.css",
            "vendor/maplibre-gl.mjs",
            "vendor/maplibre-gl-worker.mjs",
            "vendor/maplibre-gl.css",
            "vendor/pmtiles.mjs",
            "vendor/fflate.mjs",
            "vendor/protomaps-basemaps.mjs",
        ] {
            let a = asset(p).unwrap_or_else(|| panic!("{p} is not embedded"));
            assert!(!a.bytes.is_empty(), "{p} is empty");
        }
        assert_eq!(
            asset("index.html").unwrap().content_type,
            "text/html; charset=utf-8"
        );
        assert_eq!(
            asset("/app.js").unwrap().content_type,
            "text/javascript; charset=utf-8"
        );
        assert!(asset("").is_some());
        assert!(asset("missing.js").is_none());
        assert!(asset("../Cargo.toml").is_none());
    }

    #[test]
    fn paths_are_sorted_and_unique() {
        let paths: Vec<_> = asset_paths().collect();
        assert!(paths.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn page_loads_nothing_from_other_hosts() {
        for p in asset_paths().filter(|p| !p.starts_with("vendor/")) {
            let text = String::from_utf8_lossy(asset(p).unwrap().bytes);
            // XML namespace names are identifiers, not addresses that get loaded.
            let text = text.replace("http://www.w3.org/", "");
            for needle in ["http://", "https://", "//cdn", "glyphs"] {
                assert!(!text.contains(needle), "{p} contains {needle:?}");
            }
        }
    }

    #[test]
    fn every_module_the_page_imports_is_embedded() {
        let html = String::from_utf8_lossy(asset("index.html").unwrap().bytes);
        for target in [
            "vendor/maplibre-gl.mjs",
            "vendor/pmtiles.mjs",
            "vendor/fflate.mjs",
            "vendor/protomaps-basemaps.mjs",
        ] {
            assert!(html.contains(target), "import map lacks {target}");
        }
        for p in asset_paths().filter(|p| p.ends_with(".js") && !p.starts_with("vendor/")) {
            let text = String::from_utf8_lossy(asset(p).unwrap().bytes);
            for line in text.lines().filter(|l| l.starts_with("import ")) {
                let Some(spec) = line.split(['\'', '"']).nth(1) else {
                    continue;
                };
                if let Some(rel) = spec.strip_prefix("./") {
                    let dir = p
                        .rsplit_once('/')
                        .map(|(d, _)| format!("{d}/"))
                        .unwrap_or_default();
                    let target = format!("{dir}{rel}");
                    assert!(asset(&target).is_some(), "{p} imports {spec}, not embedded");
                }
            }
        }
    }
}
