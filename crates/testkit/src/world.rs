//! The world of the tests: five agencies, one user per agency and role, and agreements
//! of every shape the policy tells apart.

use chrono::Duration;
use interdict_core::{AgencyCode, Role, Scope, Tlp};
use interdict_service::admin::{Admin, AgreementInput, NewUserInput};
use interdict_service::Service;
use serde_json::Value;

pub fn code(raw: &str) -> AgencyCode {
    AgencyCode::parse(raw).expect("agency code")
}

/// The agencies of the test world and the short names used in usernames.
pub const AGENCIES: [(&str, &str); 5] = [
    ("KR-KCS", "kcs"),
    ("KR-KCG", "kcg"),
    ("TH-CUSTOMS", "thai"),
    ("US-HSI", "hsi"),
    ("JP-CUSTOMS", "japan"),
];

pub const PASSWORD: &str = "test-password-123";

/// Seeds the five agencies, one user per agency and role (`kcs.analyst`, …) with
/// password [`PASSWORD`], and the agreements of the test world, through the service as
/// the node's operator:
/// - KCS–KCG: every scope, up to RED;
/// - KCS–Thai: intelligence and seizures, up to GREEN;
/// - KCS–HSI: intelligence up to AMBER, expired yesterday;
/// - Japan: none.
pub async fn seed_world(service: &Service) {
    let by = Admin::Console;
    for (agency, short) in AGENCIES {
        service
            .create_agency(
                &by,
                agency,
                &format!("{agency} agency"),
                &agency[..2],
                "customs",
                &format!("{short} duty desk"),
            )
            .await
            .expect("agency");
    }
    for (agency, short) in AGENCIES {
        for role in Role::ALL {
            service
                .create_user(
                    &by,
                    NewUserInput {
                        username: format!("{short}.{}", role.as_str()),
                        agency: agency.to_owned(),
                        display_name: Some(format!("{short} {}", role.as_str())),
                        roles: role.as_str().to_owned(),
                        password: PASSWORD.to_owned(),
                    },
                )
                .await
                .expect("user");
        }
    }
    let today = service.today();
    let agreements = [
        (
            ["KR-KCS", "KR-KCG"],
            Scope::ALL.to_vec(),
            today - Duration::days(400),
            None,
            Tlp::Red,
        ),
        (
            ["KR-KCS", "TH-CUSTOMS"],
            vec![Scope::Intelligence, Scope::Seizures],
            today - Duration::days(400),
            None,
            Tlp::Green,
        ),
        (
            ["KR-KCS", "US-HSI"],
            vec![Scope::Intelligence],
            today - Duration::days(400),
            Some(today - Duration::days(1)),
            Tlp::Amber,
        ),
    ];
    for (parties, scopes, from, to, max_tlp) in agreements {
        service
            .create_agreement(
                &by,
                AgreementInput {
                    title: format!("{} and {}", parties[0], parties[1]),
                    parties: parties.iter().map(|p| (*p).to_owned()).collect(),
                    scopes: scopes.iter().map(|s| s.as_str().to_owned()).collect(),
                    valid_from: from,
                    valid_to: to,
                    max_tlp: max_tlp.as_str().to_owned(),
                },
            )
            .await
            .expect("agreement");
    }
}

/// Adds an agreement in force from 400 days ago, for a test that needs one more than
/// [`seed_world`] makes (for example a partner that may receive TLP:RED).
pub async fn add_agreement(service: &Service, parties: [&str; 2], scopes: &[Scope], max_tlp: Tlp) {
    service
        .create_agreement(
            &Admin::Console,
            AgreementInput {
                title: format!("{} and {}", parties[0], parties[1]),
                parties: parties.iter().map(|p| (*p).to_owned()).collect(),
                scopes: scopes.iter().map(|s| s.as_str().to_owned()).collect(),
                valid_from: service.today() - Duration::days(400),
                valid_to: None,
                max_tlp: max_tlp.as_str().to_owned(),
            },
        )
        .await
        .expect("agreement");
}

/// A token for `username` made by the operator (no password check).
pub async fn token_for(service: &Service, username: &str) -> String {
    service
        .create_token(&Admin::Console, username, "test", 1)
        .await
        .expect("token")
        .token
}

/// A report body.
pub fn report_json(title: &str, tlp: &str, recipients: &[&str], status: &str) -> Value {
    serde_json::json!({
        "title": title,
        "narrative": "narrative",
        "grading": "B2",
        "handling": { "tlp": tlp, "recipients": recipients },
        "drugs": ["methamphetamine"],
        "status": status,
        "subjects": [
            { "kind": "vessel", "name": "해양호", "imo": "9074729", "mmsi": "440123450" },
            { "kind": "person", "name": "Lee Jung-ho", "nationality": "KR" }
        ]
    })
}

/// A seizure body.
pub fn seizure_json(marker: &str, tlp: &str, recipients: &[&str], status: &str) -> Value {
    serde_json::json!({
        "occurred_on": "2026-01-15",
        "place": { "kind": "port", "name": format!("Busan New Port {marker}"), "country": "KR" },
        "conveyance": "sea_container",
        "items": [ { "drug": "methamphetamine", "quantity": 22.5, "unit": "kg" } ],
        "concealment": format!("frozen fish {marker}"),
        "route": { "origin": "TH", "transit": ["VN"], "destination": "KR" },
        "subjects": [ { "kind": "container", "number": "CSQU3054383" } ],
        "handling": { "tlp": tlp, "recipients": recipients },
        "status": status
    })
}
