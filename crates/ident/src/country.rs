//! ISO 3166-1 country codes with UN M49 geographic regions.

use serde::{Deserialize, Serialize};

use crate::text::impl_text_conversions;
use crate::IdentError;

/// An officially assigned ISO 3166-1 country code, held as its alpha-2 form.
///
/// Input may be alpha-2 or alpha-3, in any case, with surrounding whitespace
/// ("kr", "KOR", " tha "); the canonical form is the uppercase alpha-2 code
/// ("KR"). All 249 officially assigned codes are known, each with its alpha-3
/// code, English short name and its place in the UN M49 geographic regions
/// (used for statistics by region of origin). User-assigned and reserved
/// codes such as "XK" or "EU" are rejected.
///
/// Ordering is alphabetical by alpha-2 code.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode {
    /// Invariant: an index into [`COUNTRIES`].
    idx: u8,
}

impl CountryCode {
    /// Parses an alpha-2 or alpha-3 code in any case.
    pub fn parse(input: &str) -> Result<Self, IdentError> {
        let trimmed = input.trim();
        if !(2..=3).contains(&trimmed.len()) || !trimmed.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(IdentError::CountryFormat);
        }
        let code = trimmed.to_ascii_uppercase();
        let found = if code.len() == 2 {
            COUNTRIES
                .binary_search_by(|country| country.alpha2.cmp(&code))
                .ok()
        } else {
            COUNTRIES.iter().position(|country| country.alpha3 == code)
        };
        found
            .and_then(|idx| u8::try_from(idx).ok())
            .map(|idx| Self { idx })
            .ok_or(IdentError::CountryUnassigned { code })
    }

    /// Every assigned country code, in alphabetical order of alpha-2 code.
    pub fn all() -> impl Iterator<Item = CountryCode> {
        (0..COUNTRIES.len())
            .filter_map(|idx| u8::try_from(idx).ok())
            .map(|idx| Self { idx })
    }

    /// The table row; the index is valid by construction.
    fn country(&self) -> &'static Country {
        COUNTRIES
            .get(usize::from(self.idx))
            .unwrap_or(&COUNTRIES[0])
    }

    /// The canonical form: the uppercase alpha-2 code, e.g. "KR".
    pub fn as_str(&self) -> &'static str {
        self.country().alpha2
    }

    /// The uppercase alpha-3 code, e.g. "KOR".
    pub fn alpha3(&self) -> &'static str {
        self.country().alpha3
    }

    /// The ISO 3166-1 English short name, e.g. "Korea, Republic of".
    pub fn name(&self) -> &'static str {
        self.country().name
    }

    /// The Korean display name, e.g. "대한민국", for the countries most
    /// relevant to partner agencies; `None` for the others.
    pub fn name_ko(&self) -> Option<&'static str> {
        self.country().name_ko
    }

    /// The UN M49 region: "Africa", "Americas", "Asia", "Europe" or
    /// "Oceania". `None` only for Antarctica, which M49 places in no region.
    pub fn region(&self) -> Option<&'static str> {
        self.country().place.region
    }

    /// The UN M49 sub-region, e.g. "South-eastern Asia", "Sub-Saharan
    /// Africa" or "Latin America and the Caribbean". `None` only for
    /// Antarctica.
    pub fn subregion(&self) -> Option<&'static str> {
        self.country().place.subregion
    }

    /// The UN M49 intermediate region, which M49 defines only within
    /// Sub-Saharan Africa ("Western Africa", …), Latin America and the
    /// Caribbean ("Caribbean", "Central America", "South America") and
    /// Northern Europe ("Channel Islands"); `None` elsewhere.
    pub fn intermediate_region(&self) -> Option<&'static str> {
        self.country().place.intermediate_region
    }
}

impl_text_conversions!(CountryCode);

/// A country's place in the UN M49 geographic regions.
struct Place {
    region: Option<&'static str>,
    subregion: Option<&'static str>,
    intermediate_region: Option<&'static str>,
}

/// One row of the ISO 3166-1 table.
struct Country {
    alpha2: &'static str,
    alpha3: &'static str,
    name: &'static str,
    place: Place,
    name_ko: Option<&'static str>,
}

/// Builds a table row; keeps the table one line per country.
const fn country(
    alpha2: &'static str,
    alpha3: &'static str,
    name: &'static str,
    place: Place,
    name_ko: Option<&'static str>,
) -> Country {
    Country {
        alpha2,
        alpha3,
        name,
        place,
        name_ko,
    }
}

/// A place with a region and a sub-region but no intermediate region.
const fn subregion(region: &'static str, subregion: &'static str) -> Place {
    Place {
        region: Some(region),
        subregion: Some(subregion),
        intermediate_region: None,
    }
}

/// A place with a region, a sub-region and an intermediate region.
const fn intermediate(
    region: &'static str,
    subregion: &'static str,
    intermediate_region: &'static str,
) -> Place {
    Place {
        region: Some(region),
        subregion: Some(subregion),
        intermediate_region: Some(intermediate_region),
    }
}

const AFRICA: &str = "Africa";
const AMERICAS: &str = "Americas";
const ASIA: &str = "Asia";
const EUROPE: &str = "Europe";
const OCEANIA: &str = "Oceania";
const SUB_SAHARAN_AFRICA: &str = "Sub-Saharan Africa";
const LATIN_AMERICA: &str = "Latin America and the Caribbean";

const N_AF: Place = subregion(AFRICA, "Northern Africa");
const E_AF: Place = intermediate(AFRICA, SUB_SAHARAN_AFRICA, "Eastern Africa");
const M_AF: Place = intermediate(AFRICA, SUB_SAHARAN_AFRICA, "Middle Africa");
const S_AF: Place = intermediate(AFRICA, SUB_SAHARAN_AFRICA, "Southern Africa");
const W_AF: Place = intermediate(AFRICA, SUB_SAHARAN_AFRICA, "Western Africa");
const CARIB: Place = intermediate(AMERICAS, LATIN_AMERICA, "Caribbean");
const C_AM: Place = intermediate(AMERICAS, LATIN_AMERICA, "Central America");
const S_AM: Place = intermediate(AMERICAS, LATIN_AMERICA, "South America");
const N_AM: Place = subregion(AMERICAS, "Northern America");
const C_ASIA: Place = subregion(ASIA, "Central Asia");
const E_ASIA: Place = subregion(ASIA, "Eastern Asia");
const SE_ASIA: Place = subregion(ASIA, "South-eastern Asia");
const S_ASIA: Place = subregion(ASIA, "Southern Asia");
const W_ASIA: Place = subregion(ASIA, "Western Asia");
const E_EU: Place = subregion(EUROPE, "Eastern Europe");
const N_EU: Place = subregion(EUROPE, "Northern Europe");
const CHANNEL: Place = intermediate(EUROPE, "Northern Europe", "Channel Islands");
const S_EU: Place = subregion(EUROPE, "Southern Europe");
const W_EU: Place = subregion(EUROPE, "Western Europe");
const ANZ: Place = subregion(OCEANIA, "Australia and New Zealand");
const MELA: Place = subregion(OCEANIA, "Melanesia");
const MICRO: Place = subregion(OCEANIA, "Micronesia");
const POLY: Place = subregion(OCEANIA, "Polynesia");
/// Antarctica, which M49 places in no region.
const NONE: Place = Place {
    region: None,
    subregion: None,
    intermediate_region: None,
};

/// The 249 officially assigned ISO 3166-1 codes, sorted by alpha-2 code.
/// Taiwan, which M49 does not list separately, is placed in Eastern Asia.
static COUNTRIES: [Country; 249] = [
    country("AD", "AND", "Andorra", S_EU, Some("안도라")),
    country(
        "AE",
        "ARE",
        "United Arab Emirates",
        W_ASIA,
        Some("아랍에미리트"),
    ),
    country("AF", "AFG", "Afghanistan", S_ASIA, Some("아프가니스탄")),
    country("AG", "ATG", "Antigua and Barbuda", CARIB, None),
    country("AI", "AIA", "Anguilla", CARIB, None),
    country("AL", "ALB", "Albania", S_EU, None),
    country("AM", "ARM", "Armenia", W_ASIA, None),
    country("AO", "AGO", "Angola", M_AF, None),
    country("AQ", "ATA", "Antarctica", NONE, None),
    country("AR", "ARG", "Argentina", S_AM, Some("아르헨티나")),
    country("AS", "ASM", "American Samoa", POLY, None),
    country("AT", "AUT", "Austria", W_EU, None),
    country("AU", "AUS", "Australia", ANZ, Some("호주")),
    country("AW", "ABW", "Aruba", CARIB, None),
    country("AX", "ALA", "Åland Islands", N_EU, None),
    country("AZ", "AZE", "Azerbaijan", W_ASIA, None),
    country("BA", "BIH", "Bosnia and Herzegovina", S_EU, None),
    country("BB", "BRB", "Barbados", CARIB, None),
    country("BD", "BGD", "Bangladesh", S_ASIA, Some("방글라데시")),
    country("BE", "BEL", "Belgium", W_EU, Some("벨기에")),
    country("BF", "BFA", "Burkina Faso", W_AF, None),
    country("BG", "BGR", "Bulgaria", E_EU, None),
    country("BH", "BHR", "Bahrain", W_ASIA, None),
    country("BI", "BDI", "Burundi", E_AF, None),
    country("BJ", "BEN", "Benin", W_AF, None),
    country("BL", "BLM", "Saint Barthélemy", CARIB, None),
    country("BM", "BMU", "Bermuda", N_AM, None),
    country("BN", "BRN", "Brunei Darussalam", SE_ASIA, Some("브루나이")),
    country(
        "BO",
        "BOL",
        "Bolivia, Plurinational State of",
        S_AM,
        Some("볼리비아"),
    ),
    country("BQ", "BES", "Bonaire, Sint Eustatius and Saba", CARIB, None),
    country("BR", "BRA", "Brazil", S_AM, Some("브라질")),
    country("BS", "BHS", "Bahamas", CARIB, None),
    country("BT", "BTN", "Bhutan", S_ASIA, None),
    country("BV", "BVT", "Bouvet Island", S_AM, None),
    country("BW", "BWA", "Botswana", S_AF, None),
    country("BY", "BLR", "Belarus", E_EU, None),
    country("BZ", "BLZ", "Belize", C_AM, None),
    country("CA", "CAN", "Canada", N_AM, Some("캐나다")),
    country("CC", "CCK", "Cocos (Keeling) Islands", ANZ, None),
    country(
        "CD",
        "COD",
        "Congo, The Democratic Republic of the",
        M_AF,
        None,
    ),
    country("CF", "CAF", "Central African Republic", M_AF, None),
    country("CG", "COG", "Congo", M_AF, None),
    country("CH", "CHE", "Switzerland", W_EU, Some("스위스")),
    country("CI", "CIV", "Côte d'Ivoire", W_AF, None),
    country("CK", "COK", "Cook Islands", POLY, None),
    country("CL", "CHL", "Chile", S_AM, Some("칠레")),
    country("CM", "CMR", "Cameroon", M_AF, None),
    country("CN", "CHN", "China", E_ASIA, Some("중국")),
    country("CO", "COL", "Colombia", S_AM, Some("콜롬비아")),
    country("CR", "CRI", "Costa Rica", C_AM, Some("코스타리카")),
    country("CU", "CUB", "Cuba", CARIB, None),
    country("CV", "CPV", "Cabo Verde", W_AF, None),
    country("CW", "CUW", "Curaçao", CARIB, None),
    country("CX", "CXR", "Christmas Island", ANZ, None),
    country("CY", "CYP", "Cyprus", W_ASIA, None),
    country("CZ", "CZE", "Czechia", E_EU, None),
    country("DE", "DEU", "Germany", W_EU, Some("독일")),
    country("DJ", "DJI", "Djibouti", E_AF, None),
    country("DK", "DNK", "Denmark", N_EU, None),
    country("DM", "DMA", "Dominica", CARIB, None),
    country("DO", "DOM", "Dominican Republic", CARIB, None),
    country("DZ", "DZA", "Algeria", N_AF, None),
    country("EC", "ECU", "Ecuador", S_AM, Some("에콰도르")),
    country("EE", "EST", "Estonia", N_EU, None),
    country("EG", "EGY", "Egypt", N_AF, None),
    country("EH", "ESH", "Western Sahara", N_AF, None),
    country("ER", "ERI", "Eritrea", E_AF, None),
    country("ES", "ESP", "Spain", S_EU, Some("스페인")),
    country("ET", "ETH", "Ethiopia", E_AF, None),
    country("FI", "FIN", "Finland", N_EU, None),
    country("FJ", "FJI", "Fiji", MELA, Some("피지")),
    country("FK", "FLK", "Falkland Islands (Malvinas)", S_AM, None),
    country("FM", "FSM", "Micronesia, Federated States of", MICRO, None),
    country("FO", "FRO", "Faroe Islands", N_EU, None),
    country("FR", "FRA", "France", W_EU, Some("프랑스")),
    country("GA", "GAB", "Gabon", M_AF, None),
    country("GB", "GBR", "United Kingdom", N_EU, Some("영국")),
    country("GD", "GRD", "Grenada", CARIB, None),
    country("GE", "GEO", "Georgia", W_ASIA, None),
    country("GF", "GUF", "French Guiana", S_AM, None),
    country("GG", "GGY", "Guernsey", CHANNEL, None),
    country("GH", "GHA", "Ghana", W_AF, None),
    country("GI", "GIB", "Gibraltar", S_EU, None),
    country("GL", "GRL", "Greenland", N_AM, None),
    country("GM", "GMB", "Gambia", W_AF, None),
    country("GN", "GIN", "Guinea", W_AF, None),
    country("GP", "GLP", "Guadeloupe", CARIB, None),
    country("GQ", "GNQ", "Equatorial Guinea", M_AF, None),
    country("GR", "GRC", "Greece", S_EU, None),
    country(
        "GS",
        "SGS",
        "South Georgia and the South Sandwich Islands",
        S_AM,
        None,
    ),
    country("GT", "GTM", "Guatemala", C_AM, Some("과테말라")),
    country("GU", "GUM", "Guam", MICRO, None),
    country("GW", "GNB", "Guinea-Bissau", W_AF, None),
    country("GY", "GUY", "Guyana", S_AM, None),
    country("HK", "HKG", "Hong Kong", E_ASIA, Some("홍콩")),
    country("HM", "HMD", "Heard Island and McDonald Islands", ANZ, None),
    country("HN", "HND", "Honduras", C_AM, None),
    country("HR", "HRV", "Croatia", S_EU, None),
    country("HT", "HTI", "Haiti", CARIB, None),
    country("HU", "HUN", "Hungary", E_EU, None),
    country("ID", "IDN", "Indonesia", SE_ASIA, Some("인도네시아")),
    country("IE", "IRL", "Ireland", N_EU, None),
    country("IL", "ISR", "Israel", W_ASIA, None),
    country("IM", "IMN", "Isle of Man", N_EU, None),
    country("IN", "IND", "India", S_ASIA, Some("인도")),
    country("IO", "IOT", "British Indian Ocean Territory", E_AF, None),
    country("IQ", "IRQ", "Iraq", W_ASIA, None),
    country(
        "IR",
        "IRN",
        "Iran, Islamic Republic of",
        S_ASIA,
        Some("이란"),
    ),
    country("IS", "ISL", "Iceland", N_EU, None),
    country("IT", "ITA", "Italy", S_EU, Some("이탈리아")),
    country("JE", "JEY", "Jersey", CHANNEL, None),
    country("JM", "JAM", "Jamaica", CARIB, None),
    country("JO", "JOR", "Jordan", W_ASIA, None),
    country("JP", "JPN", "Japan", E_ASIA, Some("일본")),
    country("KE", "KEN", "Kenya", E_AF, None),
    country("KG", "KGZ", "Kyrgyzstan", C_ASIA, None),
    country("KH", "KHM", "Cambodia", SE_ASIA, Some("캄보디아")),
    country("KI", "KIR", "Kiribati", MICRO, None),
    country("KM", "COM", "Comoros", E_AF, None),
    country("KN", "KNA", "Saint Kitts and Nevis", CARIB, None),
    country(
        "KP",
        "PRK",
        "Korea, Democratic People's Republic of",
        E_ASIA,
        Some("북한"),
    ),
    country("KR", "KOR", "Korea, Republic of", E_ASIA, Some("대한민국")),
    country("KW", "KWT", "Kuwait", W_ASIA, None),
    country("KY", "CYM", "Cayman Islands", CARIB, None),
    country("KZ", "KAZ", "Kazakhstan", C_ASIA, Some("카자흐스탄")),
    country(
        "LA",
        "LAO",
        "Lao People's Democratic Republic",
        SE_ASIA,
        Some("라오스"),
    ),
    country("LB", "LBN", "Lebanon", W_ASIA, None),
    country("LC", "LCA", "Saint Lucia", CARIB, None),
    country("LI", "LIE", "Liechtenstein", W_EU, None),
    country("LK", "LKA", "Sri Lanka", S_ASIA, None),
    country("LR", "LBR", "Liberia", W_AF, None),
    country("LS", "LSO", "Lesotho", S_AF, None),
    country("LT", "LTU", "Lithuania", N_EU, None),
    country("LU", "LUX", "Luxembourg", W_EU, None),
    country("LV", "LVA", "Latvia", N_EU, None),
    country("LY", "LBY", "Libya", N_AF, None),
    country("MA", "MAR", "Morocco", N_AF, None),
    country("MC", "MCO", "Monaco", W_EU, None),
    country("MD", "MDA", "Moldova, Republic of", E_EU, None),
    country("ME", "MNE", "Montenegro", S_EU, None),
    country("MF", "MAF", "Saint Martin (French part)", CARIB, None),
    country("MG", "MDG", "Madagascar", E_AF, None),
    country("MH", "MHL", "Marshall Islands", MICRO, None),
    country("MK", "MKD", "North Macedonia", S_EU, None),
    country("ML", "MLI", "Mali", W_AF, None),
    country("MM", "MMR", "Myanmar", SE_ASIA, Some("미얀마")),
    country("MN", "MNG", "Mongolia", E_ASIA, Some("몽골")),
    country("MO", "MAC", "Macao", E_ASIA, Some("마카오")),
    country("MP", "MNP", "Northern Mariana Islands", MICRO, None),
    country("MQ", "MTQ", "Martinique", CARIB, None),
    country("MR", "MRT", "Mauritania", W_AF, None),
    country("MS", "MSR", "Montserrat", CARIB, None),
    country("MT", "MLT", "Malta", S_EU, None),
    country("MU", "MUS", "Mauritius", E_AF, None),
    country("MV", "MDV", "Maldives", S_ASIA, None),
    country("MW", "MWI", "Malawi", E_AF, None),
    country("MX", "MEX", "Mexico", C_AM, Some("멕시코")),
    country("MY", "MYS", "Malaysia", SE_ASIA, Some("말레이시아")),
    country("MZ", "MOZ", "Mozambique", E_AF, None),
    country("NA", "NAM", "Namibia", S_AF, None),
    country("NC", "NCL", "New Caledonia", MELA, None),
    country("NE", "NER", "Niger", W_AF, None),
    country("NF", "NFK", "Norfolk Island", ANZ, None),
    country("NG", "NGA", "Nigeria", W_AF, Some("나이지리아")),
    country("NI", "NIC", "Nicaragua", C_AM, None),
    country("NL", "NLD", "Netherlands", W_EU, Some("네덜란드")),
    country("NO", "NOR", "Norway", N_EU, None),
    country("NP", "NPL", "Nepal", S_ASIA, None),
    country("NR", "NRU", "Nauru", MICRO, None),
    country("NU", "NIU", "Niue", POLY, None),
    country("NZ", "NZL", "New Zealand", ANZ, Some("뉴질랜드")),
    country("OM", "OMN", "Oman", W_ASIA, None),
    country("PA", "PAN", "Panama", C_AM, Some("파나마")),
    country("PE", "PER", "Peru", S_AM, Some("페루")),
    country("PF", "PYF", "French Polynesia", POLY, None),
    country("PG", "PNG", "Papua New Guinea", MELA, Some("파푸아뉴기니")),
    country("PH", "PHL", "Philippines", SE_ASIA, Some("필리핀")),
    country("PK", "PAK", "Pakistan", S_ASIA, Some("파키스탄")),
    country("PL", "POL", "Poland", E_EU, None),
    country("PM", "SPM", "Saint Pierre and Miquelon", N_AM, None),
    country("PN", "PCN", "Pitcairn", POLY, None),
    country("PR", "PRI", "Puerto Rico", CARIB, None),
    country("PS", "PSE", "Palestine, State of", W_ASIA, None),
    country("PT", "PRT", "Portugal", S_EU, Some("포르투갈")),
    country("PW", "PLW", "Palau", MICRO, None),
    country("PY", "PRY", "Paraguay", S_AM, Some("파라과이")),
    country("QA", "QAT", "Qatar", W_ASIA, None),
    country("RE", "REU", "Réunion", E_AF, None),
    country("RO", "ROU", "Romania", E_EU, None),
    country("RS", "SRB", "Serbia", S_EU, None),
    country("RU", "RUS", "Russian Federation", E_EU, Some("러시아")),
    country("RW", "RWA", "Rwanda", E_AF, None),
    country("SA", "SAU", "Saudi Arabia", W_ASIA, None),
    country("SB", "SLB", "Solomon Islands", MELA, None),
    country("SC", "SYC", "Seychelles", E_AF, None),
    country("SD", "SDN", "Sudan", N_AF, None),
    country("SE", "SWE", "Sweden", N_EU, None),
    country("SG", "SGP", "Singapore", SE_ASIA, Some("싱가포르")),
    country(
        "SH",
        "SHN",
        "Saint Helena, Ascension and Tristan da Cunha",
        W_AF,
        None,
    ),
    country("SI", "SVN", "Slovenia", S_EU, None),
    country("SJ", "SJM", "Svalbard and Jan Mayen", N_EU, None),
    country("SK", "SVK", "Slovakia", E_EU, None),
    country("SL", "SLE", "Sierra Leone", W_AF, None),
    country("SM", "SMR", "San Marino", S_EU, None),
    country("SN", "SEN", "Senegal", W_AF, None),
    country("SO", "SOM", "Somalia", E_AF, None),
    country("SR", "SUR", "Suriname", S_AM, None),
    country("SS", "SSD", "South Sudan", E_AF, None),
    country("ST", "STP", "Sao Tome and Principe", M_AF, None),
    country("SV", "SLV", "El Salvador", C_AM, None),
    country("SX", "SXM", "Sint Maarten (Dutch part)", CARIB, None),
    country("SY", "SYR", "Syrian Arab Republic", W_ASIA, None),
    country("SZ", "SWZ", "Eswatini", S_AF, None),
    country("TC", "TCA", "Turks and Caicos Islands", CARIB, None),
    country("TD", "TCD", "Chad", M_AF, None),
    country("TF", "ATF", "French Southern Territories", E_AF, None),
    country("TG", "TGO", "Togo", W_AF, None),
    country("TH", "THA", "Thailand", SE_ASIA, Some("태국")),
    country("TJ", "TJK", "Tajikistan", C_ASIA, None),
    country("TK", "TKL", "Tokelau", POLY, None),
    country("TL", "TLS", "Timor-Leste", SE_ASIA, Some("동티모르")),
    country("TM", "TKM", "Turkmenistan", C_ASIA, None),
    country("TN", "TUN", "Tunisia", N_AF, None),
    country("TO", "TON", "Tonga", POLY, None),
    country("TR", "TUR", "Türkiye", W_ASIA, Some("튀르키예")),
    country("TT", "TTO", "Trinidad and Tobago", CARIB, None),
    country("TV", "TUV", "Tuvalu", POLY, None),
    country(
        "TW",
        "TWN",
        "Taiwan, Province of China",
        E_ASIA,
        Some("대만"),
    ),
    country("TZ", "TZA", "Tanzania, United Republic of", E_AF, None),
    country("UA", "UKR", "Ukraine", E_EU, Some("우크라이나")),
    country("UG", "UGA", "Uganda", E_AF, None),
    country(
        "UM",
        "UMI",
        "United States Minor Outlying Islands",
        MICRO,
        None,
    ),
    country("US", "USA", "United States", N_AM, Some("미국")),
    country("UY", "URY", "Uruguay", S_AM, None),
    country("UZ", "UZB", "Uzbekistan", C_ASIA, Some("우즈베키스탄")),
    country("VA", "VAT", "Holy See (Vatican City State)", S_EU, None),
    country("VC", "VCT", "Saint Vincent and the Grenadines", CARIB, None),
    country(
        "VE",
        "VEN",
        "Venezuela, Bolivarian Republic of",
        S_AM,
        Some("베네수엘라"),
    ),
    country("VG", "VGB", "Virgin Islands, British", CARIB, None),
    country("VI", "VIR", "Virgin Islands, U.S.", CARIB, None),
    country("VN", "VNM", "Viet Nam", SE_ASIA, Some("베트남")),
    country("VU", "VUT", "Vanuatu", MELA, None),
    country("WF", "WLF", "Wallis and Futuna", POLY, None),
    country("WS", "WSM", "Samoa", POLY, None),
    country("YE", "YEM", "Yemen", W_ASIA, None),
    country("YT", "MYT", "Mayotte", E_AF, None),
    country("ZA", "ZAF", "South Africa", S_AF, Some("남아프리카공화국")),
    country("ZM", "ZMB", "Zambia", E_AF, None),
    country("ZW", "ZWE", "Zimbabwe", E_AF, None),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn table_is_complete_sorted_and_unique() {
        assert_eq!(CountryCode::all().count(), 249);
        assert!(COUNTRIES
            .windows(2)
            .all(|pair| pair[0].alpha2 < pair[1].alpha2));
        let alpha3: HashSet<_> = COUNTRIES.iter().map(|country| country.alpha3).collect();
        assert_eq!(alpha3.len(), 249);
        for country in &COUNTRIES {
            assert_eq!(country.alpha2.len(), 2);
            assert_eq!(country.alpha3.len(), 3);
            assert!(country.alpha2.bytes().all(|b| b.is_ascii_uppercase()));
            assert!(country.alpha3.bytes().all(|b| b.is_ascii_uppercase()));
            assert!(!country.name.is_empty());
        }
    }

    #[test]
    fn every_code_round_trips_through_both_forms() {
        for code in CountryCode::all() {
            assert_eq!(CountryCode::parse(code.as_str()), Ok(code));
            assert_eq!(CountryCode::parse(code.alpha3()), Ok(code));
            assert_eq!(CountryCode::parse(&code.alpha3().to_lowercase()), Ok(code));
        }
    }

    #[test]
    fn every_country_but_antarctica_has_a_region() {
        let regions: HashSet<_> = CountryCode::all()
            .filter_map(|code| code.region())
            .collect();
        let expected: HashSet<_> = [AFRICA, AMERICAS, ASIA, EUROPE, OCEANIA].into();
        assert_eq!(regions, expected);
        let without_region: Vec<_> = CountryCode::all()
            .filter(|code| code.region().is_none() || code.subregion().is_none())
            .map(|code| code.as_str())
            .collect();
        assert_eq!(without_region, ["AQ"]);
    }

    #[test]
    fn accepts_alpha2_and_alpha3_in_any_case() {
        for input in ["KR", "kr", "Kr", "KOR", "kor", " kor\n"] {
            assert_eq!(
                CountryCode::parse(input).unwrap().as_str(),
                "KR",
                "{input:?}"
            );
        }
        assert_eq!(CountryCode::parse("THA").unwrap().as_str(), "TH");
        assert_eq!(CountryCode::parse("th").unwrap().alpha3(), "THA");
    }

    #[test]
    fn knows_names_and_regions() {
        let korea = CountryCode::parse("KR").unwrap();
        assert_eq!(korea.name(), "Korea, Republic of");
        assert_eq!(korea.name_ko(), Some("대한민국"));
        assert_eq!(korea.region(), Some("Asia"));
        assert_eq!(korea.subregion(), Some("Eastern Asia"));
        assert_eq!(korea.intermediate_region(), None);

        let thailand = CountryCode::parse("THA").unwrap();
        assert_eq!(thailand.name(), "Thailand");
        assert_eq!(thailand.name_ko(), Some("태국"));
        assert_eq!(thailand.subregion(), Some("South-eastern Asia"));

        let colombia = CountryCode::parse("co").unwrap();
        assert_eq!(colombia.region(), Some("Americas"));
        assert_eq!(
            colombia.subregion(),
            Some("Latin America and the Caribbean")
        );
        assert_eq!(colombia.intermediate_region(), Some("South America"));

        let nigeria = CountryCode::parse("NGA").unwrap();
        assert_eq!(nigeria.subregion(), Some("Sub-Saharan Africa"));
        assert_eq!(nigeria.intermediate_region(), Some("Western Africa"));

        let guernsey = CountryCode::parse("GG").unwrap();
        assert_eq!(guernsey.subregion(), Some("Northern Europe"));
        assert_eq!(guernsey.intermediate_region(), Some("Channel Islands"));

        let antarctica = CountryCode::parse("ATA").unwrap();
        assert_eq!(antarctica.region(), None);
        assert_eq!(antarctica.name_ko(), None);

        assert_eq!(
            CountryCode::parse("US").unwrap().subregion(),
            Some("Northern America")
        );
        assert_eq!(
            CountryCode::parse("AU").unwrap().subregion(),
            Some("Australia and New Zealand")
        );
        assert_eq!(CountryCode::parse("CI").unwrap().name(), "Côte d'Ivoire");
    }

    #[test]
    fn korean_names_cover_the_partner_countries() {
        let n_korean_names = CountryCode::all()
            .filter(|code| code.name_ko().is_some())
            .count();
        assert!(n_korean_names >= 40, "{n_korean_names}");
        for code in [
            "KR", "KP", "CN", "JP", "TW", "TH", "VN", "PH", "MY", "SG", "ID", "US", "MX", "CO",
            "BR", "GB", "FR", "DE", "NL", "AU", "NZ",
        ] {
            assert!(
                CountryCode::parse(code).unwrap().name_ko().is_some(),
                "{code}"
            );
        }
    }

    #[test]
    fn rejects_unassigned_codes() {
        for input in ["XK", "EU", "UK", "ZZ", "AAA", "XXK", "kos"] {
            let code = input.to_ascii_uppercase();
            assert_eq!(
                CountryCode::parse(input),
                Err(IdentError::CountryUnassigned { code }),
                "{input:?}"
            );
        }
        assert_eq!(
            CountryCode::parse("uk").unwrap_err().to_string(),
            "country code UK is not an assigned iso 3166-1 alpha-2 or alpha-3 code"
        );
    }

    #[test]
    fn rejects_malformed_input() {
        for input in [
            "", " ", "K", "KORE", "K1", "410", "ko-KR", "K R", "한국", "ÄÄ", "🇰🇷",
        ] {
            assert_eq!(
                CountryCode::parse(input),
                Err(IdentError::CountryFormat),
                "{input:?}"
            );
        }
        assert_eq!(
            CountryCode::parse(&"KR".repeat(50_000)),
            Err(IdentError::CountryFormat)
        );
        assert_eq!(
            CountryCode::parse("").unwrap_err().code(),
            "invalid_country_code"
        );
    }

    #[test]
    fn serde_round_trips_as_alpha2() {
        let korea = CountryCode::parse("kor").unwrap();
        let json = serde_json::to_string(&korea).unwrap();
        assert_eq!(json, "\"KR\"");
        assert_eq!(serde_json::from_str::<CountryCode>(&json).unwrap(), korea);
        assert_eq!(
            serde_json::from_str::<CountryCode>("\"THA\"")
                .unwrap()
                .as_str(),
            "TH"
        );
    }

    #[test]
    fn deserializing_invalid_value_fails_with_the_message() {
        let error = serde_json::from_str::<CountryCode>("\"XK\"").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("country code XK is not an assigned iso 3166-1 alpha-2 or alpha-3 code"),
            "{error}"
        );
    }

    #[test]
    fn orders_alphabetically() {
        let codes: Vec<_> = CountryCode::all().collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(codes, sorted);
        assert!(CountryCode::parse("KR").unwrap() < CountryCode::parse("TH").unwrap());
    }
}
