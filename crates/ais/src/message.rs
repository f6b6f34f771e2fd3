//! Typed AIS messages (ITU-R M.1371-5), decoded from a [`BitBuf`].
//!
//! Fields keep the raw transmitted values, so that nothing is lost and encoding is exact;
//! accessor methods give the scaled values with "not available" as `None`.

use crate::bits::{BitBuf, Bits, SixBitText};
use crate::error::Error;

/// Divisor of positions in 1/10000 minute.
pub const LATLON_DIV: f64 = 600_000.0;

/// Scaled longitude from 1/10000 minutes; `None` when 181° (not available) or out of range.
pub fn lon_deg(raw: i32) -> Option<f64> {
    let v = f64::from(raw) / LATLON_DIV;
    (-180.0..=180.0).contains(&v).then_some(v)
}

/// Scaled latitude from 1/10000 minutes; `None` when 91° (not available) or out of range.
pub fn lat_deg(raw: i32) -> Option<f64> {
    let v = f64::from(raw) / LATLON_DIV;
    (-90.0..=90.0).contains(&v).then_some(v)
}

/// Speed over ground in knots from 1/10 knot; `None` when 1023.
pub fn speed_knots(raw: u16) -> Option<f64> {
    (raw != 1023).then(|| f64::from(raw) / 10.0)
}

/// Course over ground in degrees from 1/10 degree; `None` when 3600 or above.
pub fn course_deg(raw: u16) -> Option<f64> {
    (raw < 3600).then(|| f64::from(raw) / 10.0)
}

/// True heading in degrees; `None` when 511 or above 359.
pub fn heading_deg(raw: u16) -> Option<u16> {
    (raw < 360).then_some(raw)
}

/// Common header of all messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Message type, 1-27.
    pub msg_type: u8,
    /// Repeat indicator, 0-3.
    pub repeat: u8,
    /// Source MMSI.
    pub mmsi: u32,
}

/// Types 1, 2, 3: class A position report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PositionReport {
    /// Navigational status, 0-15 (15 = not defined).
    pub status: u8,
    /// Rate of turn, raw ROT_AIS (-128 = not available).
    pub turn: i8,
    /// Speed over ground, 1/10 knot (1023 = not available, 1022 = 102.2 knots or more).
    pub speed: u16,
    /// Position accuracy flag (true = better than 10 m).
    pub accuracy: bool,
    /// Longitude, 1/10000 minute (181° = not available).
    pub lon: i32,
    /// Latitude, 1/10000 minute (91° = not available).
    pub lat: i32,
    /// Course over ground, 1/10 degree (3600 = not available).
    pub course: u16,
    /// True heading, degrees (511 = not available).
    pub heading: u16,
    /// UTC second of the report (60 and above: not available / special).
    pub second: u8,
    /// Special manoeuvre indicator.
    pub maneuver: u8,
    /// RAIM flag.
    pub raim: bool,
    /// Radio status (19 bits).
    pub radio: u32,
}

impl PositionReport {
    /// Longitude in degrees.
    pub fn lon(&self) -> Option<f64> {
        lon_deg(self.lon)
    }
    /// Latitude in degrees.
    pub fn lat(&self) -> Option<f64> {
        lat_deg(self.lat)
    }
    /// Speed over ground in knots.
    pub fn speed(&self) -> Option<f64> {
        speed_knots(self.speed)
    }
    /// Course over ground in degrees.
    pub fn course(&self) -> Option<f64> {
        course_deg(self.course)
    }
    /// True heading in degrees.
    pub fn heading(&self) -> Option<u16> {
        heading_deg(self.heading)
    }
    /// Rate of turn in degrees per minute (sign kept), `None` when not available or
    /// when only the direction of a fast turn is known.
    pub fn turn_rate(&self) -> Option<f64> {
        match self.turn {
            -128 | -127 | 127 => None,
            t => {
                let r = f64::from(t) / 4.733;
                Some(r * r * f64::from(t.signum()))
            }
        }
    }
}

/// Types 4 and 11: base station report / UTC date response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BaseStationReport {
    /// Year (0 = not available).
    pub year: u16,
    /// Month (0 = not available).
    pub month: u8,
    /// Day (0 = not available).
    pub day: u8,
    /// Hour (24 = not available).
    pub hour: u8,
    /// Minute (60 = not available).
    pub minute: u8,
    /// Second (60 = not available).
    pub second: u8,
    /// Position accuracy flag.
    pub accuracy: bool,
    /// Longitude, 1/10000 minute.
    pub lon: i32,
    /// Latitude, 1/10000 minute.
    pub lat: i32,
    /// Type of position fixing device.
    pub epfd: u8,
    /// RAIM flag.
    pub raim: bool,
    /// Radio status (19 bits).
    pub radio: u32,
}

/// Type 5: static and voyage related data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StaticVoyage<'a> {
    /// AIS version indicator.
    pub ais_version: u8,
    /// IMO number (0 = not available).
    pub imo: u32,
    /// Call sign.
    pub callsign: SixBitText<'a>,
    /// Vessel name.
    pub shipname: SixBitText<'a>,
    /// Type of ship and cargo.
    pub shiptype: u8,
    /// Dimension to bow, metres.
    pub to_bow: u16,
    /// Dimension to stern, metres.
    pub to_stern: u16,
    /// Dimension to port, metres.
    pub to_port: u8,
    /// Dimension to starboard, metres.
    pub to_starboard: u8,
    /// Type of position fixing device.
    pub epfd: u8,
    /// ETA month (0 = not available).
    pub month: u8,
    /// ETA day (0 = not available).
    pub day: u8,
    /// ETA hour (24 = not available).
    pub hour: u8,
    /// ETA minute (60 = not available).
    pub minute: u8,
    /// Draught, 1/10 metre.
    pub draught: u8,
    /// Destination.
    pub destination: SixBitText<'a>,
    /// Data terminal equipment not ready.
    pub dte: bool,
}

impl StaticVoyage<'_> {
    /// Draught in metres, `None` when 0 (not available).
    pub fn draught_m(&self) -> Option<f64> {
        (self.draught != 0).then(|| f64::from(self.draught) / 10.0)
    }
}

/// Type 6: addressed binary message.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BinaryAddressed<'a> {
    /// Sequence number.
    pub seqno: u8,
    /// Destination MMSI.
    pub dest_mmsi: u32,
    /// Retransmit flag.
    pub retransmit: bool,
    /// Designated area code.
    pub dac: u16,
    /// Function identifier.
    pub fid: u8,
    /// Application data after DAC/FID.
    pub data: Bits<'a>,
}

/// Type 8: broadcast binary message.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BinaryBroadcast<'a> {
    /// Designated area code.
    pub dac: u16,
    /// Function identifier.
    pub fid: u8,
    /// Application data after DAC/FID.
    pub data: Bits<'a>,
}

/// Types 7 and 13: binary / safety acknowledge. Absent destinations are 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Acknowledge {
    /// Acknowledged MMSIs with their sequence numbers (MMSI 0 = absent).
    pub acks: [(u32, u8); 4],
    /// Number of destinations present.
    pub count: u8,
}

/// Type 9: standard SAR aircraft position report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SarAircraft {
    /// Altitude, metres (4095 = not available, 4094 = 4094 m or higher).
    pub alt: u16,
    /// Speed over ground, knots (1023 = not available).
    pub speed: u16,
    /// Position accuracy flag.
    pub accuracy: bool,
    /// Longitude, 1/10000 minute.
    pub lon: i32,
    /// Latitude, 1/10000 minute.
    pub lat: i32,
    /// Course over ground, 1/10 degree.
    pub course: u16,
    /// UTC second.
    pub second: u8,
    /// Regional reserved / altitude sensor.
    pub regional: u8,
    /// DTE flag.
    pub dte: bool,
    /// Assigned mode flag.
    pub assigned: bool,
    /// RAIM flag.
    pub raim: bool,
    /// Radio status (20 bits).
    pub radio: u32,
}

/// Type 10: UTC/date inquiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcInquiry {
    /// Destination MMSI.
    pub dest_mmsi: u32,
}

/// Type 12: addressed safety-related message.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SafetyAddressed<'a> {
    /// Sequence number.
    pub seqno: u8,
    /// Destination MMSI.
    pub dest_mmsi: u32,
    /// Retransmit flag.
    pub retransmit: bool,
    /// Text.
    pub text: SixBitText<'a>,
}

/// Type 14: safety-related broadcast.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SafetyBroadcast<'a> {
    /// Text.
    pub text: SixBitText<'a>,
}

/// Type 15: interrogation. Absent parts are 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interrogation {
    /// First interrogated MMSI.
    pub mmsi1: u32,
    /// First requested message type.
    pub type1_1: u8,
    /// Its slot offset.
    pub offset1_1: u16,
    /// Second requested message type from the first station.
    pub type1_2: u8,
    /// Its slot offset.
    pub offset1_2: u16,
    /// Second interrogated MMSI.
    pub mmsi2: u32,
    /// Requested message type.
    pub type2_1: u8,
    /// Its slot offset.
    pub offset2_1: u16,
}

/// Type 16: assignment mode command. Absent second assignment is 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssignmentCommand {
    /// First destination.
    pub mmsi1: u32,
    /// Its offset.
    pub offset1: u16,
    /// Its increment.
    pub increment1: u16,
    /// Second destination.
    pub mmsi2: u32,
    /// Its offset.
    pub offset2: u16,
    /// Its increment.
    pub increment2: u16,
}

/// Type 17: DGNSS broadcast.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DgnssBroadcast<'a> {
    /// Longitude of the reference station, 1/10 minute.
    pub lon: i32,
    /// Latitude of the reference station, 1/10 minute.
    pub lat: i32,
    /// Correction data.
    pub data: Bits<'a>,
}

/// Type 18: class B position report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassBPosition {
    /// Regional reserved (8 bits).
    pub reserved: u8,
    /// Speed over ground, 1/10 knot.
    pub speed: u16,
    /// Position accuracy flag.
    pub accuracy: bool,
    /// Longitude, 1/10000 minute.
    pub lon: i32,
    /// Latitude, 1/10000 minute.
    pub lat: i32,
    /// Course over ground, 1/10 degree.
    pub course: u16,
    /// True heading (511 = not available).
    pub heading: u16,
    /// UTC second.
    pub second: u8,
    /// Regional reserved (2 bits).
    pub regional: u8,
    /// Class B unit flag (true = carrier sense).
    pub cs: bool,
    /// Display flag.
    pub display: bool,
    /// DSC flag.
    pub dsc: bool,
    /// Band flag.
    pub band: bool,
    /// Message 22 flag.
    pub msg22: bool,
    /// Assigned mode flag.
    pub assigned: bool,
    /// RAIM flag.
    pub raim: bool,
    /// Radio status (20 bits).
    pub radio: u32,
}

/// Type 19: extended class B position report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassBExtended<'a> {
    /// Regional reserved (8 bits).
    pub reserved: u8,
    /// Speed over ground, 1/10 knot.
    pub speed: u16,
    /// Position accuracy flag.
    pub accuracy: bool,
    /// Longitude, 1/10000 minute.
    pub lon: i32,
    /// Latitude, 1/10000 minute.
    pub lat: i32,
    /// Course over ground, 1/10 degree.
    pub course: u16,
    /// True heading.
    pub heading: u16,
    /// UTC second.
    pub second: u8,
    /// Regional reserved (4 bits).
    pub regional: u8,
    /// Vessel name.
    pub shipname: SixBitText<'a>,
    /// Type of ship and cargo.
    pub shiptype: u8,
    /// Dimension to bow.
    pub to_bow: u16,
    /// Dimension to stern.
    pub to_stern: u16,
    /// Dimension to port.
    pub to_port: u8,
    /// Dimension to starboard.
    pub to_starboard: u8,
    /// Type of position fixing device.
    pub epfd: u8,
    /// RAIM flag.
    pub raim: bool,
    /// DTE flag.
    pub dte: bool,
    /// Assigned mode flag.
    pub assigned: bool,
}

/// One reservation of a type 20 message (offset 0 = absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SlotReservation {
    /// Offset number.
    pub offset: u16,
    /// Number of slots.
    pub number: u8,
    /// Timeout in minutes.
    pub timeout: u8,
    /// Increment.
    pub increment: u16,
}

/// Type 20: data link management.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataLinkManagement {
    /// Up to four reservations; absent ones are zero.
    pub reservations: [SlotReservation; 4],
}

/// Type 21: aid-to-navigation report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AidToNavigation<'a> {
    /// Type of aid.
    pub aid_type: u8,
    /// Name (first 20 characters).
    pub name: SixBitText<'a>,
    /// Name extension (up to 14 more characters).
    pub name_ext: SixBitText<'a>,
    /// Position accuracy flag.
    pub accuracy: bool,
    /// Longitude, 1/10000 minute.
    pub lon: i32,
    /// Latitude, 1/10000 minute.
    pub lat: i32,
    /// Dimension to bow.
    pub to_bow: u16,
    /// Dimension to stern.
    pub to_stern: u16,
    /// Dimension to port.
    pub to_port: u8,
    /// Dimension to starboard.
    pub to_starboard: u8,
    /// Type of position fixing device.
    pub epfd: u8,
    /// UTC second.
    pub second: u8,
    /// Off-position indicator.
    pub off_position: bool,
    /// Regional reserved.
    pub regional: u8,
    /// RAIM flag.
    pub raim: bool,
    /// Virtual aid flag.
    pub virtual_aid: bool,
    /// Assigned mode flag.
    pub assigned: bool,
}

/// Type 22 area or addressed stations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelArea {
    /// Geographic area, corners in 1/10 minute.
    Area {
        /// North-east longitude.
        ne_lon: i32,
        /// North-east latitude.
        ne_lat: i32,
        /// South-west longitude.
        sw_lon: i32,
        /// South-west latitude.
        sw_lat: i32,
    },
    /// Addressed stations.
    Addressed {
        /// First station.
        dest1: u32,
        /// Second station.
        dest2: u32,
    },
}

/// Type 22: channel management.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelManagement {
    /// Channel A.
    pub channel_a: u16,
    /// Channel B.
    pub channel_b: u16,
    /// Tx/Rx mode.
    pub txrx: u8,
    /// Power (true = low).
    pub power: bool,
    /// Area or addressed stations.
    pub area: ChannelArea,
    /// Channel A bandwidth flag.
    pub band_a: bool,
    /// Channel B bandwidth flag.
    pub band_b: bool,
    /// Transitional zone size.
    pub zonesize: u8,
}

/// Type 23: group assignment command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupAssignment {
    /// North-east longitude, 1/10 minute.
    pub ne_lon: i32,
    /// North-east latitude, 1/10 minute.
    pub ne_lat: i32,
    /// South-west longitude, 1/10 minute.
    pub sw_lon: i32,
    /// South-west latitude, 1/10 minute.
    pub sw_lat: i32,
    /// Station type.
    pub stationtype: u8,
    /// Ship type.
    pub shiptype: u8,
    /// Tx/Rx mode.
    pub txrx: u8,
    /// Reporting interval.
    pub interval: u8,
    /// Quiet time, minutes.
    pub quiet: u8,
}

/// Type 24 part B dimensions, or the mother ship of an auxiliary craft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartBDimensions {
    /// Dimensions in metres.
    Dimensions {
        /// To bow.
        to_bow: u16,
        /// To stern.
        to_stern: u16,
        /// To port.
        to_port: u8,
        /// To starboard.
        to_starboard: u8,
    },
    /// MMSI of the mother ship (for auxiliary craft, MMSI 98xxxxxxx).
    Mothership(u32),
}

/// Type 24: class B static data report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StaticData<'a> {
    /// Part A: the name.
    A {
        /// Vessel name.
        shipname: SixBitText<'a>,
    },
    /// Part B: type, vendor, call sign, dimensions.
    B {
        /// Type of ship and cargo.
        shiptype: u8,
        /// Vendor id as seven characters (overlaps model and serial, as gpsd shows it).
        vendorid: SixBitText<'a>,
        /// Unit model code.
        model: u8,
        /// Serial number.
        serial: u32,
        /// Call sign.
        callsign: SixBitText<'a>,
        /// Dimensions or mother ship.
        dims: PartBDimensions,
    },
}

/// Types 25 and 26: single- and multiple-slot binary messages.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlotBinary<'a> {
    /// Addressed flag.
    pub addressed: bool,
    /// Structured flag (an application id precedes the data).
    pub structured: bool,
    /// Destination MMSI (0 when broadcast).
    pub dest_mmsi: u32,
    /// Application id (0 when unstructured).
    pub app_id: u16,
    /// Data.
    pub data: Bits<'a>,
    /// Radio status (type 26 only, 20 bits).
    pub radio: u32,
}

/// Type 27: long-range position report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LongRange {
    /// Position accuracy flag.
    pub accuracy: bool,
    /// RAIM flag.
    pub raim: bool,
    /// Navigational status.
    pub status: u8,
    /// Longitude, 1/10 minute.
    pub lon: i32,
    /// Latitude, 1/10 minute.
    pub lat: i32,
    /// Speed, knots (63 = not available).
    pub speed: u8,
    /// Course, degrees (511 = not available).
    pub course: u16,
    /// GNSS position status (false = current GNSS position).
    pub gnss: bool,
}

impl LongRange {
    /// Longitude in degrees.
    pub fn lon(&self) -> Option<f64> {
        let v = f64::from(self.lon) / 600.0;
        (-180.0..=180.0).contains(&v).then_some(v)
    }
    /// Latitude in degrees.
    pub fn lat(&self) -> Option<f64> {
        let v = f64::from(self.lat) / 600.0;
        (-90.0..=90.0).contains(&v).then_some(v)
    }
}

/// The body of a message, by type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Body<'a> {
    /// Types 1, 2, 3.
    Position(PositionReport),
    /// Types 4, 11.
    BaseStation(BaseStationReport),
    /// Type 5.
    StaticVoyage(StaticVoyage<'a>),
    /// Type 6.
    BinaryAddressed(BinaryAddressed<'a>),
    /// Types 7, 13.
    Acknowledge(Acknowledge),
    /// Type 8.
    BinaryBroadcast(BinaryBroadcast<'a>),
    /// Type 9.
    SarAircraft(SarAircraft),
    /// Type 10.
    UtcInquiry(UtcInquiry),
    /// Type 12.
    SafetyAddressed(SafetyAddressed<'a>),
    /// Type 14.
    SafetyBroadcast(SafetyBroadcast<'a>),
    /// Type 15.
    Interrogation(Interrogation),
    /// Type 16.
    AssignmentCommand(AssignmentCommand),
    /// Type 17.
    DgnssBroadcast(DgnssBroadcast<'a>),
    /// Type 18.
    ClassBPosition(ClassBPosition),
    /// Type 19.
    ClassBExtended(ClassBExtended<'a>),
    /// Type 20.
    DataLinkManagement(DataLinkManagement),
    /// Type 21.
    AidToNavigation(AidToNavigation<'a>),
    /// Type 22.
    ChannelManagement(ChannelManagement),
    /// Type 23.
    GroupAssignment(GroupAssignment),
    /// Type 24.
    StaticData(StaticData<'a>),
    /// Types 25, 26.
    SlotBinary(SlotBinary<'a>),
    /// Type 27.
    LongRange(LongRange),
}

/// A decoded message, borrowing its text and binary fields from the bit buffer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Message<'a> {
    /// Type, repeat indicator, MMSI.
    pub header: Header,
    /// Type-specific fields.
    pub body: Body<'a>,
}

/// Minimum and maximum bit lengths accepted for each type (index = type).
///
/// Position reports (1-3) longer than one slot are rejected as corrupt (gpsd accepts them).
/// The minima allow five bits less than the nominal length (a fill-bit count that is off
/// by up to one armour character, which gpsd also accepts); the maxima allow padding to a
/// whole slot (168 bits) where transmitters are seen to do so, and nothing beyond.
const LENGTHS: [(usize, usize); 28] = [
    (0, 0),
    (163, 168), // 1
    (163, 168), // 2
    (163, 168), // 3
    (163, 168), // 4
    (419, 432), // 5 (some transmitters drop the two spare bits)
    (88, 1008), // 6
    (72, 168),  // 7
    (56, 1008), // 8
    (163, 168), // 9
    (70, 168),  // 10
    (163, 168), // 11
    (72, 1008), // 12
    (72, 168),  // 13
    (40, 1008), // 14
    (88, 168),  // 15
    (96, 168),  // 16
    (80, 816),  // 17
    (163, 168), // 18
    (307, 312), // 19
    (72, 192),  // 20
    (267, 372), // 21
    (163, 168), // 22
    (155, 168), // 23
    (155, 168), // 24
    (40, 168),  // 25
    (60, 1064), // 26
    (96, 168),  // 27
];

#[inline]
fn check_len(buf: &BitBuf, msg_type: u8) -> Result<(), Error> {
    let bits = buf.len();
    let (min, max) = LENGTHS[usize::from(msg_type)];
    if bits < min {
        return Err(Error::PayloadTooShort { msg_type, bits });
    }
    if bits > max {
        return Err(Error::PayloadTooLong { msg_type, bits });
    }
    Ok(())
}

impl<'a> Message<'a> {
    /// Decodes a whole message from its bits.
    pub fn decode(b: &'a BitBuf) -> Result<Self, Error> {
        if b.len() < 38 {
            return Err(Error::PayloadTooShort {
                msg_type: b.u(0, 6) as u8,
                bits: b.len(),
            });
        }
        let msg_type = b.u(0, 6) as u8;
        if msg_type == 0 || msg_type > 27 {
            return Err(Error::UnknownMessageType(msg_type));
        }
        check_len(b, msg_type)?;
        let header = Header {
            msg_type,
            repeat: b.u(6, 2) as u8,
            mmsi: b.u32(8, 30),
        };
        let body = match msg_type {
            1..=3 => Body::Position(PositionReport {
                status: b.u(38, 4) as u8,
                turn: b.i32(42, 8) as i8,
                speed: b.u(50, 10) as u16,
                accuracy: b.flag(60),
                lon: b.i32(61, 28),
                lat: b.i32(89, 27),
                course: b.u(116, 12) as u16,
                heading: b.u(128, 9) as u16,
                second: b.u(137, 6) as u8,
                maneuver: b.u(143, 2) as u8,
                raim: b.flag(148),
                radio: b.u32(149, 19),
            }),
            4 | 11 => Body::BaseStation(BaseStationReport {
                year: b.u(38, 14) as u16,
                month: b.u(52, 4) as u8,
                day: b.u(56, 5) as u8,
                hour: b.u(61, 5) as u8,
                minute: b.u(66, 6) as u8,
                second: b.u(72, 6) as u8,
                accuracy: b.flag(78),
                lon: b.i32(79, 28),
                lat: b.i32(107, 27),
                epfd: b.u(134, 4) as u8,
                raim: b.flag(148),
                radio: b.u32(149, 19),
            }),
            5 => Body::StaticVoyage(StaticVoyage {
                ais_version: b.u(38, 2) as u8,
                imo: b.u32(40, 30),
                callsign: b.text(70, 7),
                shipname: b.text(112, 20),
                shiptype: b.u(232, 8) as u8,
                to_bow: b.u(240, 9) as u16,
                to_stern: b.u(249, 9) as u16,
                to_port: b.u(258, 6) as u8,
                to_starboard: b.u(264, 6) as u8,
                epfd: b.u(270, 4) as u8,
                month: b.u(274, 4) as u8,
                day: b.u(278, 5) as u8,
                hour: b.u(283, 5) as u8,
                minute: b.u(288, 6) as u8,
                draught: b.u(294, 8) as u8,
                destination: b.text(302, 20),
                dte: b.flag(422),
            }),
            6 => Body::BinaryAddressed(BinaryAddressed {
                seqno: b.u(38, 2) as u8,
                dest_mmsi: b.u32(40, 30),
                retransmit: b.flag(70),
                dac: b.u(72, 10) as u16,
                fid: b.u(82, 6) as u8,
                data: b.slice(88, b.len().saturating_sub(88)),
            }),
            7 | 13 => {
                let mut acks = [(0, 0); 4];
                let mut count = 0;
                for (i, ack) in acks.iter_mut().enumerate() {
                    let at = 40 + 32 * i;
                    // Like gpsd, a destination counts when it starts inside the message.
                    if at < b.len() {
                        *ack = (b.u32(at, 30), b.u(at + 30, 2) as u8);
                        count += 1;
                    }
                }
                Body::Acknowledge(Acknowledge {
                    acks,
                    count: count as u8,
                })
            }
            8 => Body::BinaryBroadcast(BinaryBroadcast {
                dac: b.u(40, 10) as u16,
                fid: b.u(50, 6) as u8,
                data: b.slice(56, b.len().saturating_sub(56)),
            }),
            9 => Body::SarAircraft(SarAircraft {
                alt: b.u(38, 12) as u16,
                speed: b.u(50, 10) as u16,
                accuracy: b.flag(60),
                lon: b.i32(61, 28),
                lat: b.i32(89, 27),
                course: b.u(116, 12) as u16,
                second: b.u(128, 6) as u8,
                regional: b.u(134, 8) as u8,
                dte: b.flag(142),
                assigned: b.flag(146),
                raim: b.flag(147),
                radio: b.u32(148, 20),
            }),
            10 => Body::UtcInquiry(UtcInquiry {
                dest_mmsi: b.u32(40, 30),
            }),
            12 => Body::SafetyAddressed(SafetyAddressed {
                seqno: b.u(38, 2) as u8,
                dest_mmsi: b.u32(40, 30),
                retransmit: b.flag(70),
                text: b.text(72, b.len().saturating_sub(72) / 6),
            }),
            14 => Body::SafetyBroadcast(SafetyBroadcast {
                text: b.text(40, b.len().saturating_sub(40) / 6),
            }),
            15 => {
                let n = b.len();
                let mut m = Interrogation {
                    mmsi1: b.u32(40, 30),
                    type1_1: b.u(70, 6) as u8,
                    offset1_1: b.u(76, 12) as u16,
                    type1_2: 0,
                    offset1_2: 0,
                    mmsi2: 0,
                    type2_1: 0,
                    offset2_1: 0,
                };
                // Like gpsd and libais, a part counts when it starts inside the message.
                if n > 90 {
                    m.type1_2 = b.u(90, 6) as u8;
                    m.offset1_2 = b.u(96, 12) as u16;
                }
                if n > 110 {
                    m.mmsi2 = b.u32(110, 30);
                    m.type2_1 = b.u(140, 6) as u8;
                    m.offset2_1 = b.u(146, 12) as u16;
                }
                Body::Interrogation(m)
            }
            16 => {
                let two = b.len() >= 144;
                Body::AssignmentCommand(AssignmentCommand {
                    mmsi1: b.u32(40, 30),
                    offset1: b.u(70, 12) as u16,
                    increment1: b.u(82, 10) as u16,
                    mmsi2: if two { b.u32(92, 30) } else { 0 },
                    offset2: if two { b.u(122, 12) as u16 } else { 0 },
                    increment2: if two { b.u(134, 10) as u16 } else { 0 },
                })
            }
            17 => Body::DgnssBroadcast(DgnssBroadcast {
                lon: b.i32(40, 18),
                lat: b.i32(58, 17),
                data: b.slice(80, b.len().saturating_sub(80)),
            }),
            18 => Body::ClassBPosition(ClassBPosition {
                reserved: b.u(38, 8) as u8,
                speed: b.u(46, 10) as u16,
                accuracy: b.flag(56),
                lon: b.i32(57, 28),
                lat: b.i32(85, 27),
                course: b.u(112, 12) as u16,
                heading: b.u(124, 9) as u16,
                second: b.u(133, 6) as u8,
                regional: b.u(139, 2) as u8,
                cs: b.flag(141),
                display: b.flag(142),
                dsc: b.flag(143),
                band: b.flag(144),
                msg22: b.flag(145),
                assigned: b.flag(146),
                raim: b.flag(147),
                radio: b.u32(148, 20),
            }),
            19 => Body::ClassBExtended(ClassBExtended {
                reserved: b.u(38, 8) as u8,
                speed: b.u(46, 10) as u16,
                accuracy: b.flag(56),
                lon: b.i32(57, 28),
                lat: b.i32(85, 27),
                course: b.u(112, 12) as u16,
                heading: b.u(124, 9) as u16,
                second: b.u(133, 6) as u8,
                regional: b.u(139, 4) as u8,
                shipname: b.text(143, 20),
                shiptype: b.u(263, 8) as u8,
                to_bow: b.u(271, 9) as u16,
                to_stern: b.u(280, 9) as u16,
                to_port: b.u(289, 6) as u8,
                to_starboard: b.u(295, 6) as u8,
                epfd: b.u(301, 4) as u8,
                raim: b.flag(305),
                dte: b.flag(306),
                assigned: b.flag(307),
            }),
            20 => {
                let mut reservations = [SlotReservation::default(); 4];
                for (i, r) in reservations.iter_mut().enumerate() {
                    let at = 40 + 30 * i;
                    if b.len() >= at + 30 {
                        *r = SlotReservation {
                            offset: b.u(at, 12) as u16,
                            number: b.u(at + 12, 4) as u8,
                            timeout: b.u(at + 16, 3) as u8,
                            increment: b.u(at + 19, 11) as u16,
                        };
                    }
                }
                Body::DataLinkManagement(DataLinkManagement { reservations })
            }
            21 => Body::AidToNavigation(AidToNavigation {
                aid_type: b.u(38, 5) as u8,
                name: b.text(43, 20),
                accuracy: b.flag(163),
                lon: b.i32(164, 28),
                lat: b.i32(192, 27),
                to_bow: b.u(219, 9) as u16,
                to_stern: b.u(228, 9) as u16,
                to_port: b.u(237, 6) as u8,
                to_starboard: b.u(243, 6) as u8,
                epfd: b.u(249, 4) as u8,
                second: b.u(253, 6) as u8,
                off_position: b.flag(259),
                regional: b.u(260, 8) as u8,
                raim: b.flag(268),
                virtual_aid: b.flag(269),
                assigned: b.flag(270),
                name_ext: b.text(272, (b.len().saturating_sub(272) / 6).min(14)),
            }),
            22 => {
                let addressed = b.flag(139);
                let area = if addressed {
                    ChannelArea::Addressed {
                        dest1: b.u32(69, 30),
                        dest2: b.u32(104, 30),
                    }
                } else {
                    ChannelArea::Area {
                        ne_lon: b.i32(69, 18),
                        ne_lat: b.i32(87, 17),
                        sw_lon: b.i32(104, 18),
                        sw_lat: b.i32(122, 17),
                    }
                };
                Body::ChannelManagement(ChannelManagement {
                    channel_a: b.u(40, 12) as u16,
                    channel_b: b.u(52, 12) as u16,
                    txrx: b.u(64, 4) as u8,
                    power: b.flag(68),
                    area,
                    band_a: b.flag(140),
                    band_b: b.flag(141),
                    zonesize: b.u(142, 3) as u8,
                })
            }
            23 => Body::GroupAssignment(GroupAssignment {
                ne_lon: b.i32(40, 18),
                ne_lat: b.i32(58, 17),
                sw_lon: b.i32(75, 18),
                sw_lat: b.i32(93, 17),
                stationtype: b.u(110, 4) as u8,
                shiptype: b.u(114, 8) as u8,
                txrx: b.u(144, 2) as u8,
                interval: b.u(146, 4) as u8,
                quiet: b.u(150, 4) as u8,
            }),
            24 => match b.u(38, 2) {
                0 => Body::StaticData(StaticData::A {
                    shipname: b.text(40, 20),
                }),
                1 => {
                    let mmsi = header.mmsi;
                    let dims = if mmsi / 10_000_000 == 98 {
                        PartBDimensions::Mothership(b.u32(132, 30))
                    } else {
                        PartBDimensions::Dimensions {
                            to_bow: b.u(132, 9) as u16,
                            to_stern: b.u(141, 9) as u16,
                            to_port: b.u(150, 6) as u8,
                            to_starboard: b.u(156, 6) as u8,
                        }
                    };
                    Body::StaticData(StaticData::B {
                        shiptype: b.u(40, 8) as u8,
                        vendorid: b.text(48, 7),
                        model: b.u(66, 4) as u8,
                        serial: b.u32(70, 20),
                        callsign: b.text(90, 7),
                        dims,
                    })
                }
                _ => return Err(Error::MalformedSentence("type 24 part number")),
            },
            25 | 26 => {
                let addressed = b.flag(38);
                let structured = b.flag(39);
                let mut at = 40;
                let mut dest_mmsi = 0;
                if addressed {
                    dest_mmsi = b.u32(40, 30);
                    at += 30;
                }
                let mut app_id = 0;
                if structured {
                    app_id = b.u(at, 16) as u16;
                    at += 16;
                }
                let (end, radio) = if msg_type == 26 {
                    let end = b.len().saturating_sub(20);
                    (end, b.u32(end, 20))
                } else {
                    (b.len(), 0)
                };
                if end < at {
                    return Err(Error::PayloadTooShort {
                        msg_type,
                        bits: b.len(),
                    });
                }
                Body::SlotBinary(SlotBinary {
                    addressed,
                    structured,
                    dest_mmsi,
                    app_id,
                    data: b.slice(at, end - at),
                    radio,
                })
            }
            27 => Body::LongRange(LongRange {
                accuracy: b.flag(38),
                raim: b.flag(39),
                status: b.u(40, 4) as u8,
                lon: b.i32(44, 18),
                lat: b.i32(62, 17),
                speed: b.u(79, 6) as u8,
                course: b.u(85, 9) as u16,
                gnss: b.flag(94),
            }),
            _ => return Err(Error::UnknownMessageType(msg_type)),
        };
        Ok(Message { header, body })
    }
}
