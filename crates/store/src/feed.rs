//! The change feed: an ordered log of every change, written in the same transaction
//! as the change and its audit entry.
//!
//! Positions come from one counter row (`changes_head`), updated inside the writing
//! transaction: the row lock makes writers take positions one after another and commit
//! in that order, so a reader that has seen position `p` will never later find a
//! committed change below `p`. Readers are woken in this process through a watch
//! channel and, on PostgreSQL, in other processes through `NOTIFY interdict_changes`.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use interdict_core::policy::DataKind;
use interdict_core::AgencyCode;
use tokio::sync::watch;
use uuid::Uuid;

use crate::db::{Arg, SqlBuf};
use crate::{Dialect, Store, StoreError, WriteTx};

/// The PostgreSQL notification channel of the feed.
pub const NOTIFY_CHANNEL: &str = "interdict_changes";

/// What a change did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeOp {
    Create,
    Update,
    Withdraw,
}

impl ChangeOp {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeOp::Create => "create",
            ChangeOp::Update => "update",
            ChangeOp::Withdraw => "withdraw",
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        [ChangeOp::Create, ChangeOp::Update, ChangeOp::Withdraw]
            .into_iter()
            .find(|op| op.as_str() == raw)
    }
}

/// One entry of the feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub pos: i64,
    pub at: DateTime<Utc>,
    pub kind: DataKind,
    pub id: Uuid,
    pub agency: AgencyCode,
    pub op: ChangeOp,
    /// The access terms of the data after the change, as text.
    pub terms: Vec<String>,
    /// The access terms before the change (empty for a creation).
    pub prev_terms: Vec<String>,
}

/// Wakes readers of the feed in this process when a change commits.
#[derive(Clone, Debug)]
pub struct FeedWaker {
    sender: Arc<watch::Sender<u64>>,
    /// Whether the PostgreSQL listener runs.
    listening: Arc<tokio::sync::Mutex<bool>>,
}

impl FeedWaker {
    pub(crate) fn new() -> Self {
        Self {
            sender: Arc::new(watch::channel(0).0),
            listening: Arc::default(),
        }
    }

    pub(crate) fn wake(&self) {
        self.sender.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A receiver that changes whenever a change commits in this process.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.sender.subscribe()
    }
}

fn kind_of(raw: &str) -> Result<DataKind, StoreError> {
    DataKind::ALL
        .into_iter()
        .find(|k| k.as_str() == raw)
        .ok_or_else(|| StoreError::Corrupt(format!("change kind {raw:?}")))
}

fn split(raw: &str) -> Vec<String> {
    raw.split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Appends a change inside `tx`; returns its position.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn append_change(
    tx: &mut WriteTx<'_>,
    at: DateTime<Utc>,
    kind: DataKind,
    id: Uuid,
    agency: &AgencyCode,
    op: ChangeOp,
    terms: &str,
    prev_terms: &str,
) -> Result<i64, StoreError> {
    let pos = tx
        .tx
        .fetch_one(
            &SqlBuf::with(
                tx.dialect,
                "UPDATE changes_head SET pos = pos + 1 WHERE id = 1 RETURNING pos",
                vec![],
            ),
            |row| row.int("pos"),
        )
        .await?;
    tx.tx
        .execute(&SqlBuf::with(
            tx.dialect,
            "INSERT INTO changes (pos, at, kind, id, agency, op, terms, prev_terms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            vec![
                Arg::Int(pos),
                Arg::Time(at),
                kind.as_str().into(),
                Arg::Id(id),
                agency.as_str().into(),
                op.as_str().into(),
                terms.into(),
                prev_terms.into(),
            ],
        ))
        .await?;
    if tx.dialect == Dialect::Postgres {
        tx.tx
            .execute(&SqlBuf::with(
                Dialect::Postgres,
                "SELECT pg_notify($1, $2)",
                vec![NOTIFY_CHANNEL.into(), pos.to_string().into()],
            ))
            .await?;
    }
    tx.changed = true;
    Ok(pos)
}

impl Store {
    /// Up to `limit` changes after position `after`, in order. The caller filters them
    /// by the reader's policy.
    pub async fn changes_after(&self, after: i64, limit: i64) -> Result<Vec<Change>, StoreError> {
        self.db
            .fetch_all(
                &SqlBuf::with(
                    self.dialect(),
                    "SELECT pos, at, kind, id, agency, op, terms, prev_terms FROM changes \
                     WHERE pos > $1 ORDER BY pos LIMIT $2",
                    vec![Arg::Int(after), Arg::Int(limit)],
                ),
                |row| {
                    let agency = row.text("agency")?;
                    let op = row.text("op")?;
                    Ok(Change {
                        pos: row.int("pos")?,
                        at: row.time("at")?,
                        kind: kind_of(&row.text("kind")?)?,
                        id: row.id("id")?,
                        agency: AgencyCode::parse(&agency).map_err(|_| {
                            StoreError::Corrupt(format!("change agency {agency:?}"))
                        })?,
                        op: ChangeOp::parse(&op)
                            .ok_or_else(|| StoreError::Corrupt(format!("change op {op:?}")))?,
                        terms: split(&row.text("terms")?),
                        prev_terms: split(&row.text("prev_terms")?),
                    })
                },
            )
            .await
    }

    /// The position of the last committed change.
    pub async fn feed_head(&self) -> Result<i64, StoreError> {
        self.db
            .fetch_one(
                &SqlBuf::with(
                    self.dialect(),
                    "SELECT pos FROM changes_head WHERE id = 1",
                    vec![],
                ),
                |row| row.int("pos"),
            )
            .await
    }

    /// A receiver that changes whenever a change commits: in this process always, and
    /// on PostgreSQL also when another process commits one (through `LISTEN`), as long
    /// as the listener started by the first call runs.
    pub async fn subscribe_feed(&self) -> Result<watch::Receiver<u64>, StoreError> {
        if let crate::db::Db::Postgres(pool) = &self.db {
            self.feed.listen_postgres(pool).await?;
        }
        Ok(self.feed.subscribe())
    }
}

impl FeedWaker {
    /// Starts, once, a task that wakes readers on notifications from other processes.
    /// It ends when the store is dropped.
    async fn listen_postgres(&self, pool: &sqlx::PgPool) -> Result<(), StoreError> {
        let mut started = self.listening.lock().await;
        if *started {
            return Ok(());
        }
        let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
        listener.listen(NOTIFY_CHANNEL).await?;
        let sender = Arc::downgrade(&self.sender);
        tokio::spawn(async move {
            loop {
                let received =
                    tokio::time::timeout(std::time::Duration::from_secs(5), listener.recv()).await;
                let Some(sender) = sender.upgrade() else {
                    return;
                };
                match received {
                    Ok(Ok(_)) => sender.send_modify(|n| *n = n.wrapping_add(1)),
                    Ok(Err(e)) => {
                        tracing::warn!(error = %e, "change feed listener lost its connection; retrying");
                        // `recv` reconnects on the next call; wake readers so that they
                        // look for what they may have missed meanwhile.
                        sender.send_modify(|n| *n = n.wrapping_add(1));
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                    Err(_) => {}
                }
            }
        });
        *started = true;
        Ok(())
    }
}
