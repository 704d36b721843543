//! What a [`LocationPrecision`] claims about where a feature really is: the radius around its
//! recorded point inside which the thing itself lies, declared once here and turned by the
//! analysis into distance bounds and "certainly" or "possibly" inside a zone.
//!
//! - `site` (the facility's own coordinates): 1 km, the extent of a base or airfield around
//!   its published point.
//! - `town` (the coordinates of the town a thing is in or near): 10 km, a town with its
//!   outskirts, where garrisons and airfields usually stand (Kant air base lies about 4 km from
//!   the centre of Kant).
//! - `region` and `country` (a point standing for an area, such as a border sector or a state):
//!   no radius; the sources give no extent, so no distance bound is claimed.
//! - `unknown`: no place at all.

use super::LocationPrecision;

impl LocationPrecision {
    /// The radius in kilometres within which the feature lies around its recorded point, or
    /// `None` when the precision bounds it by no distance.
    pub fn radius_km(self) -> Option<f64> {
        match self {
            LocationPrecision::Site => Some(1.0),
            LocationPrecision::Town => Some(10.0),
            LocationPrecision::Region | LocationPrecision::Country | LocationPrecision::Unknown => {
                None
            }
        }
    }

    /// The largest radius any bounded precision claims: how far beyond a zone a recorded point
    /// may lie and the feature still possibly be inside.
    pub fn max_radius_km() -> f64 {
        [
            LocationPrecision::Site,
            LocationPrecision::Town,
            LocationPrecision::Region,
            LocationPrecision::Country,
            LocationPrecision::Unknown,
        ]
        .into_iter()
        .filter_map(LocationPrecision::radius_km)
        .fold(0.0, f64::max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finer_precisions_claim_smaller_radii() {
        let site = LocationPrecision::Site.radius_km().unwrap();
        let town = LocationPrecision::Town.radius_km().unwrap();
        assert!(site < town);
        assert_eq!(LocationPrecision::max_radius_km(), town);
        assert_eq!(LocationPrecision::Region.radius_km(), None);
        assert_eq!(LocationPrecision::Country.radius_km(), None);
    }
}
