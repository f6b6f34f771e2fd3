//! Agreements between agencies.

use chrono::NaiveDate;
use interdict_core::audit::{canonical_time, AuditEvent};
use interdict_core::{AgencyCode, Agreement, Scope, Tlp};
use sqlx::Row;
use uuid::Uuid;

use crate::audit::append;
use crate::{Store, StoreError};

fn corrupt(what: &str, value: impl std::fmt::Debug) -> StoreError {
    StoreError::Corrupt(format!("{what}: {value:?}"))
}

fn date(raw: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| corrupt("date", raw))
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
        sqlx::query(
            "INSERT INTO agreements (id, title, scopes, valid_from, valid_to, max_tlp, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(agreement.id.to_string())
        .bind(agreement.title.as_str())
        .bind(scopes.join(","))
        .bind(agreement.valid_from.to_string())
        .bind(agreement.valid_to.map(|d| d.to_string()))
        .bind(agreement.max_tlp.rank())
        .bind(canonical_time(&event.at))
        .execute(&mut *tx.tx)
        .await?;
        for party in &agreement.parties {
            sqlx::query("INSERT INTO agreement_parties (agreement_id, agency) VALUES ($1, $2)")
                .bind(agreement.id.to_string())
                .bind(party.as_str())
                .execute(&mut *tx.tx)
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
        let done = sqlx::query("UPDATE agreements SET valid_to = $1 WHERE id = $2")
            .bind(valid_to.map(|d| d.to_string()))
            .bind(id.to_string())
            .execute(&mut *tx.tx)
            .await?;
        if done.rows_affected() == 0 {
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
        let rows = sqlx::query(
            "SELECT a.id, a.title, a.scopes, a.valid_from, a.valid_to, a.max_tlp, p.agency \
             FROM agreements a JOIN agreement_parties p ON p.agreement_id = a.id \
             ORDER BY a.valid_from, a.id, p.agency",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<Agreement> = Vec::new();
        for row in &rows {
            let id: String = row.try_get("id")?;
            let id = Uuid::parse_str(&id).map_err(|_| corrupt("agreement id", &id))?;
            let party: String = row.try_get("agency")?;
            let party = AgencyCode::parse(&party).map_err(|_| corrupt("party", &party))?;
            if let Some(last) = out.last_mut().filter(|a| a.id == id) {
                last.parties.push(party);
                continue;
            }
            let scopes: String = row.try_get("scopes")?;
            let valid_to: Option<String> = row.try_get("valid_to")?;
            let max_tlp: i64 = row.try_get("max_tlp")?;
            out.push(Agreement {
                id,
                title: row.try_get("title")?,
                parties: vec![party],
                scopes: scopes
                    .split(',')
                    .map(|s| Scope::parse(s).ok_or_else(|| corrupt("scope", s)))
                    .collect::<Result<_, _>>()?,
                valid_from: date(&row.try_get::<String, _>("valid_from")?)?,
                valid_to: valid_to.as_deref().map(date).transpose()?,
                max_tlp: Tlp::from_rank(max_tlp).ok_or_else(|| corrupt("tlp", max_tlp))?,
            });
        }
        if let Some(agency) = agency {
            out.retain(|a| a.binds(agency));
        }
        Ok(out)
    }
}
