//! `interdict ais simulate`: a scenario written as NMEA 0183 with tag blocks (`s:`
//! receiver, `c:` time), for demonstrations and tests. Deterministic given a seed and a
//! start time.
//!
//! The story: a watch-listed cargo vessel leaves Kaohsiung (on the scenario's list of
//! high-risk ports), crosses the East China Sea, meets a fishing boat far out at sea for
//! three hours, switches its AIS off for fourteen hours, reappears and heads for Busan,
//! where it anchors. Meanwhile one MMSI is used in two places at once for two hours (a
//! ferry near Incheon and a transmitter off Ulsan), and ordinary traffic moves between
//! Korean ports, lies moored in Incheon, and crosses the East China Sea on a shipping
//! lane. [`Scenario::story`] lists the events the story implies.

use std::fmt::Write as _;

use interdict_maritime::geodesy::{bearing_deg, destination, distance_m};

/// The watch-listed vessel.
pub const WATCHED: u32 = 352_001_234;
/// Its IMO number.
pub const WATCHED_IMO: u32 = 9_074_729;
/// The fishing boat it meets.
pub const FISHING: u32 = 412_440_123;
/// The MMSI used in two places.
pub const TWIN: u32 = 440_123_450;
/// The watch-list reference of the watched vessel.
pub const REFERENCE: &str = "report-2024-0042";

/// Kaohsiung, Taiwan: where the watched vessel starts, moored.
const KAOHSIUNG: (f64, f64) = (22.612, 120.262);
/// The meeting point in the East China Sea (about 110 nmi from the nearest coast).
const MEET: (f64, f64) = (31.5, 125.5);
/// Busan anchorage.
const BUSAN: (f64, f64) = (35.03, 129.06);
/// Hamori, Jeju: the fishing boat's port.
const HAMORI: (f64, f64) = (33.214, 126.252);
const INCHEON: (f64, f64) = (37.447, 126.573);
const PYEONGTAEK: (f64, f64) = (37.0, 126.8);
const ULSAN: (f64, f64) = (35.393, 129.391);
const POHANG: (f64, f64) = (36.05, 129.383);
const YEOSU: (f64, f64) = (34.721, 127.806);
const GWANGYANG: (f64, f64) = (34.85, 127.8);
const MOKPO: (f64, f64) = (34.438, 125.95);
const JEJU: (f64, f64) = (33.517, 126.533);

/// One event the story implies.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoryEvent {
    /// Event kind.
    pub kind: &'static str,
    /// Vessel.
    pub mmsi: u32,
    /// The other vessel of an encounter.
    pub other_mmsi: Option<u32>,
    /// For watch-list events: what triggered it.
    pub trigger: Option<&'static str>,
    /// Earliest and latest start the story allows.
    pub start: (i64, i64),
    /// Earliest and latest end (`None`: still going on at the end of the data).
    pub end: Option<(i64, i64)>,
}

/// The generated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// NMEA lines with tag blocks, in the order received.
    pub nmea: String,
    /// Areas (GeoJSON).
    pub areas: String,
    /// Watch list (CSV).
    pub watchlist: String,
    /// Detector configuration (TOML).
    pub config: String,
    /// The events the story implies.
    pub story: Vec<StoryEvent>,
    /// First and last data time.
    pub span: (i64, i64),
}

/// SplitMix64: a small deterministic generator.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[derive(Debug, Clone, Copy)]
struct Sample {
    t: i64,
    lat: f64,
    lon: f64,
    sog: f64,
    cog: f64,
    status: u8,
}

/// A vessel's movements, sampled as it would report.
#[derive(Debug, Clone)]
struct Voyage {
    t: i64,
    lat: f64,
    lon: f64,
    cog: f64,
    samples: Vec<Sample>,
}

impl Voyage {
    fn new(t: i64, at: (f64, f64)) -> Self {
        Self {
            t,
            lat: at.0,
            lon: at.1,
            cog: 0.0,
            samples: Vec::new(),
        }
    }

    fn sample(&mut self, sog: f64, status: u8) {
        self.samples.push(Sample {
            t: self.t,
            lat: self.lat,
            lon: self.lon,
            sog,
            cog: self.cog,
            status,
        });
    }

    /// Stays put until `until`, reporting every `every` seconds (first report at once).
    fn moor(&mut self, until: i64, every: i64) {
        while self.t <= until {
            self.sample(0.0, 5);
            self.t += every;
        }
        self.t = until.max(self.t - every);
    }

    /// Sails through the waypoints at `kn`, reporting every `every` seconds; the last
    /// report is at the last waypoint.
    fn sail(&mut self, waypoints: &[(f64, f64)], kn: f64, every: i64) {
        let step = kn * 1852.0 / 3600.0 * every as f64;
        for &wp in waypoints {
            loop {
                let left = distance_m(self.lat, self.lon, wp.0, wp.1);
                if left < 1.0 {
                    break;
                }
                self.cog = bearing_deg(self.lat, self.lon, wp.0, wp.1);
                if left <= step {
                    self.t += (left / (kn * 1852.0 / 3600.0)).round() as i64;
                    self.lat = wp.0;
                    self.lon = wp.1;
                } else {
                    self.t += every;
                    let (lat, lon) = destination(self.lat, self.lon, self.cog, step);
                    self.lat = lat;
                    self.lon = lon;
                }
                self.sample(kn, 0);
            }
        }
    }

    /// Drifts on a course at `kn` for `secs`, reporting every `every` seconds (the first
    /// report one interval in, the last at the end).
    fn drift(&mut self, cog: f64, kn: f64, secs: i64, every: i64) {
        let end = self.t + secs;
        self.cog = cog;
        while self.t < end {
            let dt = every.min(end - self.t);
            self.t += dt;
            let (lat, lon) = destination(self.lat, self.lon, cog, kn * 1852.0 / 3600.0 * dt as f64);
            self.lat = lat;
            self.lon = lon;
            self.sample(kn, 0);
        }
    }

    /// Moves towards `to` at `kn` for `secs` without reporting.
    fn silent(&mut self, to: (f64, f64), kn: f64, secs: i64) {
        self.cog = bearing_deg(self.lat, self.lon, to.0, to.1);
        let (lat, lon) = destination(
            self.lat,
            self.lon,
            self.cog,
            kn * 1852.0 / 3600.0 * secs as f64,
        );
        self.lat = lat;
        self.lon = lon;
        self.t += secs;
    }

    /// Shuttles between two ports until `until`: moored `stay` seconds in each, sailing
    /// at `kn`.
    fn shuttle(&mut self, a: (f64, f64), b: (f64, f64), kn: f64, stay: i64, until: i64) {
        let mut to = b;
        while self.t < until {
            let moor_until = (self.t + stay).min(until);
            self.moor(moor_until, 180);
            if self.t >= until {
                break;
            }
            self.sail(&[to], kn, 60);
            to = if to == a { b } else { a };
        }
        self.samples.retain(|s| s.t <= until);
    }
}

/// Static data of a vessel.
#[derive(Debug, Clone)]
struct Static {
    mmsi: u32,
    imo: u32,
    callsign: &'static str,
    name: &'static str,
    ship_type: u8,
    destination: &'static str,
}

/// Bits to armoured payload.
#[derive(Debug, Default)]
struct Bits(Vec<u8>);

impl Bits {
    fn push(&mut self, v: u64, n: u32) {
        for i in (0..n).rev() {
            self.0.push(((v >> i) & 1) as u8);
        }
    }
    fn push_signed(&mut self, v: i64, n: u32) {
        self.push((v as u64) & ((1u64 << n) - 1), n);
    }
    fn text(&mut self, s: &str, chars: usize) {
        let mut bytes = s.bytes().map(|c| c.to_ascii_uppercase());
        for _ in 0..chars {
            let v = match bytes.next() {
                Some(c @ 64..=95) => c - 64,
                Some(c @ 32..=63) => c,
                Some(_) | None => 0,
            };
            self.push(u64::from(v), 6);
        }
    }
    fn armour(&self) -> (String, u8) {
        let fill = (6 - self.0.len() % 6) % 6;
        let mut s = String::with_capacity(self.0.len() / 6 + 1);
        let mut bits = self.0.clone();
        bits.extend(std::iter::repeat_n(0, fill));
        for c in bits.chunks(6) {
            let v = c.iter().fold(0u8, |a, &b| a << 1 | b);
            s.push(char::from(if v < 40 { v + 48 } else { v + 56 }));
        }
        (s, fill as u8)
    }
}

/// One position report (message 1) of `mmsi` at `time` (Unix seconds) as receiver `rx`
/// writes it, with a tag block: the line the benchmarks feed a node's pipeline with.
/// A vessel slower than half a knot reports itself at anchor.
pub fn position_line(
    rx: &str,
    time: i64,
    mmsi: u32,
    lat: f64,
    lon: f64,
    sog: f64,
    cog: f64,
) -> String {
    let sample = Sample {
        t: time,
        lat,
        lon,
        sog,
        cog,
        status: if sog < 0.5 { 1 } else { 0 },
    };
    let (payload, fill) = type1(mmsi, &sample).armour();
    let body = format!("AIVDM,1,1,,A,{payload},{fill}");
    let tag = format!("s:{rx},c:{time}");
    format!(
        "\\{tag}*{:02X}\\!{body}*{:02X}",
        checksum(&tag),
        checksum(&body)
    )
}

fn checksum(s: &str) -> u8 {
    s.bytes().fold(0, |a, b| a ^ b)
}

fn type1(mmsi: u32, s: &Sample) -> Bits {
    let mut b = Bits::default();
    b.push(1, 6);
    b.push(0, 2);
    b.push(u64::from(mmsi), 30);
    b.push(u64::from(s.status), 4);
    b.push_signed(-128, 8);
    b.push((s.sog * 10.0).round().clamp(0.0, 1022.0) as u64, 10);
    b.push(0, 1);
    b.push_signed((s.lon * 600_000.0).round() as i64, 28);
    b.push_signed((s.lat * 600_000.0).round() as i64, 27);
    b.push(((s.cog * 10.0).round() as u64) % 3600, 12);
    b.push((s.cog.round() as u64) % 360, 9);
    b.push((s.t.rem_euclid(60)) as u64, 6);
    b.push(0, 2);
    b.push(0, 3);
    b.push(0, 1);
    b.push(0, 19);
    b
}

fn type5(st: &Static) -> Bits {
    let mut b = Bits::default();
    b.push(5, 6);
    b.push(0, 2);
    b.push(u64::from(st.mmsi), 30);
    b.push(0, 2);
    b.push(u64::from(st.imo), 30);
    b.text(st.callsign, 7);
    b.text(st.name, 20);
    b.push(u64::from(st.ship_type), 8);
    b.push(100, 9);
    b.push(20, 9);
    b.push(8, 6);
    b.push(8, 6);
    b.push(1, 4);
    b.push(0, 4);
    b.push(0, 5);
    b.push(24, 5);
    b.push(60, 6);
    b.push(80, 8);
    b.text(st.destination, 20);
    b.push(0, 1);
    b.push(0, 1);
    b
}

/// Output lines with the time they are received.
#[derive(Debug, Default)]
struct Writer {
    lines: Vec<(i64, u64, String)>,
    seq: u64,
    group: u32,
}

impl Writer {
    fn tag(body: &str) -> String {
        format!("\\{body}*{:02X}\\", checksum(body))
    }

    fn emit(&mut self, received: i64, rx: &str, time: i64, bits: &Bits) {
        let (payload, fill) = bits.armour();
        self.seq += 1;
        if payload.len() <= 60 {
            let body = format!("AIVDM,1,1,,A,{payload},{fill}");
            let line = format!(
                "{}!{body}*{:02X}",
                Self::tag(&format!("s:{rx},c:{time}")),
                checksum(&body)
            );
            self.lines.push((received, self.seq, line));
            return;
        }
        self.group = self.group % 9999 + 1;
        let g = self.group;
        let (a, b) = payload.split_at(60);
        let body1 = format!("AIVDM,2,1,{},A,{a},0", g % 10);
        let body2 = format!("AIVDM,2,2,{},A,{b},{fill}", g % 10);
        let mut line = format!(
            "{}!{body1}*{:02X}\n",
            Self::tag(&format!("g:1-2-{g},s:{rx},c:{time}")),
            checksum(&body1)
        );
        let _ = write!(
            line,
            "{}!{body2}*{:02X}",
            Self::tag(&format!("g:2-2-{g}")),
            checksum(&body2)
        );
        self.lines.push((received, self.seq, line));
    }
}

/// Builds the scenario.
pub fn scenario(seed: u64, start: i64) -> Scenario {
    let mut rng = Rng(seed ^ 0x005e_ed0f_1a7e);
    let t0 = start;

    // The watched vessel.
    let mut w = Voyage::new(t0, KAOHSIUNG);
    w.moor(t0 + 2 * 3600, 180);
    w.t = t0 + 2 * 3600;
    w.sail(
        &[
            (22.55, 120.15),
            (23.5, 119.95),
            (25.0, 120.2),
            (26.5, 121.2),
            (29.0, 123.3),
            MEET,
        ],
        15.0,
        60,
    );
    let t_meet = w.t;
    w.drift(90.0, 0.8, 3 * 3600, 60);
    let t_off = w.t;
    w.silent(BUSAN, 10.0, 14 * 3600);
    let t_back = w.t;
    let w_before = w.samples.len();
    w.sail(&[BUSAN], 12.0, 60);
    let t_busan = w.t;
    let t_end = t_busan + 3 * 3600;
    w.moor(t_end, 180);
    let _ = w_before;

    // The fishing boat: comes from the west, drifts beside the watched vessel, goes home.
    let beside = destination(MEET.0, MEET.1, 0.0, 300.0);
    let approach_nmi = 64.0;
    let mut f = Voyage::new(
        t_meet - (approach_nmi / 8.0 * 3600.0) as i64,
        destination(beside.0, beside.1, 270.0, approach_nmi * 1852.0),
    );
    f.sample(8.0, 0);
    f.sail(&[beside], 8.0, 60);
    f.t = t_meet;
    f.lat = beside.0;
    f.lon = beside.1;
    f.drift(90.0, 0.8, 3 * 3600, 60);
    f.sail(&[HAMORI], 8.0, 60);
    f.moor(t_end, 180);

    // The MMSI in two places: a ferry between Incheon and Pyeongtaek, and for two hours
    // a transmitter off Ulsan with the same MMSI.
    let mut twin = Voyage::new(t0, INCHEON);
    twin.shuttle(INCHEON, PYEONGTAEK, 14.0, 4 * 3600, t_end);
    let t_spoof = t0 + 10 * 3600;
    let mut spoof = Voyage::new(t_spoof + 30, (35.2, 129.6));
    spoof.sample(10.0, 0);
    spoof.sail(&[(35.5, 129.75)], 10.0, 60);
    spoof.samples.retain(|s| s.t <= t_spoof + 2 * 3600);
    let t_spoof_end = spoof.samples.last().map_or(t_spoof, |s| s.t);

    // Ordinary traffic.
    let mut ordinary: Vec<(Static, Voyage)> = Vec::new();
    let routes = [
        (440_100_001, "HANBADA", MOKPO, JEJU),
        (440_100_002, "KOREA STAR", INCHEON, PYEONGTAEK),
        (440_100_003, "DONGHAE PIONEER", ULSAN, POHANG),
        (440_100_004, "YEOSU MARU", YEOSU, GWANGYANG),
    ];
    for (mmsi, name, a, b) in routes {
        let mut v = Voyage::new(t0 + rng.below(120) as i64, a);
        v.shuttle(
            a,
            b,
            13.0 + rng.unit() * 3.0,
            (2 + rng.below(3) as i64) * 3600,
            t_end,
        );
        ordinary.push((
            Static {
                mmsi,
                imo: 0,
                callsign: "DS0000",
                name,
                ship_type: 60,
                destination: "",
            },
            v,
        ));
    }
    for (k, mmsi) in [440_100_005u32, 440_100_006].into_iter().enumerate() {
        let at = destination(INCHEON.0, INCHEON.1, 90.0, 200.0 * k as f64);
        let mut v = Voyage::new(t0 + rng.below(180) as i64, at);
        v.moor(t_end, 180);
        ordinary.push((
            Static {
                mmsi,
                imo: 0,
                callsign: "DS0001",
                name: if k == 0 {
                    "GREEN HARMONY"
                } else {
                    "BLUE HARMONY"
                },
                ship_type: 70,
                destination: "INCHEON",
            },
            v,
        ));
    }
    // A shipping lane across the East China Sea: six vessels back and forth all along.
    let lane = [(30.6, 124.9), (32.4, 126.5)];
    let lane_mmsi = [
        477_100_001u32,
        563_200_002,
        538_300_003,
        636_400_004,
        477_100_005,
        563_200_006,
    ];
    for (k, &mmsi) in lane_mmsi.iter().enumerate() {
        let frac = k as f64 / lane_mmsi.len() as f64;
        let leg = distance_m(lane[0].0, lane[0].1, lane[1].0, lane[1].1);
        let course = bearing_deg(lane[0].0, lane[0].1, lane[1].0, lane[1].1);
        let (ends, at) = if k % 2 == 0 {
            (
                [lane[1], lane[0]],
                destination(lane[0].0, lane[0].1, course, leg * frac),
            )
        } else {
            (
                [lane[0], lane[1]],
                destination(lane[1].0, lane[1].1, course + 180.0, leg * frac),
            )
        };
        let mut v = Voyage::new(t0 + rng.below(60) as i64, at);
        v.sample(12.0, 0);
        let mut i = 0;
        while v.t < t_end {
            v.sail(&[ends[i % 2]], 12.0, 60);
            i += 1;
        }
        v.samples.retain(|s| s.t <= t_end);
        ordinary.push((
            Static {
                mmsi,
                imo: 0,
                callsign: "LANE",
                name: "LANE TRADER",
                ship_type: 70,
                destination: "SHANGHAI",
            },
            v,
        ));
    }

    // Messages: every report heard by receiver rx1; one in five also by rx2, which
    // passes it on up to 40 s later (so the feed is out of order and has duplicates).
    let mut out = Writer::default();
    let send = |out: &mut Writer, rng: &mut Rng, time: i64, bits: &Bits| {
        out.emit(time, "rx1", time, bits);
        if rng.below(5) == 0 {
            out.emit(time + rng.below(40) as i64, "rx2", time, bits);
        }
    };
    let watched = Static {
        mmsi: WATCHED,
        imo: WATCHED_IMO,
        callsign: "3FAB7",
        name: "OCEAN TRADER 7",
        ship_type: 70,
        destination: "BUSAN",
    };
    let fishing = Static {
        mmsi: FISHING,
        imo: 0,
        callsign: "BZXY8",
        name: "JIN HAI 18",
        ship_type: 30,
        destination: "",
    };
    let twin_static = Static {
        mmsi: TWIN,
        imo: 0,
        callsign: "DSTW1",
        name: "SEOHAE FERRY",
        ship_type: 60,
        destination: "PYEONGTAEK",
    };
    let mut all: Vec<(&Static, &Voyage)> =
        vec![(&watched, &w), (&fishing, &f), (&twin_static, &twin)];
    for (s, v) in &ordinary {
        all.push((s, v));
    }
    for (st, v) in all {
        let mut next_static = v.samples.first().map_or(t0, |s| s.t);
        for s in &v.samples {
            if s.t >= next_static {
                send(&mut out, &mut rng, s.t, &type5(st));
                next_static = s.t + 1800;
            }
            send(&mut out, &mut rng, s.t, &type1(st.mmsi, s));
        }
    }
    for s in &spoof.samples {
        send(&mut out, &mut rng, s.t, &type1(TWIN, s));
    }
    out.lines.sort_by_key(|l| (l.0, l.1));
    let mut nmea = String::with_capacity(out.lines.len() * 80);
    for (_, _, line) in &out.lines {
        nmea.push_str(line);
        nmea.push('\n');
    }

    // Where the watched vessel enters the Busan box and Korean waters: after it
    // reappears, before it anchors.
    let after_back = (t_back, t_busan);
    let story = vec![
        StoryEvent {
            kind: "watchlist",
            mmsi: WATCHED,
            other_mmsi: None,
            trigger: Some("sighting"),
            start: (t0, t0),
            end: Some((t0, t0)),
        },
        StoryEvent {
            kind: "encounter",
            mmsi: WATCHED,
            other_mmsi: Some(FISHING),
            trigger: None,
            start: (t_meet, t_meet + 120),
            end: Some((t_off - 60, t_off)),
        },
        StoryEvent {
            kind: "watchlist",
            mmsi: WATCHED,
            other_mmsi: Some(FISHING),
            trigger: Some("encounter"),
            start: (t_meet, t_meet + 120),
            end: Some((t_off - 60, t_off)),
        },
        StoryEvent {
            kind: "gap",
            mmsi: WATCHED,
            other_mmsi: None,
            trigger: None,
            start: (t_off, t_off),
            end: Some((t_back, t_back + 60)),
        },
        StoryEvent {
            kind: "watchlist",
            mmsi: WATCHED,
            other_mmsi: None,
            trigger: Some("gap"),
            start: (t_off, t_off),
            end: Some((t_back, t_back + 60)),
        },
        StoryEvent {
            kind: "high_risk_arrival",
            mmsi: WATCHED,
            other_mmsi: None,
            trigger: None,
            start: after_back,
            end: Some(after_back),
        },
        StoryEvent {
            kind: "zone_entry",
            mmsi: WATCHED,
            other_mmsi: None,
            trigger: None,
            start: after_back,
            end: None,
        },
        StoryEvent {
            kind: "watchlist",
            mmsi: WATCHED,
            other_mmsi: None,
            trigger: Some("zone_entry"),
            start: after_back,
            end: None,
        },
        StoryEvent {
            kind: "identity",
            mmsi: TWIN,
            other_mmsi: None,
            trigger: None,
            start: (t_spoof - 180, t_spoof + 60),
            end: Some((t_spoof_end - 60, t_spoof_end + 180)),
        },
    ];

    let areas = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"busan-approaches","name":"Busan approaches"},
 "geometry":{"type":"Polygon","coordinates":[[[128.95,34.85],[129.25,34.85],[129.25,35.15],[128.95,35.15],[128.95,34.85]]]}}
]}
"#
    .to_owned();
    let watchlist =
        format!("reference,mmsi,imo,callsign,name\n{REFERENCE},,{WATCHED_IMO},,OCEAN TRADER 7\n");
    let config = "# High-risk ports of this scenario (an example, not an assessment).\n[arrival]\nhigh_risk_ports = [\"KAOHSIUNG\"]\n".to_owned();
    Scenario {
        nmea,
        areas,
        watchlist,
        config,
        story,
        span: (t0, t_end),
    }
}
