//! Alerts: what the behaviour detectors of the maritime picture found, with their
//! evidence and a life cycle (new, acknowledged, assigned, closed with an outcome).
//!
//! An alert belongs to the agency whose surveillance source saw the behaviour, and is
//! shared by the surveillance scope of its agreements, under the source's label. An
//! alert about a vessel on the watch list belongs to one agency that may see both the
//! report that named the vessel and the source's data: each such agency gets its own.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::agency::{AgencyCode, Username};
use crate::handling::Handling;
use crate::ident::Mmsi;
use crate::record::{DrugType, Record, RecordKind, RecordStatus};
use crate::subject::{Subject, Vessel};

/// What a detector found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// Two vessels close together, slowly, for long, away from port.
    Encounter,
    /// One vessel slow for long, far offshore.
    Loitering,
    /// A vessel silent for hours.
    Gap,
    /// An identity that does not add up (MID, two places at once, changed names).
    Identity,
    /// A vessel entering an area.
    ZoneEntry,
    /// A vessel named in intelligence seen, entering an area, going dark or meeting.
    Watchlist,
    /// A vessel arriving from a high-risk port or country.
    HighRiskArrival,
}

impl AlertKind {
    /// Every kind.
    pub const ALL: [AlertKind; 7] = [
        AlertKind::Encounter,
        AlertKind::Loitering,
        AlertKind::Gap,
        AlertKind::Identity,
        AlertKind::ZoneEntry,
        AlertKind::Watchlist,
        AlertKind::HighRiskArrival,
    ];

    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::Encounter => "encounter",
            AlertKind::Loitering => "loitering",
            AlertKind::Gap => "gap",
            AlertKind::Identity => "identity",
            AlertKind::ZoneEntry => "zone_entry",
            AlertKind::Watchlist => "watchlist",
            AlertKind::HighRiskArrival => "high_risk_arrival",
        }
    }

    /// Parses the stable text form.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

/// Where an alert stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertState {
    New,
    Acknowledged,
    Assigned,
    Closed,
}

impl AlertState {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertState::New => "new",
            AlertState::Acknowledged => "acknowledged",
            AlertState::Assigned => "assigned",
            AlertState::Closed => "closed",
        }
    }

    /// Whether an alert may move from `self` to `next`.
    pub fn may_become(self, next: AlertState) -> bool {
        use AlertState::*;
        matches!(
            (self, next),
            (New, Acknowledged)
                | (New, Assigned)
                | (New, Closed)
                | (Acknowledged, Assigned)
                | (Acknowledged, Closed)
                | (Assigned, Assigned)
                | (Assigned, Closed)
        )
    }
}

/// How a closed alert ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertOutcome {
    /// Acted on: boarding, inspection, a seizure.
    Actioned,
    /// Looked into; nothing found.
    NoFurtherAction,
    /// Not what it seemed (fishing, a buoy, a receiver fault).
    FalsePositive,
    /// Handed to another agency.
    Referred,
}

/// An alert as stored and returned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Alert {
    pub id: Uuid,
    /// The agency the alert belongs to.
    pub agency: AgencyCode,
    /// The surveillance source whose data showed it.
    pub source: Uuid,
    pub kind: AlertKind,
    pub mmsi: u32,
    /// The other vessel of an encounter.
    pub other_mmsi: Option<u32>,
    /// The vessel's name when known.
    pub vessel_name: Option<String>,
    pub start: DateTime<Utc>,
    /// `None` while it goes on.
    pub end: Option<DateTime<Utc>>,
    pub lat: f64,
    pub lon: f64,
    /// What the detector used: thresholds, track points, distances.
    #[schema(value_type = Object)]
    pub evidence: serde_json::Value,
    /// For watch-list alerts: the report that named the vessel.
    pub report: Option<Uuid>,
    pub state: AlertState,
    pub assignee: Option<Username>,
    pub outcome: Option<AlertOutcome>,
    pub note: String,
    pub handling: Handling,
    pub version: i64,
    /// Who made it: the node's detection job.
    pub created_by: Username,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Alert {
    /// The key that makes an alert unique: the detector's event, and for whom.
    pub fn dedup_key(source: Uuid, event_id: &str, agency: &AgencyCode) -> String {
        format!("{source}/{event_id}/{agency}")
    }
}

impl Record for Alert {
    const KIND: RecordKind = RecordKind::Alert;

    fn id(&self) -> Uuid {
        self.id
    }
    fn agency(&self) -> &AgencyCode {
        &self.agency
    }
    fn status(&self) -> RecordStatus {
        // Alerts are shared as they are; their life cycle is `state`.
        RecordStatus::Published
    }
    fn handling(&self) -> &Handling {
        &self.handling
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn title(&self) -> String {
        let vessel = match &self.vessel_name {
            Some(name) => format!("{name} ({})", self.mmsi),
            None => format!("MMSI {}", self.mmsi),
        };
        match self.other_mmsi {
            Some(other) => format!("{} {vessel} / {other}", self.kind.as_str()),
            None => format!("{} {vessel}", self.kind.as_str()),
        }
    }
    fn occurred_on(&self) -> Option<NaiveDate> {
        Some(self.start.date_naive())
    }
    fn drugs(&self) -> Vec<DrugType> {
        Vec::new()
    }
    fn subjects(&self) -> &[Subject] {
        &[]
    }
    fn created_by(&self) -> &Username {
        &self.created_by
    }
    fn times(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        (self.created_at, self.updated_at)
    }
    fn search_texts(&self) -> Vec<String> {
        let mut texts = vec![
            self.kind.as_str().replace('_', " "),
            self.mmsi.to_string(),
            self.state.as_str().to_owned(),
            self.note.clone(),
        ];
        texts.extend(self.vessel_name.clone());
        texts.extend(self.other_mmsi.map(|m| m.to_string()));
        texts
    }
    fn links(&self) -> Vec<Uuid> {
        self.report.into_iter().collect()
    }
    fn identifiers(&self) -> Vec<(&'static str, String)> {
        let mut ids = Vec::new();
        for mmsi in std::iter::once(self.mmsi).chain(self.other_mmsi) {
            if let Ok(m) = Mmsi::parse(&format!("{mmsi:09}")) {
                let vessel = Subject::Vessel(Vessel {
                    name: None,
                    imo: None,
                    mmsi: Some(m),
                    call_sign: None,
                    flag: None,
                });
                ids.extend(vessel.identifiers());
            }
        }
        ids.sort();
        ids.dedup();
        ids
    }
}
