//! `/statistics`: seizure statistics in the browser. The page is rendered on the
//! server with a table of every figure; `static/statistics.js` draws the charts
//! (Chart.js, served by the node) from the same figures, which the page hands it in a
//! data attribute (no inline script: the content security policy allows none).

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use interdict_core::ident::CountryCode;
use interdict_core::policy::Principal;
use interdict_core::stats::{Cell, Dimension};
use interdict_service::stats::{format_kg, SeizureStatistics, StatsRequest};
use maud::{html, Markup};

use super::ctx::{query_pairs, Authed};
use super::i18n::Lang;
use super::layout::{html_response, page, Nav};
use super::statics;
use crate::AppState;

type Page = Result<axum::response::Response, axum::response::Response>;

/// The groupings the page offers, in its menus.
const CHOICES: [Dimension; 7] = [
    Dimension::Drug,
    Dimension::Month,
    Dimension::Year,
    Dimension::Agency,
    Dimension::Conveyance,
    Dimension::Region,
    Dimension::Origin,
];

/// The keys of the messages the script uses.
const SCRIPT_KEYS: [&str; 7] = [
    "stats.cases",
    "stats.kilograms",
    "stats.tablets",
    "stats.series",
    "stats.stacked",
    "stats.shares_agency",
    "stats.shares_region",
];

/// A value of a grouping as the reader's language writes it.
fn label(lang: Lang, dimension: Dimension, value: &str) -> String {
    match dimension {
        Dimension::Drug => lang.t(&format!("drug.{value}")).to_owned(),
        Dimension::Conveyance => lang.t(&format!("conveyance.{value}")).to_owned(),
        Dimension::Origin => match CountryCode::parse(value) {
            Ok(country) => lang.country(country).to_owned(),
            Err(_) => lang.t("stats.region.unknown").to_owned(),
        },
        Dimension::Region => region_label(lang, value),
        Dimension::Month | Dimension::Year | Dimension::Agency => value.to_owned(),
    }
}

fn region_label(lang: Lang, region: &str) -> String {
    let key = region.to_lowercase().replace(['-', ' '], "_");
    lang.t(&format!("stats.region.{key}")).to_owned()
}

/// The cells as the script draws them: labels in the reader's language.
fn chart_data(lang: Lang, statistics: &SeizureStatistics, series: &SeizureStatistics) -> String {
    let labelled = |by: &[Dimension], cells: &[Cell]| -> Vec<serde_json::Value> {
        cells
            .iter()
            .map(|c| {
                let key: Vec<String> = by
                    .iter()
                    .zip(&c.key)
                    .map(|(d, v)| label(lang, *d, v))
                    .collect();
                serde_json::json!({
                    "key": key,
                    "cases": c.cases,
                    "kilograms": c.kilograms,
                    "tablets": c.tablets,
                })
            })
            .collect()
    };
    let shares =
        |shares: &[interdict_core::stats::Share], dimension: Dimension| -> Vec<serde_json::Value> {
            shares
            .iter()
            .map(|s| serde_json::json!({ "key": label(lang, dimension, &s.key), "cases": s.cases }))
            .collect()
        };
    let mut messages = serde_json::Map::new();
    for key in SCRIPT_KEYS {
        messages.insert(key.to_owned(), lang.t(key).into());
    }
    serde_json::json!({
        "cells": labelled(&statistics.by, &statistics.cells),
        "dimensions": statistics.by.len(),
        "series": labelled(&series.by, &series.cells),
        "agencies": shares(&statistics.shares_by_agency, Dimension::Agency),
        "regions": shares(&statistics.shares_by_region, Dimension::Region),
        "messages": messages,
    })
    .to_string()
}

fn dimension_menu(lang: Lang, name: &str, chosen: Option<Dimension>, optional: bool) -> Markup {
    html! {
        select id={ "stats-" (name) } name=(name) {
            @if optional {
                option value="" selected[chosen.is_none()] { (lang.t("stats.dim.none")) }
            }
            @for d in CHOICES {
                option value=(d.as_str()) selected[chosen == Some(d)] { (lang.t(&format!("stats.dim.{}", d.as_str()))) }
            }
        }
    }
}

/// `GET /statistics`.
pub async fn page_of_statistics(
    State(state): State<AppState>,
    auth: Authed,
    RawQuery(query): RawQuery,
) -> Page {
    let lang = auth.ctx.lang;
    let q = query_pairs(query.as_deref());
    let first = Dimension::parse(q.get("by").trim()).unwrap_or(Dimension::Drug);
    let second = Dimension::parse(q.get("then").trim()).filter(|d| *d != first);
    let by: Vec<&str> = std::iter::once(first)
        .chain(second)
        .map(Dimension::as_str)
        .collect();
    let from = q.get("from").trim().to_owned();
    let to = q.get("to").trim().to_owned();
    let request = StatsRequest::parse(&by.join(","), Some(from.as_str()), Some(to.as_str()))
        .map_err(|e| auth.fail(e))?;
    let principal = Principal::User(auth.session.actor.clone());
    let statistics = state
        .seizure_statistics(&principal, &request)
        .await
        .map_err(|e| auth.fail(e))?;
    let series_request = StatsRequest {
        by: vec![Dimension::Month],
        ..request.clone()
    };
    let series = state
        .seizure_statistics(&principal, &series_request)
        .await
        .map_err(|e| auth.fail(e))?;
    let body = html! {
        h1 { (lang.t("stats.title")) }
        p.muted { (lang.t("stats.help")) }
        form.panel.filters #stats-form method="get" action="/statistics" {
            label for="stats-by" { (lang.t("stats.by")) } " "
            (dimension_menu(lang, "by", Some(first), false)) " "
            label for="stats-then" { (lang.t("stats.then_by")) } " "
            (dimension_menu(lang, "then", second, true)) " "
            label for="stats-from" { (lang.t("stats.from")) } " "
            input #stats-from type="month" name="from" value=(request.from.clone().unwrap_or_default()) placeholder="YYYY-MM"; " "
            label for="stats-to" { (lang.t("stats.to")) } " "
            input #stats-to type="month" name="to" value=(request.to.clone().unwrap_or_default()) placeholder="YYYY-MM"; " "
            button.button type="submit" { (lang.t("stats.show")) }
        }
        section.panel #stats-summary {
            p {
                strong { (lang.t("stats.seizures")) } ": " (lang.int(statistics.seizures.cases)) " · "
                (format_kg(statistics.seizures.kilograms)) " kg · "
                (lang.int(statistics.seizures.tablets)) " " (lang.t("stats.tablets"))
            }
            @if let Some(growth) = &statistics.growth {
                p #stats-growth {
                    strong { (lang.t("stats.growth")) } ": " (growth.first) " → " (growth.last) ": "
                    (lang.int(growth.first_cases)) " → " (lang.int(growth.last_cases))
                    @if let Some(ratio) = growth.ratio { " (×" (format!("{ratio:.1}")) ")" }
                }
            }
            p.help { (lang.t("stats.suppressed_help").replace("{0}", &statistics.min_cell.to_string())) }
        }
        @if statics::chart_assets_present() {
            script src=(statics::vendor_url("chart.js/chart.umd.min.js")) defer {}
            script src=(statics::url("statistics.js")) defer {}
            div #stats-charts .stats-charts data-stats=(chart_data(lang, &statistics, &series)) {
                figure.panel { figcaption { (lang.t("stats.series")) } canvas #chart-series role="img" aria-label=(lang.t("stats.series")) {} }
                figure.panel { figcaption { (lang.t("stats.stacked")) } canvas #chart-stacked role="img" aria-label=(lang.t("stats.stacked")) {} }
                figure.panel { figcaption { (lang.t("stats.shares_agency")) } canvas #chart-agencies role="img" aria-label=(lang.t("stats.shares_agency")) {} }
                figure.panel { figcaption { (lang.t("stats.shares_region")) } canvas #chart-regions role="img" aria-label=(lang.t("stats.shares_region")) {} }
            }
        } @else {
            section.panel.alert.alert-warn #chart-assets-missing {
                p { (lang.t("stats.assets_missing")) }
                pre.prose { "npm ci --prefix web\ncargo build --release -p interdict" }
            }
        }
        section.panel #stats-table {
            @if statistics.cells.is_empty() {
                p.empty { (lang.t("stats.none")) }
            } @else {
                div.table-scroll {
                    table.data {
                        thead { tr {
                            @for d in &statistics.by { th { (lang.t(&format!("stats.dim.{}", d.as_str()))) } }
                            th.num { (lang.t("stats.cases")) }
                            th.num { (lang.t("stats.kilograms")) }
                            th.num { (lang.t("stats.tablets")) }
                        } }
                        tbody {
                            @for cell in &statistics.cells {
                                tr class=[cell.suppressed.then_some("suppressed")] {
                                    @for (d, v) in statistics.by.iter().zip(&cell.key) { td { (label(lang, *d, v)) } }
                                    td.num { (lang.int(cell.cases)) @if cell.suppressed { " *" } }
                                    td.num { (format_kg(cell.kilograms)) }
                                    td.num { (lang.int(cell.tablets)) }
                                }
                            }
                        }
                        tfoot { tr {
                            td colspan=(statistics.by.len()) { (lang.t("stats.total")) }
                            td.num { (lang.int(statistics.total.cases)) }
                            td.num { (format_kg(statistics.total.kilograms)) }
                            td.num { (lang.int(statistics.total.tablets)) }
                        } }
                    }
                }
                @if statistics.cells.iter().any(|c| c.suppressed) {
                    p.help { "* " (lang.t("stats.suppressed")) }
                }
            }
        }
        section.panel #stats-shares {
            h2 { (lang.t("stats.shares_agency")) }
            ul { @for s in &statistics.shares_by_agency { li { (s.key) ": " (lang.int(s.cases)) " (" (s.percent) " %)" } } }
            h2 { (lang.t("stats.shares_region")) }
            ul { @for s in &statistics.shares_by_region { li { (region_label(lang, &s.key)) ": " (lang.int(s.cases)) " (" (s.percent) " %)" } } }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(
            lang,
            Some(&auth.session),
            &auth.ctx.here,
            lang.t("stats.title"),
            Nav::Statistics,
            body,
        ),
    ))
}
