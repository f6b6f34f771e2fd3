//! Agreements between agencies.

use chrono::NaiveDate;
use interdict_core::audit::AuditEvent;
use interdict_core::{AgencyCode, Agreement, Scope};
use uuid::Uuid;

use crate::audit::append;
use crate::db::{Arg, SqlBuf};
use crate::{Store, StoreError};

fn corrupt(what: &str, value: impl std::fmt::Debug) -> StoreError {
    StoreError::Corrupt(format!("{what}: {value:?}"))
}

impl Store {
    /// Adds an agreement.
    pub async fn create_agreement(
        &self,
        agreement: &Agreement,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let scopes: Vec<&str> = agreement.scopes.iter().map(|s| s.as_str()).collect();
        tx.tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "INSERT INTO agreements (id, title, scopes, valid_from, valid_to, max_tlp, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                vec![
                    Arg::Id(agreement.id),
                    agreement.title.as_str().into(),
                    scopes.join(",").into(),
                    Arg::Date(agreement.valid_from),
                    Arg::OptDate(agreement.valid_to),
                    Arg::Int(agreement.max_tlp.rank()),
                    Arg::Time(event.at),
                ],
            ))
            .await?;
        for party in &agreement.parties {
            tx.tx
                .execute(&SqlBuf::with(
                    tx.dialect,
                    "INSERT INTO agreement_parties (agreement_id, agency) VALUES ($1, $2)",
                    vec![Arg::Id(agreement.id), party.as_str().into()],
                ))
                .await?;
        }
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// Changes the end date of an agreement (ending it early or extending it).
    pub async fn set_agreement_end(
        &self,
        id: Uuid,
        valid_to: Option<NaiveDate>,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = tx
            .tx
            .execute(&SqlBuf::with(
                tx.dialect,
                "UPDATE agreements SET valid_to = $1 WHERE id = $2",
                vec![Arg::OptDate(valid_to), Arg::Id(id)],
            ))
            .await?;
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        append(&mut tx, event).await?;
        tx.commit().await
    }

    /// Every agreement the node knows, or only those binding `agency`.
    pub async fn agreements(
        &self,
        agency: Option<&AgencyCode>,
    ) -> Result<Vec<Agreement>, StoreError> {
        let rows = self
            .db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    "SELECT a.id, a.title, a.scopes, a.valid_from, a.valid_to, a.max_tlp, p.agency \
                     FROM agreements a JOIN agreement_parties p ON p.agreement_id = a.id \
                     ORDER BY a.valid_from, a.id, p.agency",
                    vec![],
                ),
                |row| {
                    let party = row.text("agency")?;
                    let scopes = row.text("scopes")?;
                    Ok(Agreement {
                        id: row.id("id")?,
                        title: row.text("title")?,
                        parties: vec![AgencyCode::parse(&party).map_err(|_| corrupt("party", &party))?],
                        scopes: scopes
                            .split(',')
                            .map(|s| Scope::parse(s).ok_or_else(|| corrupt("scope", s)))
                            .collect::<Result<_, _>>()?,
                        valid_from: row.date("valid_from")?,
                        valid_to: row.opt_date("valid_to")?,
                        max_tlp: row.tlp("max_tlp")?,
                    })
                },
            )
            .await?;
        let mut out: Vec<Agreement> = Vec::new();
        for mut row in rows {
            if let Some(last) = out.last_mut().filter(|a| a.id == row.id) {
                last.parties.append(&mut row.parties);
                continue;
            }
            out.push(row);
        }
        if let Some(agency) = agency {
            out.retain(|a| a.binds(agency));
        }
        Ok(out)
    }
}
