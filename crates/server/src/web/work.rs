//! What waits for the signed-in officer, by role, on the dashboard: the operations
//! running, the alerts not yet closed, the loans to answer, the coming training
//! sessions. Each panel reads through the same service calls as its own page, so a
//! reader sees here only what that page would show them.

use interdict_core::alert::AlertState;
use interdict_core::operation::OperationStatus;
use interdict_core::policy::Action;
use interdict_core::resource::LoanStatus;
use interdict_service::records::ListFilter;
use interdict_service::{ServiceError, ServiceResult};
use maud::{html, Markup};

use super::ctx::Authed;
use super::i18n::Lang;
use crate::AppState;

/// How many items a panel lists.
const SHOWN: usize = 5;

/// What the caller's roles let them see, `None` when they do not.
fn permitted<T>(result: ServiceResult<T>) -> ServiceResult<Option<T>> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(ServiceError::ForbiddenRole) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The panels of the officer's work, in the order of their urgency.
pub async fn panels(state: &AppState, auth: &Authed) -> ServiceResult<Markup> {
    let lang = auth.ctx.lang;
    let actor = &auth.session.actor;
    let today = state.today();

    let alerts = if actor.may(Action::ReadSurveillance) {
        permitted(
            state
                .list_alerts(actor, &ListFilter::default(), None, 50)
                .await,
        )?
        .map(|page| {
            page.items
                .into_iter()
                .filter(|a| a.state != AlertState::Closed)
                .collect::<Vec<_>>()
        })
    } else {
        None
    };
    // Those running or planned first, then the latest closed, by their first day.
    let operations = if actor.may(Action::ReadRecords) {
        permitted(state.operations_for(actor).await)?.map(|mut all| {
            all.sort_by_key(|o| {
                (
                    o.status == OperationStatus::Closed,
                    std::cmp::Reverse(o.starts_on),
                )
            });
            all
        })
    } else {
        None
    };
    let loans = if actor.may(Action::ManageResources) {
        permitted(state.loans_for(actor).await)?.map(|all| {
            all.into_iter()
                .filter(|l| !l.actions.is_empty())
                .filter(|l| {
                    matches!(
                        l.loan.status_on(today),
                        LoanStatus::Requested
                            | LoanStatus::Countered
                            | LoanStatus::Approved
                            | LoanStatus::Deployed
                    )
                })
                .collect::<Vec<_>>()
        })
    } else {
        None
    };
    let sessions = if actor.may(Action::ReadTraining) {
        permitted(state.sessions_for(actor, None).await)?.map(|all| {
            all.into_iter()
                .filter(|s| !s.session.finished(today))
                .collect::<Vec<_>>()
        })
    } else {
        None
    };

    let users = if actor.may(Action::ManageAgency) {
        permitted(
            state
                .users(&interdict_service::admin::Admin::User(actor.clone()), None)
                .await,
        )?
    } else {
        None
    };

    Ok(html! {
        @if let Some(users) = &users {
            section.panel #work-admin {
                div.panel-head {
                    h2 { (lang.t("work.users")) }
                    a href="/admin/users" { (lang.t("work.manage_users")) " →" }
                }
                p {
                    (lang.t("work.users_count")
                        .replace("{0}", &lang.int(users.iter().filter(|u| !u.disabled).count() as i64))
                        .replace("{1}", &lang.int(users.iter().filter(|u| u.disabled).count() as i64)))
                }
                ul.plain.work-list {
                    @for u in users.iter().filter(|u| !u.disabled).take(SHOWN) {
                        li {
                            strong { (u.display_name) } " " span.muted { "(" (u.username.as_str()) ")" }
                            " · "
                            @for (i, r) in u.roles.iter().enumerate() { @if i > 0 { ", " } (super::layout::role_name(lang, r)) }
                        }
                    }
                }
            }
        }
        @if let Some(alerts) = &alerts {
            section.panel #work-alerts {
                div.panel-head {
                    h2 { (lang.t("work.alerts")) " " span.count-badge { (lang.int(alerts.len() as i64)) } }
                    a href="/map" { (lang.t("work.open_map")) " →" }
                }
                @if alerts.is_empty() {
                    p.empty { (lang.t("work.no_alerts")) }
                } @else {
                    ul.plain.work-list {
                        @for a in alerts.iter().take(SHOWN) {
                            li {
                                strong { (lang.t(&format!("alert.{}", a.kind.as_str()))) }
                                " — " (a.vessel_name.clone().unwrap_or_else(|| format!("MMSI {}", a.mmsi)))
                                " · " span.muted { (lang.datetime(a.start)) }
                                " · " (lang.t(&format!("alert_state.{}", a.state.as_str())))
                            }
                        }
                    }
                }
            }
        }
        @if let Some(operations) = &operations {
            section.panel #work-operations {
                div.panel-head {
                    h2 { (lang.t("work.operations")) }
                    a href="/operations" { (lang.t("dash.see_all")) " →" }
                }
                @if operations.is_empty() {
                    p.empty { (lang.t("work.no_operations")) }
                } @else {
                    ul.plain.work-list {
                        @for o in operations.iter().take(SHOWN) {
                            li {
                                a href={ "/operations/" (o.id) } { strong { (o.code_name) } }
                                " — " (lang.t(&format!("op.status.{}", o.status.as_str())))
                                " · " span.muted { (lang.date(o.starts_on)) " – " (lang.date(o.ends_on)) }
                                " · " (agencies(&o.agencies()))
                            }
                        }
                    }
                }
            }
        }
        @if let Some(loans) = &loans {
            section.panel #work-loans {
                div.panel-head {
                    h2 { (lang.t("work.loans")) " " span.count-badge { (lang.int(loans.len() as i64)) } }
                    a href="/loans" { (lang.t("dash.see_all")) " →" }
                }
                @if loans.is_empty() {
                    p.empty { (lang.t("work.no_loans")) }
                } @else {
                    ul.plain.work-list {
                        @for l in loans.iter().take(SHOWN) {
                            li {
                                a href="/loans" { strong { (lang.t(&format!("res.kind.{}", l.loan.kind.as_str()))) } }
                                " — " (l.loan.borrower_agency.as_str()) " ← " (l.loan.owner_agency.as_str())
                                " · " span.muted { (lang.date(l.loan.from)) " – " (lang.date(l.loan.to)) }
                                " · " (lang.t(&format!("res.loan.{}", l.loan.status_on(today).as_str())))
                            }
                        }
                    }
                }
            }
        }
        @if let Some(sessions) = &sessions {
            section.panel #work-training {
                div.panel-head {
                    h2 { (lang.t("work.sessions")) }
                    a href="/training" { (lang.t("dash.see_all")) " →" }
                }
                @if sessions.is_empty() {
                    p.empty { (lang.t("work.no_sessions")) }
                } @else {
                    ul.plain.work-list {
                        @for s in sessions.iter().take(SHOWN) {
                            li {
                                a href={ "/training/sessions/" (s.session.id) } { strong { (s.course_title) } }
                                " · " span.muted { (lang.date(s.session.starts_on)) " – " (lang.date(s.session.ends_on)) }
                                " · " (seats(lang, s.seats_used, s.seats_offered))
                            }
                        }
                    }
                }
            }
        }
    })
}

fn agencies(codes: &[interdict_core::AgencyCode]) -> String {
    codes
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn seats(lang: Lang, used: i64, offered: i64) -> String {
    lang.t("work.seats")
        .replace("{0}", &lang.int(used))
        .replace("{1}", &lang.int(offered))
}
