//! Distances on the sphere, in metres, and the units the detectors speak in.

/// Mean Earth radius (IUGG), metres.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;
/// Metres in one nautical mile.
pub const METRES_PER_NMI: f64 = 1852.0;
/// Metres per second in one knot.
pub const MPS_PER_KNOT: f64 = METRES_PER_NMI / 3600.0;

/// Great-circle distance in metres (haversine).
#[inline]
pub fn distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp * 0.5).sin().powi(2) + p1.cos() * p2.cos() * (dl * 0.5).sin().powi(2);
    2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin()
}

/// Distance in metres on a local flat approximation (equirectangular): within 0.1 % of
/// the great circle below a few tens of kilometres away from the poles, and much cheaper.
#[inline]
pub fn distance_fast_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let mut dl = lon2 - lon1;
    if dl > 180.0 {
        dl -= 360.0;
    } else if dl < -180.0 {
        dl += 360.0;
    }
    let x = dl.to_radians() * ((lat1 + lat2) * 0.5).to_radians().cos();
    let y = (lat2 - lat1).to_radians();
    EARTH_RADIUS_M * (x * x + y * y).sqrt()
}

/// [`distance_fast_m`] with the cosine of the latitude given (computed once for many
/// distances from one point): within 1 % of the great circle below about 100 km.
#[inline]
pub fn distance_fast_cos_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64, coslat: f64) -> f64 {
    let mut dl = lon2 - lon1;
    if dl > 180.0 {
        dl -= 360.0;
    } else if dl < -180.0 {
        dl += 360.0;
    }
    let x = dl.to_radians() * coslat;
    let y = (lat2 - lat1).to_radians();
    EARTH_RADIUS_M * (x * x + y * y).sqrt()
}

/// Initial bearing from the first point to the second, degrees clockwise from north.
pub fn bearing_deg(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dl = (lon2 - lon1).to_radians();
    let y = dl.sin() * p2.cos();
    let x = p1.cos() * p2.sin() - p1.sin() * p2.cos() * dl.cos();
    (y.atan2(x).to_degrees() + 360.0) % 360.0
}

/// The point `distance_m` away from a start along a bearing (degrees), on the sphere.
pub fn destination(lat: f64, lon: f64, bearing_deg: f64, distance_m: f64) -> (f64, f64) {
    let d = distance_m / EARTH_RADIUS_M;
    let b = bearing_deg.to_radians();
    let p1 = lat.to_radians();
    let l1 = lon.to_radians();
    let p2 = (p1.sin() * d.cos() + p1.cos() * d.sin() * b.cos()).asin();
    let l2 = l1 + (b.sin() * d.sin() * p1.cos()).atan2(d.cos() - p1.sin() * p2.sin());
    let lon2 = (l2.to_degrees() + 540.0) % 360.0 - 180.0;
    (p2.to_degrees(), lon2)
}

/// Smallest difference between two angles in degrees (0..=180).
#[inline]
pub fn angle_diff_deg(a: f64, b: f64) -> f64 {
    let mut d = (a - b).abs();
    if d >= 360.0 {
        d %= 360.0;
    }
    if d > 180.0 {
        360.0 - d
    } else {
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_minute_of_latitude_is_about_one_nautical_mile() {
        let d = distance_m(35.0, 129.0, 35.0 + 1.0 / 60.0, 129.0);
        assert!((d - METRES_PER_NMI).abs() < 5.0, "{d}");
        let f = distance_fast_m(35.0, 129.0, 35.0 + 1.0 / 60.0, 129.0);
        assert!((f - d).abs() < 1.0);
    }

    #[test]
    fn destination_and_bearing_agree() {
        let (lat, lon) = destination(34.0, 128.0, 45.0, 10_000.0);
        assert!((distance_m(34.0, 128.0, lat, lon) - 10_000.0).abs() < 0.5);
        assert!((bearing_deg(34.0, 128.0, lat, lon) - 45.0).abs() < 0.01);
        let (_, lon) = destination(0.0, 179.99, 90.0, 5_000.0);
        assert!(lon < -179.9);
        assert_eq!(angle_diff_deg(350.0, 10.0), 20.0);
        assert!((distance_fast_m(0.0, 179.999, 0.0, -179.999) - 222.4).abs() < 1.0);
    }
}
