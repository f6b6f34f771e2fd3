//! The input of correlation: a subject as a record names it (kind, names,
//! identifiers, date of birth, nationality, other attributes), and its prepared,
//! normalised form.

use serde::{Deserialize, Serialize};

use crate::date::{self, BirthDate};
use crate::identifier::{self, Identifier, IdentifierError, Scheme};
use crate::name::{self, Part, PersonName};
use crate::text;

/// The kinds of subject (as in a report: persons, organisations, conveyances,
/// communications, money, documents and places).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A natural person.
    #[default]
    Person,
    /// A company or other organisation.
    Organisation,
    /// A ship.
    Vessel,
    /// An aircraft.
    Aircraft,
    /// A road vehicle.
    Vehicle,
    /// A sea container.
    Container,
    /// A parcel or express consignment.
    Parcel,
    /// A telephone.
    Phone,
    /// An e-mail address.
    Email,
    /// A bank account.
    BankAccount,
    /// An identity or travel document.
    Document,
    /// A postal address.
    Address,
    /// A named place.
    Place,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 13] = [
        Kind::Person,
        Kind::Organisation,
        Kind::Vessel,
        Kind::Aircraft,
        Kind::Vehicle,
        Kind::Container,
        Kind::Parcel,
        Kind::Phone,
        Kind::Email,
        Kind::BankAccount,
        Kind::Document,
        Kind::Address,
        Kind::Place,
    ];

    /// The stable name of the kind.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Organisation => "organisation",
            Kind::Vessel => "vessel",
            Kind::Aircraft => "aircraft",
            Kind::Vehicle => "vehicle",
            Kind::Container => "container",
            Kind::Parcel => "parcel",
            Kind::Phone => "phone",
            Kind::Email => "email",
            Kind::BankAccount => "bank_account",
            Kind::Document => "document",
            Kind::Address => "address",
            Kind::Place => "place",
        }
    }

    /// The kind of a stable name; `organization` and `company` are accepted for
    /// organisations.
    pub fn parse(name: &str) -> Option<Kind> {
        let lower = name.trim().to_ascii_lowercase();
        match lower.as_str() {
            "organization" | "company" | "org" => Some(Kind::Organisation),
            "ship" => Some(Kind::Vessel),
            _ => Kind::ALL.into_iter().find(|k| k.name() == lower),
        }
    }

    /// Whether subjects of this kind are compared by name and attributes (the
    /// others are correlated by their identifiers alone).
    pub fn is_named(self) -> bool {
        matches!(
            self,
            Kind::Person | Kind::Organisation | Kind::Vessel | Kind::Address | Kind::Place
        )
    }
}

/// An identifier as written in a record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawIdentifier {
    /// The scheme.
    pub scheme: Scheme,
    /// The value as written.
    pub value: String,
    /// The issuing country, as written, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// A subject as a record gives it. Everything is optional except the kind.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    /// What the subject is.
    pub kind: Kind,
    /// Full names and aliases in any script, the main one first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
    /// A person's given name(s), when recorded apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// A person's family name, when recorded apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// Identifiers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<RawIdentifier>,
    /// Date of birth (or of registration, for organisations), as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// Nationality, flag or country of registration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
    /// Other attributes, compared as text: `(name, value)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<(String, String)>,
}

impl Subject {
    /// A subject of a kind with nothing else known yet.
    pub fn new(kind: Kind) -> Subject {
        Subject {
            kind,
            ..Subject::default()
        }
    }

    /// A subject of a kind with one name.
    pub fn named(kind: Kind, name: &str) -> Subject {
        Subject::new(kind).with_name(name)
    }

    /// Adds a name or alias.
    pub fn with_name(mut self, name: &str) -> Subject {
        self.names.push(name.to_owned());
        self
    }

    /// Adds an identifier.
    pub fn with_id(mut self, scheme: Scheme, value: &str) -> Subject {
        self.identifiers.push(RawIdentifier {
            scheme,
            value: value.to_owned(),
            country: None,
        });
        self
    }

    /// Sets the date of birth.
    pub fn born(mut self, date: &str) -> Subject {
        self.birth_date = Some(date.to_owned());
        self
    }

    /// Sets the nationality.
    pub fn of_nationality(mut self, nationality: &str) -> Subject {
        self.nationality = Some(nationality.to_owned());
        self
    }

    /// Adds an attribute.
    pub fn with_attribute(mut self, name: &str, value: &str) -> Subject {
        self.attributes.push((name.to_owned(), value.to_owned()));
        self
    }
}

/// Something in a subject that could not be used, and was left out.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// An identifier that failed its check.
    #[error("{0}")]
    Identifier(#[from] IdentifierError),
    /// A date of birth with no year in it.
    #[error("date of birth has no recognisable year")]
    BirthDate,
}

/// Names of attributes, numbered in the order first seen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    names: Vec<String>,
}

impl Schema {
    /// The number of an attribute, added if new.
    pub fn attribute(&mut self, name: &str) -> u16 {
        let key = name.trim().to_lowercase();
        if let Some(i) = self.names.iter().position(|n| *n == key) {
            return i as u16;
        }
        self.names.push(key);
        (self.names.len() - 1) as u16
    }

    /// The number of an attribute name, if it has one.
    pub fn find(&self, name: &str) -> Option<u16> {
        let key = name.trim().to_lowercase();
        self.names.iter().position(|n| *n == key).map(|i| i as u16)
    }

    /// The name of an attribute number.
    pub fn name(&self, id: u16) -> &str {
        self.names.get(usize::from(id)).map_or("", String::as_str)
    }

    /// The attribute names, by number.
    pub fn names(&self) -> &[String] {
        &self.names
    }
}

/// An attribute value, normalised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// The attribute number in the [`Schema`].
    pub id: u16,
    /// Normalised words joined by single spaces.
    pub text: Box<str>,
}

/// A subject normalised for comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Prepared {
    /// The kind.
    pub kind: Kind,
    /// A person's names, each with its readings.
    pub persons: Vec<PersonName>,
    /// The names of anything else.
    pub names: Vec<Part>,
    /// Identifiers, normalised; placeholders removed.
    pub identifiers: Vec<Identifier>,
    /// Date of birth.
    pub birth_date: Option<BirthDate>,
    /// Nationality (alpha-2 where recognised).
    pub nationality: Option<Box<str>>,
    /// Other attributes.
    pub attributes: Vec<Attribute>,
}

impl Prepared {
    /// Whether there is nothing to compare.
    pub fn is_empty(&self) -> bool {
        self.persons.is_empty()
            && self.names.is_empty()
            && self.identifiers.is_empty()
            && self.birth_date.is_none()
            && self.attributes.is_empty()
    }
}

/// Normalises a subject, numbering new attribute names in the schema.
/// Identifiers that fail their checks and unreadable dates are left out and
/// reported.
pub fn prepare(subject: &Subject, schema: &mut Schema) -> (Prepared, Vec<Problem>) {
    register(subject, schema);
    prepare_known(subject, schema)
}

/// Numbers the attribute names of a subject in the schema.
pub fn register(subject: &Subject, schema: &mut Schema) {
    for (key, _) in &subject.attributes {
        schema.attribute(key);
    }
}

/// Normalises a subject whose attribute names are all in the schema (see
/// [`register`]); attributes with unknown names are left out.
pub fn prepare_known(subject: &Subject, schema: &Schema) -> (Prepared, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut persons = Vec::new();
    let mut names = Vec::new();
    if subject.kind == Kind::Person {
        if subject.given_name.is_some() || subject.family_name.is_some() {
            persons.extend(name::person_parts(
                subject.given_name.as_deref(),
                subject.family_name.as_deref(),
            ));
        }
        for n in &subject.names {
            if let Some(p) = name::person_full(n) {
                if !persons.contains(&p) {
                    persons.push(p);
                }
            }
        }
    } else {
        let vessel = subject.kind == Kind::Vessel;
        for n in &subject.names {
            if let Some(p) = name::organisation(n, vessel) {
                if !names.contains(&p) {
                    names.push(p);
                }
            }
        }
    }
    let mut identifiers: Vec<Identifier> = Vec::new();
    for raw in &subject.identifiers {
        match identifier::normalise(raw.scheme, &raw.value, raw.country.as_deref()) {
            Ok(Some(id)) => {
                if !identifiers.contains(&id) {
                    identifiers.push(id);
                }
            }
            Ok(None) => {}
            Err(e) => problems.push(Problem::Identifier(e)),
        }
    }
    let birth_date = subject.birth_date.as_deref().and_then(|raw| {
        let parsed = date::parse(raw);
        if parsed.is_none() && !raw.trim().is_empty() {
            problems.push(Problem::BirthDate);
        }
        parsed
    });
    let nationality = subject
        .nationality
        .as_deref()
        .and_then(identifier::country)
        .map(String::into_boxed_str);
    let mut attributes = Vec::new();
    for (key, value) in &subject.attributes {
        let normal = text::normal_text(value);
        if normal.is_empty() || identifier::is_placeholder(Scheme::Document, &normal) {
            continue;
        }
        if let Some(id) = schema.find(key) {
            attributes.push(Attribute {
                id,
                text: normal.into(),
            });
        }
    }
    (
        Prepared {
            kind: subject.kind,
            persons,
            names,
            identifiers,
            birth_date,
            nationality,
            attributes,
        },
        problems,
    )
}
