//! Plane geometry on lon/lat that several layers need, declared once: cutting and unwrapping at
//! the antimeridian ([`antimeridian`]) and the constants of the Web Mercator world
//! ([`web_mercator`]).
//!
//! This is the lowest layer beside `model`: it depends on `geo` types only, so the loader, the
//! catalog, the analyses and the tile encoder can all use it.

pub mod antimeridian;
pub mod web_mercator;
