//! Reading PMTiles v3 archives held in memory, for serving them over HTTP.
//!
//! The server hands the archive to browsers byte range by byte range (the `pmtiles` protocol of
//! the map page reads the header, directories and tiles itself), so the main job here is to
//! check, once, that the bytes are a PMTiles v3 archive and to expose what the HTTP layer and the
//! TileJSON document need: the length, slices, zooms, bounds, center, tile type, compression and
//! the metadata JSON.
//!
//! A server-side tile lookup ([`TileArchive::tile`]) is here too, for tests and for clients that
//! cannot read PMTiles. The `pmtiles` crate's reader is asynchronous and keeps the directory
//! entries' offsets private, so the header and directories are decoded here, following the
//! PMTiles v3 specification; only the Hilbert tile ids (`pmtiles::TileId`) and the
//! compression and tile-type enums come from the crate. The archive is held as [`Bytes`], so
//! slices handed to HTTP responses share the buffer instead of copying it.

use bytes::Bytes;
use pmtiles::{Compression, TileCoord, TileId, TileType};
use serde_json::{json, Map, Value};
use std::io::Read;
use std::ops::Range;
use std::path::Path;

/// Length of the fixed PMTiles v3 header.
const HEADER_LEN: usize = 127;

/// Leaf directories may point to further leaves; real archives use at most one level, and this
/// bound keeps a malicious archive from looping.
const MAX_DIRECTORY_DEPTH: usize = 4;

/// Why bytes are not a readable PMTiles v3 archive.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// Shorter than the header.
    #[error("not a PMTiles archive: {0} bytes is shorter than the 127-byte header")]
    TooShort(usize),
    /// The magic number is missing.
    #[error("not a PMTiles archive: the file does not start with \"PMTiles\"")]
    NotPmtiles,
    /// A PMTiles archive of another version (v1 and v2 start with "PM").
    #[error("unsupported PMTiles version {0}: only version 3 archives can be served")]
    UnsupportedVersion(u8),
    /// A header field has a value the specification does not define.
    #[error("invalid PMTiles header: {0}")]
    InvalidHeader(String),
    /// A section the header points to lies outside the file.
    #[error("truncated PMTiles archive: the {section} section ({offset}+{length}) ends past the {len}-byte file")]
    Truncated {
        /// Name of the section.
        section: &'static str,
        /// Its offset.
        offset: u64,
        /// Its length.
        length: u64,
        /// Length of the file.
        len: usize,
    },
    /// Directories or metadata use a compression this reader lacks.
    #[error("unsupported PMTiles internal compression {0:?}: only none and gzip are read")]
    UnsupportedCompression(Compression),
    /// A directory could not be decoded.
    #[error("invalid PMTiles directory: {0}")]
    InvalidDirectory(String),
    /// The metadata is not a JSON object.
    #[error("invalid PMTiles metadata: {0}")]
    InvalidMetadata(String),
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path given.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
}

/// One decoded directory entry: a run of `run_length` tiles from `tile_id`, or, when
/// `run_length` is 0, a pointer to a leaf directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    tile_id: u64,
    offset: u64,
    length: u64,
    run_length: u64,
}

/// A validated PMTiles v3 archive in memory.
#[derive(Debug, Clone)]
pub struct TileArchive {
    data: Bytes,
    root_offset: u64,
    root_length: u64,
    leaf_offset: u64,
    leaf_length: u64,
    data_offset: u64,
    data_length: u64,
    internal_compression: Compression,
    tile_compression: Compression,
    tile_type: TileType,
    min_zoom: u8,
    max_zoom: u8,
    bounds: [f64; 4],
    center: (f64, f64, u8),
    root: Vec<Entry>,
    metadata: Value,
}

impl TileArchive {
    /// Checks the header, the root directory and the metadata of an archive.
    ///
    /// # Errors
    /// When the bytes are not a PMTiles v3 archive, or one whose directories or metadata this
    /// reader cannot decode (see [`ArchiveError`]).
    pub fn new(data: impl Into<Bytes>) -> Result<Self, ArchiveError> {
        let data: Bytes = data.into();
        let h = &data[..];
        if !h.starts_with(b"PM") {
            if h.len() < HEADER_LEN {
                return Err(ArchiveError::TooShort(h.len()));
            }
            return Err(ArchiveError::NotPmtiles);
        }
        if !h.starts_with(b"PMTiles") {
            // Versions 1 and 2 start with "PM" and a little-endian u16 version.
            return Err(ArchiveError::UnsupportedVersion(
                h.get(2).copied().unwrap_or(0),
            ));
        }
        if h.len() < HEADER_LEN {
            return Err(ArchiveError::TooShort(h.len()));
        }
        let version = h[7];
        if version != 3 {
            return Err(ArchiveError::UnsupportedVersion(version));
        }
        let u64_at = |at: usize| u64::from_le_bytes(h[at..at + 8].try_into().expect("8 bytes"));
        let degrees_at = |at: usize| {
            f64::from(i32::from_le_bytes(
                h[at..at + 4].try_into().expect("4 bytes"),
            )) / 1e7
        };
        let compression = |at: usize, what: &str| -> Result<Compression, ArchiveError> {
            h[at].try_into().map_err(|_| {
                ArchiveError::InvalidHeader(format!("unknown {what} compression {}", h[at]))
            })
        };
        let internal_compression = compression(97, "internal")?;
        let tile_compression = compression(98, "tile")?;
        let tile_type: TileType = h[99]
            .try_into()
            .map_err(|_| ArchiveError::InvalidHeader(format!("unknown tile type {}", h[99])))?;
        let (min_zoom, max_zoom) = (h[100], h[101]);
        if min_zoom > max_zoom || max_zoom > 31 {
            return Err(ArchiveError::InvalidHeader(format!(
                "zoom range {min_zoom}..{max_zoom}"
            )));
        }

        let mut archive = Self {
            root_offset: u64_at(8),
            root_length: u64_at(16),
            leaf_offset: u64_at(40),
            leaf_length: u64_at(48),
            data_offset: u64_at(56),
            data_length: u64_at(64),
            internal_compression,
            tile_compression,
            tile_type,
            min_zoom,
            max_zoom,
            bounds: [
                degrees_at(102),
                degrees_at(106),
                degrees_at(110),
                degrees_at(114),
            ],
            center: (degrees_at(119), degrees_at(123), h[118]),
            root: Vec::new(),
            metadata: Value::Null,
            data: Bytes::new(),
        };
        let (metadata_offset, metadata_length) = (u64_at(24), u64_at(32));
        let sections = [
            ("root directory", archive.root_offset, archive.root_length),
            ("metadata", metadata_offset, metadata_length),
            ("leaf directories", archive.leaf_offset, archive.leaf_length),
            ("tile data", archive.data_offset, archive.data_length),
        ];
        for (section, offset, length) in sections {
            if section_range(&data, offset, length).is_none() {
                return Err(ArchiveError::Truncated {
                    section,
                    offset,
                    length,
                    len: data.len(),
                });
            }
        }
        if !matches!(internal_compression, Compression::None | Compression::Gzip) {
            return Err(ArchiveError::UnsupportedCompression(internal_compression));
        }
        archive.data = data;

        let root = archive
            .section(archive.root_offset, archive.root_length)
            .expect("checked above");
        archive.root = decode_directory(&archive.decompress_internal(&root)?)?;

        let metadata = archive
            .section(metadata_offset, metadata_length)
            .expect("checked above");
        archive.metadata = if metadata.is_empty() {
            Value::Object(Map::new())
        } else {
            let text = archive.decompress_internal(&metadata)?;
            match serde_json::from_slice::<Value>(&text) {
                Ok(value @ Value::Object(_)) => value,
                Ok(_) => return Err(ArchiveError::InvalidMetadata("not a JSON object".into())),
                Err(e) => return Err(ArchiveError::InvalidMetadata(e.to_string())),
            }
        };
        Ok(archive)
    }

    /// Maps an archive file into memory and checks it.
    ///
    /// The file is mapped, not read whole: only the pages that clients ask for are read from
    /// disk, so a large regional extract does not have to fit in memory.
    /// The file must therefore not be truncated while it is served.
    ///
    /// # Errors
    /// When the file cannot be opened or mapped, or is not a PMTiles v3 archive.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, ArchiveError> {
        let path = path.as_ref();
        let io = |source| ArchiveError::Io {
            path: path.display().to_string(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        // SAFETY: the mapping is read-only and owned by the `Bytes` built from it, so it lives
        // as long as any slice of it. Its contents may change only if another process rewrites
        // the file, which the documentation of `--basemap` rules out.
        let mapped = unsafe { memmap2::Mmap::map(&file) }.map_err(io)?;
        Self::new(Bytes::from_owner(mapped))
    }

    /// Length of the whole archive in bytes.
    pub fn len(&self) -> u64 {
        self.data.len() as u64
    }

    /// Whether the archive has no bytes (never true for a validated archive).
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The whole archive.
    pub fn bytes(&self) -> &Bytes {
        &self.data
    }

    /// The bytes of `range`, sharing the archive's buffer. As for an HTTP range request, an
    /// end past the archive is cut to its length; `None` when the range starts at or past the
    /// end or is empty (an HTTP server answers that with `416 Range Not Satisfiable`).
    pub fn slice(&self, range: Range<u64>) -> Option<Bytes> {
        let end = range.end.min(self.len());
        if range.start >= end {
            return None;
        }
        Some(
            self.data
                .slice(usize::try_from(range.start).ok()?..usize::try_from(end).ok()?),
        )
    }

    /// Lowest zoom level with tiles.
    pub fn min_zoom(&self) -> u8 {
        self.min_zoom
    }

    /// Highest zoom level with tiles.
    pub fn max_zoom(&self) -> u8 {
        self.max_zoom
    }

    /// `[west, south, east, north]` in degrees, from the header.
    pub fn bounds(&self) -> [f64; 4] {
        self.bounds
    }

    /// `(lon, lat, zoom)` of the default view, from the header.
    pub fn center(&self) -> (f64, f64, u8) {
        self.center
    }

    /// What the tiles are (MVT for vector archives).
    pub fn tile_type(&self) -> TileType {
        self.tile_type
    }

    /// How each tile is compressed inside the archive.
    pub fn tile_compression(&self) -> Compression {
        self.tile_compression
    }

    /// The metadata JSON object (for vector archives, with `vector_layers`).
    pub fn metadata(&self) -> &Value {
        &self.metadata
    }

    /// A TileJSON 3.0.0 document for serving this archive's tiles one by one at `tiles_url`, a
    /// URL template such as `http://host/basemap/{z}/{x}/{y}.mvt`.
    ///
    /// Name, description, attribution and version come from the metadata when it has them;
    /// `vector_layers` always (empty when the metadata has none); zooms, bounds and center from
    /// the header.
    pub fn tilejson(&self, tiles_url: &str) -> Value {
        let mut doc = Map::new();
        doc.insert("tilejson".into(), json!("3.0.0"));
        doc.insert("tiles".into(), json!([tiles_url]));
        for key in ["name", "description", "attribution", "version"] {
            if let Some(v) = self.metadata.get(key).filter(|v| v.is_string()) {
                doc.insert(key.into(), v.clone());
            }
        }
        doc.insert("scheme".into(), json!("xyz"));
        let layers = self
            .metadata
            .get("vector_layers")
            .filter(|v| v.is_array())
            .cloned()
            .unwrap_or_else(|| json!([]));
        doc.insert("vector_layers".into(), layers);
        doc.insert("minzoom".into(), json!(self.min_zoom));
        doc.insert("maxzoom".into(), json!(self.max_zoom));
        doc.insert("bounds".into(), json!(self.bounds));
        let (lon, lat, zoom) = self.center;
        doc.insert("center".into(), json!([lon, lat, zoom]));
        Value::Object(doc)
    }

    /// Tile `z/x/y` as stored in the archive (compressed with [`tile_compression`]), sharing
    /// the archive's buffer; `None` when the archive has no such tile.
    ///
    /// [`tile_compression`]: Self::tile_compression
    pub fn tile_raw(&self, z: u8, x: u32, y: u32) -> Option<Bytes> {
        let id = TileId::from(TileCoord::new(z, x, y).ok()?).value();
        let mut directory = std::borrow::Cow::Borrowed(&self.root);
        for _ in 0..MAX_DIRECTORY_DEPTH {
            let entry = find_entry(&directory, id)?;
            if entry.run_length == 0 {
                let leaf_end = entry.offset.checked_add(entry.length)?;
                if leaf_end > self.leaf_length {
                    return None;
                }
                let bytes = self.section(self.leaf_offset + entry.offset, entry.length)?;
                let leaf = decode_directory(&self.decompress_internal(&bytes).ok()?).ok()?;
                directory = std::borrow::Cow::Owned(leaf);
                continue;
            }
            let tile_end = entry.offset.checked_add(entry.length)?;
            if tile_end > self.data_length {
                return None;
            }
            return self.section(self.data_offset + entry.offset, entry.length);
        }
        None
    }

    /// Tile `z/x/y` uncompressed (for vector archives, the MVT protobuf); `None` when the
    /// archive has no such tile or compresses tiles with something other than gzip.
    pub fn tile(&self, z: u8, x: u32, y: u32) -> Option<Vec<u8>> {
        let raw = self.tile_raw(z, x, y)?;
        match self.tile_compression {
            Compression::None | Compression::Unknown => Some(raw.to_vec()),
            Compression::Gzip => gunzip(&raw).ok(),
            Compression::Brotli | Compression::Zstd => None,
        }
    }

    fn section(&self, offset: u64, length: u64) -> Option<Bytes> {
        section_range(&self.data, offset, length).map(|r| self.data.slice(r))
    }

    fn decompress_internal(&self, bytes: &[u8]) -> Result<Vec<u8>, ArchiveError> {
        match self.internal_compression {
            Compression::Gzip => {
                gunzip(bytes).map_err(|e| ArchiveError::InvalidDirectory(format!("gzip: {e}")))
            }
            _ => Ok(bytes.to_vec()),
        }
    }
}

/// The byte range of a section if it lies inside `data`.
fn section_range(data: &[u8], offset: u64, length: u64) -> Option<Range<usize>> {
    let start = usize::try_from(offset).ok()?;
    let end = start.checked_add(usize::try_from(length).ok()?)?;
    (end <= data.len()).then_some(start..end)
}

fn gunzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() * 3);
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out)?;
    Ok(out)
}

/// The entry covering tile `id`: the last entry starting at or before it, if it is a leaf
/// pointer or its run reaches `id`.
fn find_entry(entries: &[Entry], id: u64) -> Option<Entry> {
    let after = entries.partition_point(|e| e.tile_id <= id);
    let entry = *entries.get(after.checked_sub(1)?)?;
    (entry.run_length == 0 || id - entry.tile_id < entry.run_length).then_some(entry)
}

/// Decodes an uncompressed directory: the entry count, then columns of delta-coded tile ids,
/// run lengths, lengths and offsets (0 meaning "right after the previous entry"), all varints.
fn decode_directory(bytes: &[u8]) -> Result<Vec<Entry>, ArchiveError> {
    let mut input = bytes;
    let mut next = || read_varint(&mut input);
    let count = usize::try_from(next()?)
        .ok()
        .filter(|&n| n <= bytes.len())
        .ok_or_else(|| {
            ArchiveError::InvalidDirectory("entry count larger than directory".into())
        })?;
    let mut entries = vec![
        Entry {
            tile_id: 0,
            offset: 0,
            length: 0,
            run_length: 0,
        };
        count
    ];
    let mut tile_id = 0u64;
    for e in &mut entries {
        tile_id = tile_id
            .checked_add(next()?)
            .ok_or_else(|| ArchiveError::InvalidDirectory("tile id overflow".into()))?;
        e.tile_id = tile_id;
    }
    for e in &mut entries {
        e.run_length = next()?;
    }
    for e in &mut entries {
        e.length = next()?;
        if e.length == 0 {
            return Err(ArchiveError::InvalidDirectory("entry of length 0".into()));
        }
    }
    let mut previous_end: Option<u64> = None;
    for e in &mut entries {
        let raw = next()?;
        e.offset = match (raw, previous_end) {
            (0, Some(end)) => end,
            (0, None) => {
                return Err(ArchiveError::InvalidDirectory(
                    "first entry continues no previous entry".into(),
                ))
            }
            (n, _) => n - 1,
        };
        previous_end = e.offset.checked_add(e.length);
    }
    Ok(entries)
}

fn read_varint(input: &mut &[u8]) -> Result<u64, ArchiveError> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = input.split_first().ok_or_else(|| {
            ArchiveError::InvalidDirectory("directory ends inside a number".into())
        })?;
        *input = rest;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(ArchiveError::InvalidDirectory(
        "number longer than 64 bits".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pmtiles::PmTilesWriter;
    use std::io::Cursor;

    /// An archive with one tile per position of zooms 0 to `max_zoom`, each holding its own
    /// tile id, so every tile is distinct.
    fn numbered_archive(max_zoom: u8, tile_type: TileType) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut writer = PmTilesWriter::new(tile_type)
            .min_zoom(0)
            .max_zoom(max_zoom)
            .metadata(r#"{"name":"numbers","vector_layers":[{"id":"n","fields":{}}]}"#)
            .create(&mut out)
            .unwrap();
        let count = pmtiles::PYRAMID_SIZE_BY_ZOOM[usize::from(max_zoom) + 1];
        for id in 0..count {
            let coord = TileCoord::from(TileId::new(id).unwrap());
            writer.add_tile(coord, &id.to_le_bytes()).unwrap();
        }
        writer.finalize().unwrap();
        out.into_inner()
    }

    #[test]
    fn not_pmtiles_is_refused_clearly() {
        let err = |bytes: Vec<u8>| TileArchive::new(bytes).unwrap_err();
        assert!(matches!(err(Vec::new()), ArchiveError::TooShort(0)));
        assert!(matches!(err(vec![b'x'; 500]), ArchiveError::NotPmtiles));
        let mut v2 = b"PM".to_vec();
        v2.extend([2, 0]);
        v2.resize(500, 0);
        assert!(matches!(err(v2), ArchiveError::UnsupportedVersion(2)));
        let mut v4 = numbered_archive(1, TileType::Mvt);
        v4[7] = 4;
        assert!(matches!(err(v4), ArchiveError::UnsupportedVersion(4)));
        let good = numbered_archive(2, TileType::Mvt);
        let truncated = good[..good.len() - 10].to_vec();
        let e = err(truncated);
        assert!(matches!(e, ArchiveError::Truncated { .. }), "{e}");
        assert!(e.to_string().contains("truncated PMTiles archive"));
        assert!(err(vec![b'x'; 500])
            .to_string()
            .contains("not a PMTiles archive"));
    }

    #[test]
    fn slices_follow_http_range_rules() {
        let bytes = numbered_archive(1, TileType::Mvt);
        let archive = TileArchive::new(bytes.clone()).unwrap();
        assert_eq!(archive.len(), bytes.len() as u64);
        assert!(!archive.is_empty());
        assert_eq!(archive.slice(0..7).unwrap(), &b"PMTiles"[..]);
        let end = archive.len();
        assert_eq!(archive.slice(end - 3..end + 100).unwrap().len(), 3);
        assert!(archive.slice(end..end + 1).is_none());
        assert!(archive.slice(5..5).is_none());
    }

    #[test]
    fn tiles_are_found_through_leaf_directories() {
        // 21 845 entries are more than a root directory holds, so the writer adds leaves.
        let archive = TileArchive::new(numbered_archive(7, TileType::Mvt)).unwrap();
        assert!(archive.leaf_length > 0, "the archive has leaf directories");
        for (z, x, y) in [(0, 0, 0), (3, 5, 2), (7, 0, 0), (7, 100, 27), (7, 127, 127)] {
            let id = TileId::from(TileCoord::new(z, x, y).unwrap()).value();
            assert_eq!(archive.tile(z, x, y), Some(id.to_le_bytes().to_vec()));
        }
        assert_eq!(archive.tile(8, 0, 0), None);
        assert_eq!(archive.tile(2, 4, 0), None, "x beyond the zoom");
        assert_eq!(archive.metadata()["name"], "numbers");
        assert_eq!(
            archive.tilejson("t/{z}/{x}/{y}")["vector_layers"][0]["id"],
            "n"
        );
    }

    #[test]
    fn uncompressed_tiles_come_back_as_stored() {
        let archive = TileArchive::new(numbered_archive(2, TileType::Png)).unwrap();
        assert_eq!(archive.tile_type(), TileType::Png);
        assert_eq!(archive.tile_compression(), Compression::None);
        let raw = archive.tile_raw(2, 1, 1).unwrap();
        assert_eq!(archive.tile(2, 1, 1).unwrap(), raw.to_vec());
    }

    #[test]
    fn varints_and_directories_decode() {
        let mut input: &[u8] = &[0xac, 0x02, 0x05];
        assert_eq!(read_varint(&mut input).unwrap(), 300);
        assert_eq!(read_varint(&mut input).unwrap(), 5);
        assert!(read_varint(&mut input).is_err());
        // Two entries: ids 3 and 4, runs 1 and 2, lengths 10 and 20, offsets 0 and "next".
        let dir = decode_directory(&[2, 3, 1, 1, 2, 10, 20, 1, 0]).unwrap();
        assert_eq!(
            dir,
            vec![
                Entry {
                    tile_id: 3,
                    offset: 0,
                    length: 10,
                    run_length: 1
                },
                Entry {
                    tile_id: 4,
                    offset: 10,
                    length: 20,
                    run_length: 2
                },
            ]
        );
        assert_eq!(find_entry(&dir, 5).map(|e| e.offset), Some(10));
        assert_eq!(find_entry(&dir, 6), None);
        assert_eq!(find_entry(&dir, 2), None);
        assert!(decode_directory(&[1, 0, 1, 0, 1]).is_err(), "zero length");
    }
}
