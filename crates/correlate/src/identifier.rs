//! Identifiers: normalisation per scheme, the stop list of placeholder values, and
//! the keys on which identifiers are indexed.

use interdict_ident::{
    ContainerNumber, CountryCode, EmailAddress, IdentError, ImoNumber, Mmsi, PhoneNumber,
};
use serde::{Deserialize, Serialize};

use crate::text;

/// The kinds of identifier that are matched exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    /// IMO ship number (seven digits with a check digit).
    Imo,
    /// Maritime Mobile Service Identity (nine digits).
    Mmsi,
    /// Radio call sign.
    CallSign,
    /// ISO 6346 container number.
    Container,
    /// Passport number.
    Passport,
    /// Any other identity or travel document number.
    Document,
    /// Telephone number.
    Phone,
    /// E-mail address.
    Email,
    /// Bank account: IBAN or a local account number.
    BankAccount,
    /// Vehicle registration plate.
    Plate,
    /// Aircraft registration mark.
    Aircraft,
    /// Parcel tracking number.
    Parcel,
    /// Company registration number.
    Registration,
}

impl Scheme {
    /// Every scheme, in a fixed order.
    pub const ALL: [Scheme; 13] = [
        Scheme::Imo,
        Scheme::Mmsi,
        Scheme::CallSign,
        Scheme::Container,
        Scheme::Passport,
        Scheme::Document,
        Scheme::Phone,
        Scheme::Email,
        Scheme::BankAccount,
        Scheme::Plate,
        Scheme::Aircraft,
        Scheme::Parcel,
        Scheme::Registration,
    ];

    /// The stable name of the scheme (`imo`, `call_sign`, …).
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Imo => "imo",
            Scheme::Mmsi => "mmsi",
            Scheme::CallSign => "call_sign",
            Scheme::Container => "container",
            Scheme::Passport => "passport",
            Scheme::Document => "document",
            Scheme::Phone => "phone",
            Scheme::Email => "email",
            Scheme::BankAccount => "bank_account",
            Scheme::Plate => "plate",
            Scheme::Aircraft => "aircraft",
            Scheme::Parcel => "parcel",
            Scheme::Registration => "registration",
        }
    }

    /// The scheme of a stable name.
    pub fn parse(name: &str) -> Option<Scheme> {
        Scheme::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Position in [`Scheme::ALL`].
    pub fn index(self) -> usize {
        Scheme::ALL.iter().position(|&s| s == self).unwrap_or(0)
    }
}

/// A normalised identifier.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Identifier {
    /// The scheme.
    pub scheme: Scheme,
    /// The canonical value: `+821012345678`, `9074729`, `M12345678`, …
    pub value: String,
    /// The issuing or registering country, where known (alpha-2).
    pub country: Option<String>,
}

/// Why an identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    /// A checked identifier failed its check.
    #[error("{source}")]
    Invalid {
        /// The scheme name.
        scheme: &'static str,
        /// The parser's reason.
        source: IdentError,
    },
    /// An IBAN whose check digits are wrong.
    #[error("iban check digits do not match (mod 97)")]
    IbanCheck,
    /// Nothing usable is left after normalisation.
    #[error("{0} has no letters or digits")]
    Empty(&'static str),
    /// Too few digits for a telephone number.
    #[error("phone number has fewer than 6 digits")]
    PhoneTooShort,
}

/// Placeholder words that are never identifiers, compared lower case without
/// punctuation.
const PLACEHOLDERS: &[&str] = &[
    "unknown",
    "unk",
    "na",
    "nil",
    "none",
    "null",
    "nan",
    "notavailable",
    "notknown",
    "tba",
    "tbc",
    "tbd",
    "xxx",
    "void",
    "test",
    "same",
    "various",
    "n",
    "x",
    "missing",
    "blank",
    "notapplicable",
    "noneknown",
    "pending",
    "unavailable",
    "undefined",
    "empty",
    "dummy",
];

/// Values that are well-formed but stand for "no value" in practice.
const PLACEHOLDER_VALUES: &[(Scheme, &str)] = &[
    (Scheme::Mmsi, "000000000"),
    (Scheme::Mmsi, "111111111"),
    (Scheme::Mmsi, "123456789"),
    (Scheme::Mmsi, "987654321"),
    (Scheme::Mmsi, "999999999"),
    (Scheme::Imo, "1234567"),
    (Scheme::Imo, "0000000"),
    (Scheme::Imo, "9999999"),
];

/// Whether a normalised value is a placeholder: a placeholder word, one character
/// repeated (`000000000`, `XXXXXX`), a run of consecutive digits (`123456789`),
/// or a scheme-specific placeholder.
pub fn is_placeholder(scheme: Scheme, value: &str) -> bool {
    let plain: String = value
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    if plain.is_empty() || PLACEHOLDERS.contains(&plain.as_str()) {
        return true;
    }
    if PLACEHOLDER_VALUES
        .iter()
        .any(|(s, v)| *s == scheme && *v == plain)
    {
        return true;
    }
    let digits: Vec<u8> = plain.bytes().filter(u8::is_ascii_digit).collect();
    let is_number = digits.len() == plain.len();
    let mut chars = plain.chars();
    let first = chars.next();
    if plain.chars().count() >= 3 && chars.all(|c| Some(c) == first) {
        return true;
    }
    if is_number && digits.len() >= 5 {
        let ascending = digits
            .windows(2)
            .all(|w| (w[0] + 1 - b'0') % 10 == (w[1] - b'0') % 10);
        let descending = digits
            .windows(2)
            .all(|w| (w[1] + 1 - b'0') % 10 == (w[0] - b'0') % 10);
        if ascending || descending {
            return true;
        }
    }
    if scheme == Scheme::Email {
        if let Some((local, domain)) = value.split_once('@') {
            let local = local.to_ascii_lowercase();
            if matches!(
                local.as_str(),
                "noreply"
                    | "no-reply"
                    | "donotreply"
                    | "do-not-reply"
                    | "none"
                    | "unknown"
                    | "test"
            ) || domain.starts_with("example.")
            {
                return true;
            }
        }
    }
    false
}

/// Upper case, letters and digits only (spaces, hyphens, dots and slashes
/// removed), so that `ab-12 3` and `AB123` compare equal.
pub fn code(raw: &str) -> String {
    text::nfkc_lower(raw)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Normalises a country written as an ISO code (alpha-2 or alpha-3), an English
/// or Korean short name, or a common adjective of nationality, to its alpha-2
/// code; other text is returned normalised.
pub fn country(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return None;
    }
    if let Ok(code) = CountryCode::parse(trimmed) {
        return Some(code.as_str().to_owned());
    }
    let wanted = text::normal_text(trimmed);
    if wanted.is_empty() || is_placeholder(Scheme::Document, &wanted) {
        return None;
    }
    let alias = match wanted.as_str() {
        "korea" | "south korea" | "korean" | "republic of korea" | "rok" | "한국" => Some("KR"),
        "north korea" | "dprk" => Some("KP"),
        "thai" | "thailand" | "ไทย" | "ประเทศไทย" => Some("TH"),
        "chinese" | "china" | "prc" | "중국" => Some("CN"),
        "japanese" | "japan" | "일본" => Some("JP"),
        "american" | "united states" | "us" | "usa" | "america" | "미국" => Some("US"),
        "russian" | "russia" | "러시아" => Some("RU"),
        "vietnamese" | "vietnam" | "viet nam" => Some("VN"),
        "filipino" | "philippines" => Some("PH"),
        "british" | "united kingdom" | "uk" | "great britain" => Some("GB"),
        "german" | "germany" => Some("DE"),
        "canadian" | "canada" => Some("CA"),
        "hong kong" => Some("HK"),
        "taiwan" => Some("TW"),
        _ => None,
    };
    if let Some(a) = alias {
        return Some(a.to_owned());
    }
    for code in CountryCode::all() {
        let name = text::normal_text(code.name());
        let short = name.split(" of ").next().unwrap_or(&name).trim().to_owned();
        if name == wanted
            || short == wanted
            || code
                .name_ko()
                .is_some_and(|k| text::normal_text(k) == wanted)
        {
            return Some(code.as_str().to_owned());
        }
    }
    Some(wanted)
}

/// Normalises an identifier of a scheme. Returns `Ok(None)` for placeholder values
/// (`UNKNOWN`, `N/A`, MMSI `000000000`, …), which never correlate.
pub fn normalise(
    scheme: Scheme,
    raw: &str,
    country_raw: Option<&str>,
) -> Result<Option<Identifier>, IdentifierError> {
    let trimmed = raw.trim();
    let plain = code(trimmed);
    if plain.is_empty() || is_placeholder(scheme, &plain) {
        return Ok(None);
    }
    let invalid = |source| IdentifierError::Invalid {
        scheme: scheme.name(),
        source,
    };
    let country = country_raw.and_then(country);
    let value = match scheme {
        Scheme::Imo => ImoNumber::parse(&plain)
            .or_else(|_| ImoNumber::parse(trimmed))
            .map_err(invalid)?
            .as_str()
            .to_owned(),
        Scheme::Mmsi => Mmsi::parse(&plain).map_err(invalid)?.as_str().to_owned(),
        Scheme::Container => ContainerNumber::parse(trimmed)
            .map_err(invalid)?
            .as_str()
            .to_owned(),
        Scheme::Email => {
            // `"Jay Jones" <jay@example.org>`: the address is between the brackets.
            let address = match (trimmed.rfind('<'), trimmed.rfind('>')) {
                (Some(open), Some(close)) if open < close => &trimmed[open + 1..close],
                _ => trimmed,
            };
            let parsed = EmailAddress::parse(address.trim()).map_err(invalid)?;
            parsed.as_str().to_lowercase()
        }
        Scheme::Phone => phone(trimmed)?,
        Scheme::BankAccount => bank_account(&plain)?,
        _ => plain,
    };
    if is_placeholder(scheme, &value) {
        return Ok(None);
    }
    Ok(Some(Identifier {
        scheme,
        value,
        country,
    }))
}

/// Normalises a telephone number: E.164 (`+821012345678`) when written with `+`
/// or `00` and a valid country calling code, otherwise the national digits
/// without trunk zeros (`01012345678` → `1012345678`).
fn phone(raw: &str) -> Result<String, IdentifierError> {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let international = raw.trim_start().starts_with('+') || digits.starts_with("00");
    if international {
        let candidate = format!("+{}", digits.trim_start_matches('0'));
        if let Ok(p) = PhoneNumber::parse(&candidate) {
            return Ok(p.as_str().to_owned());
        }
    }
    let national = digits.trim_start_matches('0');
    if national.len() < 6 {
        return Err(IdentifierError::PhoneTooShort);
    }
    Ok(national.to_owned())
}

/// Normalises a bank account: an IBAN is checked (ISO 13616, mod 97) and kept
/// whole; a local account number keeps its letters and digits.
fn bank_account(plain: &str) -> Result<String, IdentifierError> {
    let bytes = plain.as_bytes();
    let looks_like_iban = bytes.len() >= 15
        && bytes.len() <= 34
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2..4].iter().all(u8::is_ascii_digit)
        && bytes.iter().all(u8::is_ascii_alphanumeric);
    if looks_like_iban {
        if iban_mod97(plain) != 1 {
            return Err(IdentifierError::IbanCheck);
        }
        return Ok(plain.to_owned());
    }
    if plain.is_empty() {
        return Err(IdentifierError::Empty("bank_account"));
    }
    Ok(plain.to_owned())
}

/// The IBAN check: the first four characters moved to the end, letters as 10..35,
/// the number taken modulo 97 (1 for a valid IBAN).
pub fn iban_mod97(iban: &str) -> u32 {
    let rearranged = iban.bytes().skip(4).chain(iban.bytes().take(4));
    let mut remainder: u32 = 0;
    for b in rearranged {
        let value = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            b'a'..=b'z' => u32::from(b - b'a') + 10,
            _ => return 0,
        };
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    remainder
}

/// How two values of the same scheme agree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Agreement {
    /// Different values (or the same number from different countries).
    Different,
    /// One is the tail of the other: a phone number with and without its country
    /// and area code, a local account number inside an IBAN.
    Tail,
    /// The same value.
    Same,
}

/// The fewest trailing characters two numbers must share to agree as tails.
pub const TAIL_LEN: usize = 7;

/// Compares two identifiers of one scheme.
pub fn agreement(a: &Identifier, b: &Identifier) -> Agreement {
    if let (Some(ca), Some(cb)) = (&a.country, &b.country) {
        if ca != cb
            && matches!(
                a.scheme,
                Scheme::Passport | Scheme::Document | Scheme::Plate
            )
        {
            return Agreement::Different;
        }
    }
    if a.value == b.value {
        return Agreement::Same;
    }
    if matches!(a.scheme, Scheme::Phone | Scheme::BankAccount) {
        let da = a.value.trim_start_matches('+');
        let db = b.value.trim_start_matches('+');
        let (short, long) = if da.len() <= db.len() {
            (da, db)
        } else {
            (db, da)
        };
        if short.len() >= TAIL_LEN && long.ends_with(short) {
            return Agreement::Tail;
        }
    }
    Agreement::Different
}

/// The value under which an identifier is indexed: the value itself, or for
/// phones and bank accounts its last [`TAIL_LEN`] characters, so that tails meet.
pub fn index_value(id: &Identifier) -> &str {
    match id.scheme {
        Scheme::Phone | Scheme::BankAccount if id.value.len() > TAIL_LEN => {
            let start = id.value.len() - TAIL_LEN;
            id.value.get(start..).unwrap_or(&id.value)
        }
        _ => &id.value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(scheme: Scheme, raw: &str) -> Option<String> {
        normalise(scheme, raw, None).unwrap().map(|i| i.value)
    }

    #[test]
    fn schemes_normalise() {
        assert_eq!(norm(Scheme::Imo, "IMO 9074729").as_deref(), Some("9074729"));
        assert_eq!(
            norm(Scheme::Mmsi, "440 123 450").as_deref(),
            Some("440123450")
        );
        assert_eq!(norm(Scheme::CallSign, "d7-ab c").as_deref(), Some("D7ABC"));
        assert_eq!(
            norm(Scheme::Container, "csqu 305438-3").as_deref(),
            Some("CSQU3054383")
        );
        assert_eq!(
            norm(Scheme::Passport, "m 1234-5678").as_deref(),
            Some("M12345678")
        );
        assert_eq!(
            norm(Scheme::Plate, "12가 3456").as_deref(),
            Some("12가3456")
        );
        assert_eq!(
            norm(Scheme::Phone, "+82 10-1234-5678").as_deref(),
            Some("+821012345678")
        );
        assert_eq!(
            norm(Scheme::Phone, "0082 10 1234 5678").as_deref(),
            Some("+821012345678")
        );
        assert_eq!(
            norm(Scheme::Phone, "010-1234-5678").as_deref(),
            Some("1012345678")
        );
        assert_eq!(
            norm(Scheme::Email, "\"Jay Jones\" <JJones@Jones.COM>").as_deref(),
            Some("jjones@jones.com")
        );
        assert_eq!(
            norm(Scheme::BankAccount, "GB82 WEST 1234 5698 7654 32").as_deref(),
            Some("GB82WEST12345698765432")
        );
        assert_eq!(
            norm(Scheme::BankAccount, "110-123-456789").as_deref(),
            Some("110123456789")
        );
    }

    #[test]
    fn checked_schemes_refuse_bad_values() {
        assert!(matches!(
            normalise(Scheme::Imo, "9074728", None),
            Err(IdentifierError::Invalid { scheme: "imo", .. })
        ));
        assert_eq!(
            normalise(Scheme::BankAccount, "GB83 WEST 1234 5698 7654 32", None),
            Err(IdentifierError::IbanCheck)
        );
        assert_eq!(
            normalise(Scheme::Phone, "12-34", None),
            Err(IdentifierError::PhoneTooShort)
        );
    }

    #[test]
    fn placeholders_never_become_identifiers() {
        for (scheme, raw) in [
            (Scheme::Mmsi, "000000000"),
            (Scheme::Mmsi, "123456789"),
            (Scheme::Passport, "UNKNOWN"),
            (Scheme::Passport, "N/A"),
            (Scheme::Document, "n.a."),
            (Scheme::Phone, "000-0000-0000"),
            (Scheme::Phone, "1234567890"),
            (Scheme::CallSign, "XXXX"),
            (Scheme::Email, "noreply@shipping.example"),
            (Scheme::Email, "someone@example.com"),
            (Scheme::Imo, "IMO 1234567"),
            (Scheme::Plate, "-"),
        ] {
            assert_eq!(normalise(scheme, raw, None), Ok(None), "{raw}");
        }
    }

    #[test]
    fn iban_check() {
        assert_eq!(iban_mod97("GB82WEST12345698765432"), 1);
        assert_eq!(iban_mod97("DE89370400440532013000"), 1);
        assert_ne!(iban_mod97("GB00WEST12345698765432"), 1);
    }

    #[test]
    fn tails_agree() {
        let id = |s: &str| normalise(Scheme::Phone, s, None).unwrap().unwrap();
        assert_eq!(
            agreement(&id("+39 0352 6553537"), &id("0352 6553537")),
            Agreement::Tail
        );
        assert_eq!(
            agreement(&id("702-221-2412"), &id("221-2412")),
            Agreement::Tail
        );
        assert_eq!(
            agreement(&id("+82 10 1234 5678"), &id("+82 10 1234 5679")),
            Agreement::Different
        );
        assert_eq!(
            index_value(&id("+39 0352 6553537")),
            index_value(&id("0352 6553537"))
        );
    }

    #[test]
    fn passports_from_different_countries_differ() {
        let a = normalise(Scheme::Passport, "10251111", Some("US"))
            .unwrap()
            .unwrap();
        let b = normalise(Scheme::Passport, "10251111", Some("USA"))
            .unwrap()
            .unwrap();
        let c = normalise(Scheme::Passport, "10251111", Some("DE"))
            .unwrap()
            .unwrap();
        assert_eq!(agreement(&a, &b), Agreement::Same);
        assert_eq!(agreement(&a, &c), Agreement::Different);
    }

    #[test]
    fn countries_from_names() {
        assert_eq!(country("Germany").as_deref(), Some("DE"));
        assert_eq!(country("KOR").as_deref(), Some("KR"));
        assert_eq!(country("Korea").as_deref(), Some("KR"));
        assert_eq!(country("Canada").as_deref(), Some("CA"));
        assert_eq!(country("Hong Kong").as_deref(), Some("HK"));
    }
}
