//! E.164 international telephone numbers.

use serde::{Deserialize, Serialize};

use crate::text::impl_text_conversions;
use crate::IdentError;

/// An international telephone number in E.164 form: '+', a country calling
/// code assigned by the ITU, and the national number, 8 to 15 digits in all.
///
/// Input may contain spaces, hyphens, dots and parentheses as commonly
/// written ("+82 10-1234-5678", "+66 (2) 123 4567"); these are removed. A
/// parenthesised "(0)", the trunk prefix dialled only inside the country
/// ("+44 (0)20 7946 0000"), is dropped entirely. The canonical form is '+'
/// followed by the digits ("+821012345678").
///
/// The country calling code must be one of the codes the ITU has assigned,
/// including the non-geographic codes used by satellite and international
/// networks (+870 Inmarsat, +881 global mobile satellite systems such as
/// Iridium and Thuraya, +882 and +883 international networks).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber {
    /// Invariant: '+' then 8 to 15 ASCII digits, the first not 0, starting
    /// with an assigned country calling code.
    canonical: String,
    /// Number of digits (1 to 3) of the country calling code.
    calling_code_len: u8,
}

/// The most digits an E.164 number may have (ITU-T E.164, section 6).
const MAX_DIGITS: usize = 15;
/// The fewest digits accepted; shorter strings are not complete
/// international numbers.
const MIN_DIGITS: usize = 8;

impl PhoneNumber {
    /// Parses an international number written with a leading '+'.
    pub fn parse(input: &str) -> Result<Self, IdentError> {
        let without_trunk_prefix = input.replace("(0)", "");
        let mut canonical = String::with_capacity(MAX_DIGITS + 1);
        for character in without_trunk_prefix.chars() {
            if character.is_whitespace() || matches!(character, '-' | '.' | '(' | ')') {
                continue;
            }
            let is_leading_plus = character == '+' && canonical.is_empty();
            if !(is_leading_plus || character.is_ascii_digit()) || canonical.len() > MAX_DIGITS {
                return Err(IdentError::PhoneFormat);
            }
            canonical.push(character);
        }
        let digits = canonical.strip_prefix('+').ok_or(IdentError::PhoneFormat)?;
        if !(MIN_DIGITS..=MAX_DIGITS).contains(&digits.len()) || digits.starts_with('0') {
            return Err(IdentError::PhoneFormat);
        }
        let calling_code_len =
            calling_code_len(digits).ok_or(IdentError::PhoneCountryCallingCode)?;
        Ok(Self {
            canonical,
            calling_code_len,
        })
    }

    /// The canonical form: '+' followed by the digits.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// The country calling code, e.g. 82 for the Republic of Korea or 1 for
    /// the North American Numbering Plan.
    pub fn country_calling_code(&self) -> u16 {
        self.digits()
            .bytes()
            .take(usize::from(self.calling_code_len))
            .fold(0, |acc, digit| {
                acc * 10 + u16::from(digit.wrapping_sub(b'0'))
            })
    }

    /// The digits after the country calling code, e.g. "1012345678".
    pub fn national_number(&self) -> &str {
        self.digits()
            .get(usize::from(self.calling_code_len)..)
            .unwrap_or_default()
    }

    /// All digits, without the '+'.
    fn digits(&self) -> &str {
        self.canonical.get(1..).unwrap_or_default()
    }
}

impl_text_conversions!(PhoneNumber);

/// The length of the assigned country calling code that `digits` starts
/// with, if any. Calling codes form a prefix-free set, so at most one length
/// matches.
fn calling_code_len(digits: &str) -> Option<u8> {
    (1..=3u8).find(|&len| {
        digits
            .get(..usize::from(len))
            .and_then(|prefix| prefix.parse::<u16>().ok())
            .is_some_and(|code| ASSIGNED_CALLING_CODES.binary_search(&code).is_ok())
    })
}

/// Country calling codes assigned by the ITU (ITU-T E.164 and its list of
/// assigned codes), in ascending order, including non-geographic codes for
/// global services. Spare and withdrawn codes are absent.
const ASSIGNED_CALLING_CODES: &[u16] = &[
    1, 7, //
    20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, //
    51, 52, 53, 54, 55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66, //
    81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98, //
    211, 212, 213, 216, 218, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, //
    230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248,
    249, 250, 251, 252, 253, 254, 255, 256, 257, 258, 260, 261, 262, 263, 264, 265, 266, 267, 268,
    269, 290, 291, 297, 298, 299, //
    350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 370, 371, 372, 373, 374, 375, 376, 377, 378,
    379, 380, 381, 382, 383, 385, 386, 387, 389, //
    420, 421, 423, //
    500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 590, 591, 592, 593, 594, 595, 596, 597, 598,
    599, //
    670, 672, 673, 674, 675, 676, 677, 678, 679, 680, 681, 682, 683, 685, 686, 687, 688, 689, 690,
    691, 692, //
    800, 808, 850, 852, 853, 855, 856, 870, 878, 880, 881, 882, 883, 886, 888, //
    960, 961, 962, 963, 964, 965, 966, 967, 968, 970, 971, 972, 973, 974, 975, 976, 977, 979, 992,
    993, 994, 995, 996, 998,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calling_code_table_is_sorted_and_prefix_free() {
        assert!(ASSIGNED_CALLING_CODES
            .windows(2)
            .all(|pair| pair[0] < pair[1]));
        for &code in ASSIGNED_CALLING_CODES {
            let text = code.to_string();
            for len in 1..text.len() {
                let prefix: u16 = text[..len].parse().unwrap();
                assert!(
                    ASSIGNED_CALLING_CODES.binary_search(&prefix).is_err(),
                    "{prefix} is a prefix of {code}"
                );
            }
        }
    }

    #[test]
    fn accepts_written_forms_and_canonicalises() {
        for (input, canonical, calling_code, national) in [
            ("+82 10-1234-5678", "+821012345678", 82, "1012345678"),
            ("+66 (2) 123 4567", "+6621234567", 66, "21234567"),
            ("+1 (202) 555-0143", "+12025550143", 1, "2025550143"),
            ("+44 (0)20 7946 0000", "+442079460000", 44, "2079460000"),
            ("+855 12.345.678", "+85512345678", 855, "12345678"),
            (
                "+63\u{a0}917\u{a0}123\u{a0}4567",
                "+639171234567",
                63,
                "9171234567",
            ),
            ("+8816 3123 4567", "+881631234567", 881, "631234567"),
            (" +7 495 123-45-67 ", "+74951234567", 7, "4951234567"),
            ("+57 300 123 4567", "+573001234567", 57, "3001234567"),
        ] {
            let phone = PhoneNumber::parse(input).unwrap();
            assert_eq!(phone.as_str(), canonical, "{input:?}");
            assert_eq!(phone.to_string(), canonical);
            assert_eq!(phone.country_calling_code(), calling_code, "{input:?}");
            assert_eq!(phone.national_number(), national, "{input:?}");
        }
    }

    #[test]
    fn accepts_fifteen_digits_and_eight_digits() {
        assert!(PhoneNumber::parse("+821234567890123").is_ok());
        assert!(PhoneNumber::parse("+6612345678").is_ok());
        assert!(PhoneNumber::parse("+68512345").is_ok());
    }

    #[test]
    fn rejects_malformed_input() {
        for input in [
            "",
            "+",
            "   ",
            "821012345678",
            "00821012345678",
            "+0821012345678",
            "+82 10 1234 567a",
            "+82+1012345678",
            "++821012345678",
            "+82 10/1234/5678",
            "+8210123",
            "+8212345678901234",
            "+82 １０ 1234 5678",
            "tel:+821012345678",
            "+82 10 1234 5678 ext. 12",
            "☎️ +82 10 1234 5678",
        ] {
            assert_eq!(
                PhoneNumber::parse(input),
                Err(IdentError::PhoneFormat),
                "{input:?}"
            );
        }
        let very_long = format!("+82{}", "1".repeat(1 << 20));
        assert_eq!(PhoneNumber::parse(&very_long), Err(IdentError::PhoneFormat));
    }

    #[test]
    fn rejects_unassigned_country_calling_codes() {
        for input in [
            "+2101234567",   // 210 is spare
            "+2591234567",   // 259 is spare
            "+281234567890", // 28x is spare
            "+4241234567",   // 424 is spare
            "+6711234567",   // 671 was Guam, now +1 671
            "+8011234567",   // 801 is spare
            "+9991234567",   // 999 is reserved
        ] {
            assert_eq!(
                PhoneNumber::parse(input),
                Err(IdentError::PhoneCountryCallingCode),
                "{input:?}"
            );
        }
        assert_eq!(
            PhoneNumber::parse("+2101234567").unwrap_err().to_string(),
            "phone number starts with no assigned country calling code"
        );
    }

    #[test]
    fn error_messages_do_not_echo_the_number() {
        let error = PhoneNumber::parse("+82 10 1234 567x").unwrap_err();
        assert!(!error.to_string().contains("1234"));
        assert_eq!(error.code(), "invalid_phone_number");
    }

    #[test]
    fn serde_round_trips_as_canonical_string() {
        let phone = PhoneNumber::parse("+82 10-1234-5678").unwrap();
        let json = serde_json::to_string(&phone).unwrap();
        assert_eq!(json, "\"+821012345678\"");
        let decoded: PhoneNumber = serde_json::from_str(&json).unwrap();
        assert_eq!(decoded, phone);
        assert_eq!(decoded.country_calling_code(), 82);
    }

    #[test]
    fn deserializing_invalid_value_fails_with_the_message() {
        let error = serde_json::from_str::<PhoneNumber>("\"+2101234567\"").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("phone number starts with no assigned country calling code"),
            "{error}"
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_canonical_form_reparses(input in "[+0-9 ()\\-.]{0,25}") {
            if let Ok(phone) = PhoneNumber::parse(&input) {
                proptest::prop_assert_eq!(PhoneNumber::parse(phone.as_str()), Ok(phone.clone()));
            }
        }

        #[test]
        fn never_panics_on_arbitrary_input(input in ".{0,40}") {
            let _ = PhoneNumber::parse(&input);
        }
    }
}
