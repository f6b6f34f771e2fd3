//! IMO ship identification numbers.

use serde::{Deserialize, Serialize};

use crate::text::{ascii_str, digits_value, impl_text_conversions};
use crate::IdentError;

/// An IMO ship identification number: seven digits whose last digit is the
/// IMO check digit.
///
/// The check digit is the sum of the first six digits weighted 7, 6, 5, 4, 3
/// and 2, modulo 10. Input may carry an "IMO" prefix in any case, with or
/// without a space ("IMO 9074729", "imo9074729", "9074729"); the canonical
/// form, returned by [`as_str`](Self::as_str) and `Display` and used by serde,
/// is the seven digits alone. "0000000", which AIS uses for "not available",
/// is rejected although its check digit is formally right.
///
/// Ordering is numeric.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ImoNumber {
    /// Invariant: seven ASCII digits, check digit valid, not all zero.
    digits: [u8; 7],
}

impl ImoNumber {
    /// Parses an IMO number, with or without an "IMO" prefix.
    pub fn parse(input: &str) -> Result<Self, IdentError> {
        let trimmed = input.trim();
        let without_prefix = match trimmed.get(..3) {
            Some(prefix) if prefix.eq_ignore_ascii_case("IMO") => trimmed[3..].trim_start(),
            _ => trimmed,
        };
        let digits: [u8; 7] = without_prefix
            .as_bytes()
            .try_into()
            .map_err(|_| IdentError::ImoFormat)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(IdentError::ImoFormat);
        }
        if digits == [b'0'; 7] {
            return Err(IdentError::ImoNotAvailable);
        }
        let expected = Self::check_digit_for(&digits[..6]);
        let found = digits[6] - b'0';
        if found != expected {
            return Err(IdentError::ImoCheckDigit { found, expected });
        }
        Ok(Self { digits })
    }

    /// Checks a number as it arrives in binary form, e.g. from an AIS static
    /// data message, where 0 means "not available".
    pub fn from_value(value: u32) -> Result<Self, IdentError> {
        if value > 9_999_999 {
            return Err(IdentError::ImoFormat);
        }
        Self::parse(&format!("{value:07}"))
    }

    /// Builds the IMO number whose first six digits are `first_six` (leading
    /// zeros included), computing its check digit: 907472 gives 9074729.
    ///
    /// This is how a generator or a registry import makes a valid number
    /// without knowing the check digit. Values above 999999 are
    /// [`IdentError::ImoFormat`]; 0 would make "0000000" and is
    /// [`IdentError::ImoNotAvailable`].
    ///
    /// ```
    /// use interdict_ident::ImoNumber;
    ///
    /// assert_eq!(ImoNumber::from_six_digits(907_472)?.as_str(), "9074729");
    /// # Ok::<(), interdict_ident::IdentError>(())
    /// ```
    pub fn from_six_digits(first_six: u32) -> Result<Self, IdentError> {
        if first_six > 999_999 {
            return Err(IdentError::ImoFormat);
        }
        if first_six == 0 {
            return Err(IdentError::ImoNotAvailable);
        }
        let mut digits = [b'0'; 7];
        let mut rest = first_six;
        for slot in digits[..6].iter_mut().rev() {
            // A remainder below 10, so the cast is lossless.
            *slot = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        digits[6] = b'0' + Self::check_digit_for(&digits[..6]);
        Ok(Self { digits })
    }

    /// The IMO check digit for six leading digits given as ASCII.
    ///
    /// Callers pass exactly six ASCII digits.
    fn check_digit_for(first_six: &[u8]) -> u8 {
        let weighted_sum: u32 = first_six
            .iter()
            .zip((2..=7u32).rev())
            .map(|(digit, weight)| u32::from(digit.wrapping_sub(b'0')) * weight)
            .sum();
        // The remainder is below 10, so the cast is lossless.
        (weighted_sum % 10) as u8
    }

    /// The canonical form: seven digits, no prefix.
    pub fn as_str(&self) -> &str {
        ascii_str(&self.digits)
    }

    /// The number as an integer, e.g. 9074729.
    pub fn value(&self) -> u32 {
        digits_value(&self.digits)
    }
}

impl_text_conversions!(ImoNumber);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_known_valid_numbers() {
        // Check digits computed by hand: 9*7+0*6+7*5+4*4+7*3+2*2 = 139 -> 9,
        // 9*7+1*6+7*5+6*4+1*3+8*2 = 147 -> 7, 9*7+3*6+2*5+1*4+4*3+8*2 = 123 -> 3.
        for digits in ["9074729", "9176187", "9321483"] {
            let imo = ImoNumber::parse(digits).unwrap();
            assert_eq!(imo.as_str(), digits);
            assert_eq!(imo.to_string(), digits);
            assert_eq!(imo.value().to_string(), digits);
        }
    }

    #[test]
    fn accepts_prefix_in_any_case_with_or_without_space() {
        for input in [
            "IMO 9074729",
            "IMO9074729",
            "imo 9074729",
            "Imo9074729",
            "  IMO   9074729 \n",
            "9074729",
            "\t9074729 ",
        ] {
            assert_eq!(
                ImoNumber::parse(input).unwrap().as_str(),
                "9074729",
                "{input:?}"
            );
        }
    }

    #[test]
    fn rejects_wrong_check_digit_saying_which_is_expected() {
        let error = ImoNumber::parse("9074723").unwrap_err();
        assert_eq!(
            error,
            IdentError::ImoCheckDigit {
                found: 3,
                expected: 9
            }
        );
        assert_eq!(error.to_string(), "imo number check digit is 3, expected 9");
        assert_eq!(error.code(), "invalid_imo");
    }

    #[test]
    fn rejects_malformed_input() {
        for input in [
            "",
            "   ",
            "IMO",
            "IMO ",
            "907472",
            "90747290",
            "907472a",
            "9O74729",
            "+907472",
            "９０７４７２９",
            "IMO-9074729",
            "MMSI 9074729",
            "9074729 IMO",
            "907 4729",
            "💥💥💥💥💥💥💥",
            "İMO9074729",
        ] {
            assert_eq!(
                ImoNumber::parse(input),
                Err(IdentError::ImoFormat),
                "{input:?}"
            );
        }
        let very_long = "9".repeat(100_000);
        assert_eq!(ImoNumber::parse(&very_long), Err(IdentError::ImoFormat));
    }

    #[test]
    fn rejects_not_available_placeholder() {
        assert_eq!(
            ImoNumber::parse("0000000"),
            Err(IdentError::ImoNotAvailable)
        );
        assert_eq!(ImoNumber::from_value(0), Err(IdentError::ImoNotAvailable));
    }

    #[test]
    fn from_value_pads_and_checks() {
        assert_eq!(
            ImoNumber::from_value(9_074_729).unwrap().as_str(),
            "9074729"
        );
        // 0000019: 1*2 = 2, so the check digit must be 2, not 9.
        assert_eq!(
            ImoNumber::from_value(19),
            Err(IdentError::ImoCheckDigit {
                found: 9,
                expected: 2
            })
        );
        assert_eq!(
            ImoNumber::from_value(10_000_000),
            Err(IdentError::ImoFormat)
        );
    }

    #[test]
    fn from_six_digits_computes_the_check_digit() {
        // The real IMO number 9074729 and the hand-checked ones above.
        for (first_six, expected) in [
            (907_472, "9074729"),
            (917_618, "9176187"),
            (932_148, "9321483"),
            (1, "0000012"),
        ] {
            let imo = ImoNumber::from_six_digits(first_six).unwrap();
            assert_eq!(imo.as_str(), expected);
            assert_eq!(ImoNumber::parse(expected).unwrap(), imo);
        }
    }

    #[test]
    fn from_six_digits_rejects_zero_and_more_than_six_digits() {
        assert_eq!(
            ImoNumber::from_six_digits(0),
            Err(IdentError::ImoNotAvailable)
        );
        assert_eq!(
            ImoNumber::from_six_digits(1_000_000),
            Err(IdentError::ImoFormat)
        );
        assert!(ImoNumber::from_six_digits(999_999).is_ok());
    }

    #[test]
    fn orders_numerically() {
        let smaller = ImoNumber::parse("9074729").unwrap();
        let larger = ImoNumber::parse("9176187").unwrap();
        assert!(smaller < larger);
    }

    #[test]
    fn debug_shows_the_digits() {
        let imo = ImoNumber::parse("9074729").unwrap();
        assert_eq!(format!("{imo:?}"), "ImoNumber(\"9074729\")");
    }

    #[test]
    fn serde_round_trips_as_canonical_string() {
        let imo = ImoNumber::parse("IMO 9074729").unwrap();
        let json = serde_json::to_string(&imo).unwrap();
        assert_eq!(json, "\"9074729\"");
        assert_eq!(serde_json::from_str::<ImoNumber>(&json).unwrap(), imo);
        assert_eq!(
            serde_json::from_str::<ImoNumber>("\"IMO 9074729\"").unwrap(),
            imo
        );
    }

    #[test]
    fn deserializing_invalid_value_fails_with_the_message() {
        let error = serde_json::from_str::<ImoNumber>("\"9074723\"").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("imo number check digit is 3, expected 9"),
            "{error}"
        );
        assert!(serde_json::from_str::<ImoNumber>("9074729").is_err());
    }

    proptest! {
        #[test]
        fn accepts_exactly_the_computed_check_digit(prefix in 1u32..1_000_000) {
            let first_six = format!("{prefix:06}");
            let weighted_sum: u32 = first_six
                .bytes()
                .zip([7, 6, 5, 4, 3, 2])
                .map(|(digit, weight)| u32::from(digit - b'0') * weight)
                .sum();
            let expected = weighted_sum % 10;
            for candidate in 0..10u32 {
                let input = format!("{first_six}{candidate}");
                let result = ImoNumber::parse(&input);
                if candidate == expected {
                    prop_assert_eq!(result.unwrap().value(), prefix * 10 + candidate);
                } else {
                    prop_assert_eq!(
                        result,
                        Err(IdentError::ImoCheckDigit {
                            found: candidate as u8,
                            expected: expected as u8,
                        })
                    );
                }
            }
        }

        #[test]
        fn from_six_digits_agrees_with_parse(first_six in 1u32..1_000_000) {
            let imo = ImoNumber::from_six_digits(first_six).unwrap();
            prop_assert_eq!(imo.value() / 10, first_six);
            prop_assert_eq!(ImoNumber::parse(imo.as_str()), Ok(imo));
        }

        #[test]
        fn never_panics_on_arbitrary_input(input in ".{0,40}") {
            let _ = ImoNumber::parse(&input);
        }
    }
}
