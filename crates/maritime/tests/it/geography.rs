//! The embedded geography: distances to shore and the nearest ports where we know them.

use crate::geo;

#[test]
fn shore_distances_where_we_know_them() {
    let g = geo();
    // Seoul is on land; the open Pacific is far from any coast.
    assert_eq!(g.shore.distance_nmi(37.55, 126.99), 0.0);
    assert_eq!(g.shore.distance_nmi(0.0, -150.0), 255.0);
    // The Korea Strait between Busan and Tsushima is narrow.
    let strait = g.shore.distance_nmi(34.6, 129.0);
    assert!((3.0..=25.0).contains(&strait), "{strait}");
    // The middle of the East China Sea is far out.
    let ecs = g.shore.distance_nmi(31.0, 125.0);
    assert!((100.0..=160.0).contains(&ecs), "{ecs}");
}

#[test]
fn nearest_ports_are_the_right_ones() {
    let g = geo();
    let (i, d) = g.ports.nearest(35.10, 129.04, 10_000.0).unwrap();
    let p = g.ports.get(i).unwrap();
    assert_eq!(p.iso3, "KOR");
    assert!(p.label.contains("BUSAN"), "{p:?}");
    assert!(d < 5_000.0, "{d}");
    let (i, _) = g.ports.nearest(22.58, 120.28, 10_000.0).unwrap();
    let p = g.ports.get(i).unwrap();
    assert_eq!(
        (p.iso3.as_str(), p.label.replace('-', "").as_str()),
        ("TWN", "KAOHSIUNG")
    );
    assert!(g.ports.nearest(31.0, 125.0, 20_000.0).is_none());
    assert!(g.ports.ports().len() > 30_000);
}
