//! The files of an export and `manifest.json`, the list of them: every file is written through
//! [`Site::write`], which records its path, size and what it is, so the manifest cannot forget
//! one or misstate a size.

use anyhow::Context;
use serde::Serialize;
use serde_json::Value;
use std::path::{Component, Path, PathBuf};

/// File name of the manifest at the top of the export.
pub const MANIFEST_FILE: &str = "manifest.json";

/// One exported file, as the manifest lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ManifestEntry {
    /// Path relative to the export's folder, with `/` separators.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// What the file is, in a few words.
    pub what: String,
}

/// `manifest.json`: which forcemap and which data made the export, when, and every file.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub forcemap: &'static str,
    /// The data's fingerprint (hexadecimal), the same the server's ETags are made from.
    pub data_fingerprint: String,
    /// When the export was made (UTC, RFC 3339).
    pub created: String,
    /// The documents the static page starts from, by role (see `documents.rs`).
    pub documents: Value,
    pub files: Vec<ManifestEntry>,
}

/// The folder being exported into, and the files written so far.
pub struct Site {
    root: PathBuf,
    files: Vec<ManifestEntry>,
}

impl Site {
    /// Creates `root` (and its parents) if needed.
    pub fn create(root: &Path) -> anyhow::Result<Site> {
        std::fs::create_dir_all(root)
            .with_context(|| format!("cannot create {}", root.display()))?;
        Ok(Site {
            root: root.to_path_buf(),
            files: Vec::new(),
        })
    }

    /// Writes `bytes` at `path` (relative, `/`-separated; folders are created) and lists it.
    pub fn write(
        &mut self,
        path: &str,
        bytes: &[u8],
        what: impl Into<String>,
    ) -> anyhow::Result<()> {
        let relative = Path::new(path);
        anyhow::ensure!(
            !path.is_empty()
                && relative
                    .components()
                    .all(|c| matches!(c, Component::Normal(_))),
            "export path {path:?} must stay inside the export folder"
        );
        let target = self.root.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&target, bytes)
            .with_context(|| format!("cannot write {}", target.display()))?;
        self.files.retain(|f| f.path != path);
        self.files.push(ManifestEntry {
            path: path.to_string(),
            bytes: bytes.len() as u64,
            what: what.into(),
        });
        Ok(())
    }

    /// Every file written so far, in the order written.
    pub fn files(&self) -> &[ManifestEntry] {
        &self.files
    }

    /// Writes `manifest.json` listing every other file, and returns it.
    pub fn finish(
        self,
        data_fingerprint: u64,
        created: chrono::DateTime<chrono::Utc>,
        documents: Value,
    ) -> anyhow::Result<Manifest> {
        let mut files = self.files;
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let manifest = Manifest {
            forcemap: env!("CARGO_PKG_VERSION"),
            data_fingerprint: format!("{data_fingerprint:016x}"),
            created: created.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            documents,
            files,
        };
        let mut text = serde_json::to_vec_pretty(&manifest)?;
        text.push(b'\n');
        let target = self.root.join(MANIFEST_FILE);
        std::fs::write(&target, text)
            .with_context(|| format!("cannot write {}", target.display()))?;
        Ok(manifest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_outside_the_folder_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut site = Site::create(dir.path()).unwrap();
        for bad in ["../x", "/etc/x", "a/../../x", ""] {
            assert!(site.write(bad, b"x", "bad").is_err(), "{bad}");
        }
        site.write("a/b.txt", b"abc", "three bytes").unwrap();
        site.write("a/b.txt", b"abcd", "four bytes").unwrap();
        assert_eq!(site.files().len(), 1, "rewriting a file lists it once");
        assert_eq!(site.files()[0].bytes, 4);
        assert_eq!(std::fs::read(dir.path().join("a/b.txt")).unwrap(), b"abcd");
    }
}
