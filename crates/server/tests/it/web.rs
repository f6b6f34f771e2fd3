//! The web interface over real HTTP: a node on port 0 with a fresh SQLite database,
//! three agencies, and browsers simulated by reqwest clients with cookie stores.

use interdict_service::admin::{Admin, AgreementInput, NewUserInput};
use interdict_testkit::{Backend, TestNode};
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use uuid::Uuid;

const PASSWORD: &str = "correct horse battery";

struct Node {
    base: String,
    _node: TestNode,
}

async fn start() -> Node {
    let node = TestNode::start(Backend::Sqlite).await.unwrap();
    seed(node.service()).await;
    Node {
        base: node.url(""),
        _node: node,
    }
}

async fn seed(service: &interdict_service::Service) {
    let by = Admin::Console;
    for (code, name, country, kind) in [
        ("KR-KCS", "Korea Customs Service", "KR", "customs"),
        ("KR-KCG", "Korea Coast Guard", "KR", "coast_guard"),
        ("JP-CUSTOMS", "Japan Customs", "JP", "customs"),
    ] {
        service
            .create_agency(&by, code, name, country, kind, "")
            .await
            .unwrap();
    }
    for (username, agency, roles) in [
        ("kcs.analyst", "KR-KCS", "analyst"),
        ("kcg.analyst", "KR-KCG", "analyst"),
        ("japan.analyst", "JP-CUSTOMS", "analyst"),
        ("kcs.auditor", "KR-KCS", "auditor"),
    ] {
        service
            .create_user(
                &by,
                NewUserInput {
                    username: username.to_owned(),
                    agency: agency.to_owned(),
                    display_name: Some(username.to_owned()),
                    roles: roles.to_owned(),
                    password: PASSWORD.to_owned(),
                },
            )
            .await
            .unwrap();
    }
    service
        .create_agreement(
            &by,
            AgreementInput {
                title: "KCG–KCS maritime narcotics MOU".into(),
                parties: vec!["KR-KCG".into(), "KR-KCS".into()],
                scopes: [
                    "intelligence",
                    "surveillance",
                    "resources",
                    "training",
                    "seizures",
                ]
                .map(str::to_owned)
                .to_vec(),
                valid_from: chrono::NaiveDate::from_ymd_opt(2023, 4, 5).unwrap(),
                valid_to: None,
                max_tlp: "AMBER".into(),
            },
        )
        .await
        .unwrap();
}

fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::limited(5))
        .build()
        .unwrap()
}

fn browser_no_redirects() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// The value of the first hidden `csrf` field of a page.
fn csrf_of(html: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let start = html.find(marker).expect("page has a csrf field") + marker.len();
    let end = html[start..].find('"').unwrap();
    html[start..start + end].to_owned()
}

async fn login(client: &Client, base: &str, username: &str) -> String {
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let response = client
        .post(format!("{base}/login"))
        .form(&[
            ("csrf", csrf_of(&page).as_str()),
            ("next", "/"),
            ("username", username),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "login of {username}");
    let dashboard = response.text().await.unwrap();
    assert!(dashboard.contains(username), "dashboard names the user");
    csrf_of(&dashboard)
}

async fn get(client: &Client, url: &str) -> (StatusCode, String) {
    let response = client.get(url).send().await.unwrap();
    let status = response.status();
    (status, response.text().await.unwrap())
}

fn report_form<'a>(csrf: &'a str, title: &'a str, imo: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("title", title),
        (
            "narrative",
            "화물선 해양호가 부산항 입항 전 해상에서 환적할 것으로 보임.",
        ),
        ("grading", "B2"),
        ("tlp", "AMBER"),
        ("drugs", "methamphetamine"),
        ("drugs", "yaba"),
        ("modus_operandi", "ship-to-ship transfer"),
        ("status", "published"),
        ("subject_kind", "vessel"),
        ("subject_name", "해양호"),
        ("subject_id", imo),
        ("subject_country", "PA"),
        ("subject_aliases", ""),
        ("subject_lat", ""),
        ("subject_lon", ""),
        ("subject_extra", ""),
        ("subject_kind", "phone"),
        ("subject_name", ""),
        ("subject_id", "+82 10 1234 5678"),
        ("subject_country", ""),
        ("subject_aliases", ""),
        ("subject_lat", ""),
        ("subject_lon", ""),
        ("subject_extra", ""),
        ("subject_kind", "person"),
        ("subject_name", ""),
        ("subject_id", ""),
        ("subject_country", ""),
        ("subject_aliases", ""),
        ("subject_lat", ""),
        ("subject_lon", ""),
        ("subject_extra", ""),
    ]
}

#[tokio::test]
async fn login_sets_a_strict_http_only_session_cookie() {
    let node = start().await;
    let client = browser_no_redirects();
    let page = client
        .get(format!("{}/login", node.base))
        .send()
        .await
        .unwrap();
    let login_cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("interdict_login_csrf="))
        .expect("login form sets its csrf cookie");
    assert!(login_cookie.contains("HttpOnly") && login_cookie.contains("SameSite=Strict"));
    let html = page.text().await.unwrap();
    let response = client
        .post(format!("{}/login", node.base))
        .form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("next", "/reports"),
            ("username", "kcs.analyst"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/reports");
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("interdict_session="))
        .expect("session cookie");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "secure_cookies is off: {cookie}"
    );
}

#[tokio::test]
async fn login_refuses_a_wrong_password_and_a_missing_login_token() {
    let node = start().await;
    let client = browser();
    let (_, html) = get(&client, &format!("{}/login", node.base)).await;
    let response = client
        .post(format!("{}/login", node.base))
        .form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("username", "kcs.analyst"),
            ("password", "wrong"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Wrong username or password"));
    let fresh = browser();
    let response = fresh
        .post(format!("{}/login", node.base))
        .form(&[("username", "kcs.analyst"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn pages_need_a_session_and_next_stays_local() {
    let node = start().await;
    let client = browser_no_redirects();
    let response = client
        .get(format!("{}/reports?q=x", node.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "/login?next=%2Freports%3Fq%3Dx"
    );
    let (_, html) = get(
        &client,
        &format!("{}/login?next=//evil.example/x", node.base),
    )
    .await;
    assert!(html.contains(r#"name="next" value="/""#));
}

#[tokio::test]
async fn posts_without_the_csrf_token_are_refused() {
    let node = start().await;
    let client = browser();
    let csrf = login(&client, &node.base, "kcs.analyst").await;
    let mut form = report_form(&csrf, "Without token", "9074729");
    form.retain(|(k, _)| *k != "csrf");
    let response = client
        .post(format!("{}/reports", node.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let mut form = report_form(&csrf, "Wrong token", "9074729");
    form[0].1 = "idt_forged";
    let response = client
        .post(format!("{}/reports", node.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = client
        .post(format!("{}/logout", node.base))
        .form(&[("csrf", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (_, list) = get(&client, &format!("{}/reports", node.base)).await;
    assert!(!list.contains("Without token") && !list.contains("Wrong token"));
}

#[tokio::test]
async fn a_report_filed_in_the_browser_is_shared_by_agreement_only() {
    let node = start().await;
    let base = &node.base;
    let kcs = browser();
    let csrf = login(&kcs, base, "kcs.analyst").await;

    let response = kcs
        .post(format!("{base}/reports"))
        .form(&report_form(&csrf, "해양호 환적 첩보", "9074729"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let detail_url = response.url().to_string();
    assert!(
        detail_url.starts_with(&format!("{base}/reports/")),
        "{detail_url}"
    );
    let detail = response.text().await.unwrap();
    for expected in [
        "해양호 환적 첩보",
        "TLP:AMBER",
        "9074729",
        "+821012345678",
        "B2",
        "/edit",
        "/withdraw",
        // Who sees it: the coast guard by their agreement, not Japan.
        "Who sees this record",
    ] {
        assert!(detail.contains(expected), "detail shows {expected}");
    }
    let audience = detail
        .split("Who sees this record")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .unwrap_or_default();
    assert!(audience.contains("KR-KCG"), "{audience}");
    assert!(!audience.contains("JP-CUSTOMS"), "{audience}");

    // The partner under an AMBER agreement sees it, but may not change it.
    let kcg = browser();
    login(&kcg, base, "kcg.analyst").await;
    let (status, seen) = get(&kcg, &detail_url).await;
    assert_eq!(status, StatusCode::OK);
    assert!(seen.contains("해양호 환적 첩보"));
    assert!(!seen.contains("/edit\"") && !seen.contains("/withdraw"));
    let (_, list) = get(&kcg, &format!("{base}/reports")).await;
    assert!(list.contains("해양호 환적 첩보"));
    let (_, found) = get(&kcg, &format!("{base}/search?q=%ED%95%B4%EC%96%91")).await;
    assert!(
        found.contains("해양호 환적 첩보"),
        "search for 해양 finds it"
    );
    // Regression: "Total: 1 results".
    assert!(
        found.contains(r#"<p class="count">1 result</p>"#),
        "{found}"
    );
    // Regression: the date column was empty for reports.
    assert!(!found.contains("<td class=\"nowrap\"></td>"), "{found}");
    let (status, _) = get(&kcg, &format!("{detail_url}/edit")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Japan has no agreement: the report does not exist for it.
    let japan = browser();
    login(&japan, base, "japan.analyst").await;
    let (status, hidden) = get(&japan, &detail_url).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, missing) = get(&japan, &format!("{base}/reports/{}", Uuid::now_v7())).await;
    assert_eq!(
        strip_request_specific(&hidden),
        strip_request_specific(&missing),
        "hidden reads exactly like nonexistent"
    );
    assert!(!hidden.contains("해양호"));
    let (_, list) = get(&japan, &format!("{base}/reports")).await;
    assert!(!list.contains("해양호"));
    let (_, found) = get(&japan, &format!("{base}/search?q=%ED%95%B4%EC%96%91")).await;
    assert!(!found.contains("해양호"));
    let (_, dashboard) = get(&japan, &format!("{base}/")).await;
    assert!(!dashboard.contains("해양호"));
}

/// The CSRF token and the language-switch link differ per session and page.
fn strip_request_specific(html: &str) -> String {
    html.lines()
        .filter(|l| !l.contains("csrf") && !l.contains("/lang?"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn bad_input_is_shown_on_the_form_with_the_input_kept() {
    let node = start().await;
    let client = browser();
    let csrf = login(&client, &node.base, "kcs.analyst").await;
    let mut form = report_form(&csrf, "", "9074728");
    form.retain(|(k, _)| *k != "title");
    form.push(("title", "   "));
    let response = client
        .post(format!("{}/reports", node.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("check digit"), "the IMO error is shown");
    assert!(
        html.contains("must not be empty"),
        "the title error is shown"
    );
    assert!(
        html.contains(r#"value="해양호""#),
        "the subject name is kept"
    );
    assert!(html.contains("field wide invalid"), "the title is marked");
}

#[tokio::test]
async fn seizures_are_created_edited_and_conflicts_explained() {
    let node = start().await;
    let base = &node.base;
    let client = browser();
    let csrf = login(&client, base, "kcs.analyst").await;
    let seizure = |version: Option<&'static str>, place: &'static str| {
        let mut form = vec![
            ("csrf", csrf.clone()),
            ("occurred_on", "2026-05-01".to_owned()),
            ("place_kind", "port".to_owned()),
            ("place_name", place.to_owned()),
            ("place_country", "KR".to_owned()),
            ("lat", String::new()),
            ("lon", String::new()),
            ("conveyance", "sea_container".to_owned()),
            ("item_drug", "methamphetamine".to_owned()),
            ("item_quantity", "22.5".to_owned()),
            ("item_unit", "kg".to_owned()),
            ("item_drug", "yaba".to_owned()),
            ("item_quantity", "290000".to_owned()),
            ("item_unit", "tablets".to_owned()),
            ("concealment", "false floor".to_owned()),
            ("origin", "TH".to_owned()),
            ("transit", "VN, CN".to_owned()),
            ("destination", "KR".to_owned()),
            ("tlp", "GREEN".to_owned()),
            ("status", "published".to_owned()),
            ("subject_kind", "container".to_owned()),
            ("subject_name", String::new()),
            ("subject_id", "CSQU3054383".to_owned()),
            ("subject_country", String::new()),
            ("subject_extra", String::new()),
        ];
        if let Some(v) = version {
            form.push(("version", v.to_owned()));
        }
        form
    };
    let response = client
        .post(format!("{base}/seizures"))
        .form(&seizure(None, "Busan New Port"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let url = response.url().to_string();
    let html = response.text().await.unwrap();
    assert!(html.contains("290,000"), "quantities have separators");
    assert!(html.contains("CSQU3054383"));
    assert!(html.contains("1 May 2026"));

    let response = client
        .post(&url)
        .form(&seizure(Some("1"), "Busan North Port"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().contains("Busan North Port"));

    // A second edit made on version 1 conflicts and keeps what was typed.
    let response = client
        .post(&url)
        .form(&seizure(Some("1"), "Gamcheon Port"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let html = response.text().await.unwrap();
    assert!(html.contains("Someone changed this record"));
    assert!(html.contains("Gamcheon Port"));

    let (status, history) = get(&client, &format!("{url}/history")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(history.contains("Busan New Port") || history.contains("Busan North Port"));

    let response = client
        .post(format!("{url}/withdraw"))
        .form(&[("csrf", csrf.as_str()), ("reason", "duplicate")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("This record is withdrawn"));
}

#[tokio::test]
async fn the_language_switch_changes_the_strings_and_dates() {
    let node = start().await;
    let base = &node.base;
    let client = browser();
    login(&client, base, "kcs.analyst").await;
    let (_, english) = get(&client, &format!("{base}/")).await;
    assert!(english.contains(r#"<html lang="en">"#));
    assert!(english.contains("Dashboard") && english.contains("Agreements in force"));
    assert!(english.contains("5 Apr 2023") || english.contains("KCG–KCS"));

    let (status, korean) = get(&client, &format!("{base}/lang?set=ko&next=%2Fagreements")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(korean.contains(r#"<html lang="ko">"#));
    assert!(korean.contains("협정") && korean.contains("2023년 4월 5일"));
    let (_, dashboard) = get(&client, &format!("{base}/")).await;
    assert!(dashboard.contains("대시보드") && !dashboard.contains("Agreements in force"));

    // Without a cookie, Accept-Language decides.
    let fresh = browser();
    let page = fresh
        .get(format!("{base}/login"))
        .header("accept-language", "ko-KR,ko;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("비밀번호"));
}

#[tokio::test]
async fn the_interface_speaks_thai() {
    let node = start().await;
    let base = &node.base;
    let client = browser();
    let csrf = login(&client, base, "kcs.analyst").await;

    // The switch offers every other language, each named in itself.
    let (_, english) = get(&client, &format!("{base}/")).await;
    for (code, name) in [("ko", "한국어"), ("th", "ไทย")] {
        assert!(
            english.contains(&format!(
                r#"href="/lang?set={code}&amp;next=%2F" hreflang="{code}" lang="{code}">{name}</a>"#
            )),
            "the switch offers {code}"
        );
    }
    assert!(
        !english.contains(r#"hreflang="en""#),
        "not the page's own language"
    );

    let (status, thai) = get(&client, &format!("{base}/lang?set=th&next=%2Fagreements")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(thai.contains(r#"<html lang="th">"#));
    assert!(
        thai.contains("ข้อตกลง") && thai.contains("5 เม.ย. 2023"),
        "{thai}"
    );
    assert!(thai.contains(r#"hreflang="en" lang="en">English</a>"#));
    assert!(thai.contains(r#"hreflang="ko" lang="ko">한국어</a>"#));
    assert!(!thai.contains(r#"hreflang="th""#));
    for path in [
        "/",
        "/reports",
        "/seizures",
        "/search",
        "/reports/new",
        "/seizures/new",
    ] {
        let (status, page) = get(&client, &format!("{base}{path}")).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            page.contains("รายงาน") && page.contains("ออกจากระบบ"),
            "{path} in Thai"
        );
        for english in ["Dashboard", "Log out", "Reports", "Seizures"] {
            assert!(
                !page.contains(&format!(">{english}<")),
                "{path} shows {english}"
            );
        }
    }

    // Field errors in Thai, not English.
    let response = client
        .post(format!("{base}/reports"))
        .form(&report_form(&csrf, "   ", "9074728"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("หมายเลข IMO ไม่ถูกต้อง"),
        "the IMO error in Thai"
    );
    assert!(html.contains("ต้องไม่เว้นว่าง"), "the empty title in Thai");
    assert!(!html.contains("check digit") && !html.contains("must not be empty"));

    // Without a cookie, a Thai browser gets Thai.
    let page = browser()
        .get(format!("{base}/login"))
        .header("accept-language", "th-TH,th;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"<html lang="th">"#) && page.contains("รหัสผ่าน"));
}

/// Files a published seizure through the form.
async fn file_seizure(client: &Client, base: &str, csrf: &str, day: &str, place: &str) {
    let form = [
        ("csrf", csrf),
        ("occurred_on", day),
        ("place_kind", "port"),
        ("place_name", place),
        ("place_country", "KR"),
        ("lat", ""),
        ("lon", ""),
        ("conveyance", "sea_container"),
        ("item_drug", "methamphetamine"),
        ("item_quantity", "1200"),
        ("item_unit", "g"),
        ("tlp", "GREEN"),
        ("status", "published"),
    ];
    let response = client
        .post(format!("{base}/seizures"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "seizure at {place}");
}

/// The places of a seizure list page, in the order shown.
fn places_in(html: &str) -> Vec<String> {
    html.split(r#"<td class="title-cell"><a href="/seizures/"#)
        .skip(1)
        .filter_map(|cell| {
            let start = cell.find('>')? + 1;
            let end = cell[start..].find("</a>")? + start;
            Some(cell[start..end].to_owned())
        })
        .collect()
}

/// The `href` of the first link with `rel`.
fn rel_link(html: &str, rel: &str) -> Option<String> {
    let marker = format!(r#"rel="{rel}" href=""#);
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].replace("&amp;", "&"))
}

#[tokio::test]
async fn lists_sort_by_a_column_filter_by_dates_and_page_both_ways() {
    let node = start().await;
    let base = &node.base;
    let client = browser();
    let csrf = login(&client, base, "kcs.analyst").await;
    // 27 seizures, filed out of the order of their days and places.
    for i in 0..27u32 {
        let day = format!("2026-{:02}-{:02}", 1 + (i * 7) % 9, 1 + (i * 11) % 27);
        let place = format!("Port {:02}", (i * 5) % 27);
        file_seizure(&client, base, &csrf, &day, &place).await;
    }

    // Newest day first by default, 25 to a page, counted in English grammar.
    let (_, first) = get(&client, &format!("{base}/seizures")).await;
    assert!(first.contains("27 results"), "count");
    assert!(first.contains(r#"aria-sort="descending" data-sort="date""#));
    let days_shown = |html: &str| -> Vec<String> {
        html.split(r#"<td class="nowrap"><a href="/seizures/"#)
            .skip(1)
            .filter_map(|c| Some(c[c.find('>')? + 1..c.find("</a>")?].to_owned()))
            .collect()
    };
    assert_eq!(days_shown(&first).len(), 25);
    // Quantities read in one unit down the column: 1,200 g as 1.2 kg.
    assert!(first.contains("1.2 kg of Methamphetamine"), "{first}");
    assert!(!first.contains(" g of "), "grams in a list");
    // The drugs' column sorts too.
    let (_, by_drug) = get(&client, &format!("{base}/seizures?sort=-drug")).await;
    assert!(by_drug.contains(r#"aria-sort="descending" data-sort="drug""#));
    assert_eq!(days_shown(&by_drug).len(), 25);

    // By place: ascending, then descending from the heading's link.
    let (_, by_place) = get(&client, &format!("{base}/seizures?sort=place")).await;
    let places = places_in(&by_place);
    let mut sorted = places.clone();
    sorted.sort();
    assert_eq!(places, sorted);
    assert_eq!(places[0], "Port 00");
    assert!(by_place.contains(r#"<th aria-sort="ascending" data-sort="place"><a class="sort-link" href="/seizures?sort=-place""#), "{by_place}");
    let (_, descending) = get(&client, &format!("{base}/seizures?sort=-place")).await;
    assert_eq!(places_in(&descending)[0], "Port 26");

    // Forwards to the second page (the order kept) and back to the first.
    let next = rel_link(&by_place, "next").expect("a next page");
    assert!(next.contains("sort=place"), "{next}");
    let (_, second) = get(&client, &format!("{base}{next}")).await;
    assert_eq!(places_in(&second), ["Port 25", "Port 26"]);
    assert!(rel_link(&second, "next").is_none());
    let back = rel_link(&second, "prev").expect("a previous page");
    let (_, again) = get(&client, &format!("{base}{back}")).await;
    assert_eq!(places_in(&again), places);

    // A date range, in Korean: only the seizures of those days, counted with 건.
    get(&client, &format!("{base}/lang?set=ko&next=%2F")).await;
    let (_, march) = get(
        &client,
        &format!("{base}/seizures?from=2026-03-01&to=2026-03-31"),
    )
    .await;
    let n_march = (0..27u32).filter(|i| 1 + (i * 7) % 9 == 3).count();
    assert!(n_march > 0);
    assert_eq!(places_in(&march).len(), n_march);
    assert!(march.contains(&format!("{n_march}건")), "count in Korean");
    assert!(
        march.contains(r#"value="2026-03-01""#),
        "the range is kept in the form"
    );
    // A day that is not a day is refused in the page's language.
    let (status, bad) = get(&client, &format!("{base}/seizures?from=2026-13-45")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        bad.contains("2026-05-01 형식의 날짜를 입력하십시오."),
        "{bad}"
    );

    // In Thai; and one result is "1 result" in English.
    get(&client, &format!("{base}/lang?set=th&next=%2F")).await;
    let (_, thai) = get(&client, &format!("{base}/seizures?sort=place")).await;
    assert!(thai.contains("27 รายการ"));
    assert_eq!(places_in(&thai)[0], "Port 00");
    get(&client, &format!("{base}/lang?set=en&next=%2F")).await;
    let (_, one) = get(
        &client,
        &format!("{base}/search?q=%22Port+07%22&sort=-date"),
    )
    .await;
    assert!(one.contains("1 result<"), "{one}");

    // Another agency without an agreement sorts nothing of it.
    let japan = browser();
    login(&japan, base, "japan.analyst").await;
    for sort in ["place", "-date", "title", "agency"] {
        let (_, page) = get(&japan, &format!("{base}/seizures?sort={sort}")).await;
        assert!(
            page.contains("0 results") && !page.contains("Port 0"),
            "{sort}"
        );
        let (_, found) = get(&japan, &format!("{base}/search?q=Port&sort={sort}")).await;
        assert!(
            found.contains("0 results") && !found.contains("Port 0"),
            "search {sort}"
        );
    }
}

#[tokio::test]
async fn audit_is_for_auditors_and_pages_carry_security_headers() {
    let node = start().await;
    let base = &node.base;
    let analyst = browser();
    login(&analyst, base, "kcs.analyst").await;
    let (status, _) = get(&analyst, &format!("{base}/audit")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let auditor = browser();
    login(&auditor, base, "kcs.auditor").await;
    let response = auditor.get(format!("{base}/audit")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let html = response.text().await.unwrap();
    assert!(html.contains("auth.login"), "the audit log lists logins");
    assert!(!html.contains("style="), "no inline styles");
    assert!(!html.contains("<style"), "no style blocks");
    assert!(!html.contains("<script>"), "no inline scripts");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no external URLs"
    );

    let css_url = html
        .split(r#"href=""#)
        .find(|s| s.starts_with("/static/app.css"))
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let css = auditor
        .get(format!("{base}{css_url}"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), StatusCode::OK);
    assert!(css.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert!(css.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
}

/// The fields a browser would send for the record form of a page as it stands: text and
/// hidden inputs, ticked boxes, selected options and text areas, in document order.
/// The row templates are left out, as browsers do.
fn form_fields(html: &str) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        s.replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }
    fn attr(tag: &str, name: &str) -> Option<String> {
        let marker = format!(" {name}=\"");
        let start = tag.find(&marker)? + marker.len();
        let end = tag[start..].find('"')?;
        Some(decode(&tag[start..start + end]))
    }
    fn flag(tag: &str, name: &str) -> bool {
        tag.split_whitespace().any(|t| t == name)
    }
    let start = html
        .find(r#"<form class="record-form""#)
        .expect("a record form");
    let end = start + html[start..].find("</form>").unwrap();
    let mut form = String::new();
    let mut rest = &html[start..end];
    while let Some(t) = rest.find("<template") {
        form.push_str(&rest[..t]);
        let close = rest[t..].find("</template>").unwrap() + t;
        rest = &rest[close + "</template>".len()..];
    }
    form.push_str(rest);

    let mut fields = Vec::new();
    let mut rest = form.as_str();
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt + 1..];
        let gt = rest.find('>').unwrap();
        let tag = &rest[..gt];
        let body = &rest[gt + 1..];
        let Some(name) = attr(tag, "name") else {
            continue;
        };
        if tag.starts_with("input ") {
            let kind = attr(tag, "type").unwrap_or_else(|| "text".into());
            if kind != "checkbox" || flag(tag, "checked") {
                fields.push((name, attr(tag, "value").unwrap_or_default()));
            }
        } else if tag.starts_with("select ") {
            let inner = &body[..body.find("</select>").unwrap()];
            let options: Vec<&str> = inner
                .split("<option")
                .skip(1)
                .map(|o| &o[..o.find('>').unwrap()])
                .collect();
            let chosen = options
                .iter()
                .find(|o| flag(o, "selected"))
                .or(options.first())
                .unwrap();
            fields.push((name, attr(chosen, "value").unwrap_or_default()));
        } else if tag.starts_with("textarea ") {
            let inner = &body[..body.find("</textarea>").unwrap()];
            fields.push((name, decode(inner)));
        }
    }
    fields
}

/// A bearer token for the API.
async fn api_token(base: &str, username: &str) -> String {
    let response = Client::new()
        .post(format!("{base}/api/v1/auth/token"))
        .json(&serde_json::json!({"username": username, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: serde_json::Value = response.json().await.unwrap();
    body["token"].as_str().unwrap().to_owned()
}

/// A record as the API returns it, without what every save changes.
async fn api_record(base: &str, token: &str, path: &str) -> serde_json::Value {
    let response = Client::new()
        .get(format!("{base}/api/v1{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let mut record: serde_json::Value = response.json().await.unwrap();
    let object = record.as_object_mut().unwrap();
    object.remove("version");
    object.remove("updated_at");
    record
}

/// Opens the edit form of `detail_url`, sends it back untouched and checks that the
/// record is unchanged.
async fn save_unchanged(client: &Client, base: &str, token: &str, detail_url: &str) {
    let path = detail_url.strip_prefix(base).unwrap();
    let before = api_record(base, token, path).await;
    let (status, edit) = get(client, &format!("{detail_url}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    let response = client
        .post(detail_url)
        .form(&form_fields(&edit))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let page = response.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "saved unchanged: {page}");
    assert_eq!(api_record(base, token, path).await, before, "{path}");
}

#[tokio::test]
async fn aliases_positions_and_linked_reports_are_entered_shown_and_kept_through_edits() {
    let node = start().await;
    let base = &node.base;
    let client = browser();
    let csrf = login(&client, base, "kcs.analyst").await;
    let token = api_token(base, "kcs.analyst").await;

    // A report with a person's aliases and a place's position, from the form.
    let mut form = report_form(&csrf, "Busan courier network", "9074729");
    form.extend([
        ("subject_kind", "person"),
        ("subject_name", "Kim Min-jun"),
        ("subject_id", "1980-04-25"),
        ("subject_country", "KR"),
        ("subject_aliases", "Kim, M.; 김사장;  Captain Kim "),
        ("subject_lat", ""),
        ("subject_lon", ""),
        ("subject_extra", ""),
        ("subject_kind", "place"),
        ("subject_name", "Gamcheon anchorage"),
        ("subject_id", ""),
        ("subject_country", "KR"),
        ("subject_aliases", ""),
        ("subject_lat", "35.0781"),
        ("subject_lon", "129.0123"),
        ("subject_extra", ""),
    ]);
    let response = client
        .post(format!("{base}/reports"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let report_url = response.url().to_string();
    let report_id = report_url.rsplit('/').next().unwrap().to_owned();
    let detail = response.text().await.unwrap();
    for shown in [
        "Aliases",
        "Kim, M.",
        "김사장",
        "Captain Kim",
        "35.0781°N 129.0123°E",
    ] {
        assert!(detail.contains(shown), "the detail page shows {shown}");
    }
    let stored = api_record(base, &token, &format!("/reports/{report_id}")).await;
    let subjects = stored["subjects"].as_array().unwrap();
    assert_eq!(
        subjects[2]["aliases"],
        serde_json::json!(["Kim, M.", "김사장", "Captain Kim"])
    );
    assert_eq!(
        subjects[3]["position"],
        serde_json::json!({"lat": 35.0781, "lon": 129.0123})
    );
    let (_, edit) = get(&client, &format!("{report_url}/edit")).await;
    assert!(edit.contains(r#"value="Kim, M.; 김사장; Captain Kim""#));
    assert!(edit.contains(r#"name="subject_lat" value="35.0781""#));
    save_unchanged(&client, base, &token, &report_url).await;

    // A report filed through the API, with aliases one field can hardly show.
    let response = Client::new()
        .post(format!("{base}/api/v1/reports"))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "title": "API report",
            "grading": "C3",
            "handling": {"tlp": "GREEN"},
            "subjects": [
                {"kind": "person", "name": "Lee", "aliases": [" Lee, J.; JL ", "Lee, J.", "이 선장"]},
                {"kind": "place", "name": "Off Jeju", "position": {"lat": 33.123456789, "lon": -126.5}},
            ],
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let api_report: serde_json::Value = response.json().await.unwrap();
    let api_report_url = format!("{base}/reports/{}", api_report["id"].as_str().unwrap());
    save_unchanged(&client, base, &token, &api_report_url).await;

    // Japan's report exists but is not shared with KCS.
    let japan = browser();
    let japan_csrf = login(&japan, base, "japan.analyst").await;
    let response = japan
        .post(format!("{base}/reports"))
        .form(&report_form(&japan_csrf, "Japanese report", "9074729"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let japan_id = response.url().path().rsplit('/').next().unwrap().to_owned();

    let seizure = |links: String| {
        vec![
            ("csrf", csrf.clone()),
            ("occurred_on", "2026-05-01".to_owned()),
            ("place_kind", "at_sea".to_owned()),
            ("place_name", "East of Busan".to_owned()),
            ("place_country", "KR".to_owned()),
            ("lat", "35.1".to_owned()),
            ("lon", "129.5".to_owned()),
            ("conveyance", "vessel".to_owned()),
            ("item_drug", "methamphetamine".to_owned()),
            ("item_quantity", "30".to_owned()),
            ("item_unit", "kg".to_owned()),
            ("tlp", "AMBER".to_owned()),
            ("status", "published".to_owned()),
            ("linked_reports", links),
            ("subject_kind", "person".to_owned()),
            ("subject_name", "Park".to_owned()),
            ("subject_id", String::new()),
            ("subject_country", String::new()),
            ("subject_aliases", "P1, P2".to_owned()),
            ("subject_lat", String::new()),
            ("subject_lon", String::new()),
            ("subject_extra", String::new()),
        ]
    };

    // A malformed id and a report the user may not see are refused, each named.
    let response = client
        .post(format!("{base}/seizures"))
        .form(&seizure(format!("{report_id}\nnot-a-report")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("not-a-report: no such report"), "{html}");
    assert!(html.contains(&format!("{report_id}\nnot-a-report</textarea>")));
    let response = client
        .post(format!("{base}/seizures"))
        .form(&seizure(format!("{report_id}, {japan_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains(&format!("{japan_id}: no such report")));
    assert!(!html.contains(&format!("{report_id}: no such report")));

    // Visible reports, by id and by address, are linked once each.
    let response = client
        .post(format!("{base}/seizures"))
        .form(&seizure(format!(
            "{report_url}\n{}\n{report_id}",
            api_report["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let seizure_url = response.url().to_string();
    let detail = response.text().await.unwrap();
    assert!(detail.contains(&format!(r#"href="/reports/{report_id}""#)));
    assert!(detail.contains("35.1°N 129.5°E"));
    assert!(detail.contains("P1, P2"));
    let seizure_path = seizure_url.strip_prefix(base.as_str()).unwrap();
    let stored = api_record(base, &token, seizure_path).await;
    assert_eq!(
        stored["linked_reports"],
        serde_json::json!([report_id, api_report["id"]])
    );
    let (_, edit) = get(&client, &format!("{seizure_url}/edit")).await;
    assert!(edit.contains(&format!(
        "{report_id}\n{}</textarea>",
        api_report["id"].as_str().unwrap()
    )));
    save_unchanged(&client, base, &token, &seizure_url).await;
}

#[tokio::test]
async fn records_link_both_ways_with_titles_and_only_to_what_the_reader_may_see() {
    let node = start().await;
    let base = &node.base;
    let client = browser();
    let csrf = login(&client, base, "kcs.analyst").await;
    let file_report = |title: &'static str, status: &'static str| {
        let mut form = report_form(&csrf, title, "9074729");
        for field in form.iter_mut() {
            if field.0 == "status" {
                field.1 = status;
            }
        }
        let client = client.clone();
        let form: Vec<(String, String)> = form
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        async move {
            let response = client
                .post(format!("{base}/reports"))
                .form(&form)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{title}");
            response.url().path().rsplit('/').next().unwrap().to_owned()
        }
    };
    let shared = file_report("Haeyang transshipment", "published").await;
    let draft = file_report("Unfinished source report", "draft").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("occurred_on", "2026-05-01"),
        ("place_kind", "port"),
        ("place_name", "Busan New Port"),
        ("place_country", "KR"),
        ("lat", ""),
        ("lon", ""),
        ("conveyance", "sea_container"),
        ("item_drug", "methamphetamine"),
        ("item_quantity", "30"),
        ("item_unit", "kg"),
        ("tlp", "AMBER"),
        ("status", "published"),
        ("linked_reports", &format!("{shared}\n{draft}")),
    ];
    let response = client
        .post(format!("{base}/seizures"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let seizure_path = response.url().path().to_owned();
    let own_view = response.text().await.unwrap();
    for (id, title) in [
        (&shared, "Haeyang transshipment"),
        (&draft, "Unfinished source report"),
    ] {
        assert!(
            own_view.contains(&format!(r#"<a href="/reports/{id}">{title}</a>"#)),
            "{title}"
        );
    }

    // The report links back to the seizure, and its subjects lead to a search.
    let (_, report) = get(&client, &format!("{base}/reports/{shared}")).await;
    assert!(report.contains("Seizures referring to this report"));
    assert!(
        report.contains(&format!(r#"<a href="{seizure_path}">"#)),
        "{report}"
    );
    assert!(report.contains(r#"href="/search?q=9074729""#));
    let (_, found) = get(&client, &format!("{base}/search?q=9074729")).await;
    assert!(found.contains(&format!("/reports/{shared}")));

    // The coast guard, by the MOU, sees the seizure and the published report, both
    // ways, in Korean and in Thai; of the draft it sees neither title nor id.
    let kcg = browser();
    login(&kcg, base, "kcg.analyst").await;
    for (lang, linked, linked_from) in [
        ("ko", "연결된 보고서", "이 보고서를 참조하는 압수 기록"),
        ("th", "รายงานที่เชื่อมโยง", "บันทึกการตรวจยึดที่อ้างถึงรายงานนี้"),
    ] {
        get(&kcg, &format!("{base}/lang?set={lang}&next=%2F")).await;
        let (status, seizure) = get(&kcg, &format!("{base}{seizure_path}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(seizure.contains(linked), "{lang}");
        assert!(seizure.contains(&format!(
            r#"<a href="/reports/{shared}">Haeyang transshipment</a>"#
        )));
        assert!(
            !seizure.contains("Unfinished source report"),
            "{lang}: the draft's title"
        );
        assert!(!seizure.contains(&draft), "{lang}: the draft's id");
        let (_, report) = get(&kcg, &format!("{base}/reports/{shared}")).await;
        assert!(report.contains(linked_from), "{lang}");
        assert!(report.contains(&format!(r#"<a href="{seizure_path}">"#)));
    }

    // An agency without an agreement sees neither side.
    let japan = browser();
    login(&japan, base, "japan.analyst").await;
    let (status, _) = get(&japan, &format!("{base}{seizure_path}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, page) = get(&japan, &format!("{base}/reports/{shared}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!page.contains(&seizure_path) && !page.contains("Haeyang"));
}

#[tokio::test]
async fn history_shows_who_changed_which_field_and_why_a_record_was_withdrawn() {
    let node = start().await;
    let base = &node.base;
    node._node
        .service()
        .create_user(
            &Admin::Console,
            NewUserInput {
                username: "kcs.second".into(),
                agency: "KR-KCS".into(),
                display_name: None,
                roles: "analyst".into(),
                password: PASSWORD.into(),
            },
        )
        .await
        .unwrap();
    let first = browser();
    let csrf = login(&first, base, "kcs.analyst").await;
    let response = first
        .post(format!("{base}/reports"))
        .form(&report_form(&csrf, "Original title", "9074729"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let url = response.url().to_string();

    // A colleague changes the title and the handling.
    let second = browser();
    login(&second, base, "kcs.second").await;
    let (_, edit) = get(&second, &format!("{url}/edit")).await;
    let mut fields = form_fields(&edit);
    for (name, value) in fields.iter_mut() {
        match name.as_str() {
            "title" => *value = "Revised title".into(),
            "tlp" => *value = "GREEN".into(),
            _ => {}
        }
    }
    let response = second.post(&url).form(&fields).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let response = first
        .post(format!("{url}/withdraw"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("reason", "duplicate of a coast guard report"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let detail = response.text().await.unwrap();
    assert!(detail.contains("Withdrawn by kcs.analyst on "), "{detail}");
    assert!(detail.contains("duplicate of a coast guard report"));

    let (status, history) = get(&first, &format!("{url}/history")).await;
    assert_eq!(status, StatusCode::OK);
    // Newest first: the withdrawal by kcs.analyst, the edit by kcs.second, the creation.
    let at = |needle: &str| {
        history
            .find(needle)
            .unwrap_or_else(|| panic!("{needle}: {history}"))
    };
    assert!(
        at("<del>Original title</del> → <ins>Revised title</ins>")
            > at("<td class=\"nowrap\">kcs.second</td>")
    );
    assert!(history.contains("<del>AMBER</del> → <ins>GREEN</ins>"));
    assert!(history.contains("<del>published</del> → <ins>withdrawn</ins>"));
    assert!(at("Created") > at("Original title"));
    assert_eq!(
        history
            .matches("<td class=\"nowrap\">kcs.analyst</td>")
            .count(),
        2
    );

    for (lang, author, reason) in [("ko", "변경한 사람", "사유"), ("th", "แก้ไขโดย", "เหตุผล")]
    {
        get(&first, &format!("{base}/lang?set={lang}&next=%2F")).await;
        let (_, history) = get(&first, &format!("{url}/history")).await;
        assert!(history.contains(author), "{lang}");
        assert!(history.contains("Revised title"));
        let (_, detail) = get(&first, &url).await;
        assert!(
            detail.contains(reason) && detail.contains("duplicate of a coast guard report"),
            "{lang}"
        );
    }

    // Partners see neither the withdrawn record nor its history.
    let kcg = browser();
    login(&kcg, base, "kcg.analyst").await;
    let (status, page) = get(&kcg, &url).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!page.contains("coast guard report"));
    let (status, _) = get(&kcg, &format!("{url}/history")).await;
    assert_ne!(status, StatusCode::OK);
}

#[tokio::test]
async fn seizures_read_in_the_page_language_with_its_numbers_and_country_names() {
    let node = start().await;
    let base = &node.base;
    let client = browser();
    let csrf = login(&client, base, "kcs.analyst").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("occurred_on", "2026-05-01"),
        ("place_kind", "airport"),
        ("place_name", "Gimhae Airport"),
        ("place_country", "KR"),
        ("lat", ""),
        ("lon", ""),
        ("conveyance", "air_passenger"),
        ("item_drug", "yaba"),
        ("item_quantity", "12406"),
        ("item_unit", "tablets"),
        ("origin", "TH"),
        ("transit", ""),
        ("destination", "KR"),
        ("tlp", "GREEN"),
        ("status", "published"),
    ];
    let response = client
        .post(format!("{base}/seizures"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let url = response.url().to_string();

    // The airport, written as officers write it, is named as the page's language
    // names it.
    for (lang, title, place, korea, thailand) in [
        (
            "en",
            "12,406 tablets of Yaba at Gimhae International Airport",
            "Gimhae International Airport",
            "South Korea",
            "Thailand",
        ),
        (
            "ko",
            "김해국제공항에서 야바 12,406정",
            "김해국제공항",
            "대한민국",
            "태국",
        ),
        (
            "th",
            "ยาบ้า 12,406 เม็ด ที่ ท่าอากาศยานนานาชาติกิมแฮ",
            "ท่าอากาศยานนานาชาติกิมแฮ",
            "เกาหลีใต้",
            "ไทย",
        ),
    ] {
        get(&client, &format!("{base}/lang?set={lang}&next=%2F")).await;
        let (_, page) = get(&client, &url).await;
        assert!(
            page.contains(&format!("<h1>{title}</h1>")),
            "{lang}: {page}"
        );
        assert!(
            page.contains(&format!("{thailand} → {korea}")),
            "{lang}: the route"
        );
        assert!(!page.contains("Korea, Republic of"), "{lang}");
        // The detail keeps the name as written beside it.
        assert!(page.contains("(Gimhae Airport)"), "{lang}");
        let (_, list) = get(&client, &format!("{base}/seizures")).await;
        assert!(list.contains(&format!("{place}</a>, {korea}")), "{lang}");
        // Search results build the title in the page's language too.
        let (_, found) = get(&client, &format!("{base}/search?q=Gimhae")).await;
        assert!(found.contains(&format!(">{title}</a>")), "{lang}: {found}");
        assert!(
            list.contains(
                title
                    .split(" at ")
                    .next()
                    .unwrap()
                    .split("에서 ")
                    .last()
                    .unwrap()
                    .split(" ที่")
                    .next()
                    .unwrap()
            ),
            "{lang}: the items"
        );
    }

    // The country list of the form sorts by the names of the page's language.
    get(&client, &format!("{base}/lang?set=ko&next=%2F")).await;
    let (_, form) = get(&client, &format!("{base}/seizures/new")).await;
    let at = |name: &str| {
        form.find(&format!(">{name} ("))
            .unwrap_or_else(|| panic!("{name}"))
    };
    assert!(at("네덜란드") < at("대한민국") && at("대한민국") < at("태국"));
    assert!(at("태국") < at("Antarctica"));
}

#[tokio::test]
async fn field_errors_are_shown_in_the_page_language() {
    let node = start().await;
    let base = &node.base;
    let client = browser();
    let csrf = login(&client, base, "kcs.analyst").await;
    let (status, _) = get(&client, &format!("{base}/lang?set=ko&next=%2F")).await;
    assert_eq!(status, StatusCode::OK);

    // Found while reading the form (the IMO check digit, a birth date, a position on
    // a person) and by the domain (an empty title, too long a name).
    let mut form = report_form(&csrf, "   ", "9074728");
    let long_name = "가".repeat(201);
    form.extend([
        ("subject_kind", "person"),
        ("subject_name", "Kim"),
        ("subject_id", "25.04.1980"),
        ("subject_country", "KR"),
        ("subject_aliases", ""),
        ("subject_lat", "35"),
        ("subject_lon", "129"),
        ("subject_extra", ""),
    ]);
    let response = client
        .post(format!("{base}/reports"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    for korean in [
        "올바른 IMO 번호가 아닙니다",
        "1980-04-25 형식의 날짜를 입력하십시오.",
        "위치: 위치는 장소에만 입력할 수 있습니다.",
    ] {
        assert!(html.contains(korean), "{korean}");
    }
    for english in ["check digit", "must be a date", "only a place"] {
        assert!(!html.contains(english), "{english} is not translated");
    }

    // Only the domain's checks fail: they are translated too.
    let mut form = report_form(&csrf, "   ", "9074729");
    form.extend([
        ("subject_kind", "organisation"),
        ("subject_name", long_name.as_str()),
        ("subject_id", ""),
        ("subject_country", ""),
        ("subject_aliases", ""),
        ("subject_lat", ""),
        ("subject_lon", ""),
        ("subject_extra", ""),
    ]);
    let response = client
        .post(format!("{base}/reports"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("비워 둘 수 없습니다."), "the empty title");
    assert!(
        html.contains("이름: 200자 이하로 입력하십시오."),
        "the long name"
    );
    assert!(!html.contains("must not be empty") && !html.contains("at most"));

    // The seizure form: a seizure at sea without a position, a latitude out of range
    // for a place subject, and a linked report that does not exist.
    let response = client
        .post(format!("{base}/seizures"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("occurred_on", "2026-05-01"),
            ("place_kind", "at_sea"),
            ("place_name", "동해"),
            ("place_country", "KR"),
            ("lat", ""),
            ("lon", ""),
            ("conveyance", "vessel"),
            ("item_drug", "methamphetamine"),
            ("item_quantity", "1.5"),
            ("item_unit", "tablets"),
            ("tlp", "AMBER"),
            ("status", "published"),
            ("linked_reports", &Uuid::now_v7().to_string()),
            ("subject_kind", "place"),
            ("subject_name", "정박지"),
            ("subject_id", ""),
            ("subject_country", "KR"),
            ("subject_aliases", ""),
            ("subject_lat", "95"),
            ("subject_lon", "129"),
            ("subject_extra", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    for korean in [
        "해상 압수에는 위치(위도와 경도)가 필요합니다.",
        "정 단위 수량은 정수로 입력하십시오.",
        "위치: 위도는 -90에서 90 사이여야 합니다.",
    ] {
        assert!(html.contains(korean), "{korean}");
    }
    assert!(!html.contains("outside") && !html.contains("needs a position"));

    // The same form in English keeps the domain's own, more specific messages.
    get(&client, &format!("{base}/lang?set=en&next=%2F")).await;
    let response = client
        .post(format!("{base}/reports"))
        .form(&report_form(&csrf, "x", "9074728"))
        .send()
        .await
        .unwrap();
    let html = response.text().await.unwrap();
    assert!(
        html.contains("imo number check digit is 8, expected 9"),
        "{html}"
    );
}

#[tokio::test]
async fn unknown_pages_are_an_html_404_in_the_users_language_and_json_under_the_api() {
    let node = start().await;
    let base = &node.base;

    let anonymous = browser_no_redirects();
    let response = anonymous.get(format!("{base}/nope")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(response.headers().contains_key("content-security-policy"));
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"<html lang="en">"#));
    assert!(html.contains("Page not found"));
    assert!(html.contains(r#"href="/""#), "a link home");
    assert!(html.contains("/static/app.css"), "the layout");

    let response = anonymous
        .get(format!("{base}/reports/x/y/z"))
        .header("accept-language", "ko-KR,ko;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"<html lang="ko">"#) && html.contains("페이지를 찾을 수 없음"));

    // Signed in, the page has the navigation; other methods get it too.
    let client = browser();
    let csrf = login(&client, base, "kcs.analyst").await;
    let (status, html) = get(&client, &format!("{base}/no/such/page?x=1")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("nav class=\"mainnav\"") && html.contains("kcs.analyst"));
    let response = client
        .post(format!("{base}/nope"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await.unwrap().contains("Page not found"));

    // The API keeps its JSON errors.
    for path in [
        "/api/v1/nope",
        "/api/v1/reports/x/y",
        "/api/v1",
        "/api/nope",
    ] {
        let response = anonymous.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{path}"
        );
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "not_found", "{path}");
    }
}

/// Regression: the form offered every agency as a TLP:RED recipient and saved one that
/// could never receive the record. The refusal is shown at the recipients, with why.
#[tokio::test]
async fn an_unreachable_red_recipient_is_refused_on_the_form() {
    let node = start().await;
    let client = browser();
    let csrf = login(&client, &node.base, "kcs.analyst").await;
    let mut form = report_form(&csrf, "RED to nobody", "9074729");
    form.retain(|(k, _)| *k != "tlp");
    form.push(("tlp", "RED"));
    form.push(("recipients", "JP-CUSTOMS"));
    let response = client
        .post(format!("{}/reports", node.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    let recipients = html
        .split("id=\"recipients\"")
        .nth(1)
        .and_then(|rest| rest.split("</fieldset>").next())
        .unwrap_or_default();
    assert!(
        recipients.contains("JP-CUSTOMS cannot receive this record"),
        "{recipients}"
    );
}

/// The statistics page: the table of the figures the reader may see, in its language,
/// with the charts' data and library from the node itself.
#[tokio::test]
async fn the_statistics_page_shows_the_figures_in_the_readers_language() {
    let node = start().await;
    let base = &node.base;
    let token = api_token(base, "kcs.analyst").await;
    for (tlp, kg) in [("GREEN", 2.5), ("AMBER", 4.0)] {
        let response = Client::new()
            .post(format!("{base}/api/v1/seizures"))
            .bearer_auth(&token)
            .json(&serde_json::json!({
                "occurred_on": "2025-03-10",
                "place": { "kind": "port", "name": "Busan New Port", "country": "KR" },
                "conveyance": "sea_container",
                "items": [ { "drug": "methamphetamine", "quantity": kg, "unit": "kg" },
                           { "drug": "yaba", "quantity": 1000, "unit": "tablets" } ],
                "route": { "origin": "TH" },
                "handling": { "tlp": tlp, "recipients": [] },
                "status": "published"
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let client = browser();
    login(&client, base, "kcg.analyst").await;
    let (status, html) = get(&client, &format!("{base}/statistics?by=drug&then=month")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"href="/statistics""#),
        "the navigation links the page"
    );
    assert!(html.contains("Seizure statistics"));
    // The coast guard reads both (its MOU with KCS goes up to AMBER): 6.5 kg and the
    // tablets apart, in the table and in the charts' data.
    assert!(
        html.contains("<td>Methamphetamine</td><td>2025-03</td>"),
        "{html}"
    );
    assert!(html.contains(r#"<td class="num">6.5</td>"#), "{html}");
    assert!(html.contains(r#"<td class="num">2,000</td>"#), "{html}");
    assert!(html.contains("data-stats="), "{html}");
    if html.contains("chart.umd.min.js") {
        let (status, _) = get(
            &client,
            &format!("{base}/static/vendor/chart.js/chart.umd.min.js"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    } else {
        assert!(html.contains("chart-assets-missing"));
    }
    // Japan has no agreement: nothing to count.
    let japan = browser();
    login(&japan, base, "japan.analyst").await;
    let (_, none) = get(&japan, &format!("{base}/statistics?by=region")).await;
    assert!(none.contains("No seizures to count"), "{none}");
    // In Korean.
    let (_, korean) = get(
        &client,
        &format!("{base}/lang?set=ko&next=%2Fstatistics%3Fby%3Dregion"),
    )
    .await;
    assert!(
        korean.contains("압수 통계") && korean.contains("아시아·태평양"),
        "{korean}"
    );
    // A bad period is explained, not a crash.
    let (status, _) = get(&client, &format!("{base}/statistics?from=2025-13")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// A list sorted by place sorts by the names its reader sees: places the catalogues
/// know are shown, and ordered, in the page's language.
#[tokio::test]
async fn a_list_sorted_by_place_follows_the_names_shown() {
    let node = start().await;
    let base = &node.base;
    let client = browser();
    let csrf = login(&client, base, "kcs.analyst").await;
    for (i, place) in [
        "Incheon International Airport",
        "Busan New Port",
        "Gimhae Airport",
        "Pier 9",
    ]
    .iter()
    .enumerate()
    {
        file_seizure(&client, base, &csrf, &format!("2026-04-0{}", i + 1), place).await;
    }
    for (lang, expected) in [
        (
            "en",
            [
                "Busan New Port",
                "Gimhae International Airport",
                "Incheon International Airport",
                "Pier 9",
            ],
        ),
        ("ko", ["Pier 9", "김해국제공항", "부산신항", "인천국제공항"]),
    ] {
        get(&client, &format!("{base}/lang?set={lang}&next=%2F")).await;
        let (_, page) = get(&client, &format!("{base}/seizures?sort=place")).await;
        assert_eq!(places_in(&page), expected, "{lang}");
        let (_, page) = get(&client, &format!("{base}/seizures?sort=-place")).await;
        let mut reversed = expected.to_vec();
        reversed.reverse();
        assert_eq!(places_in(&page), reversed, "{lang}, descending");
    }
    get(&client, &format!("{base}/lang?set=th&next=%2F")).await;
    let (_, page) = get(&client, &format!("{base}/seizures?sort=place")).await;
    let shown = places_in(&page);
    let mut sorted = shown.clone();
    sorted.sort_by_key(|p| p.to_lowercase());
    assert_eq!(shown, sorted, "th");
    assert!(shown.contains(&"ท่าเรือใหม่ปูซาน".to_owned()), "{shown:?}");
}

/// Every column of the report list and of the search results sorts: the reports by
/// their first drug, the results by their kind.
#[tokio::test]
async fn reports_sort_by_drug_and_results_by_kind() {
    let node = start().await;
    let base = &node.base;
    let client = browser();
    let csrf = login(&client, base, "kcs.analyst").await;
    for (title, drug) in [
        ("Sorted A", "methamphetamine"),
        ("Sorted B", "cocaine"),
        ("Sorted C", "yaba"),
    ] {
        let mut form = report_form(&csrf, title, "");
        form.retain(|(k, _)| *k != "drugs");
        form.push(("drugs", drug));
        let response = client
            .post(format!("{base}/reports"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{title}");
    }
    file_seizure(&client, base, &csrf, "2026-04-01", "Sorted port").await;
    let titles = |html: &str| -> Vec<String> {
        html.split(r#"<td class="title-cell"><a href="/reports/"#)
            .skip(1)
            .filter_map(|c| Some(c[c.find('>')? + 1..c.find("</a>")?].to_owned()))
            .collect()
    };
    let (_, page) = get(&client, &format!("{base}/reports?sort=drug")).await;
    assert!(page.contains(r#"aria-sort="ascending" data-sort="drug""#));
    assert_eq!(titles(&page), ["Sorted B", "Sorted A", "Sorted C"]);
    let (_, page) = get(&client, &format!("{base}/reports?sort=-drug")).await;
    assert_eq!(titles(&page), ["Sorted C", "Sorted A", "Sorted B"]);
    let (_, found) = get(&client, &format!("{base}/search?q=sorted&sort=-kind")).await;
    assert!(
        found.contains(r#"aria-sort="descending" data-sort="kind""#),
        "{found}"
    );
    let seizure_at = found.find("/seizures/").expect("the seizure");
    let report_at = found.find("/reports/").expect("a report");
    assert!(
        seizure_at < report_at,
        "seizures before reports, descending"
    );
}

/// Before anything is saved, the form tells who may receive a TLP:RED record: the
/// agencies an agreement in force shares it with up to RED, named with the agreement;
/// the others are offered disabled, with the reason.
#[tokio::test]
async fn the_form_tells_which_agencies_may_receive_a_red_record() {
    let node = TestNode::start(Backend::Sqlite).await.unwrap();
    interdict_testkit::seed_world(node.service()).await;
    let browser = node.browser("kcs.analyst").await;
    for path in ["/reports/new", "/seizures/new"] {
        let html = browser
            .get(node.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let boxed = html
            .split("id=\"recipients\"")
            .nth(1)
            .and_then(|rest| rest.split("</fieldset>").next())
            .unwrap_or_default();
        let label_of = |code: &str| -> String {
            let at = boxed
                .find(&format!("value=\"{code}\""))
                .unwrap_or_else(|| panic!("{code} in {boxed}"));
            let start = boxed[..at].rfind("<label").unwrap();
            let end = at + boxed[at..].find("</label>").unwrap();
            boxed[start..end].to_owned()
        };
        // The coast guard, by the MOU that shares every scope up to RED.
        let kcg = label_of("KR-KCG");
        assert!(
            !kcg.contains("disabled") && kcg.contains("may receive it by"),
            "{path}: {kcg}"
        );
        // Thai customs (up to GREEN), HSI (ended), Japan (none): not offered.
        for code in ["TH-CUSTOMS", "US-HSI", "JP-CUSTOMS"] {
            let label = label_of(code);
            assert!(
                label.contains("disabled") && label.contains("cannot receive TLP:RED"),
                "{path}: {label}"
            );
        }
    }
    // In Korean too.
    browser
        .get(node.url("/lang?set=ko&next=%2F"))
        .send()
        .await
        .unwrap();
    let html = browser
        .get(node.url("/reports/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("TLP:RED 수신 불가") && html.contains("에 따라 수신 가능"));
    node.finish().await;
}
