//! Maritime Mobile Service Identities (ITU-R M.585).

use serde::{Deserialize, Serialize};

use crate::text::{ascii_str, digits_value, impl_text_conversions};
use crate::IdentError;

/// A Maritime Mobile Service Identity: nine digits in one of the formats of
/// ITU-R M.585, with its Maritime Identification Digits (MID) in the place
/// that format puts them.
///
/// A MID is accepted when it lies in an allocated regional range: 201–279
/// (Europe), 301–379 (North America and the Caribbean), 401–477 (Asia),
/// 501–578 (Oceania), 601–679 (Africa) and 701–775 (South America). These are
/// the ranges from which the ITU allocates MIDs; a MID inside a range may
/// still be unallocated. See [`MmsiKind`] for the formats.
///
/// Ordering is numeric.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Mmsi {
    /// Invariant: nine ASCII digits matching one of the [`MmsiKind`] formats.
    digits: [u8; 9],
}

/// The kind of station an MMSI identifies, from its leading digits.
///
/// "M" stands for a MID digit and "x" for any digit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MmsiKind {
    /// `MIDxxxxxx`: a ship station (first digit 2 to 7).
    ShipStation,
    /// `0MIDxxxxx`: a group of ship stations.
    GroupOfShipStations,
    /// `00MIDxxxx`: a coast station.
    CoastStation,
    /// `111MIDxxx`: a search-and-rescue aircraft.
    SarAircraft,
    /// `8MIDxxxxx`: a handheld VHF transceiver with DSC and GNSS.
    Handheld,
    /// `98MIDxxxx`: a craft associated with a parent ship, e.g. a tender.
    CraftAssociatedWithParentShip,
    /// `99MIDxxxx`: an aid to navigation (buoy, lighthouse, virtual AtoN).
    AidToNavigation,
    /// `970xxxxxx`: an AIS search-and-rescue transmitter (AIS-SART).
    AisSart,
    /// `972xxxxxx`: a man-overboard device.
    ManOverboard,
    /// `974xxxxxx`: an EPIRB fitted with an AIS transmitter.
    EpirbAis,
}

impl MmsiKind {
    /// Where the three MID digits sit in an MMSI of this kind, or `None` for
    /// the emergency devices, which carry no MID.
    fn mid_offset(self) -> Option<usize> {
        match self {
            Self::ShipStation => Some(0),
            Self::GroupOfShipStations | Self::Handheld => Some(1),
            Self::CoastStation | Self::CraftAssociatedWithParentShip | Self::AidToNavigation => {
                Some(2)
            }
            Self::SarAircraft => Some(3),
            Self::AisSart | Self::ManOverboard | Self::EpirbAis => None,
        }
    }

    /// The kind implied by the leading digits, before the MID is checked.
    fn from_leading_digits(digits: &[u8; 9]) -> Option<Self> {
        let kind = match digits {
            [b'0', b'0', ..] => Self::CoastStation,
            [b'0', ..] => Self::GroupOfShipStations,
            [b'1', b'1', b'1', ..] => Self::SarAircraft,
            [b'2'..=b'7', ..] => Self::ShipStation,
            [b'8', ..] => Self::Handheld,
            [b'9', b'7', b'0', ..] => Self::AisSart,
            [b'9', b'7', b'2', ..] => Self::ManOverboard,
            [b'9', b'7', b'4', ..] => Self::EpirbAis,
            [b'9', b'8', ..] => Self::CraftAssociatedWithParentShip,
            [b'9', b'9', ..] => Self::AidToNavigation,
            _ => return None,
        };
        Some(kind)
    }
}

/// Whether a three-digit number lies in an allocated regional MID range.
fn is_allocatable_mid(mid: u16) -> bool {
    matches!(mid, 201..=279 | 301..=379 | 401..=477 | 501..=578 | 601..=679 | 701..=775)
}

impl Mmsi {
    /// Parses nine digits, surrounding whitespace allowed.
    pub fn parse(input: &str) -> Result<Self, IdentError> {
        let trimmed = input.trim();
        // With or without an "MMSI" label, as IMO numbers are written with "IMO".
        let trimmed = match trimmed.get(..4) {
            Some(label) if label.eq_ignore_ascii_case("MMSI") => {
                trimmed[4..].trim_start_matches([' ', ':'])
            }
            _ => trimmed,
        };
        let digits: [u8; 9] = trimmed
            .as_bytes()
            .try_into()
            .map_err(|_| IdentError::MmsiFormat)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(IdentError::MmsiFormat);
        }
        let no_valid_mid = || IdentError::MmsiMid {
            mmsi: ascii_str(&digits).to_owned(),
        };
        let kind = MmsiKind::from_leading_digits(&digits).ok_or_else(no_valid_mid)?;
        if let Some(offset) = kind.mid_offset() {
            if !is_allocatable_mid(Self::mid_at(&digits, offset)) {
                return Err(no_valid_mid());
            }
        }
        Ok(Self { digits })
    }

    /// Checks a number as it arrives in binary form, e.g. the 30-bit user ID
    /// of an AIS message.
    pub fn from_value(value: u32) -> Result<Self, IdentError> {
        if value > 999_999_999 {
            return Err(IdentError::MmsiFormat);
        }
        Self::parse(&format!("{value:09}"))
    }

    /// The three MID digits starting at `offset`, as a number.
    fn mid_at(digits: &[u8; 9], offset: usize) -> u16 {
        digits[offset..offset + 3].iter().fold(0, |acc, digit| {
            acc * 10 + u16::from(digit.wrapping_sub(b'0'))
        })
    }

    /// The canonical form: nine digits.
    pub fn as_str(&self) -> &str {
        ascii_str(&self.digits)
    }

    /// The number as an integer, e.g. 440123450.
    pub fn value(&self) -> u32 {
        digits_value(&self.digits)
    }

    /// The kind of station, from the leading digits.
    pub fn kind(&self) -> MmsiKind {
        // Parsing guarantees a kind; the fallback is unreachable.
        MmsiKind::from_leading_digits(&self.digits).unwrap_or(MmsiKind::ShipStation)
    }

    /// The Maritime Identification Digits, which name the flag or country
    /// that assigned the MMSI (e.g. 440 for the Republic of Korea), or `None`
    /// for AIS-SART, man-overboard and EPIRB devices.
    pub fn mid(&self) -> Option<u16> {
        self.kind()
            .mid_offset()
            .map(|offset| Self::mid_at(&self.digits, offset))
    }
}

impl_text_conversions!(Mmsi);

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_and_mid(input: &str) -> (MmsiKind, Option<u16>) {
        let mmsi = Mmsi::parse(input).unwrap();
        (mmsi.kind(), mmsi.mid())
    }

    #[test]
    fn accepts_ship_stations_of_each_region() {
        for (input, mid) in [
            ("440123450", 440), // Republic of Korea
            ("441987654", 441), // Republic of Korea
            ("567000123", 567), // Thailand
            ("366123456", 366), // United States
            ("211234560", 211), // Germany
            ("538001234", 538), // Marshall Islands
            ("636012345", 636), // Liberia
            ("710000001", 710), // Brazil
            ("201000000", 201),
            ("279999999", 279),
            ("775999999", 775),
        ] {
            assert_eq!(
                kind_and_mid(input),
                (MmsiKind::ShipStation, Some(mid)),
                "{input}"
            );
        }
    }

    #[test]
    fn accepts_other_itu_formats_with_mid_in_place() {
        for (input, kind, mid) in [
            ("004401234", MmsiKind::CoastStation, Some(440)),
            ("044012345", MmsiKind::GroupOfShipStations, Some(440)),
            ("111440123", MmsiKind::SarAircraft, Some(440)),
            ("844012345", MmsiKind::Handheld, Some(440)),
            (
                "984401234",
                MmsiKind::CraftAssociatedWithParentShip,
                Some(440),
            ),
            ("995671234", MmsiKind::AidToNavigation, Some(567)),
            ("970123456", MmsiKind::AisSart, None),
            ("972000001", MmsiKind::ManOverboard, None),
            ("974999999", MmsiKind::EpirbAis, None),
        ] {
            assert_eq!(kind_and_mid(input), (kind, mid), "{input}");
        }
    }

    #[test]
    fn rejects_mid_outside_allocated_ranges() {
        for input in [
            "123456789", // 1 is only valid as 111 (SAR aircraft)
            "200123456",
            "280123456",
            "299999999",
            "300000000",
            "478123456",
            "579123456",
            "680123456",
            "776123456",
            "799999999",
            "000000000",
            "001001234", // coast station with MID 100
            "010012345", // group with MID 100
            "111100123", // SAR aircraft with MID 100
            "800012345", // handheld with MID 000
            "982001234", // parent-ship craft with MID 200
            "999991234", // aid to navigation with MID 999
            "971123456", // 971 is not a device prefix
            "973123456",
            "975123456",
            "960123456",
        ] {
            assert_eq!(
                Mmsi::parse(input),
                Err(IdentError::MmsiMid {
                    mmsi: input.to_owned()
                }),
                "{input}"
            );
        }
        assert_eq!(
            Mmsi::parse("123456789").unwrap_err().to_string(),
            "mmsi 123456789 has no valid maritime identification digits"
        );
    }

    #[test]
    fn rejects_malformed_input() {
        for input in [
            "",
            " ",
            "44012345",
            "4401234500",
            "44012345a",
            "440 123 450",
            "-44012345",
            "+44012345",
            "４４０１２３４５０",
            "ǅǅǅǅǅǅǅǅǅ",
            "\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}",
        ] {
            assert_eq!(Mmsi::parse(input), Err(IdentError::MmsiFormat), "{input:?}");
        }
        assert_eq!(
            Mmsi::parse(&"4".repeat(1 << 20)),
            Err(IdentError::MmsiFormat)
        );
        assert_eq!(Mmsi::parse("x").unwrap_err().code(), "invalid_mmsi");
    }

    #[test]
    fn trims_surrounding_whitespace() {
        assert_eq!(Mmsi::parse(" 440123450\n").unwrap().as_str(), "440123450");
    }

    #[test]
    fn from_value_keeps_leading_zeros() {
        let coast = Mmsi::from_value(4_401_234).unwrap();
        assert_eq!(coast.as_str(), "004401234");
        assert_eq!(coast.value(), 4_401_234);
        assert_eq!(coast.kind(), MmsiKind::CoastStation);
        assert_eq!(Mmsi::from_value(1_000_000_000), Err(IdentError::MmsiFormat));
    }

    #[test]
    fn serde_round_trips_as_canonical_string() {
        let mmsi = Mmsi::parse("440123450").unwrap();
        let json = serde_json::to_string(&mmsi).unwrap();
        assert_eq!(json, "\"440123450\"");
        assert_eq!(serde_json::from_str::<Mmsi>(&json).unwrap(), mmsi);
    }

    #[test]
    fn deserializing_invalid_value_fails_with_the_message() {
        let error = serde_json::from_str::<Mmsi>("\"123456789\"").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("mmsi 123456789 has no valid maritime identification digits"),
            "{error}"
        );
    }

    proptest::proptest! {
        #[test]
        fn ship_station_accepted_exactly_when_mid_in_range(value in 200_000_000u32..800_000_000) {
            let mid = u16::try_from(value / 1_000_000).unwrap();
            let result = Mmsi::from_value(value);
            proptest::prop_assert_eq!(result.is_ok(), is_allocatable_mid(mid));
            if let Ok(mmsi) = result {
                proptest::prop_assert_eq!(mmsi.mid(), Some(mid));
                proptest::prop_assert_eq!(mmsi.value(), value);
            }
        }

        #[test]
        fn never_panics_on_arbitrary_input(input in ".{0,40}") {
            let _ = Mmsi::parse(&input);
        }
    }
}
