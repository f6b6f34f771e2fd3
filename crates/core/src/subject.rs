//! The subjects of intelligence and seizures: persons, organisations, conveyances,
//! communications, money, documents and places.
//!
//! Identifiers are checked types from `interdict-ident`: a subject that exists holds
//! valid identifiers only. Names are free text in any script (Hangul, Thai, Latin, …).

use chrono::NaiveDate;
use interdict_ident::{ContainerNumber, CountryCode, EmailAddress, ImoNumber, Mmsi, PhoneNumber};
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{Discriminator, ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

use crate::geo::Position;
use crate::validate::{optional_text, text, FieldErrors};

/// A subject named in a report or a seizure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Subject {
    Person(Person),
    Organisation(Organisation),
    Vessel(Vessel),
    Aircraft(Aircraft),
    Vehicle(Vehicle),
    Container(Container),
    Parcel(Parcel),
    Phone(Phone),
    Email(Email),
    BankAccount(BankAccount),
    Document(Document),
    Address(Address),
    Place(Place),
}

/// A natural person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nationality: Option<CountryCode>,
}

/// A company or other organisation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration: Option<String>,
}

/// A ship, identified by name, IMO number, MMSI or call sign.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Vessel {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imo: Option<ImoNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mmsi: Option<Mmsi>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_sign: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<CountryCode>,
}

/// An aircraft, by registration mark.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Aircraft {
    pub registration: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
}

/// A road vehicle, by plate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Vehicle {
    pub plate: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryCode>,
}

/// A sea container, by ISO 6346 number.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Container {
    pub number: ContainerNumber,
}

/// A parcel or express consignment, by tracking number.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Parcel {
    pub tracking_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
}

/// A telephone number in E.164 form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Phone {
    pub number: PhoneNumber,
}

/// An e-mail address.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Email {
    pub address: EmailAddress,
}

/// A bank account.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BankAccount {
    pub account: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryCode>,
}

/// An identity or travel document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Such as `passport`, `bill_of_lading`, `id_card`.
    pub document_type: String,
    pub number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryCode>,
}

/// A postal address.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryCode>,
}

/// A named place, optionally with a position.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

/// The kinds of subject: the `kind` tag on the wire, the schema of the variant and the
/// collector of the schemas it refers to.
type VariantSchema = (
    &'static str,
    &'static str,
    fn() -> RefOr<Schema>,
    fn(&mut Vec<(String, RefOr<Schema>)>),
);

macro_rules! variant_schemas {
    ($($kind:literal => $ty:ident),+ $(,)?) => {
        [$(($kind, stringify!($ty), <$ty as PartialSchema>::schema as fn() -> RefOr<Schema>,
            <$ty as ToSchema>::schemas as fn(&mut Vec<(String, RefOr<Schema>)>))),+]
    };
}

fn variant_schemas() -> [VariantSchema; 13] {
    variant_schemas!(
        "person" => Person,
        "organisation" => Organisation,
        "vessel" => Vessel,
        "aircraft" => Aircraft,
        "vehicle" => Vehicle,
        "container" => Container,
        "parcel" => Parcel,
        "phone" => Phone,
        "email" => Email,
        "bank_account" => BankAccount,
        "document" => Document,
        "address" => Address,
        "place" => Place,
    )
}

/// The schema of a variant with its `kind` tag among its own properties. A derived
/// schema of the internally tagged enum would combine the variant's schema, which
/// refuses unknown properties, with another that adds `kind`: no subject could match
/// both, since each part refuses what the other adds.
///
/// The tag is titled (`PlaceSubjectKind`) so that code generators, which name an inline
/// enum after its object and property, do not make a `PlaceKind` that clashes with the
/// kinds of place of a seizure.
fn with_kind_tag(kind: &str, name: &str, schema: RefOr<Schema>) -> RefOr<Schema> {
    let RefOr::T(Schema::Object(mut object)) = schema else {
        return schema;
    };
    let tag = ObjectBuilder::new()
        .schema_type(Type::String)
        .title(Some(format!("{name}SubjectKind")))
        .enum_values(Some([kind]))
        .build();
    object.properties.insert("kind".to_owned(), tag.into());
    object.required.insert(0, "kind".to_owned());
    RefOr::T(Schema::Object(object))
}

impl PartialSchema for Subject {
    fn schema() -> RefOr<Schema> {
        let mut one_of = OneOfBuilder::new().description(Some(
            "A subject named in a report or a seizure; `kind` tells which.",
        ));
        let mut discriminator = Discriminator::new("kind");
        for (kind, name, _, _) in variant_schemas() {
            one_of = one_of.item(Ref::from_schema_name(name));
            discriminator
                .mapping
                .insert(kind.to_owned(), format!("#/components/schemas/{name}"));
        }
        one_of.discriminator(Some(discriminator)).into()
    }
}

impl ToSchema for Subject {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        for (kind, name, schema, references) in variant_schemas() {
            schemas.push((name.to_owned(), with_kind_tag(kind, name, schema())));
            references(schemas);
        }
    }
}

const NAME_MAX: usize = 200;

impl Subject {
    /// The stable name of the subject's kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Subject::Person(_) => "person",
            Subject::Organisation(_) => "organisation",
            Subject::Vessel(_) => "vessel",
            Subject::Aircraft(_) => "aircraft",
            Subject::Vehicle(_) => "vehicle",
            Subject::Container(_) => "container",
            Subject::Parcel(_) => "parcel",
            Subject::Phone(_) => "phone",
            Subject::Email(_) => "email",
            Subject::BankAccount(_) => "bank_account",
            Subject::Document(_) => "document",
            Subject::Address(_) => "address",
            Subject::Place(_) => "place",
        }
    }

    /// A short label for lists: the name or the main identifier.
    pub fn label(&self) -> String {
        match self {
            Subject::Person(p) => p.name.clone(),
            Subject::Organisation(o) => o.name.clone(),
            Subject::Vessel(v) => v
                .name
                .clone()
                .or_else(|| v.imo.as_ref().map(|i| format!("IMO {}", i.as_str())))
                .or_else(|| v.mmsi.as_ref().map(|m| format!("MMSI {}", m.as_str())))
                .or_else(|| v.call_sign.clone())
                .unwrap_or_default(),
            Subject::Aircraft(a) => a.registration.clone(),
            Subject::Vehicle(v) => v.plate.clone(),
            Subject::Container(c) => c.number.as_str().to_owned(),
            Subject::Parcel(p) => p.tracking_number.clone(),
            Subject::Phone(p) => p.number.as_str().to_owned(),
            Subject::Email(e) => e.address.as_str().to_owned(),
            Subject::BankAccount(b) => b.account.clone(),
            Subject::Document(d) => format!("{} {}", d.document_type, d.number),
            Subject::Address(a) => a.text.clone(),
            Subject::Place(p) => p.name.clone(),
        }
    }

    /// The exact identifiers of the subject as `(scheme, canonical value)` pairs, the
    /// keys on which records are matched.
    pub fn identifiers(&self) -> Vec<(&'static str, String)> {
        let mut ids = Vec::new();
        match self {
            Subject::Vessel(v) => {
                if let Some(imo) = &v.imo {
                    ids.push(("imo", imo.as_str().to_owned()));
                }
                if let Some(mmsi) = &v.mmsi {
                    ids.push(("mmsi", mmsi.as_str().to_owned()));
                }
                if let Some(cs) = &v.call_sign {
                    ids.push(("call_sign", normalise_code(cs)));
                }
            }
            Subject::Aircraft(a) => ids.push(("aircraft", normalise_code(&a.registration))),
            Subject::Vehicle(v) => ids.push(("plate", normalise_code(&v.plate))),
            Subject::Container(c) => ids.push(("container", c.number.as_str().to_owned())),
            Subject::Parcel(p) => ids.push(("parcel", normalise_code(&p.tracking_number))),
            Subject::Phone(p) => ids.push(("phone", p.number.as_str().to_owned())),
            Subject::Email(e) => ids.push(("email", e.address.as_str().to_lowercase())),
            Subject::BankAccount(b) => ids.push(("bank_account", normalise_code(&b.account))),
            Subject::Document(d) => ids.push(("document", normalise_code(&d.number))),
            Subject::Organisation(o) => {
                if let Some(reg) = &o.registration {
                    ids.push(("company_registration", normalise_code(reg)));
                }
            }
            Subject::Person(_) | Subject::Address(_) | Subject::Place(_) => {}
        }
        ids.retain(|(_, v)| !v.is_empty());
        ids
    }

    /// All free text of the subject, for the search index.
    pub fn search_text(&self) -> String {
        let mut parts = vec![self.label()];
        if let Subject::Person(p) = self {
            parts.extend(p.aliases.iter().cloned());
        }
        parts.extend(self.identifiers().into_iter().map(|(_, v)| v));
        parts.join(" ")
    }

    /// Checks the free-text fields; identifiers were checked when they were parsed.
    pub fn validate(&self, errors: &mut FieldErrors, prefix: &str) {
        let f = |name: &str| format!("{prefix}.{name}");
        match self {
            Subject::Person(p) => {
                text(errors, &f("name"), &p.name, NAME_MAX);
                if p.aliases.len() > 20 {
                    errors.add(f("aliases"), "at most 20 aliases");
                }
                for (i, alias) in p.aliases.iter().enumerate() {
                    text(errors, &f(&format!("aliases[{i}]")), alias, NAME_MAX);
                }
            }
            Subject::Organisation(o) => {
                text(errors, &f("name"), &o.name, NAME_MAX);
                if let Some(r) = &o.registration {
                    text(errors, &f("registration"), r, 64);
                }
            }
            Subject::Vessel(v) => {
                if v.name.is_none() && v.imo.is_none() && v.mmsi.is_none() && v.call_sign.is_none()
                {
                    errors.add(prefix, "a vessel needs a name, imo, mmsi or call_sign");
                }
                if let Some(n) = &v.name {
                    text(errors, &f("name"), n, NAME_MAX);
                }
                if let Some(cs) = &v.call_sign {
                    text(errors, &f("call_sign"), cs, 16);
                }
            }
            Subject::Aircraft(a) => text(errors, &f("registration"), &a.registration, 16),
            Subject::Vehicle(v) => text(errors, &f("plate"), &v.plate, 24),
            Subject::Parcel(p) => text(errors, &f("tracking_number"), &p.tracking_number, 64),
            Subject::BankAccount(b) => text(errors, &f("account"), &b.account, 64),
            Subject::Document(d) => {
                text(errors, &f("document_type"), &d.document_type, 64);
                text(errors, &f("number"), &d.number, 64);
            }
            Subject::Address(a) => text(errors, &f("text"), &a.text, 500),
            Subject::Place(p) => text(errors, &f("name"), &p.name, NAME_MAX),
            Subject::Container(_) | Subject::Phone(_) | Subject::Email(_) => {}
        }
        if let Subject::Aircraft(Aircraft {
            operator: Some(o), ..
        }) = self
        {
            optional_text(errors, &f("operator"), o, NAME_MAX);
        }
    }
}

/// Upper-cases and drops spaces, hyphens, dots and slashes, so that `ab-12 3` and
/// `AB123` compare equal.
pub fn normalise_code(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.' | '/'))
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_parse_with_checked_identifiers() {
        let s: Subject =
            serde_json::from_str(r#"{"kind":"vessel","name":"해양호","imo":"9074729"}"#).unwrap();
        assert_eq!(s.kind(), "vessel");
        assert_eq!(s.label(), "해양호");
        assert_eq!(s.identifiers(), vec![("imo", "9074729".to_owned())]);
        let err = serde_json::from_str::<Subject>(r#"{"kind":"vessel","imo":"9074728"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("check digit"), "{err}");
    }

    #[test]
    fn unknown_fields_and_kinds_are_refused() {
        assert!(
            serde_json::from_str::<Subject>(r#"{"kind":"person","name":"A","colour":"red"}"#)
                .is_err()
        );
        assert!(serde_json::from_str::<Subject>(r#"{"kind":"spaceship","name":"A"}"#).is_err());
        assert!(
            serde_json::from_str::<Subject>(r#"{"kind":"container","number":"CSQU3054384"}"#)
                .is_err()
        );
    }

    #[test]
    fn a_vessel_needs_something_to_know_it_by() {
        let s: Subject = serde_json::from_str(r#"{"kind":"vessel"}"#).unwrap();
        let mut errors = FieldErrors::new();
        s.validate(&mut errors, "subjects[0]");
        assert!(errors.fields().contains_key("subjects[0]"));
    }

    #[test]
    fn codes_normalise() {
        assert_eq!(normalise_code("ab-12 3/x"), "AB123X");
    }
}
