//! ISO 6346 freight container numbers.

use serde::{Deserialize, Serialize};

use crate::text::{ascii_str, impl_text_conversions};
use crate::IdentError;

/// An ISO 6346 container number: a three-letter owner code, a category
/// identifier (U, J or Z), a six-digit serial number and a check digit.
///
/// Input may use lowercase and contain spaces and hyphens, as printed on
/// containers and bills of lading ("CSQU 305438-3"); the canonical form is
/// eleven uppercase characters without separators ("CSQU3054383").
///
/// The check digit weights the value of each of the first ten characters by
/// 2 to the power of its position (0 to 9), sums, takes the remainder modulo
/// 11 and then modulo 10 (a remainder of 10 becomes 0). Digits count as
/// themselves; letters count from A = 10 upwards, skipping multiples of 11
/// (so K = 21, L = 23, U = 32, V = 34).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ContainerNumber {
    /// Invariant: `[A-Z]{3}[UJZ][0-9]{7}` with a valid check digit.
    chars: [u8; 11],
}

/// The ISO 6346 equipment category identifier, the fourth character.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContainerCategory {
    /// `U`: a freight container.
    Freight,
    /// `J`: detachable freight container-related equipment.
    DetachableEquipment,
    /// `Z`: a trailer or chassis.
    TrailerOrChassis,
}

impl ContainerCategory {
    /// The category for an uppercase ASCII letter, if it is one.
    fn from_letter(letter: u8) -> Option<Self> {
        match letter {
            b'U' => Some(Self::Freight),
            b'J' => Some(Self::DetachableEquipment),
            b'Z' => Some(Self::TrailerOrChassis),
            _ => None,
        }
    }

    /// The identifier letter: 'U', 'J' or 'Z'.
    pub fn letter(self) -> char {
        match self {
            Self::Freight => 'U',
            Self::DetachableEquipment => 'J',
            Self::TrailerOrChassis => 'Z',
        }
    }
}

/// The ISO 6346 value of an uppercase ASCII letter or digit.
///
/// Letters run from A = 10 upwards, skipping 11, 22 and 33.
fn character_value(character: u8) -> u32 {
    if character.is_ascii_digit() {
        return u32::from(character - b'0');
    }
    let offset = u32::from(character.wrapping_sub(b'A'));
    // Counting from A = 10, the values 11 (after A), 22 (after K) and 33
    // (after U) are skipped.
    10 + offset + u32::from(offset >= 1) + u32::from(offset >= 11) + u32::from(offset >= 21)
}

/// The ISO 6346 check digit of the first ten canonical characters.
fn check_digit_for(first_ten: &[u8]) -> u8 {
    let weighted_sum: u32 = first_ten
        .iter()
        .enumerate()
        .map(|(position, &character)| character_value(character) << position)
        .sum();
    // The remainder is below 10, so the cast is lossless.
    (weighted_sum % 11 % 10) as u8
}

impl ContainerNumber {
    /// Parses a container number, ignoring case, spaces and hyphens.
    pub fn parse(input: &str) -> Result<Self, IdentError> {
        let mut chars = [0u8; 11];
        let mut n_chars = 0;
        for character in input.chars().filter(|c| !c.is_whitespace() && *c != '-') {
            let slot = chars.get_mut(n_chars).ok_or(IdentError::ContainerFormat)?;
            if !character.is_ascii_alphanumeric() {
                return Err(IdentError::ContainerFormat);
            }
            // ASCII, so the narrowing is lossless.
            *slot = (character as u8).to_ascii_uppercase();
            n_chars += 1;
        }
        if n_chars != chars.len() {
            return Err(IdentError::ContainerFormat);
        }
        let (owner_and_category, serial_and_check) = chars.split_at(4);
        if !owner_and_category.iter().all(u8::is_ascii_uppercase)
            || !serial_and_check.iter().all(u8::is_ascii_digit)
        {
            return Err(IdentError::ContainerFormat);
        }
        if ContainerCategory::from_letter(chars[3]).is_none() {
            return Err(IdentError::ContainerCategory {
                found: char::from(chars[3]),
            });
        }
        let expected = check_digit_for(&chars[..10]);
        let found = chars[10] - b'0';
        if found != expected {
            return Err(IdentError::ContainerCheckDigit { found, expected });
        }
        Ok(Self { chars })
    }

    /// Builds the container number of an owner code, a category and a serial
    /// number, computing its check digit: "CSQ", [`ContainerCategory::Freight`]
    /// and 305438 give CSQU3054383.
    ///
    /// The owner code is three ASCII letters in any case; the serial number is
    /// at most 999999 and is written with leading zeros. Anything else is
    /// [`IdentError::ContainerFormat`].
    ///
    /// ```
    /// use interdict_ident::{ContainerCategory, ContainerNumber};
    ///
    /// let container = ContainerNumber::from_parts("CSQ", ContainerCategory::Freight, 305_438)?;
    /// assert_eq!(container.as_str(), "CSQU3054383");
    /// # Ok::<(), interdict_ident::IdentError>(())
    /// ```
    pub fn from_parts(
        owner_code: &str,
        category: ContainerCategory,
        serial_number: u32,
    ) -> Result<Self, IdentError> {
        let owner: [u8; 3] = owner_code
            .as_bytes()
            .try_into()
            .map_err(|_| IdentError::ContainerFormat)?;
        if !owner.iter().all(u8::is_ascii_alphabetic) || serial_number > 999_999 {
            return Err(IdentError::ContainerFormat);
        }
        let mut chars = [b'0'; 11];
        for (slot, letter) in chars.iter_mut().zip(owner) {
            *slot = letter.to_ascii_uppercase();
        }
        // The category letters are ASCII, so the narrowing is lossless.
        chars[3] = category.letter() as u8;
        let mut rest = serial_number;
        for slot in chars[4..10].iter_mut().rev() {
            // A remainder below 10, so the cast is lossless.
            *slot = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        chars[10] = b'0' + check_digit_for(&chars[..10]);
        Ok(Self { chars })
    }

    /// The canonical form: eleven characters, uppercase, no separators.
    pub fn as_str(&self) -> &str {
        ascii_str(&self.chars)
    }

    /// The three-letter owner code registered with the BIC, e.g. "CSQ".
    pub fn owner_code(&self) -> &str {
        ascii_str(&self.chars[..3])
    }

    /// The equipment category identifier.
    pub fn category(&self) -> ContainerCategory {
        // Parsing guarantees a category; the fallback is unreachable.
        ContainerCategory::from_letter(self.chars[3]).unwrap_or(ContainerCategory::Freight)
    }

    /// The six-digit serial number, e.g. "305438".
    pub fn serial_number(&self) -> &str {
        ascii_str(&self.chars[4..10])
    }

    /// The check digit, 0 to 9.
    pub fn check_digit(&self) -> u8 {
        self.chars[10].wrapping_sub(b'0')
    }
}

impl_text_conversions!(ContainerNumber);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn letter_values_skip_multiples_of_eleven() {
        let expected: [(u8, u32); 26] = [
            (b'A', 10),
            (b'B', 12),
            (b'C', 13),
            (b'D', 14),
            (b'E', 15),
            (b'F', 16),
            (b'G', 17),
            (b'H', 18),
            (b'I', 19),
            (b'J', 20),
            (b'K', 21),
            (b'L', 23),
            (b'M', 24),
            (b'N', 25),
            (b'O', 26),
            (b'P', 27),
            (b'Q', 28),
            (b'R', 29),
            (b'S', 30),
            (b'T', 31),
            (b'U', 32),
            (b'V', 34),
            (b'W', 35),
            (b'X', 36),
            (b'Y', 37),
            (b'Z', 38),
        ];
        for (letter, value) in expected {
            assert_eq!(character_value(letter), value, "{}", char::from(letter));
        }
        for digit in 0..10u8 {
            assert_eq!(character_value(b'0' + digit), u32::from(digit));
        }
    }

    #[test]
    fn accepts_known_valid_numbers() {
        // CSQU3054383, the ISO 6346 example, by hand:
        // C13*1 + S30*2 + Q28*4 + U32*8 + 3*16 + 0*32 + 5*64 + 4*128 + 3*256
        // + 8*512 = 6185, and 6185 mod 11 = 3.
        for number in [
            "CSQU3054383",
            "MSKU9070323",
            "MSCU1234566",
            "HLXU8129450",
            "APZU4812090",
            "TCNU1234565",
            "MAEU1234567",
        ] {
            let container = ContainerNumber::parse(number).unwrap();
            assert_eq!(container.as_str(), number);
            assert_eq!(container.to_string(), number);
        }
    }

    #[test]
    fn remainder_ten_maps_to_check_digit_zero() {
        // Find a serial under CSQU whose weighted sum leaves remainder 10.
        let prefix = (0..1_000_000u32)
            .map(|serial| format!("CSQU{serial:06}"))
            .find(|prefix| {
                let sum: u32 = prefix
                    .bytes()
                    .enumerate()
                    .map(|(position, c)| character_value(c) << position)
                    .sum();
                sum % 11 == 10
            })
            .unwrap();
        assert!(ContainerNumber::parse(&format!("{prefix}0")).is_ok());
    }

    #[test]
    fn accepts_separators_and_lowercase() {
        for input in [
            "CSQU 305438-3",
            "csqu3054383",
            "CSQU-305438-3",
            " CSQU 305438 3 ",
            "Csqu 3054383",
        ] {
            assert_eq!(
                ContainerNumber::parse(input).unwrap().as_str(),
                "CSQU3054383",
                "{input:?}"
            );
        }
    }

    #[test]
    fn exposes_parts() {
        let container = ContainerNumber::parse("CSQU 305438-3").unwrap();
        assert_eq!(container.owner_code(), "CSQ");
        assert_eq!(container.category(), ContainerCategory::Freight);
        assert_eq!(container.category().letter(), 'U');
        assert_eq!(container.serial_number(), "305438");
        assert_eq!(container.check_digit(), 3);
    }

    #[test]
    fn from_parts_computes_the_check_digit() {
        for (owner, category, serial, expected) in [
            ("CSQ", ContainerCategory::Freight, 305_438, "CSQU3054383"),
            ("csq", ContainerCategory::Freight, 305_438, "CSQU3054383"),
            ("MSK", ContainerCategory::Freight, 907_032, "MSKU9070323"),
            ("HLX", ContainerCategory::Freight, 812_945, "HLXU8129450"),
        ] {
            let container = ContainerNumber::from_parts(owner, category, serial).unwrap();
            assert_eq!(container.as_str(), expected);
            assert_eq!(ContainerNumber::parse(expected).unwrap(), container);
        }
        let chassis =
            ContainerNumber::from_parts("ABC", ContainerCategory::TrailerOrChassis, 7).unwrap();
        assert_eq!(chassis.serial_number(), "000007");
        assert_eq!(chassis.category(), ContainerCategory::TrailerOrChassis);
    }

    #[test]
    fn from_parts_rejects_bad_owner_codes_and_long_serials() {
        for owner in ["", "CS", "CSQU", "C5Q", "ÇSQ", "CS "] {
            assert_eq!(
                ContainerNumber::from_parts(owner, ContainerCategory::Freight, 1),
                Err(IdentError::ContainerFormat),
                "{owner:?}"
            );
        }
        assert_eq!(
            ContainerNumber::from_parts("CSQ", ContainerCategory::Freight, 1_000_000),
            Err(IdentError::ContainerFormat)
        );
    }

    #[test]
    fn wrong_check_digit_says_what_it_should_be() {
        let error = ContainerNumber::parse("CSQU3054384").unwrap_err();
        assert_eq!(
            error,
            IdentError::ContainerCheckDigit {
                found: 4,
                expected: 3
            }
        );
        assert_eq!(
            error.to_string(),
            "container number check digit is 4, expected 3"
        );
        assert_eq!(error.code(), "invalid_container_number");
    }

    #[test]
    fn rejects_unknown_category() {
        assert_eq!(
            ContainerNumber::parse("CSQX3054383"),
            Err(IdentError::ContainerCategory { found: 'X' })
        );
        assert_eq!(
            ContainerNumber::parse("csqa3054383")
                .unwrap_err()
                .to_string(),
            "container number category is A, expected U, J or Z"
        );
    }

    #[test]
    fn rejects_malformed_input() {
        for input in [
            "",
            "   ",
            "CSQU305438",
            "CSQU30543833",
            "CSQ3054383",
            "CS1U3054383",
            "CSQU30543A3",
            "CSQU305438X",
            "1234U305438",
            "CSQU_305438_3",
            "CSQU/305438/3",
            "ÇSQU3054383",
            "CSQU３０５４３８３",
            "🚢🚢🚢🚢🚢🚢🚢🚢🚢🚢🚢",
        ] {
            assert_eq!(
                ContainerNumber::parse(input),
                Err(IdentError::ContainerFormat),
                "{input:?}"
            );
        }
        let very_long = "CSQU3054383".repeat(10_000);
        assert_eq!(
            ContainerNumber::parse(&very_long),
            Err(IdentError::ContainerFormat)
        );
        assert_eq!(
            IdentError::ContainerFormat.to_string(),
            "container number must be 11 characters: 3-letter owner code, category U, J or Z, 6 digits and a check digit"
        );
    }

    #[test]
    fn serde_round_trips_as_canonical_string() {
        let container = ContainerNumber::parse("csqu 305438-3").unwrap();
        let json = serde_json::to_string(&container).unwrap();
        assert_eq!(json, "\"CSQU3054383\"");
        assert_eq!(
            serde_json::from_str::<ContainerNumber>(&json).unwrap(),
            container
        );
    }

    #[test]
    fn deserializing_invalid_value_fails_with_the_message() {
        let error = serde_json::from_str::<ContainerNumber>("\"CSQU3054384\"").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("container number check digit is 4, expected 3"),
            "{error}"
        );
    }

    proptest! {
        #[test]
        fn accepts_exactly_the_computed_check_digit(
            owner in "[A-Z]{3}",
            category in "[UJZ]",
            serial in 0u32..1_000_000,
        ) {
            let prefix = format!("{owner}{category}{serial:06}");
            // Independent reference: letter values from the skipping rule,
            // weights as powers of two.
            let letter_value = |letter: u8| {
                let mut value = 10;
                for _ in b'A'..letter {
                    value += 1;
                    if value % 11 == 0 {
                        value += 1;
                    }
                }
                value
            };
            let sum: u64 = prefix
                .bytes()
                .enumerate()
                .map(|(position, c)| {
                    let value = if c.is_ascii_digit() { u64::from(c - b'0') } else { letter_value(c) };
                    value * 2u64.pow(position as u32)
                })
                .sum();
            let expected = (sum % 11 % 10) as u8;
            for candidate in 0..10u8 {
                let result = ContainerNumber::parse(&format!("{prefix}{candidate}"));
                if candidate == expected {
                    let container = result.unwrap();
                    prop_assert_eq!(container.check_digit(), candidate);
                    prop_assert_eq!(container.owner_code(), owner.as_str());
                } else {
                    prop_assert_eq!(
                        result,
                        Err(IdentError::ContainerCheckDigit { found: candidate, expected })
                    );
                }
            }
        }

        #[test]
        fn from_parts_agrees_with_parse(owner in "[A-Za-z]{3}", serial in 0u32..1_000_000) {
            let container =
                ContainerNumber::from_parts(&owner, ContainerCategory::Freight, serial).unwrap();
            prop_assert_eq!(container.owner_code(), owner.to_ascii_uppercase());
            prop_assert_eq!(container.serial_number(), format!("{serial:06}"));
            prop_assert_eq!(ContainerNumber::parse(container.as_str()), Ok(container));
        }

        #[test]
        fn never_panics_on_arbitrary_input(input in ".{0,40}") {
            let _ = ContainerNumber::parse(&input);
        }
    }
}
