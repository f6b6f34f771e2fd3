//! OpenAPI schemas of the identifier types (feature `openapi`).
//!
//! Each schema describes the canonical form, which is what serialization writes;
//! `parse` also accepts the looser forms its type's documentation lists (lowercase,
//! separators, prefixes), so a client that sends the canonical form is always
//! understood.

use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

use crate::{ContainerNumber, CountryCode, EmailAddress, ImoNumber, Mmsi, PhoneNumber};

fn text(description: &str, pattern: Option<&str>, example: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .pattern(pattern)
        .examples([example])
        .into()
}

macro_rules! identifier_schema {
    ($ty:ident, $description:expr, $pattern:expr, $example:literal) => {
        impl utoipa::PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                text($description, $pattern, $example)
            }
        }

        impl utoipa::ToSchema for $ty {}
    };
}

identifier_schema!(
    CountryCode,
    "ISO 3166-1 alpha-2 country code, upper case (alpha-3 and lower case are accepted on input)",
    Some("^[A-Z]{2}$"),
    "KR"
);
identifier_schema!(
    ImoNumber,
    "IMO ship number: seven digits, the last a check digit (an `IMO` prefix is accepted on input)",
    Some("^[0-9]{7}$"),
    "9074729"
);
identifier_schema!(
    Mmsi,
    "Maritime Mobile Service Identity: nine digits (ITU-R M.585; an `MMSI` prefix is accepted on input)",
    Some("^[0-9]{9}$"),
    "440123450"
);
identifier_schema!(
    ContainerNumber,
    "ISO 6346 container number: owner code, category U, J or Z, serial number and check digit, \
     without separators (lower case, spaces and hyphens are accepted on input)",
    Some("^[A-Z]{3}[UJZ][0-9]{7}$"),
    "CSQU3054383"
);
identifier_schema!(
    PhoneNumber,
    "Telephone number in E.164 form: '+' and 8 to 15 digits (spaces, hyphens, dots and \
     parentheses are accepted on input)",
    Some("^\\+[1-9][0-9]{7,14}$"),
    "+821012345678"
);
identifier_schema!(
    EmailAddress,
    "E-mail address: a local part, '@' and a domain of at least two labels (written in lower case)",
    None,
    "duty.desk@customs.go.kr"
);

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::PartialSchema;

    fn example<T: PartialSchema>() -> String {
        let RefOr::T(Schema::Object(object)) = T::schema() else {
            panic!("not an object schema");
        };
        object.examples[0].as_str().unwrap_or_default().to_owned()
    }

    #[test]
    fn examples_are_canonical() {
        assert_eq!(
            CountryCode::parse(&example::<CountryCode>())
                .unwrap()
                .as_str(),
            example::<CountryCode>()
        );
        assert_eq!(
            ImoNumber::parse(&example::<ImoNumber>()).unwrap().as_str(),
            example::<ImoNumber>()
        );
        assert_eq!(
            Mmsi::parse(&example::<Mmsi>()).unwrap().as_str(),
            example::<Mmsi>()
        );
        assert_eq!(
            ContainerNumber::parse(&example::<ContainerNumber>())
                .unwrap()
                .as_str(),
            example::<ContainerNumber>()
        );
        assert_eq!(
            PhoneNumber::parse(&example::<PhoneNumber>())
                .unwrap()
                .as_str(),
            example::<PhoneNumber>()
        );
        assert_eq!(
            EmailAddress::parse(&example::<EmailAddress>())
                .unwrap()
                .as_str(),
            example::<EmailAddress>()
        );
    }
}
