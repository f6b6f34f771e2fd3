//! The profile page (`/profiles/{reports|seizures}/{id}/{n}`): one subject as every
//! record the reader may see knows it, as a graph and as lists, with the agencies to
//! call about what the reader may not read.

use std::f64::consts::PI;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use interdict_core::RecordKind;
use interdict_service::profiles::{Profile, ProfileRecord};
use maud::{html, Markup};
use uuid::Uuid;

use super::ctx::{encode, Authed};
use super::i18n::Lang;
use super::layout::{html_response, page, tlp_badge, Nav};
use super::records::{fields_text, hit_item, identifier_text, subjects_grid};
use crate::error::AppError;
use crate::AppState;

type Page = Result<Response, Response>;

/// The most nodes the graph draws around the subject; the lists hold the rest.
const GRAPH_NODES: usize = 18;

fn record_path(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Seizure => "seizures",
        _ => "reports",
    }
}

/// A record's title as the page's language writes it.
fn title(lang: Lang, record: &ProfileRecord) -> String {
    let title = lang.summary_title(&record.summary);
    if title.trim().is_empty() {
        lang.t(&format!("{}.one", record.summary.kind.as_str()))
            .to_owned()
    } else {
        title
    }
}

/// Why a record belongs, in a few words: the identifiers shared, else the fields
/// that agreed.
fn reason(lang: Lang, record: &ProfileRecord) -> String {
    match &record.link {
        None => lang.t("profile.origin").to_owned(),
        Some(link) if !link.matched.is_empty() => link
            .matched
            .iter()
            .map(|m| identifier_text(lang, m))
            .collect::<Vec<_>>()
            .join(", "),
        Some(link) => fields_text(lang, &link.fields),
    }
}

/// A label cut to `n` characters.
fn short(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(n.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// One node around the subject.
struct Node {
    class: &'static str,
    label: String,
    edge: String,
    href: Option<String>,
    dashed: bool,
}

/// The graph: the subject in the middle, the records, operations, alerts and hits
/// around it, each edge labelled with what links it.
fn graph(lang: Lang, profile: &Profile) -> Markup {
    let mut nodes: Vec<Node> = Vec::new();
    for r in &profile.records {
        let probability = r
            .link
            .as_ref()
            .map(|l| format!(" · {:.0}%", l.probability * 100.0))
            .unwrap_or_default();
        nodes.push(Node {
            class: if r.summary.kind == RecordKind::Seizure {
                "node-seizure"
            } else {
                "node-report"
            },
            label: format!(
                "{} · {}",
                r.summary.agency.as_str(),
                short(&title(lang, r), 26)
            ),
            edge: format!("{}{probability}", short(&reason(lang, r), 22)),
            href: Some(format!("/{}/{}", record_path(r.summary.kind), r.summary.id)),
            dashed: false,
        });
    }
    for o in &profile.operations {
        nodes.push(Node {
            class: "node-operation",
            label: o.code_name.clone(),
            edge: lang.t("profile.edge.target").to_owned(),
            href: Some(format!("/operations/{}", o.id)),
            dashed: false,
        });
    }
    for a in profile.alerts.iter().take(4) {
        nodes.push(Node {
            class: "node-alert",
            label: format!(
                "{} · {}",
                lang.t(&format!("alert.{}", a.kind.as_str())),
                lang.date(a.start.date_naive())
            ),
            edge: if profile.mmsi.contains(&a.mmsi) {
                format!("MMSI {}", a.mmsi)
            } else {
                lang.t("profile.edge.watchlist").to_owned()
            },
            href: Some("/map".to_owned()),
            dashed: false,
        });
    }
    for h in &profile.hits {
        nodes.push(Node {
            class: "node-hit",
            label: h.agency.as_str().to_owned(),
            edge: lang.t("profile.edge.hit").to_owned(),
            href: None,
            dashed: true,
        });
    }
    nodes.truncate(GRAPH_NODES);
    // As tall as the nodes need: a pair side by side, a ring for more.
    let width = 760.0_f64;
    let height = match nodes.len() {
        0..=2 => 200.0_f64,
        3..=6 => 340.0,
        _ => 440.0,
    };
    let (cx, cy) = (width / 2.0, height / 2.0);
    // Room beside the ring for the labels, which run outwards.
    let (rx, ry) = (width / 2.0 - 240.0, height / 2.0 - 50.0);
    let n = nodes.len().max(1) as f64;
    let place = |i: usize| {
        // From the top, clockwise, a little turned so that no label sits on the axis.
        let angle = -PI / 2.0 + 2.0 * PI * (i as f64 + 0.5) / n;
        (cx + rx * angle.cos(), cy + ry * angle.sin())
    };
    let subject = short(&profile.subject.label(), 28);
    html! {
        figure.profile-graph {
            svg viewBox={ "0 0 " (width) " " (height) } role="img" aria-label=(lang.t("profile.graph")) {
                @for (i, node) in nodes.iter().enumerate() {
                    @let (x, y) = place(i);
                    line.edge.dashed[node.dashed] x1=(cx) y1=(cy) x2=(format!("{x:.1}")) y2=(format!("{y:.1}")) {}
                    text.edge-label x=(format!("{:.1}", (cx + x) / 2.0)) y=(format!("{:.1}", (cy + y) / 2.0 - 4.0)) text-anchor="middle" { (node.edge) }
                }
                @for (i, node) in nodes.iter().enumerate() {
                    @let (x, y) = place(i);
                    @let anchor = if (x - cx).abs() < 40.0 { "middle" } else if x > cx { "start" } else { "end" };
                    @let dx = if anchor == "start" { 16.0 } else if anchor == "end" { -16.0 } else { 0.0 };
                    @let dy = if anchor == "middle" { if y > cy { 28.0 } else { -18.0 } } else { 4.0 };
                    @match &node.href {
                        Some(href) => {
                            a href=(href) {
                                circle class=(node.class) cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="11" {}
                                text.node-label x=(format!("{:.1}", x + dx)) y=(format!("{:.1}", y + dy)) text-anchor=(anchor) { (node.label) }
                            }
                        }
                        None => {
                            circle class=(node.class) cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="11" {}
                            text.node-label x=(format!("{:.1}", x + dx)) y=(format!("{:.1}", y + dy)) text-anchor=(anchor) { (node.label) }
                        }
                    }
                }
                circle.node-subject cx=(cx) cy=(cy) r="22" {}
                text.subject-label x=(cx) y=(cy + 40.0) text-anchor="middle" { (subject) }
            }
            figcaption.legend {
                span.key.node-report { } (lang.t("report.other")) " "
                span.key.node-seizure { } (lang.t("seizure.other")) " "
                span.key.node-operation { } (lang.t("nav.operations")) " "
                span.key.node-alert { } (lang.t("map.alerts")) " "
                span.key.node-hit { } (lang.t("profile.hits"))
            }
        }
    }
}

/// `/profiles/{kind}/{id}/{n}`.
pub async fn profile_page(
    State(state): State<AppState>,
    auth: Authed,
    Path((kind, id, n)): Path<(String, String, String)>,
) -> Page {
    let lang = auth.ctx.lang;
    let not_found = || auth.fail(AppError::NotFound);
    let kind = crate::api::profiles::record_kind(&kind).map_err(|_| not_found())?;
    let id = Uuid::parse_str(&id).map_err(|_| not_found())?;
    let n: usize = n.parse().map_err(|_| not_found())?;
    let profile = state
        .profile(&auth.session.actor, kind, id, n)
        .await
        .map_err(|e| auth.fail(e))?;
    let label = profile.subject.label();
    let kind_name = lang.t(&format!("subject.{}", profile.subject.kind()));
    let body = html! {
        p.breadcrumb { a href={ "/" (record_path(kind)) "/" (id) } { "← " (title(lang, &profile.records[0])) } }
        h1 { span.kind { (kind_name) } " " (label) }
        @if profile.spellings.len() > 1 {
            p #spellings {
                span.muted { (lang.t("profile.spellings")) ": " }
                @for (i, s) in profile.spellings.iter().enumerate() {
                    @if i > 0 { " · " }
                    a href={ "/search?q=" (encode(s)) } { (s) }
                }
            }
        }
        @if !profile.identifiers.is_empty() {
            p #identifiers {
                span.muted { (lang.t("profile.identifiers")) ": " }
                @for (i, (scheme, value)) in profile.identifiers.iter().enumerate() {
                    @if i > 0 { " · " }
                    span.scheme { (scheme.to_uppercase().replace('_', " ")) } " "
                    a.mono href={ "/search?q=" (encode(value)) } { (value) }
                }
            }
        }
        @if !profile.mmsi.is_empty() {
            p {
                a href="/map" { (lang.t("profile.on_map")) " →" }
                " " span.muted { @for m in &profile.mmsi { "MMSI " (m) " " } }
            }
        }
        (graph(lang, &profile))

        section.panel #profile-records {
            h2 { (lang.t("profile.records")) " " span.count-badge { (lang.int(profile.records.len() as i64)) } }
            div.table-scroll {
                table.data {
                    thead { tr {
                        th { (lang.t("field.title")) }
                        th { (lang.t("field.agency")) }
                        th { (lang.t("field.tlp")) }
                        th { (lang.t("profile.written_as")) }
                        th { (lang.t("profile.why")) }
                    } }
                    tbody {
                        @for r in &profile.records {
                            tr {
                                td.title-cell {
                                    span.kind { (lang.t(&format!("{}.one", r.summary.kind.as_str()))) } " "
                                    a href={ "/" (record_path(r.summary.kind)) "/" (r.summary.id) } { (title(lang, r)) }
                                }
                                td.nowrap { (r.summary.agency.as_str()) }
                                td { (tlp_badge(r.summary.tlp)) }
                                td { (r.subjects.iter().map(|s| s.label()).collect::<Vec<_>>().join(", ")) }
                                td {
                                    (reason(lang, r))
                                    @if let Some(link) = &r.link {
                                        " " span.score title=(format!("{:.1} {}", link.score, lang.t("correlation.bits"))) {
                                            "(" (format!("{:.0}", link.probability * 100.0)) "%)"
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !profile.operations.is_empty() {
            section.panel #profile-operations {
                h2 { (lang.t("nav.operations")) }
                ul.plain {
                    @for o in &profile.operations {
                        li {
                            a href={ "/operations/" (o.id) } { strong { (o.code_name) } }
                            " — " (o.lead_agency.as_str()) " · " (lang.t(&format!("op.status.{}", o.status.as_str())))
                        }
                    }
                }
            }
        }
        @if !profile.alerts.is_empty() {
            section.panel #profile-alerts {
                h2 { (lang.t("map.alerts")) }
                ul.plain {
                    @for a in &profile.alerts {
                        li {
                            strong { (lang.t(&format!("alert.{}", a.kind.as_str()))) }
                            " — " (a.vessel_name.clone().unwrap_or_else(|| format!("MMSI {}", a.mmsi)))
                            " · " span.muted { (lang.datetime(a.start)) }
                            " · " (a.agency.as_str())
                        }
                    }
                }
            }
        }
        @if !profile.hits.is_empty() {
            section.panel #profile-hits {
                h2 { (lang.t("profile.hits")) }
                p.muted { (lang.t("profile.hits_help")) }
                ul.correlation-hits {
                    @for hit in &profile.hits { (hit_item(lang, hit)) }
                }
            }
        }
        details {
            summary { (lang.t("profile.subjects")) }
            (subjects_grid(lang, &profile.records.iter().flat_map(|r| r.subjects.iter().cloned()).collect::<Vec<_>>(), None))
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(
            lang,
            Some(&auth.session),
            &auth.ctx.here,
            &format!("{} — {}", lang.t("profile.title"), label),
            Nav::Search,
            body,
        ),
    ))
}
