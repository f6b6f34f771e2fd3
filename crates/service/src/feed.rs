//! Following the change feed as a principal: live pages, alert pushes and (later)
//! partner nodes read every change after a position, filtered by their policy, and
//! resume after a disconnect from the last position they saw.
//!
//! A reader gets, for each change it may know of, either the data's id and kind (it may
//! read the data now: fetch it, which is audited) or a notice that data it could see
//! before is gone from its view (withdrawn, relabelled, disclosure ended). Positions
//! leave the service sealed, like cursors, so that the gaps between them say nothing
//! of the changes a reader may not see.

use interdict_core::policy::{DataKind, Principal};
use uuid::Uuid;

use crate::cursor;
use crate::error::{ServiceError, ServiceResult};
use crate::Service;

/// What a reader learns of one change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedItem {
    /// Where to resume after this item; sealed.
    pub position: String,
    pub kind: DataKind,
    pub id: Uuid,
    pub at: chrono::DateTime<chrono::Utc>,
    pub event: FeedEvent,
}

/// What happened to the data, as far as the reader is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedEvent {
    /// New or changed, and visible to the reader.
    Upsert,
    /// No longer visible to the reader.
    Removed,
}

impl FeedEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            FeedEvent::Upsert => "upsert",
            FeedEvent::Removed => "removed",
        }
    }
}

/// Changes read per query.
const PAGE: i64 = 500;

/// Queries per call.
const MAX_PAGES: usize = 20;

fn scope(principal: &Principal) -> String {
    match principal {
        Principal::User(actor) => format!("feed:user:{}", actor.user_id),
        Principal::Node { agency } => format!("feed:node:{agency}"),
        Principal::System { job } => format!("feed:job:{job}"),
    }
}

/// Positions are sealed one up, since a sealed cursor cannot be 0 and the feed starts
/// at 0.
fn seal(service: &Service, scope: &str, position: i64) -> String {
    cursor::seal(service.keys(), scope, position + 1)
}

fn open(service: &Service, scope: &str, sealed: &str) -> Option<i64> {
    cursor::open(service.keys(), scope, sealed).map(|p| p - 1)
}

impl Service {
    /// The sealed position of the feed's head, to start following from now.
    pub async fn feed_start(&self, principal: &Principal) -> ServiceResult<String> {
        let head = self.store().feed_head().await?;
        Ok(seal(self, &scope(principal), head))
    }

    /// The changes after sealed position `after` (the head when `None`) that
    /// `principal` may know of, at most `limit`, and the position to resume from. Waits
    /// up to `wait` for a change when there is none yet.
    pub async fn feed_after(
        &self,
        principal: &Principal,
        after: Option<&str>,
        limit: usize,
        wait: std::time::Duration,
    ) -> ServiceResult<(Vec<FeedItem>, String)> {
        let scope = scope(principal);
        let mut position = match after {
            Some(raw) => open(self, &scope, raw)
                .ok_or_else(|| ServiceError::field("after", "is not a position from this feed"))?,
            None => self.store().feed_head().await?,
        };
        let mut waker = self.store().subscribe_feed().await?;
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let kinds = DataKind::ALL;
            let accesses = self.accesses(principal, &kinds).await?;
            let visibility: Vec<_> = accesses
                .iter()
                .map(|a| (a.kind(), a.visibility()))
                .collect();
            let mut items = Vec::new();
            let mut last = position;
            // A reader far behind makes progress in bounded steps: at most this many
            // changes are read per call, visible or not.
            let mut pages = 0;
            'pages: loop {
                pages += 1;
                if pages > MAX_PAGES {
                    break;
                }
                let changes = self.store().changes_after(last, PAGE).await?;
                if changes.is_empty() {
                    break;
                }
                for change in changes {
                    last = change.pos;
                    let Some((_, seen)) = visibility.iter().find(|(k, _)| *k == change.kind) else {
                        continue;
                    };
                    let event = if seen.admits_names(change.terms.iter().map(String::as_str)) {
                        Some(FeedEvent::Upsert)
                    } else if seen.admits_names(change.prev_terms.iter().map(String::as_str)) {
                        Some(FeedEvent::Removed)
                    } else {
                        None
                    };
                    if let Some(event) = event {
                        items.push(FeedItem {
                            position: seal(self, &scope, change.pos),
                            kind: change.kind,
                            id: change.id,
                            at: change.at,
                            event,
                        });
                        if items.len() >= limit {
                            break 'pages;
                        }
                    }
                }
            }
            let resume = seal(self, &scope, last);
            if !items.is_empty() || tokio::time::Instant::now() >= deadline {
                return Ok((items, resume));
            }
            position = last;
            if tokio::time::timeout_at(deadline, waker.changed())
                .await
                .is_err()
            {
                return Ok((items, resume));
            }
        }
    }
}
