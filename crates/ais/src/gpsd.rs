//! Output in gpsd's AIS JSON schema (`gpsdecode -j`, class `AIS`), scaled or unscaled,
//! written by hand into a reusable buffer.

use crate::bits::{Bits, SixBitText};
use crate::imo289::{self, App, DayTime, MetHydro};
use crate::message::{Body, ChannelArea, Message, PartBDimensions, StaticData};

/// Navigational status texts.
pub const NAV_STATUS: [&str; 16] = [
    "Under way using engine",
    "At anchor",
    "Not under command",
    "Restricted manoeuverability",
    "Constrained by her draught",
    "Moored",
    "Aground",
    "Engaged in fishing",
    "Under way sailing",
    "Reserved for HSC",
    "Reserved for WIG",
    "Reserved",
    "Reserved",
    "Reserved",
    "Reserved",
    "Not defined",
];

/// Position fixing device texts.
pub fn epfd_text(v: u8) -> &'static str {
    const T: [&str; 9] = [
        "Undefined",
        "GPS",
        "GLONASS",
        "Combined GPS/GLONASS",
        "Loran-C",
        "Chayka",
        "Integrated navigation system",
        "Surveyed",
        "Galileo",
    ];
    T.get(usize::from(v)).copied().unwrap_or("INVALID EPFD")
}

/// Ship and cargo type texts (ITU-R M.1371 table 53).
pub fn shiptype_text(v: u16) -> &'static str {
    const HAZ: [&str; 4] = [
        "Hazardous category A",
        "Hazardous category B",
        "Hazardous category C",
        "Hazardous category D",
    ];
    let _ = HAZ;
    match v {
        0 => "Not available",
        1..=19 => "Reserved for future use",
        20 => "Wing in ground (WIG) - all ships of this type",
        21 => "Wing in ground (WIG) - Hazardous category A",
        22 => "Wing in ground (WIG) - Hazardous category B",
        23 => "Wing in ground (WIG) - Hazardous category C",
        24 => "Wing in ground (WIG) - Hazardous category D",
        25..=29 => "Wing in ground (WIG) - Reserved for future use",
        30 => "Fishing",
        31 => "Towing",
        32 => "Towing: length exceeds 200m or breadth exceeds 25m",
        33 => "Dredging or underwater ops",
        34 => "Diving ops",
        35 => "Military ops",
        36 => "Sailing",
        37 => "Pleasure Craft",
        38 | 39 => "Reserved",
        40 => "High speed craft (HSC) - all ships of this type",
        41 => "High speed craft (HSC) - Hazardous category A",
        42 => "High speed craft (HSC) - Hazardous category B",
        43 => "High speed craft (HSC) - Hazardous category C",
        44 => "High speed craft (HSC) - Hazardous category D",
        45..=48 => "High speed craft (HSC) - Reserved for future use",
        49 => "High speed craft (HSC) - No additional information",
        50 => "Pilot Vessel",
        51 => "Search and Rescue vessel",
        52 => "Tug",
        53 => "Port Tender",
        54 => "Anti-pollution equipment",
        55 => "Law Enforcement",
        56 | 57 => "Spare - Local Vessel",
        58 => "Medical Transport",
        59 => "Ship according to RR Resolution No. 18",
        60 => "Passenger - all ships of this type",
        61 => "Passenger - Hazardous category A",
        62 => "Passenger - Hazardous category B",
        63 => "Passenger - Hazardous category C",
        64 => "Passenger - Hazardous category D",
        65..=68 => "Passenger - Reserved for future use",
        69 => "Passenger - No additional information",
        70 => "Cargo - all ships of this type",
        71 => "Cargo - Hazardous category A",
        72 => "Cargo - Hazardous category B",
        73 => "Cargo - Hazardous category C",
        74 => "Cargo - Hazardous category D",
        75..=78 => "Cargo - Reserved for future use",
        79 => "Cargo - No additional information",
        80 => "Tanker - all ships of this type",
        81 => "Tanker - Hazardous category A",
        82 => "Tanker - Hazardous category B",
        83 => "Tanker - Hazardous category C",
        84 => "Tanker - Hazardous category D",
        85..=88 => "Tanker - Reserved for future use",
        89 => "Tanker - No additional information",
        90 => "Other Type - all ships of this type",
        91 => "Other Type - Hazardous category A",
        92 => "Other Type - Hazardous category B",
        93 => "Other Type - Hazardous category C",
        94 => "Other Type - Hazardous category D",
        95..=98 => "Other Type - Reserved for future use",
        99 => "Other Type - no additional information",
        _ => "Unknown",
    }
}

/// ERI (inland) ship type texts; codes below 100 use the AIS table.
pub fn eri_shiptype_text(v: u16) -> &'static str {
    if v < 100 {
        return shiptype_text(v);
    }
    match v {
        8000 => "Vessel, type unknown",
        8010 => "Motor freighter",
        8020 => "Motor tanker",
        8021 => "Motor tanker, liquid cargo, type N",
        8022 => "Motor tanker, liquid cargo, type C",
        8023 => "Motor tanker, dry cargo as if liquid (e.g. cement)",
        8030 => "Container vessel",
        8040 => "Gas tanker",
        8050 => "Motor freighter, tug",
        8060 => "Motor tanker, tug",
        8070 => "Motor freighter with one or more ships alongside",
        8080 => "Motor freighter with tanker",
        8090 => "Motor freighter pushing one or more freighters",
        8100 => "Motor freighter pushing at least one tank-ship",
        8110 => "Tug, freighter",
        8120 => "Tug, tanker",
        8130 => "Tug freighter, coupled",
        8140 => "Tug, freighter/tanker, coupled",
        8150 => "Freightbarge",
        8160 => "Tankbarge",
        8161 => "Tankbarge, liquid cargo, type N",
        8162 => "Tankbarge, liquid cargo, type C",
        8163 => "Tankbarge, dry cargo as if liquid (e.g. cement)",
        8170 => "Freightbarge with containers",
        8180 => "Tankbarge, gas",
        8210 => "Pushtow, one cargo barge",
        8220 => "Pushtow, two cargo barges",
        8230 => "Pushtow, three cargo barges",
        8240 => "Pushtow, four cargo barges",
        8250 => "Pushtow, five cargo barges",
        8260 => "Pushtow, six cargo barges",
        8270 => "Pushtow, seven cargo barges",
        8280 => "Pushtow, eight cargo barges",
        8290 => "Pushtow, nine or more barges",
        8310 => "Pushtow, one tank/gas barge",
        8320 => "Pushtow, two barges at least one tanker or gas barge",
        8330 => "Pushtow, three barges at least one tanker or gas barge",
        8340 => "Pushtow, four barges at least one tanker or gas barge",
        8350 => "Pushtow, five barges at least one tanker or gas barge",
        8360 => "Pushtow, six barges at least one tanker or gas barge",
        8370 => "Pushtow, seven barges at least one tanker or gas barge",
        8380 => "Pushtow, eight barges at least one tanker or gas barge",
        8390 => "Pushtow, nine or more barges at least one tanker or gas barge",
        _ => "Illegal ship type value.",
    }
}

/// Aid-to-navigation type texts.
pub const AID_TYPE: [&str; 32] = [
    "Unspecified",
    "Reference point",
    "RACON",
    "Fixed offshore structure",
    "Spare, Reserved for future use.",
    "Light, without sectors",
    "Light, with sectors",
    "Leading Light Front",
    "Leading Light Rear",
    "Beacon, Cardinal N",
    "Beacon, Cardinal E",
    "Beacon, Cardinal S",
    "Beacon, Cardinal W",
    "Beacon, Port hand",
    "Beacon, Starboard hand",
    "Beacon, Preferred Channel port hand",
    "Beacon, Preferred Channel starboard hand",
    "Beacon, Isolated danger",
    "Beacon, Safe water",
    "Beacon, Special mark",
    "Cardinal Mark N",
    "Cardinal Mark E",
    "Cardinal Mark S",
    "Cardinal Mark W",
    "Port hand Mark",
    "Starboard hand Mark",
    "Preferred Channel Port hand",
    "Preferred Channel Starboard hand",
    "Isolated danger",
    "Safe Water",
    "Special Mark",
    "Light Vessel / LANBY / Rigs",
];

/// Station type texts (type 23).
pub fn station_type_text(v: u8) -> &'static str {
    match v {
        0 => "All types of mobiles",
        1 => "Reserved for future use",
        2 => "All types of Class B mobile stations",
        3 => "SAR airborne mobile station",
        4 => "Aid to Navigation station",
        5 => "Class B shipborne mobile station (IEC62287 only)",
        6..=9 => "Regional use and inland waterways",
        _ => "Reserved for future use",
    }
}

const TRENDS: [&str; 4] = ["steady", "increasing", "decreasing", "N/A"];
const PRECIP: [&str; 8] = [
    "reserved",
    "rain",
    "thunderstorm",
    "freezing rain",
    "mixed/ice",
    "snow",
    "reserved",
    "N/A",
];
const ICE: [&str; 4] = ["no", "yes", "reserved", "N/A"];
const RACON: [&str; 4] = [
    "No RACON installed",
    "RACON not monitored",
    "RACON operational",
    "RACON ERROR",
];
const LIGHT: [&str; 4] = [
    "No light or no monitoring",
    "Light ON",
    "Light OFF",
    "Light ERROR",
];
const LOADED: [&str; 4] = ["N/A (default)", "Unloaded", "Loaded", "Not used"];
const HAZARD: [&str; 6] = [
    "0 blue cones/lights",
    "1 blue cone/light",
    "2 blue cones/lights",
    "3 blue cones/lights",
    "4 B-Flag",
    "Unknown",
];

fn pick(table: &'static [&'static str], v: u8) -> &'static str {
    table.get(usize::from(v)).copied().unwrap_or("Unknown")
}

/// A JSON object under construction.
struct Obj<'o> {
    out: &'o mut Vec<u8>,
}

impl Obj<'_> {
    /// Writes `,"k":`; literal keys are given ready-made as `,"k":` (one copy).
    #[inline(always)]
    fn key(&mut self, k: &str) {
        if k.starts_with(',') {
            self.out.extend_from_slice(k.as_bytes());
        } else {
            self.out.extend_from_slice(b",\"");
            self.out.extend_from_slice(k.as_bytes());
            self.out.extend_from_slice(b"\":");
        }
    }
    #[inline(always)]
    fn u(&mut self, k: &str, v: impl Into<u64>) {
        self.key(k);
        write_u64(self.out, v.into());
    }
    #[inline(always)]
    fn i(&mut self, k: &str, v: impl Into<i64>) {
        self.key(k);
        write_i64(self.out, v.into());
    }
    #[inline(always)]
    fn b(&mut self, k: &str, v: bool) {
        self.key(k);
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
    }
    /// A string from this module's tables or literals, which need no escaping.
    #[inline(always)]
    fn s(&mut self, k: &str, v: &'static str) {
        self.key(k);
        self.out.push(b'"');
        self.out.extend_from_slice(v.as_bytes());
        self.out.push(b'"');
    }
    #[inline(always)]
    fn t(&mut self, k: &str, v: SixBitText<'_>) {
        self.key(k);
        write_str(self.out, v.chars());
    }
    /// `num / den` with `decimals` decimals, as printf's `%.Nf` would print it.
    #[inline(always)]
    fn f(&mut self, k: &str, num: i64, den: i64, decimals: u32) {
        self.key(k);
        write_fixed(self.out, num, den, decimals);
    }
    /// A value in 1/10 as `%.1f` (exact, no rounding needed).
    #[inline(always)]
    fn tenths(&mut self, k: &str, v: u64) {
        self.key(k);
        write_u64(self.out, v / 10);
        self.out.push(b'.');
        self.out.push(b'0' + (v % 10) as u8);
    }
    /// A position in 1/10000 minute as degrees with `%.6f`.
    #[inline(always)]
    fn deg6(&mut self, k: &str, raw: i32) {
        self.key(k);
        write_deg6(self.out, raw);
    }
    /// Same, inside quotes (gpsd prints type 22/23 corners as strings).
    #[inline(always)]
    fn fq(&mut self, k: &str, num: i64, den: i64, decimals: u32) {
        self.key(k);
        self.out.push(b'"');
        write_fixed(self.out, num, den, decimals);
        self.out.push(b'"');
    }
    fn data(&mut self, k: &str, d: Bits<'_>) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        self.key(k);
        self.out.push(b'"');
        write_u64(self.out, d.len() as u64);
        self.out.push(b':');
        for byte in d.bytes_unmasked() {
            self.out.push(HEX[usize::from(byte >> 4)]);
            self.out.push(HEX[usize::from(byte & 15)]);
        }
        self.out.push(b'"');
    }
    fn daytime(&mut self, k: &str, d: DayTime) {
        self.key(k);
        self.out.push(b'"');
        two(self.out, d.month);
        self.out.push(b'-');
        two(self.out, d.day);
        self.out.push(b'T');
        two(self.out, d.hour);
        self.out.push(b':');
        two(self.out, d.minute);
        self.out.extend_from_slice(b"Z\"");
    }
}

#[inline]
fn two(out: &mut Vec<u8>, v: u8) {
    if v < 10 {
        out.push(b'0');
    }
    write_u64(out, u64::from(v));
}

/// Two-digit strings of 00 to 99.
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

/// Writes an unsigned integer in decimal.
///
/// Room for the digits is appended first (a fixed-size copy) and the digits are written
/// in place, two at a time: no copy call, no push per digit, no wide read of narrow writes.
#[inline]
pub fn write_u64(out: &mut Vec<u8>, mut v: u64) {
    if v < 10 {
        out.push(b'0' + v as u8);
        return;
    }
    let n = v.ilog10() as usize + 1;
    let start = out.len();
    out.extend_from_slice(&[b'0'; 20]);
    out.truncate(start + n);
    let digits = &mut out[start..];
    let mut i = n;
    while v >= 100 {
        let d = (v % 100) as usize * 2;
        v /= 100;
        i -= 2;
        digits[i] = PAIRS[d];
        digits[i + 1] = PAIRS[d + 1];
    }
    if v >= 10 {
        let d = v as usize * 2;
        digits[0] = PAIRS[d];
        digits[1] = PAIRS[d + 1];
    } else {
        digits[0] = b'0' + v as u8;
    }
}

/// Writes a signed integer in decimal.
#[inline]
pub fn write_i64(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    write_u64(out, v.unsigned_abs());
}

/// Writes a position in 1/10000 minute as degrees with six decimals, as `%.6f` does:
/// `raw / 600000` to six places is `raw * 5 / 3` millionths, which is never a tie.
#[inline]
pub fn write_deg6(out: &mut Vec<u8>, raw: i32) {
    let a = u64::from(raw.unsigned_abs());
    let millionths = (10 * a + 3) / 6;
    if raw < 0 && millionths != 0 {
        out.push(b'-');
    }
    write_u64(out, millionths / 1_000_000);
    let mut frac = millionths % 1_000_000;
    let mut digits = [b'0'; 7];
    digits[0] = b'.';
    for d in digits[1..].iter_mut().rev() {
        *d = b'0' + (frac % 10) as u8;
        frac /= 10;
    }
    out.extend_from_slice(&digits);
}

/// Writes `num / den` rounded to `decimals` places, exactly as C's `printf("%.Nf")` prints
/// the nearest double: by integer arithmetic when the result is not a tie, else through
/// the double itself.
pub fn write_fixed(out: &mut Vec<u8>, num: i64, den: i64, decimals: u32) {
    let scale = 10i128.pow(decimals.min(30));
    let n = i128::from(num) * scale;
    let d = i128::from(den);
    if d == 0 {
        out.extend_from_slice(b"nan");
        return;
    }
    let (q, r) = (n / d, n % d);
    let twice = (2 * r).abs();
    if twice == d.abs() {
        // A tie in exact arithmetic: the double is slightly above or below; let the
        // correctly rounded float formatting decide, as glibc does.
        let v = num as f64 / den as f64;
        let s = format!("{v:.prec$}", prec = decimals as usize);
        out.extend_from_slice(s.as_bytes());
        return;
    }
    let neg = (n < 0) != (d < 0) && n != 0;
    let mut mag = q.unsigned_abs();
    if twice > d.abs() {
        mag += 1;
    }
    if neg {
        out.push(b'-');
    }
    let int = mag / scale as u128;
    let frac = mag % scale as u128;
    write_u64(out, int as u64);
    if decimals > 0 {
        out.push(b'.');
        let mut buf = [b'0'; 40];
        let mut f = frac;
        for i in (0..decimals as usize).rev() {
            buf[i] = b'0' + (f % 10) as u8;
            f /= 10;
        }
        out.extend_from_slice(&buf[..decimals as usize]);
    }
}

/// Writes six-bit text as gpsd shows it: up to the first `@`, trailing spaces dropped.
fn write_text(out: &mut Vec<u8>, raw: impl Iterator<Item = u8>) {
    let mut buf = [0u8; 64];
    let mut len = 0;
    let mut shown = 0;
    for c in raw.take(64) {
        if c == b'@' {
            break;
        }
        buf[len] = c;
        len += 1;
        if c != b' ' {
            shown = len;
        }
    }
    write_str(out, buf[..shown].iter().copied());
}

/// Writes a JSON string from bytes, in one copy when nothing needs escaping.
#[inline]
pub fn write_bytes_str(out: &mut Vec<u8>, s: &[u8]) {
    if s.iter().all(|&c| c >= 0x20 && c != b'"' && c != b'\\') {
        out.push(b'"');
        out.extend_from_slice(s);
        out.push(b'"');
    } else {
        write_str(out, s.iter().copied());
    }
}

/// Writes a JSON string.
pub fn write_str(out: &mut Vec<u8>, s: impl Iterator<Item = u8>) {
    out.push(b'"');
    for c in s {
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0..=0x1f => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(c >> 4)]);
                out.push(HEX[usize::from(c & 15)]);
            }
            _ => out.push(c),
        }
    }
    out.push(b'"');
}

/// Options of the JSON writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonOptions {
    /// Scaled values (`"scaled":true`), as `gpsdecode -j`; else raw integers (`-u`).
    pub scaled: bool,
    /// The `device` field; `None` leaves it out (as gpsd's daemon logs do).
    pub device: Option<String>,
}

impl Default for JsonOptions {
    fn default() -> Self {
        Self {
            scaled: true,
            device: Some("stdin".to_owned()),
        }
    }
}

/// gpsd keeps the names of the last eight type 24 part A messages.
const TYPE24_CACHE: usize = 8;

/// Writes messages as gpsd JSON lines.
///
/// Like gpsd, type 24 part A is not written on its own: its name is kept (for a bounded
/// number of stations) and written with the matching part B.
#[derive(Debug, Clone)]
pub struct JsonWriter {
    opts: JsonOptions,
    head: Vec<u8>,
    /// (MMSI, name, name length, in use)
    names: [(u32, [u8; 20], u8, bool); TYPE24_CACHE],
    next_name: usize,
}

impl JsonWriter {
    /// A writer with the given options.
    pub fn new(opts: JsonOptions) -> Self {
        let mut head = Vec::new();
        head.extend_from_slice(b"{\"class\":\"AIS\"");
        if let Some(dev) = &opts.device {
            head.extend_from_slice(b",\"device\":");
            write_str(&mut head, dev.bytes());
        }
        Self {
            opts,
            head,
            names: [(0, [0; 20], 0, false); TYPE24_CACHE],
            next_name: 0,
        }
    }

    /// Appends one JSON line (with `\n`) for the message to `out`; returns false when
    /// nothing was written (type 24 part A).
    pub fn write(&mut self, m: &Message<'_>, out: &mut Vec<u8>) -> bool {
        let h = m.header;
        if let Body::StaticData(StaticData::A { shipname }) = m.body {
            let mut name = [0u8; 20];
            let mut len = 0;
            for (dst, c) in name.iter_mut().zip(shipname.chars()) {
                *dst = c;
                len += 1;
            }
            // A ring, as in gpsd: the ninth part A pushes out the first.
            let slot = self.next_name;
            self.next_name = (self.next_name + 1) % TYPE24_CACHE;
            self.names[slot] = (h.mmsi, name, len as u8, true);
            return false;
        }
        let mut name24 = None;
        if let Body::StaticData(StaticData::B { .. }) = m.body {
            match self.names.iter().position(|e| e.3 && e.0 == h.mmsi) {
                Some(i) => {
                    // Like gpsd, a part A name is used once.
                    name24 = Some(i);
                }
                None => return false,
            }
        }
        let sc = self.opts.scaled;
        out.extend_from_slice(&self.head);
        let mut o = Obj { out };
        o.u(",\"type\":", h.msg_type);
        o.u(",\"repeat\":", h.repeat);
        o.u(",\"mmsi\":", h.mmsi);
        o.b(",\"scaled\":", sc);
        match &m.body {
            Body::Position(p) => {
                o.u(",\"status\":", p.status);
                o.s(",\"status_text\":", NAV_STATUS[usize::from(p.status & 15)]);
                if sc {
                    match p.turn {
                        -128 => o.s(",\"turn\":", "nan"),
                        -127 => o.s(",\"turn\":", "fastleft"),
                        127 => o.s(",\"turn\":", "fastright"),
                        t => {
                            // ROT = (ROT_AIS / 4.733)^2 degrees per minute, sign kept,
                            // printed as "%.0f" (round half to even).
                            let r = f64::from(t) / 4.733;
                            let v = (r * r).round_ties_even() as i64;
                            o.i(",\"turn\":", if t < 0 { -v } else { v });
                        }
                    }
                    speed_scaled(&mut o, p.speed);
                } else {
                    o.i(",\"turn\":", p.turn);
                    o.u(",\"speed\":", p.speed);
                }
                o.b(",\"accuracy\":", p.accuracy);
                latlon(&mut o, sc, p.lon, p.lat, 600_000, 6);
                course(&mut o, sc, p.course);
                o.u(",\"heading\":", p.heading);
                o.u(",\"second\":", p.second);
                o.u(",\"maneuver\":", p.maneuver);
                o.b(",\"raim\":", p.raim);
                o.u(",\"radio\":", p.radio);
            }
            Body::BaseStation(b) => {
                o.key(",\"timestamp\":");
                let out = &mut *o.out;
                out.push(b'"');
                let y = b.year;
                for pad in [1000, 100, 10] {
                    if y < pad {
                        out.push(b'0');
                    }
                }
                write_u64(out, u64::from(y));
                out.push(b'-');
                two(out, b.month);
                out.push(b'-');
                two(out, b.day);
                out.push(b'T');
                two(out, b.hour);
                out.push(b':');
                two(out, b.minute);
                out.push(b':');
                two(out, b.second);
                out.extend_from_slice(b"Z\"");
                o.b(",\"accuracy\":", b.accuracy);
                latlon(&mut o, sc, b.lon, b.lat, 600_000, 6);
                o.u(",\"epfd\":", b.epfd);
                o.s(",\"epfd_text\":", epfd_text(b.epfd));
                o.b(",\"raim\":", b.raim);
                o.u(",\"radio\":", b.radio);
            }
            Body::StaticVoyage(v) => {
                o.u(",\"imo\":", v.imo);
                o.u(",\"ais_version\":", v.ais_version);
                o.t(",\"callsign\":", v.callsign);
                o.t(",\"shipname\":", v.shipname);
                o.u(",\"shiptype\":", v.shiptype);
                o.s(",\"shiptype_text\":", shiptype_text(u16::from(v.shiptype)));
                o.u(",\"to_bow\":", v.to_bow);
                o.u(",\"to_stern\":", v.to_stern);
                o.u(",\"to_port\":", v.to_port);
                o.u(",\"to_starboard\":", v.to_starboard);
                o.u(",\"epfd\":", v.epfd);
                o.s(",\"epfd_text\":", epfd_text(v.epfd));
                o.daytime(
                    "eta",
                    DayTime {
                        month: v.month,
                        day: v.day,
                        hour: v.hour,
                        minute: v.minute,
                    },
                );
                if sc {
                    o.f(",\"draught\":", i64::from(v.draught), 10, 1);
                } else {
                    o.u(",\"draught\":", v.draught);
                }
                o.t(",\"destination\":", v.destination);
                o.u(",\"dte\":", v.dte);
            }
            Body::BinaryAddressed(b) => {
                o.u(",\"seqno\":", b.seqno);
                o.u(",\"dest_mmsi\":", b.dest_mmsi);
                o.b(",\"retransmit\":", b.retransmit);
                o.u(",\"dac\":", b.dac);
                o.u(",\"fid\":", b.fid);
                match imo289::decode_addressed(b.dac, b.fid, &b.data) {
                    Some(app) => write_app(&mut o, sc, &app),
                    None => o.data(",\"data\":", b.data),
                }
            }
            Body::Acknowledge(a) => {
                for (i, (mmsi, _)) in a.acks.iter().enumerate() {
                    o.u(["mmsi1", "mmsi2", "mmsi3", "mmsi4"][i], *mmsi);
                }
            }
            Body::BinaryBroadcast(b) => {
                o.u(",\"dac\":", b.dac);
                o.u(",\"fid\":", b.fid);
                match imo289::decode_broadcast(b.dac, b.fid, &b.data) {
                    Some(app) => write_app(&mut o, sc, &app),
                    None => o.data(",\"data\":", b.data),
                }
            }
            Body::SarAircraft(s) => {
                // As gpsd: 4095 is "not available", 4094 "4094 m or higher".
                match (sc, s.alt) {
                    (true, 4095) => o.s(",\"alt\":", "nan"),
                    (true, 4094) => o.s(",\"alt\":", "high"),
                    _ => o.u(",\"alt\":", s.alt),
                }
                if sc {
                    match s.speed {
                        1023 => o.s(",\"speed\":", "nan"),
                        1022 => o.s(",\"speed\":", "fast"),
                        v => o.u(",\"speed\":", v),
                    }
                } else {
                    o.u(",\"speed\":", s.speed);
                }
                o.b(",\"accuracy\":", s.accuracy);
                latlon(&mut o, sc, s.lon, s.lat, 600_000, 6);
                course(&mut o, sc, s.course);
                o.u(",\"second\":", s.second);
                o.u(",\"regional\":", s.regional);
                o.u(",\"dte\":", s.dte);
                o.b(",\"raim\":", s.raim);
                o.u(",\"radio\":", s.radio);
            }
            Body::UtcInquiry(u) => o.u(",\"dest_mmsi\":", u.dest_mmsi),
            Body::SafetyAddressed(s) => {
                o.u(",\"seqno\":", s.seqno);
                o.u(",\"dest_mmsi\":", s.dest_mmsi);
                o.b(",\"retransmit\":", s.retransmit);
                o.t(",\"text\":", s.text);
            }
            Body::SafetyBroadcast(s) => o.t(",\"text\":", s.text),
            Body::Interrogation(q) => {
                o.u(",\"mmsi1\":", q.mmsi1);
                o.u(",\"type1_1\":", q.type1_1);
                o.u(",\"offset1_1\":", q.offset1_1);
                o.u(",\"type1_2\":", q.type1_2);
                o.u(",\"offset1_2\":", q.offset1_2);
                o.u(",\"mmsi2\":", q.mmsi2);
                o.u(",\"type2_1\":", q.type2_1);
                o.u(",\"offset2_1\":", q.offset2_1);
            }
            Body::AssignmentCommand(a) => {
                o.u(",\"mmsi1\":", a.mmsi1);
                o.u(",\"offset1\":", a.offset1);
                o.u(",\"increment1\":", a.increment1);
                o.u(",\"mmsi2\":", a.mmsi2);
                o.u(",\"offset2\":", a.offset2);
                o.u(",\"increment2\":", a.increment2);
            }
            Body::DgnssBroadcast(d) => {
                latlon(&mut o, sc, d.lon, d.lat, 600, 1);
                o.data(",\"data\":", d.data);
            }
            Body::ClassBPosition(p) => {
                o.u(",\"reserved\":", p.reserved);
                if sc {
                    speed_scaled_b(&mut o, p.speed);
                } else {
                    o.u(",\"speed\":", p.speed);
                }
                o.b(",\"accuracy\":", p.accuracy);
                latlon(&mut o, sc, p.lon, p.lat, 600_000, 6);
                course(&mut o, sc, p.course);
                o.u(",\"heading\":", p.heading);
                o.u(",\"second\":", p.second);
                o.u(",\"regional\":", p.regional);
                o.b(",\"cs\":", p.cs);
                o.b(",\"display\":", p.display);
                o.b(",\"dsc\":", p.dsc);
                o.b(",\"band\":", p.band);
                o.b(",\"msg22\":", p.msg22);
                o.b(",\"raim\":", p.raim);
                o.u(",\"radio\":", p.radio);
            }
            Body::ClassBExtended(p) => {
                o.u(",\"reserved\":", p.reserved);
                if sc {
                    speed_scaled_b(&mut o, p.speed);
                } else {
                    o.u(",\"speed\":", p.speed);
                }
                o.b(",\"accuracy\":", p.accuracy);
                latlon(&mut o, sc, p.lon, p.lat, 600_000, 6);
                course(&mut o, sc, p.course);
                o.u(",\"heading\":", p.heading);
                o.u(",\"second\":", p.second);
                o.u(",\"regional\":", p.regional);
                o.t(",\"shipname\":", p.shipname);
                o.u(",\"shiptype\":", p.shiptype);
                o.s(",\"shiptype_text\":", shiptype_text(u16::from(p.shiptype)));
                o.u(",\"to_bow\":", p.to_bow);
                o.u(",\"to_stern\":", p.to_stern);
                o.u(",\"to_port\":", p.to_port);
                o.u(",\"to_starboard\":", p.to_starboard);
                o.u(",\"epfd\":", p.epfd);
                o.s(",\"epfd_text\":", epfd_text(p.epfd));
                o.b(",\"raim\":", p.raim);
                o.u(",\"dte\":", p.dte);
                o.b(",\"assigned\":", p.assigned);
            }
            Body::DataLinkManagement(d) => {
                const K: [[&str; 4]; 4] = [
                    ["offset1", "number1", "timeout1", "increment1"],
                    ["offset2", "number2", "timeout2", "increment2"],
                    ["offset3", "number3", "timeout3", "increment3"],
                    ["offset4", "number4", "timeout4", "increment4"],
                ];
                for (r, k) in d.reservations.iter().zip(K) {
                    o.u(k[0], r.offset);
                    o.u(k[1], r.number);
                    o.u(k[2], r.timeout);
                    o.u(k[3], r.increment);
                }
            }
            Body::AidToNavigation(a) => {
                o.u(",\"aid_type\":", a.aid_type);
                o.s(
                    ",\"aid_type_text\":",
                    AID_TYPE[usize::from(a.aid_type & 31)],
                );
                o.key(",\"name\":");
                write_text(o.out, a.name.raw_chars().chain(a.name_ext.raw_chars()));
                if sc {
                    latlon(&mut o, sc, a.lon, a.lat, 600_000, 6);
                    o.b(",\"accuracy\":", a.accuracy);
                } else {
                    o.b(",\"accuracy\":", a.accuracy);
                    latlon(&mut o, sc, a.lon, a.lat, 600_000, 6);
                }
                o.u(",\"to_bow\":", a.to_bow);
                o.u(",\"to_stern\":", a.to_stern);
                o.u(",\"to_port\":", a.to_port);
                o.u(",\"to_starboard\":", a.to_starboard);
                o.u(",\"epfd\":", a.epfd);
                o.s(",\"epfd_text\":", epfd_text(a.epfd));
                o.u(",\"second\":", a.second);
                o.u(",\"regional\":", a.regional);
                o.b(",\"off_position\":", a.off_position);
                o.b(",\"raim\":", a.raim);
                o.b(",\"virtual_aid\":", a.virtual_aid);
            }
            Body::ChannelManagement(c) => {
                o.u(",\"channel_a\":", c.channel_a);
                o.u(",\"channel_b\":", c.channel_b);
                o.u(",\"txrx\":", c.txrx);
                o.b(",\"power\":", c.power);
                match c.area {
                    ChannelArea::Area {
                        ne_lon,
                        ne_lat,
                        sw_lon,
                        sw_lat,
                    } => {
                        corners(&mut o, sc, [ne_lon, ne_lat, sw_lon, sw_lat]);
                        o.b(",\"addressed\":", false);
                    }
                    ChannelArea::Addressed { dest1, dest2 } => {
                        o.u(",\"dest1\":", dest1);
                        o.u(",\"dest2\":", dest2);
                        o.b(",\"addressed\":", true);
                    }
                }
                o.b(",\"band_a\":", c.band_a);
                o.b(",\"band_b\":", c.band_b);
                o.u(",\"zonesize\":", c.zonesize);
            }
            Body::GroupAssignment(g) => {
                corners(&mut o, sc, [g.ne_lon, g.ne_lat, g.sw_lon, g.sw_lat]);
                o.u(",\"stationtype\":", g.stationtype);
                o.s(",\"stationtype_text\":", station_type_text(g.stationtype));
                o.u(",\"shiptype\":", g.shiptype);
                o.s(",\"shiptype_text\":", shiptype_text(u16::from(g.shiptype)));
                o.u(",\"interval\":", g.interval);
                o.u(",\"quiet\":", g.quiet);
            }
            Body::StaticData(StaticData::B {
                shiptype,
                vendorid,
                model,
                serial,
                callsign,
                dims,
            }) => {
                o.key(",\"shipname\":");
                if let Some(i) = name24 {
                    let (_, name, len, _) = self.names[i];
                    self.names[i] = (0, [0; 20], 0, false);
                    write_str(o.out, name[..usize::from(len)].iter().copied());
                }
                o.u(",\"shiptype\":", *shiptype);
                o.s(",\"shiptype_text\":", shiptype_text(u16::from(*shiptype)));
                o.t(",\"vendorid\":", *vendorid);
                o.u(",\"model\":", *model);
                o.u(",\"serial\":", *serial);
                o.t(",\"callsign\":", *callsign);
                match dims {
                    PartBDimensions::Dimensions {
                        to_bow,
                        to_stern,
                        to_port,
                        to_starboard,
                    } => {
                        o.u(",\"to_bow\":", *to_bow);
                        o.u(",\"to_stern\":", *to_stern);
                        o.u(",\"to_port\":", *to_port);
                        o.u(",\"to_starboard\":", *to_starboard);
                    }
                    PartBDimensions::Mothership(m) => o.u(",\"mothership_mmsi\":", *m),
                }
            }
            Body::StaticData(StaticData::A { .. }) => {}
            Body::SlotBinary(s) => {
                o.b(",\"addressed\":", s.addressed);
                o.b(",\"structured\":", s.structured);
                o.u(",\"dest_mmsi\":", s.dest_mmsi);
                o.u(",\"app_id\":", s.app_id);
                o.data(",\"data\":", s.data);
                if h.msg_type == 26 {
                    o.u(",\"radio\":", s.radio);
                }
            }
            Body::LongRange(l) => {
                if sc {
                    o.s(",\"status\":", NAV_STATUS[usize::from(l.status & 15)]);
                } else {
                    o.u(",\"status\":", l.status);
                }
                o.b(",\"accuracy\":", l.accuracy);
                latlon(&mut o, sc, l.lon, l.lat, 600, 1);
                o.u(",\"speed\":", l.speed);
                o.u(",\"course\":", l.course);
                o.b(",\"raim\":", l.raim);
                o.b(",\"gnss\":", l.gnss);
            }
        }
        out.extend_from_slice(b"}\n");
        true
    }
}

/// Class B speed: gpsd has no "fast" value there.
fn speed_scaled_b(o: &mut Obj<'_>, speed: u16) {
    match speed {
        1023 => o.s(",\"speed\":", "nan"),
        v => o.tenths(",\"speed\":", u64::from(v)),
    }
}

fn speed_scaled(o: &mut Obj<'_>, speed: u16) {
    match speed {
        1023 => o.s(",\"speed\":", "nan"),
        1022 => o.s(",\"speed\":", "fast"),
        v => o.tenths(",\"speed\":", u64::from(v)),
    }
}

fn course(o: &mut Obj<'_>, sc: bool, c: u16) {
    if sc {
        o.tenths(",\"course\":", u64::from(c));
    } else {
        o.u(",\"course\":", c);
    }
}

fn latlon(o: &mut Obj<'_>, sc: bool, lon: i32, lat: i32, den: i64, decimals: u32) {
    if sc && den == 600_000 && decimals == 6 {
        o.deg6(",\"lon\":", lon);
        o.deg6(",\"lat\":", lat);
    } else if sc {
        o.f(",\"lon\":", i64::from(lon), den, decimals);
        o.f(",\"lat\":", i64::from(lat), den, decimals);
    } else {
        o.i(",\"lon\":", lon);
        o.i(",\"lat\":", lat);
    }
}

fn corners(o: &mut Obj<'_>, sc: bool, c: [i32; 4]) {
    const K: [&str; 4] = ["ne_lon", "ne_lat", "sw_lon", "sw_lat"];
    for (k, v) in K.iter().zip(c) {
        if sc {
            o.fq(k, i64::from(v), 600, 6);
        } else {
            o.i(k, v);
        }
    }
}

fn write_app(o: &mut Obj<'_>, sc: bool, app: &App<'_>) {
    match app {
        App::AtonMonitoring(a) => {
            o.b(",\"off_pos\":", a.off_pos);
            o.b(",\"alarm\":", a.alarm);
            o.u(",\"stat_ext\":", a.stat_ext);
            if sc {
                o.f(",\"ana_int\":", i64::from(a.ana_int) * 5, 100, 2);
                o.f(",\"ana_ext1\":", i64::from(a.ana_ext1) * 5, 100, 2);
                o.f(",\"ana_ext2\":", i64::from(a.ana_ext2) * 5, 100, 2);
            } else {
                o.u(",\"ana_int\":", a.ana_int);
                o.u(",\"ana_ext1\":", a.ana_ext1);
                o.u(",\"ana_ext2\":", a.ana_ext2);
            }
            o.u(",\"racon\":", a.racon);
            o.s(",\"racon_text\":", pick(&RACON, a.racon));
            o.u(",\"light\":", a.light);
            o.s(",\"light_text\":", pick(&LIGHT, a.light));
        }
        App::DangerousCargo(d) => {
            o.t(",\"lastport\":", d.lastport);
            o.daytime(",\"departure\":", d.departure);
            o.t(",\"nextport\":", d.nextport);
            o.daytime(",\"eta\":", d.eta);
            o.t(",\"dangerous\":", d.dangerous);
            o.t(",\"imdcat\":", d.imdcat);
            o.u(",\"unid\":", d.unid);
            o.u(",\"amount\":", d.amount);
            o.u(",\"unit\":", d.unit);
        }
        App::TidalWindow(t) => {
            o.u(",\"month\":", t.month);
            o.u(",\"day\":", t.day);
            o.key(",\"tidals\":");
            o.out.push(b'[');
            for (i, td) in t.tidals.iter().take(usize::from(t.count)).enumerate() {
                if i > 0 {
                    o.out.push(b',');
                }
                // Write the first key without a leading comma.
                o.out.extend_from_slice(b"{\"lon\":");
                if sc {
                    write_fixed(o.out, i64::from(td.lon), 60_000, 4);
                    o.f(",\"lat\":", i64::from(td.lat), 60_000, 4);
                } else {
                    write_i64(o.out, i64::from(td.lon));
                    o.i(",\"lat\":", td.lat);
                }
                o.u(",\"from_hour\":", td.from_hour);
                o.u(",\"from_min\":", td.from_min);
                o.u(",\"to_hour\":", td.to_hour);
                o.u(",\"to_min\":", td.to_min);
                o.u(",\"cdir\":", td.cdir);
                if sc {
                    o.f(",\"cspeed\":", i64::from(td.cspeed), 10, 1);
                } else {
                    o.u(",\"cspeed\":", td.cspeed);
                }
                o.out.push(b'}');
            }
            o.out.push(b']');
        }
        App::ClearanceTime(c) => {
            o.u(",\"linkage\":", c.linkage);
            o.daytime(",\"arrival\":", c.arrival);
            o.t(",\"portname\":", c.portname);
            o.t(",\"destination\":", c.destination);
            latlon(o, sc, c.lon, c.lat, 60_000, 4);
        }
        App::Text(t) => {
            o.u(",\"linkage\":", t.linkage);
            o.t(",\"text\":", t.text);
        }
        App::InlandPersons(p) => {
            o.u(",\"crew\":", p.crew);
            o.u(",\"passengers\":", p.passengers);
            o.u(",\"personnel\":", p.personnel);
        }
        App::MetHydro(m) => met_hydro(o, sc, m),
        App::InlandStatic(s) => {
            o.t(",\"vin\":", s.vin);
            o.u(",\"length\":", s.length);
            o.u(",\"beam\":", s.beam);
            o.u(",\"shiptype\":", s.shiptype);
            o.s(",\"shiptype_text\":", eri_shiptype_text(s.shiptype));
            o.u(",\"hazard\":", s.hazard);
            o.s(",\"hazard_text\":", pick(&HAZARD, s.hazard.min(5)));
            o.u(",\"draught\":", s.draught);
            o.u(",\"loaded\":", s.loaded);
            o.s(",\"loaded_text\":", pick(&LOADED, s.loaded));
            o.b(",\"speed_q\":", s.speed_q);
            o.b(",\"course_q\":", s.course_q);
            o.b(",\"heading_q\":", s.heading_q);
        }
    }
}

fn met_hydro(o: &mut Obj<'_>, sc: bool, m: &MetHydro) {
    let new = m.imo289;
    if sc {
        o.f(",\"lat\":", i64::from(m.lat), 60_000, 4);
        o.f(",\"lon\":", i64::from(m.lon), 60_000, 4);
    } else {
        o.i(",\"lat\":", m.lat);
        o.i(",\"lon\":", m.lon);
    }
    if new {
        o.b(",\"accuracy\":", m.accuracy);
    }
    o.key(",\"timestamp\":");
    o.out.push(b'"');
    two(o.out, m.day);
    o.out.push(b'T');
    two(o.out, m.hour);
    o.out.push(b':');
    two(o.out, m.minute);
    o.out.extend_from_slice(b"Z\"");
    o.u(",\"wspeed\":", m.wspeed);
    o.u(",\"wgust\":", m.wgust);
    o.u(",\"wdir\":", m.wdir);
    o.u(",\"wgustdir\":", m.wgustdir);
    o.u(",\"humidity\":", m.humidity);
    let tenths = |o: &mut Obj<'_>, k: &str, raw: i64, offset_tenths: i64| {
        if sc {
            o.f(k, raw + offset_tenths, 10, 1);
        } else {
            o.i(k, raw);
        }
    };
    if new {
        tenths(o, ",\"airtemp\":", i64::from(m.airtemp), 0);
        tenths(o, ",\"dewpoint\":", i64::from(m.dewpoint), 0);
        if sc {
            o.u(",\"pressure\":", u32::from(m.pressure) + 799);
            o.s(
                ",\"pressuretend\":",
                TRENDS[usize::from(m.pressuretend & 3)],
            );
        } else {
            o.u(",\"pressure\":", m.pressure);
            o.u(",\"pressuretend\":", m.pressuretend);
        }
        o.b(",\"visgreater\":", m.visgreater);
        tenths(o, ",\"visibility\":", i64::from(m.visibility), 0);
        if sc {
            o.f(",\"waterlevel\":", i64::from(m.waterlevel) - 1000, 100, 1);
        } else {
            o.i(",\"waterlevel\":", m.waterlevel);
        }
    } else {
        tenths(o, ",\"airtemp\":", i64::from(m.airtemp), -600);
        tenths(o, ",\"dewpoint\":", i64::from(m.dewpoint), -200);
        if sc {
            o.u(",\"pressure\":", u32::from(m.pressure) + 800);
            o.s(
                ",\"pressuretend\":",
                TRENDS[usize::from(m.pressuretend & 3)],
            );
        } else {
            o.u(",\"pressure\":", m.pressure);
            o.u(",\"pressuretend\":", m.pressuretend);
        }
        tenths(o, ",\"visibility\":", i64::from(m.visibility), 0);
        tenths(o, ",\"waterlevel\":", i64::from(m.waterlevel), -100);
    }
    if sc {
        o.s(",\"leveltrend\":", TRENDS[usize::from(m.leveltrend & 3)]);
    } else {
        o.u(",\"leveltrend\":", m.leveltrend);
    }
    tenths(o, ",\"cspeed\":", i64::from(m.cspeed), 0);
    o.u(",\"cdir\":", m.cdir);
    tenths(o, ",\"cspeed2\":", i64::from(m.cspeed2), 0);
    o.u(",\"cdir2\":", m.cdir2);
    o.u(",\"cdepth2\":", m.cdepth2);
    tenths(o, ",\"cspeed3\":", i64::from(m.cspeed3), 0);
    o.u(",\"cdir3\":", m.cdir3);
    o.u(",\"cdepth3\":", m.cdepth3);
    tenths(o, ",\"waveheight\":", i64::from(m.waveheight), 0);
    o.u(",\"waveperiod\":", m.waveperiod);
    o.u(",\"wavedir\":", m.wavedir);
    tenths(o, ",\"swellheight\":", i64::from(m.swellheight), 0);
    o.u(",\"swellperiod\":", m.swellperiod);
    o.u(",\"swelldir\":", m.swelldir);
    o.u(",\"seastate\":", m.seastate);
    tenths(
        o,
        "watertemp",
        i64::from(m.watertemp),
        if new { 0 } else { -100 },
    );
    if new {
        if sc {
            o.s(",\"preciptype\":", PRECIP[usize::from(m.preciptype & 7)]);
        } else {
            o.u(",\"preciptype\":", m.preciptype);
        }
        tenths(o, ",\"salinity\":", i64::from(m.salinity), 0);
        if sc {
            o.s(",\"ice\":", ICE[usize::from(m.ice & 3)]);
        } else {
            o.u(",\"ice\":", m.ice);
        }
    } else {
        o.u(",\"preciptype\":", m.preciptype);
        o.s(
            ",\"preciptype_text\":",
            PRECIP[usize::from(m.preciptype & 7)],
        );
        tenths(o, ",\"salinity\":", i64::from(m.salinity), 0);
        o.u(",\"ice\":", m.ice);
        o.s(",\"ice_text\":", ICE[usize::from(m.ice & 3)]);
    }
}
