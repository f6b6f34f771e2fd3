//! The audit log for agency administrators and auditors: filters by actor, agency,
//! action, target and day; actions named in the page's language; details read as
//! fields rather than JSON; ids that lead to everything the log holds about them; and
//! the filtered log as CSV.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use interdict_core::audit::AuditEntry;
use interdict_service::audit::{AuditFilter, AuditPage, AuditQuery};
use maud::{html, Markup};

use super::ctx::{encode, query_pairs, Authed, FormData};
use super::i18n::Lang;
use super::layout::{html_response, page, pager, Nav};
use super::records::agencies;
use crate::api::operations::csv_response;
use crate::error::AppError;
use crate::AppState;

type Page = Result<Response, Response>;

/// The families of actions the filter offers, in the order shown.
const FAMILIES: &[&str] = &[
    "auth",
    "page",
    "search",
    "report",
    "seizure",
    "attachment",
    "correlations",
    "deconfliction",
    "operation",
    "alert",
    "vessel",
    "track",
    "area",
    "source",
    "stats",
    "resource",
    "loan",
    "training",
    "user",
    "token",
    "agreement",
    "agency",
    "audit",
    "node",
];

/// The most entries one CSV export holds.
const CSV_MAX: usize = 100_000;

/// The filter's fields as given, and the filter they make.
struct Filters {
    form: FormData,
    query: AuditQuery,
}

impl Filters {
    fn read(raw: Option<&str>) -> Result<Self, AppError> {
        let form = query_pairs(raw);
        let day = |name: &str| -> Result<Option<NaiveDate>, AppError> {
            match form.get(name).trim() {
                "" => Ok(None),
                raw => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| AppError::field(name, "is not a day (YYYY-MM-DD)")),
            }
        };
        let text = |name: &str| Some(form.get(name).trim().to_owned()).filter(|v| !v.is_empty());
        let query = AuditQuery {
            actor: text("actor"),
            agency: text("agency"),
            action: text("action"),
            target: text("target"),
            from: day("from")?,
            to: day("to")?,
        };
        Ok(Filters { form, query })
    }

    fn filter(&self) -> Result<AuditFilter, AppError> {
        Ok(self.query.filter()?)
    }

    /// The filter's fields, to carry into the pager and the export.
    fn kept(&self) -> Vec<(&'static str, String)> {
        ["actor", "agency", "action", "target", "from", "to"]
            .into_iter()
            .map(|k| (k, self.form.get(k).trim().to_owned()))
            .filter(|(_, v)| !v.is_empty())
            .collect()
    }
}

/// The name of an action in `lang`: its family and its verb (`Report: read`), with
/// `(refused)` for a refused one; `None` when the family has no name.
pub fn action_label(lang: Lang, action: &str) -> Option<String> {
    let (family, verb) = match action.split_once('.') {
        Some((family, verb)) => (family, Some(verb)),
        None => (action, None),
    };
    let family_name = lang.try_t(&format!("audit.family.{family}"))?;
    let Some(verb) = verb else {
        return Some(family_name.to_owned());
    };
    let (verb, refused) = match verb.strip_suffix("_denied") {
        Some(verb) => (verb, true),
        None => (verb, false),
    };
    let verb_name = lang
        .try_t(&format!("audit.verb.{verb}"))
        .map(str::to_owned)
        .unwrap_or_else(|| verb.replace('_', " "));
    let mut label = lang
        .t("audit.phrase")
        .replace("{0}", family_name)
        .replace("{1}", &verb_name);
    if refused {
        label.push(' ');
        label.push_str(lang.t("audit.refused"));
    }
    Some(label)
}

fn target_link(id: &str) -> String {
    format!("/audit?target={}", encode(id))
}

/// A list of ids, each leading to the entries about it.
fn ids(lang: Lang, list: &[serde_json::Value]) -> Markup {
    let ids: Vec<&str> = list.iter().filter_map(|v| v.as_str()).collect();
    html! {
        details.ids {
            summary { (lang.t("audit.records_n").replace("{0}", &lang.int(ids.len() as i64))) }
            ul.id-list {
                @for id in &ids { li { a.mono href=(target_link(id)) { (id) } } }
            }
        }
    }
}

/// An entry's detail as fields.
fn detail(lang: Lang, raw: &str) -> Markup {
    let value: serde_json::Value = match serde_json::from_str(raw) {
        Ok(v) => v,
        Err(_) => return html! { span.mono { (raw) } },
    };
    let Some(object) = value.as_object() else {
        return html! { span.mono { (raw) } };
    };
    html! {
        @if !object.is_empty() {
            dl.audit-detail {
                @for (key, value) in object {
                    dt { (lang.try_t(&format!("audit.key.{key}")).unwrap_or(key)) }
                    dd {
                        @match (key.as_str(), value) {
                            ("records" | "sample_targets", serde_json::Value::Array(list)) => (ids(lang, list)),
                            ("reads", serde_json::Value::Object(reads)) => {
                                ul.reads {
                                    @for (action, list) in reads {
                                        li {
                                            (action_label(lang, action).unwrap_or_else(|| action.clone()))
                                            @if let Some(list) = list.as_array() { " " (ids(lang, list)) }
                                        }
                                    }
                                }
                            }
                            ("query", serde_json::Value::String(q)) => q.search-text { (q) },
                            ("path", serde_json::Value::String(p)) => code { (p) },
                            (_, serde_json::Value::String(s)) if uuid::Uuid::parse_str(s).is_ok() => {
                                a.mono href=(target_link(s)) { (s) }
                            }
                            (_, serde_json::Value::String(s)) => (s),
                            (_, serde_json::Value::Number(n)) => (n),
                            (_, serde_json::Value::Bool(b)) => (if *b { lang.t("common.yes") } else { lang.t("common.no") }),
                            (_, serde_json::Value::Null) => span.muted { "—" },
                            (_, serde_json::Value::Array(list)) if list.iter().all(|v| v.is_string()) => {
                                (list.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>().join(", "))
                            }
                            (_, other) => span.mono { (other.to_string()) },
                        }
                    }
                }
            }
        }
    }
}

fn row(lang: Lang, e: &AuditEntry) -> Markup {
    let event = &e.event;
    html! {
        tr {
            td.num { (e.seq) }
            td.nowrap { (lang.datetime(event.at)) }
            td {
                @match &event.actor {
                    Some(a) => {
                        a href={ "/audit?actor=" (encode(a)) } { (a) }
                        @if let Some(ag) = &event.actor_agency { br; span.muted { (ag) } }
                    }
                    None => span.muted { (lang.t("audit.system")) },
                }
            }
            td {
                @match action_label(lang, &event.action) {
                    Some(label) => { span.action { (label) } br; code.muted { (event.action) } }
                    None => code.raw { (event.action) },
                }
            }
            td {
                @if let Some(kind) = &event.target_kind {
                    (lang.try_t(&format!("audit.family.{kind}")).unwrap_or(kind)) " "
                }
                @if let Some(id) = &event.target_id {
                    a.mono href=(target_link(id)) { (id) }
                }
                @if let Some(ag) = &event.target_agency {
                    @if event.target_kind.is_some() || event.target_id.is_some() { br; }
                    span.muted { (ag) }
                }
            }
            td.detail { @if event.detail != "{}" { (detail(lang, &event.detail)) } }
        }
    }
}

/// `GET /audit`: a filtered page of the entries that concern the reader's agency.
pub async fn page_of_audit(
    State(state): State<AppState>,
    auth: Authed,
    RawQuery(query): RawQuery,
) -> Page {
    let q = query_pairs(query.as_deref());
    let before = match q.get("before").trim() {
        "" => None,
        raw => Some(
            raw.parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| auth.fail(AppError::field("before", "is not an entry number")))?,
        ),
    };
    let agencies = agencies(&state).await.map_err(|e| auth.fail(e))?;
    let parsed = Filters::read(query.as_deref()).and_then(|f| {
        let filter = f.filter()?;
        Ok((f, filter))
    });
    match parsed {
        Ok((filters, filter)) => {
            let data = state
                .audit_page(&auth.session.actor, filter, before, 50)
                .await
                .map_err(|e| auth.fail(e))?;
            Ok(page_with(
                &auth,
                &agencies,
                Some(&filters),
                &q,
                Some(&data),
                None,
            ))
        }
        Err(AppError::Invalid { fields, .. }) => {
            Ok(page_with(&auth, &agencies, None, &q, None, Some(&fields)))
        }
        Err(e) => Err(auth.fail(e)),
    }
}

fn page_with(
    auth: &Authed,
    agencies: &[interdict_core::agency::Agency],
    filters: Option<&Filters>,
    q: &FormData,
    data: Option<&AuditPage>,
    problem: Option<&std::collections::BTreeMap<String, String>>,
) -> Response {
    let lang = auth.ctx.lang;
    let sel = |k: &str| q.get(k).trim().to_owned();
    let kept = filters.map(Filters::kept).unwrap_or_default();
    let kept_refs: Vec<(&str, String)> = kept.iter().map(|(k, v)| (*k, v.clone())).collect();
    let export = {
        let mut url = String::from("/audit.csv");
        for (i, (k, v)) in kept.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(k);
            url.push('=');
            url.push_str(&encode(v));
        }
        url
    };
    let body = html! {
        div.page-head {
            h1 { (lang.t("audit.title")) }
            a.button.secondary href=(export) download { (lang.t("audit.export")) }
        }
        form.filters method="get" action="/audit" role="search" {
            div.filter-field {
                label for="actor" { (lang.t("audit.actor")) }
                input type="text" id="actor" name="actor" value=(sel("actor")) autocomplete="off";
            }
            div.filter-field {
                label for="agency" { (lang.t("field.agency")) }
                select id="agency" name="agency" {
                    option value="" { (lang.t("common.any")) }
                    @for a in agencies { option value=(a.code.as_str()) selected[sel("agency") == a.code.as_str()] { (a.code.as_str()) } }
                }
            }
            div.filter-field {
                label for="action" { (lang.t("audit.action")) }
                select id="action" name="action" {
                    option value="" { (lang.t("common.any")) }
                    @for f in FAMILIES {
                        option value=(f) selected[sel("action") == *f] { (lang.try_t(&format!("audit.family.{f}")).unwrap_or(f)) }
                    }
                    @let chosen = sel("action");
                    @if !chosen.is_empty() && !FAMILIES.contains(&chosen.as_str()) {
                        option value=(chosen) selected { (action_label(lang, &chosen).unwrap_or_else(|| chosen.clone())) }
                    }
                }
            }
            div.filter-field.grow {
                label for="target" { (lang.t("audit.target")) }
                input type="text" id="target" name="target" value=(sel("target")) placeholder=(lang.t("audit.target_hint")) autocomplete="off";
            }
            div.filter-field {
                label for="from" { (lang.t("field.from")) }
                input type="date" id="from" name="from" value=(sel("from"));
            }
            div.filter-field {
                label for="to" { (lang.t("field.to")) }
                input type="date" id="to" name="to" value=(sel("to"));
            }
            div.filter-actions {
                button.button type="submit" { (lang.t("common.filter")) }
                a.button.secondary href="/audit" { (lang.t("common.clear")) }
            }
        }
        @if let Some(problem) = &problem {
            div.alert.alert-error role="alert" {
                (lang.t("common.fix_fields"))
                ul { @for (field, message) in *problem { li { (field) ": " (message) } } }
            }
        }
        @if let Some(data) = &data {
            @if data.entries.is_empty() {
                p.empty { (lang.t("common.empty")) }
            } @else {
                div.table-scroll {
                    table.data.audit {
                        thead { tr {
                            th.num { (lang.t("audit.seq")) }
                            th { (lang.t("audit.time")) }
                            th { (lang.t("audit.actor")) }
                            th { (lang.t("audit.action")) }
                            th { (lang.t("audit.target")) }
                            th { (lang.t("audit.detail")) }
                        } }
                        tbody { @for e in &data.entries { (row(lang, e)) } }
                    }
                }
            }
            (pager(lang, "/audit", &kept_refs, "before", q.get("before").trim(), q.get("trail").trim(), data.next_before.map(|n| n.to_string())))
        }
    };
    let status = if problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    html_response(
        status,
        page(
            lang,
            Some(&auth.session),
            &auth.ctx.here,
            lang.t("audit.title"),
            Nav::Audit,
            body,
        ),
    )
}

/// `GET /audit.csv`: the filtered entries as CSV, newest first, up to 100,000.
pub async fn audit_csv(
    State(state): State<AppState>,
    auth: Authed,
    RawQuery(query): RawQuery,
) -> Page {
    let filter = Filters::read(query.as_deref())
        .and_then(|f| f.filter())
        .map_err(|e| auth.fail(e))?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "seq",
        "at",
        "actor",
        "actor_agency",
        "action",
        "target_kind",
        "target_id",
        "target_agency",
        "detail",
        "hash",
    ];
    let failed = |e: csv::Error| auth.fail(AppError::Internal(e.into()));
    out.write_record(header).map_err(failed)?;
    let mut before = None;
    let mut written = 0usize;
    loop {
        let data = state
            .audit_page(&auth.session.actor, filter.clone(), before, 200)
            .await
            .map_err(|e| auth.fail(e))?;
        for e in &data.entries {
            let ev = &e.event;
            let row = [
                e.seq.to_string(),
                interdict_core::audit::canonical_time(&ev.at),
                ev.actor.clone().unwrap_or_default(),
                ev.actor_agency.clone().unwrap_or_default(),
                ev.action.clone(),
                ev.target_kind.clone().unwrap_or_default(),
                ev.target_id.clone().unwrap_or_default(),
                ev.target_agency.clone().unwrap_or_default(),
                ev.detail.clone(),
                e.hash.clone(),
            ];
            out.write_record(row.iter().map(|f| spreadsheet_safe(f)))
                .map_err(failed)?;
            written += 1;
        }
        match data.next_before {
            Some(next) if written < CSV_MAX => before = Some(next),
            _ => break,
        }
    }
    let bytes = out
        .into_inner()
        .map_err(|e| auth.fail(AppError::Internal(anyhow::anyhow!("{e}"))))?;
    Ok(csv_response(&String::from_utf8_lossy(&bytes), "audit.csv"))
}

/// A field a spreadsheet would not read as a formula.
fn spreadsheet_safe(field: &str) -> String {
    if field.starts_with(['=', '+', '-', '@']) {
        format!("'{field}")
    } else {
        field.to_owned()
    }
}
