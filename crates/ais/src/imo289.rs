//! Binary application messages (types 6 and 8) that gpsd decodes: IMO 236 / IMO 289
//! (DAC 1), inland AIS (DAC 200) and the UK/ROI aid-to-navigation monitoring (DAC 235/250).
//!
//! Offsets below are relative to the start of the application data (after DAC and FID).

use crate::bits::{Bits, SixBitText};

/// A decoded binary application message.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum App<'a> {
    /// Type 6, DAC 235/250, FID 10: aid-to-navigation monitoring.
    AtonMonitoring(AtonMonitoring),
    /// Type 6, DAC 1, FID 12: dangerous cargo indication (IMO 236).
    DangerousCargo(DangerousCargo<'a>),
    /// Type 6, DAC 1, FID 14 (IMO 236) and FID 32 (IMO 289): tidal window.
    TidalWindow(TidalWindow),
    /// Type 6, DAC 1, FID 18: clearance time to enter port.
    ClearanceTime(ClearanceTime<'a>),
    /// Type 6, DAC 1, FID 30: text description (addressed).
    Text(TextDescription<'a>),
    /// Type 6, DAC 200, FID 55: inland persons on board.
    InlandPersons(InlandPersons),
    /// Type 8, DAC 1, FID 11 (IMO 236) and FID 31 (IMO 289): meteorological and hydrological data.
    MetHydro(MetHydro),
    /// Type 8, DAC 200, FID 10: inland ship static and voyage data.
    InlandStatic(InlandStatic<'a>),
}

/// DAC 235/250 FID 10.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AtonMonitoring {
    /// Analogue internal voltage, 0.05 V.
    pub ana_int: u16,
    /// Analogue external 1, 0.05 V.
    pub ana_ext1: u16,
    /// Analogue external 2, 0.05 V.
    pub ana_ext2: u16,
    /// RACON status.
    pub racon: u8,
    /// Light status.
    pub light: u8,
    /// Alarm flag.
    pub alarm: bool,
    /// Extended status bits.
    pub stat_ext: u8,
    /// Off-position flag.
    pub off_pos: bool,
}

/// Month, day, hour, minute as transmitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayTime {
    /// Month.
    pub month: u8,
    /// Day.
    pub day: u8,
    /// Hour.
    pub hour: u8,
    /// Minute.
    pub minute: u8,
}

/// DAC 1 FID 12.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DangerousCargo<'a> {
    /// Last port of call (UN/LOCODE).
    pub lastport: SixBitText<'a>,
    /// Departure time.
    pub departure: DayTime,
    /// Next port of call.
    pub nextport: SixBitText<'a>,
    /// Estimated arrival.
    pub eta: DayTime,
    /// Main dangerous good.
    pub dangerous: SixBitText<'a>,
    /// IMD category.
    pub imdcat: SixBitText<'a>,
    /// UN number.
    pub unid: u16,
    /// Amount.
    pub amount: u16,
    /// Unit of the amount.
    pub unit: u8,
}

/// One tidal window entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tidal {
    /// Longitude, 1/1000 minute.
    pub lon: i32,
    /// Latitude, 1/1000 minute.
    pub lat: i32,
    /// From hour.
    pub from_hour: u8,
    /// From minute.
    pub from_min: u8,
    /// To hour.
    pub to_hour: u8,
    /// To minute.
    pub to_min: u8,
    /// Current direction, degrees.
    pub cdir: u16,
    /// Current speed, 1/10 knot.
    pub cspeed: u8,
}

/// DAC 1 FID 14 / FID 32.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TidalWindow {
    /// Month.
    pub month: u8,
    /// Day.
    pub day: u8,
    /// Entries (only the first `count` are present).
    pub tidals: [Tidal; 3],
    /// Number of entries.
    pub count: u8,
}

/// DAC 1 FID 18.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClearanceTime<'a> {
    /// Message linkage id.
    pub linkage: u16,
    /// Clearance time.
    pub arrival: DayTime,
    /// Port name.
    pub portname: SixBitText<'a>,
    /// Destination (UN/LOCODE).
    pub destination: SixBitText<'a>,
    /// Longitude, 1/1000 minute.
    pub lon: i32,
    /// Latitude, 1/1000 minute.
    pub lat: i32,
}

/// DAC 1 FID 30.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextDescription<'a> {
    /// Message linkage id.
    pub linkage: u16,
    /// Text.
    pub text: SixBitText<'a>,
}

/// DAC 200 FID 55.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InlandPersons {
    /// Crew members.
    pub crew: u8,
    /// Passengers.
    pub passengers: u16,
    /// Shipboard personnel.
    pub personnel: u8,
}

/// DAC 1 FID 11 / FID 31 (raw values; the FID tells the scaling).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub struct MetHydro {
    /// Whether this is the IMO 289 layout (FID 31) rather than IMO 236 (FID 11).
    pub imo289: bool,
    pub lat: i32,
    pub lon: i32,
    pub accuracy: bool,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub wspeed: u8,
    pub wgust: u8,
    pub wdir: u16,
    pub wgustdir: u16,
    pub airtemp: i32,
    pub humidity: u8,
    pub dewpoint: i32,
    pub pressure: u16,
    pub pressuretend: u8,
    pub visgreater: bool,
    pub visibility: u8,
    pub waterlevel: i32,
    pub leveltrend: u8,
    pub cspeed: u8,
    pub cdir: u16,
    pub cspeed2: u8,
    pub cdir2: u16,
    pub cdepth2: u8,
    pub cspeed3: u8,
    pub cdir3: u16,
    pub cdepth3: u8,
    pub waveheight: u8,
    pub waveperiod: u8,
    pub wavedir: u16,
    pub swellheight: u8,
    pub swellperiod: u8,
    pub swelldir: u16,
    pub seastate: u8,
    pub watertemp: i32,
    pub preciptype: u8,
    pub salinity: u16,
    pub ice: u8,
}

/// DAC 200 FID 10.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InlandStatic<'a> {
    /// European vessel identification number.
    pub vin: SixBitText<'a>,
    /// Length, 1/10 m.
    pub length: u16,
    /// Beam, 1/10 m.
    pub beam: u16,
    /// ERI ship type.
    pub shiptype: u16,
    /// Hazardous cargo (blue cones).
    pub hazard: u8,
    /// Draught, 1/100 m.
    pub draught: u16,
    /// Loaded / unloaded.
    pub loaded: u8,
    /// Speed quality.
    pub speed_q: bool,
    /// Course quality.
    pub course_q: bool,
    /// Heading quality.
    pub heading_q: bool,
}

fn dt(d: &Bits<'_>, at: usize) -> DayTime {
    DayTime {
        month: d.u(at, 4) as u8,
        day: d.u(at + 4, 5) as u8,
        hour: d.u(at + 9, 5) as u8,
        minute: d.u(at + 14, 6) as u8,
    }
}

fn text<'a>(d: &Bits<'a>, at: usize, chars: usize) -> SixBitText<'a> {
    let avail = d.len().saturating_sub(at) / 6;
    d.buf().text(d.start() + at, chars.min(avail))
}

fn s(d: &Bits<'_>, at: usize, n: u32) -> i32 {
    let v = d.u(at, n) as u32;
    let shift = 32 - n;
    ((v << shift) as i32) >> shift
}

/// Decodes the application data of a type 6 message, when gpsd knows its DAC/FID.
pub fn decode_addressed<'a>(dac: u16, fid: u8, d: &Bits<'a>) -> Option<App<'a>> {
    let n = d.len();
    Some(match (dac, fid) {
        (235 | 250, 10) if n >= 48 => App::AtonMonitoring(AtonMonitoring {
            ana_int: d.u(0, 10) as u16,
            ana_ext1: d.u(10, 10) as u16,
            ana_ext2: d.u(20, 10) as u16,
            racon: d.u(30, 2) as u8,
            light: d.u(32, 2) as u8,
            alarm: d.u(34, 1) != 0,
            stat_ext: d.u(35, 8) as u8,
            off_pos: d.u(43, 1) != 0,
        }),
        (1, 12) => App::DangerousCargo(DangerousCargo {
            lastport: text(d, 0, 5),
            departure: dt(d, 30),
            nextport: text(d, 50, 5),
            eta: dt(d, 80),
            dangerous: text(d, 100, 20),
            imdcat: text(d, 220, 4),
            unid: d.u(244, 13) as u16,
            amount: d.u(257, 10) as u16,
            unit: d.u(267, 2) as u8,
        }),
        (1, 14) | (1, 32) => {
            let (size, imo289) = if fid == 32 { (88, true) } else { (93, false) };
            // Like gpsd, an entry counts when it starts inside the message.
            let count = (0..3).take_while(|i| 9 + size * i < n).count();
            let mut tidals = [Tidal::default(); 3];
            for (i, t) in tidals.iter_mut().enumerate().take(count) {
                let at = 9 + size * i;
                *t = if imo289 {
                    Tidal {
                        lon: s(d, at, 25),
                        lat: s(d, at + 25, 24),
                        from_hour: d.u(at + 49, 5) as u8,
                        from_min: d.u(at + 54, 6) as u8,
                        to_hour: d.u(at + 60, 5) as u8,
                        to_min: d.u(at + 65, 6) as u8,
                        cdir: d.u(at + 71, 9) as u16,
                        cspeed: d.u(at + 80, 8) as u8,
                    }
                } else {
                    Tidal {
                        lat: s(d, at, 27),
                        lon: s(d, at + 27, 28),
                        from_hour: d.u(at + 55, 5) as u8,
                        from_min: d.u(at + 60, 6) as u8,
                        to_hour: d.u(at + 66, 5) as u8,
                        to_min: d.u(at + 71, 6) as u8,
                        cdir: d.u(at + 77, 9) as u16,
                        cspeed: d.u(at + 86, 7) as u8,
                    }
                };
            }
            App::TidalWindow(TidalWindow {
                month: d.u(0, 4) as u8,
                day: d.u(4, 5) as u8,
                tidals,
                count: count as u8,
            })
        }
        (1, 18) => App::ClearanceTime(ClearanceTime {
            linkage: d.u(0, 10) as u16,
            arrival: dt(d, 10),
            portname: text(d, 30, 20),
            destination: text(d, 150, 5),
            lon: s(d, 180, 25),
            lat: s(d, 205, 24),
        }),
        (1, 30) => {
            let chars = n.saturating_sub(10) / 6;
            App::Text(TextDescription {
                linkage: d.u(0, 10) as u16,
                text: text(d, 10, chars),
            })
        }
        (200, 55) => App::InlandPersons(InlandPersons {
            crew: d.u(0, 8) as u8,
            passengers: d.u(8, 13) as u16,
            personnel: d.u(21, 8) as u8,
        }),
        _ => return None,
    })
}

/// Decodes the application data of a type 8 message, when gpsd knows its DAC/FID.
pub fn decode_broadcast<'a>(dac: u16, fid: u8, d: &Bits<'a>) -> Option<App<'a>> {
    let n = d.len();
    Some(match (dac, fid) {
        (1, 11) if n >= 280 => App::MetHydro(MetHydro {
            imo289: false,
            lat: s(d, 0, 24),
            lon: s(d, 24, 25),
            day: d.u(49, 5) as u8,
            hour: d.u(54, 5) as u8,
            minute: d.u(59, 6) as u8,
            wspeed: d.u(65, 7) as u8,
            wgust: d.u(72, 7) as u8,
            wdir: d.u(79, 9) as u16,
            wgustdir: d.u(88, 9) as u16,
            airtemp: d.u(97, 11) as i32,
            humidity: d.u(108, 7) as u8,
            dewpoint: d.u(115, 10) as i32,
            pressure: d.u(125, 9) as u16,
            pressuretend: d.u(134, 2) as u8,
            visibility: d.u(136, 8) as u8,
            waterlevel: d.u(144, 9) as i32,
            leveltrend: d.u(153, 2) as u8,
            cspeed: d.u(155, 8) as u8,
            cdir: d.u(163, 9) as u16,
            cspeed2: d.u(172, 8) as u8,
            cdir2: d.u(180, 9) as u16,
            cdepth2: d.u(189, 5) as u8,
            cspeed3: d.u(194, 8) as u8,
            cdir3: d.u(202, 9) as u16,
            cdepth3: d.u(211, 5) as u8,
            waveheight: d.u(216, 8) as u8,
            waveperiod: d.u(224, 6) as u8,
            wavedir: d.u(230, 9) as u16,
            swellheight: d.u(239, 8) as u8,
            swellperiod: d.u(247, 6) as u8,
            swelldir: d.u(253, 9) as u16,
            seastate: d.u(262, 4) as u8,
            watertemp: d.u(266, 10) as i32,
            preciptype: d.u(276, 3) as u8,
            salinity: d.u(279, 9) as u16,
            ice: d.u(288, 2) as u8,
            ..MetHydro::default()
        }),
        (1, 31) if n >= 294 => App::MetHydro(MetHydro {
            imo289: true,
            lon: s(d, 0, 25),
            lat: s(d, 25, 24),
            accuracy: d.u(49, 1) != 0,
            day: d.u(50, 5) as u8,
            hour: d.u(55, 5) as u8,
            minute: d.u(60, 6) as u8,
            wspeed: d.u(66, 7) as u8,
            wgust: d.u(73, 7) as u8,
            wdir: d.u(80, 9) as u16,
            wgustdir: d.u(89, 9) as u16,
            airtemp: s(d, 98, 11),
            humidity: d.u(109, 7) as u8,
            dewpoint: s(d, 116, 10),
            pressure: d.u(126, 9) as u16,
            pressuretend: d.u(135, 2) as u8,
            visgreater: d.u(137, 1) != 0,
            visibility: d.u(138, 7) as u8,
            waterlevel: d.u(145, 12) as i32,
            leveltrend: d.u(157, 2) as u8,
            cspeed: d.u(159, 8) as u8,
            cdir: d.u(167, 9) as u16,
            cspeed2: d.u(176, 8) as u8,
            cdir2: d.u(184, 9) as u16,
            cdepth2: d.u(193, 5) as u8,
            cspeed3: d.u(198, 8) as u8,
            cdir3: d.u(206, 9) as u16,
            cdepth3: d.u(215, 5) as u8,
            waveheight: d.u(220, 8) as u8,
            waveperiod: d.u(228, 6) as u8,
            wavedir: d.u(234, 9) as u16,
            swellheight: d.u(243, 8) as u8,
            swellperiod: d.u(251, 6) as u8,
            swelldir: d.u(257, 9) as u16,
            seastate: d.u(266, 4) as u8,
            watertemp: s(d, 270, 10),
            preciptype: d.u(280, 3) as u8,
            salinity: d.u(283, 9) as u16,
            ice: d.u(292, 2) as u8,
        }),
        (200, 10) if n == 112 => App::InlandStatic(InlandStatic {
            vin: text(d, 0, 8),
            length: d.u(48, 13) as u16,
            beam: d.u(61, 10) as u16,
            shiptype: d.u(71, 14) as u16,
            hazard: d.u(85, 3) as u8,
            draught: d.u(88, 11) as u16,
            loaded: d.u(99, 2) as u8,
            speed_q: d.u(101, 1) != 0,
            course_q: d.u(102, 1) != 0,
            heading_q: d.u(103, 1) != 0,
        }),
        _ => return None,
    })
}
