//! The Web Mercator world (EPSG:3857): the sphere it projects onto and the latitude where its
//! square map ends. The CRS conversions and the tile grid both read these.

/// Radius of the sphere Web Mercator projects onto: the WGS 84 semi-major axis, in metres.
pub const SPHERE_RADIUS_M: f64 = 6_378_137.0;

/// Half the width (and height) of the projected world in metres: easting at 180°E.
pub const HALF_WORLD_M: f64 = std::f64::consts::PI * SPHERE_RADIUS_M;

/// Largest latitude Web Mercator shows, in degrees: where the projected world becomes a square,
/// `atan(sinh(pi))` (written out because the standard library has no `const` trigonometry).
pub const MAX_LATITUDE: f64 = 85.051_128_779_806_59;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_world_is_square_at_the_latitude_limit() {
        let limit = std::f64::consts::PI.sinh().atan().to_degrees();
        assert!((MAX_LATITUDE - limit).abs() < 1e-12, "{limit}");
        // Northing of the limit: R * ln(tan(pi/4 + lat/2)) is half the world.
        let northing = SPHERE_RADIUS_M
            * (std::f64::consts::FRAC_PI_4 + MAX_LATITUDE.to_radians() / 2.0)
                .tan()
                .ln();
        assert!((northing - HALF_WORLD_M).abs() < 1e-6, "{northing}");
        assert!((HALF_WORLD_M - 20_037_508.342_789_244).abs() < 1e-6);
    }
}
