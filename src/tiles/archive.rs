//! Reading PMTiles v3 archives held in memory, for serving them over HTTP.
//!
//! The server hands the archive to browsers byte range by byte range (the `pmtiles` protocol of
//! the map page reads the header, directories and tiles itself), so the main job here is to
//! check, once, that the bytes are a readable PMTiles v3 archive and to expose what the HTTP
//! layer and the TileJSON document need: the length, slices, zooms, bounds, center, tile type,
//! compression and the metadata JSON.
//!
//! Header, directories and metadata are read by the `pmtiles` crate's reader over the bytes in
//! memory (`InMemory`). Leaf directories go through a bounded cache (`LeafCache`), so a tile
//! request decompresses a leaf only the first time it needs it. The reader is asynchronous,
//! but over bytes in memory every future it returns is complete at its first poll, so
//! [`now_or_never`](FutureExt::now_or_never) takes its value and the archive offers plain
//! functions to the HTTP handlers, the tests and the `basemap` command alike.
//!
//! The archive is held as [`Bytes`], so slices handed to HTTP responses share the buffer
//! instead of copying it.

use super::cache::BoundedCache;
use bytes::Bytes;
use futures_util::{FutureExt, StreamExt};
use pmtiles::{
    AsyncBackend, AsyncPmTilesReader, BackendResponse, Compression, DirEntry, Directory,
    DirectoryCache, PmtError, PmtResult, TileCoord, TileId, TileType,
};
use serde_json::{json, Map, Value};
use std::future::Future;
use std::io::Read;
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Bytes of decompressed leaf directories kept per archive. A leaf of the largest public
/// extracts is well under a megabyte, so this holds the leaves of a busy region.
const LEAF_CACHE_BYTES: usize = 32 << 20;

/// Length of the fixed PMTiles v3 header.
const HEADER_LEN: usize = 127;

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
    /// The header, or the root directory it points to, cannot be read.
    #[error("invalid PMTiles header: {0}")]
    InvalidHeader(String),
    /// A directory, the metadata or a tile lies past the end of the file.
    #[error("truncated PMTiles archive: the {section} ends past the {len}-byte file")]
    Truncated {
        /// What was cut off.
        section: &'static str,
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

/// The archive's bytes as the reader's backend: every read is a slice of the buffer.
struct InMemory(Bytes);

impl AsyncBackend for InMemory {
    fn read(
        &self,
        offset: u64,
        length: usize,
    ) -> impl Future<Output = PmtResult<BackendResponse>> + Send {
        let len = self.0.len();
        let bytes = usize::try_from(offset)
            .ok()
            .filter(|&start| start <= len)
            .map(|start| self.0.slice(start..start.saturating_add(length).min(len)))
            .ok_or_else(|| PmtError::Reading(std::io::ErrorKind::UnexpectedEof.into()));
        std::future::ready(bytes.map(BackendResponse::new))
    }
}

/// Decompressed leaf directories by their offset in the archive, and how many were read.
struct LeafCache {
    directories: BoundedCache<u64, Arc<Directory>>,
    reads: Arc<AtomicU64>,
}

impl DirectoryCache for LeafCache {
    async fn get_dir_entry_or_insert(
        &self,
        offset: u64,
        tile_id: TileId,
        fetcher: impl Future<Output = PmtResult<Directory>> + Send,
    ) -> PmtResult<Option<DirEntry>> {
        if let Some(directory) = self.directories.get(&offset) {
            return Ok(directory.find_tile_id(tile_id).copied());
        }
        let directory = fetcher.await?;
        self.reads.fetch_add(1, Ordering::Relaxed);
        let entry = directory.find_tile_id(tile_id).copied();
        let bytes = directory.get_approx_byte_size();
        self.directories.insert(offset, Arc::new(directory), bytes);
        Ok(entry)
    }
}

type Reader = AsyncPmTilesReader<InMemory, LeafCache>;

/// A validated PMTiles v3 archive in memory.
pub struct TileArchive {
    data: Bytes,
    reader: Arc<Reader>,
    metadata: Value,
    leaf_reads: Arc<AtomicU64>,
}

impl std::fmt::Debug for TileArchive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TileArchive")
            .field("len", &self.data.len())
            .field("header", self.reader.get_header())
            .finish_non_exhaustive()
    }
}

/// The value of a reader future, which over bytes in memory is ready at its first poll.
fn ready_now<T>(future: impl Future<Output = PmtResult<T>>) -> PmtResult<T> {
    future.now_or_never().unwrap_or_else(|| {
        Err(PmtError::Reading(std::io::Error::other(
            "an in-memory read did not complete at once",
        )))
    })
}

impl TileArchive {
    /// Checks the header, every directory, the metadata and that the tile data lies inside
    /// the bytes.
    ///
    /// Every leaf directory is decoded once here, so a corrupt or cut archive is refused when
    /// it is opened rather than when some tile is asked for.
    ///
    /// # Errors
    /// When the bytes are not a PMTiles v3 archive, or one whose directories or metadata this
    /// reader cannot decode (see [`ArchiveError`]).
    pub fn new(data: impl Into<Bytes>) -> Result<Self, ArchiveError> {
        let data: Bytes = data.into();
        let len = data.len();
        let leaf_reads = Arc::new(AtomicU64::new(0));
        let cache = LeafCache {
            directories: BoundedCache::new(LEAF_CACHE_BYTES),
            reads: leaf_reads.clone(),
        };
        let reader = ready_now(Reader::try_from_cached_source(
            InMemory(data.clone()),
            cache,
        ))
        .map_err(|e| opening_error(e, &data))?;
        let header = reader.get_header();
        if header.spec_version() != 3 {
            return Err(ArchiveError::UnsupportedVersion(header.spec_version()));
        }
        if header.min_zoom > header.max_zoom || header.max_zoom > pmtiles::MAX_ZOOM {
            return Err(ArchiveError::InvalidHeader(format!(
                "zoom range {}..{}",
                header.min_zoom, header.max_zoom
            )));
        }
        if !matches!(
            header.internal_compression(),
            Compression::None | Compression::Gzip
        ) {
            return Err(ArchiveError::UnsupportedCompression(
                header.internal_compression(),
            ));
        }
        let metadata = match ready_now(reader.get_metadata()) {
            Ok(text) => match serde_json::from_str::<Value>(&text) {
                Ok(value @ Value::Object(_)) => value,
                Ok(_) => return Err(ArchiveError::InvalidMetadata("not a JSON object".into())),
                Err(e) => return Err(ArchiveError::InvalidMetadata(e.to_string())),
            },
            // The reader's only `InvalidMetadata` is an empty metadata section.
            Err(PmtError::InvalidMetadata) => Value::Object(Map::new()),
            Err(e) => return Err(section_error(e, "metadata", len)),
        };
        let reader = Arc::new(reader);
        check_every_directory(&reader, len)?;
        Ok(Self {
            data,
            reader,
            metadata,
            leaf_reads,
        })
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
        self.reader.get_header().min_zoom
    }

    /// Highest zoom level with tiles.
    pub fn max_zoom(&self) -> u8 {
        self.reader.get_header().max_zoom
    }

    /// `[west, south, east, north]` in degrees, from the header.
    pub fn bounds(&self) -> [f64; 4] {
        let h = self.reader.get_header();
        [
            h.min_longitude,
            h.min_latitude,
            h.max_longitude,
            h.max_latitude,
        ]
    }

    /// `(lon, lat, zoom)` of the default view, from the header.
    pub fn center(&self) -> (f64, f64, u8) {
        let h = self.reader.get_header();
        (h.center_longitude, h.center_latitude, h.center_zoom)
    }

    /// What the tiles are (MVT for vector archives).
    pub fn tile_type(&self) -> TileType {
        self.reader.get_header().tile_type
    }

    /// How each tile is compressed inside the archive.
    pub fn tile_compression(&self) -> Compression {
        self.reader.get_header().tile_compression
    }

    /// The metadata JSON object (for vector archives, with `vector_layers`).
    pub fn metadata(&self) -> &Value {
        &self.metadata
    }

    /// How many leaf directories tile lookups have decompressed since the archive was opened;
    /// a lookup through a cached leaf adds nothing.
    pub fn directories_read(&self) -> u64 {
        self.leaf_reads.load(Ordering::Relaxed)
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
        doc.insert("minzoom".into(), json!(self.min_zoom()));
        doc.insert("maxzoom".into(), json!(self.max_zoom()));
        doc.insert("bounds".into(), json!(self.bounds()));
        let (lon, lat, zoom) = self.center();
        doc.insert("center".into(), json!([lon, lat, zoom]));
        Value::Object(doc)
    }

    /// Tile `z/x/y` as stored in the archive (compressed with [`tile_compression`]), sharing
    /// the archive's buffer; `None` when the archive has no such tile or `z/x/y` names no tile.
    /// Every directory was checked at opening, so a lookup meets no corrupt one.
    ///
    /// [`tile_compression`]: Self::tile_compression
    pub fn tile_raw(&self, z: u8, x: u32, y: u32) -> Option<Bytes> {
        let coord = TileCoord::new(z, x, y).ok()?;
        ready_now(self.reader.get_tile(coord)).ok().flatten()
    }

    /// Tile `z/x/y` uncompressed (for vector archives, the MVT protobuf); `None` when the
    /// archive has no such tile or compresses tiles with something other than gzip.
    pub fn tile(&self, z: u8, x: u32, y: u32) -> Option<Vec<u8>> {
        let raw = self.tile_raw(z, x, y)?;
        match self.tile_compression() {
            Compression::None | Compression::Unknown => Some(raw.to_vec()),
            Compression::Gzip => gunzip(&raw).ok(),
            Compression::Brotli | Compression::Zstd => None,
        }
    }
}

/// Decodes every leaf directory once and reads the tile that ends last, so that an archive
/// cut short or with a corrupt directory is refused at opening. In a clustered archive tiles
/// are stored in tile-id order, so the tile with the highest id is the one that ends last;
/// otherwise every tile is looked up.
fn check_every_directory(reader: &Arc<Reader>, len: usize) -> Result<(), ArchiveError> {
    let clustered = reader.get_header().clustered();
    let mut entries = reader.clone().entries();
    let mut last: Option<TileId> = None;
    let next = |entries: &mut futures_util::stream::BoxStream<'_, PmtResult<DirEntry>>| {
        ready_now(entries.next().map(Ok)).map_err(|e| section_error(e, "leaf directories", len))
    };
    while let Some(entry) = next(&mut entries)? {
        let entry = entry.map_err(|e| section_error(e, "leaf directories", len))?;
        let Some(first) = entry.iter_coords().next() else {
            continue;
        };
        if clustered {
            last = last.max(Some(first));
        } else {
            read_tile(reader, first, len)?;
        }
    }
    match last {
        Some(id) => read_tile(reader, id, len),
        None => Ok(()),
    }
}

fn read_tile(reader: &Reader, id: TileId, len: usize) -> Result<(), ArchiveError> {
    ready_now(reader.get_tile(id))
        .map(drop)
        .map_err(|e| section_error(e, "tile data", len))
}

/// What a failure to read the header and root directory means for `data`.
fn opening_error(error: PmtError, data: &[u8]) -> ArchiveError {
    let short = data.len() < HEADER_LEN;
    match error {
        PmtError::InvalidMagicNumber if short => ArchiveError::TooShort(data.len()),
        PmtError::InvalidMagicNumber => ArchiveError::NotPmtiles,
        // Versions 1 and 2 start with "PM" and a little-endian u16 version.
        PmtError::UnsupportedPmTilesVersion => {
            ArchiveError::UnsupportedVersion(data.get(2).copied().unwrap_or(0))
        }
        PmtError::InvalidHeader if short => ArchiveError::TooShort(data.len()),
        PmtError::InvalidHeader => ArchiveError::InvalidHeader(
            "the root directory does not lie within the first 16 KiB of the file".into(),
        ),
        PmtError::InvalidCompression => ArchiveError::InvalidHeader("unknown compression".into()),
        PmtError::InvalidTileType => ArchiveError::InvalidHeader("unknown tile type".into()),
        other => section_error(other, "root directory", data.len()),
    }
}

/// What a failure to read one section of a file of `len` bytes means.
fn section_error(error: PmtError, section: &'static str, len: usize) -> ArchiveError {
    match error {
        PmtError::Reading(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            ArchiveError::Truncated { section, len }
        }
        PmtError::InvalidEntry | PmtError::UnexpectedNumberOfBytesReturned(..) => {
            ArchiveError::Truncated { section, len }
        }
        PmtError::UnsupportedCompression(c) => ArchiveError::UnsupportedCompression(c),
        PmtError::InvalidMetadataUtf8Encoding(e) => ArchiveError::InvalidMetadata(e.to_string()),
        other => ArchiveError::InvalidDirectory(format!("{section}: {other}")),
    }
}

fn gunzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() * 3);
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out)?;
    Ok(out)
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
        // Cut inside the leaf directories of an archive big enough to have them.
        let deep = numbered_archive(7, TileType::Mvt);
        let e = err(deep[..deep.len() / 2].to_vec());
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
        let tiles = [(0, 0, 0), (3, 5, 2), (7, 0, 0), (7, 100, 27), (7, 127, 127)];
        for (z, x, y) in tiles {
            let id = TileId::from(TileCoord::new(z, x, y).unwrap()).value();
            assert_eq!(archive.tile(z, x, y), Some(id.to_le_bytes().to_vec()));
        }
        let read = archive.directories_read();
        assert!(read > 0, "the deep tiles are in leaf directories");
        for (z, x, y) in tiles {
            assert!(archive.tile_raw(z, x, y).is_some());
        }
        assert_eq!(
            archive.directories_read(),
            read,
            "the second lookups decompress no leaf again"
        );
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
}
