//! Administration in the browser: an agency administrator creates users, changes their
//! roles, disables and enables them, sets a new password, makes and revokes API tokens
//! and ends the agency's agreements, through the same service functions and audit
//! entries as the API and the command line. Officers without the role get 403 on
//! every page and form; an administrator of another agency finds nothing to touch; a
//! form without its CSRF token changes nothing; the agreements page marks those ending
//! within 30 days as the clock moves; the pages speak English, Korean and Thai.

use chrono::Duration;
use interdict_service::admin::{Admin, AgreementInput, UserView};
use reqwest::{Client, Method, StatusCode};
use serde_json::json;

use crate::support::{code, seed_world, Backend, TestNode, PASSWORD};

async fn start() -> TestNode {
    let node = TestNode::start(Backend::Sqlite).await.unwrap();
    seed_world(node.service()).await;
    node
}

async fn get(client: &Client, node: &TestNode, path: &str) -> (StatusCode, String) {
    let response = client.get(node.url(path)).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

async fn post(
    client: &Client,
    node: &TestNode,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String) {
    let response = client.post(node.url(path)).form(form).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

/// The value of the first hidden `csrf` field of a page.
fn csrf_of(html: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let start = html.find(marker).expect("page has a csrf field") + marker.len();
    let end = html[start..].find('"').unwrap();
    html[start..start + end].to_owned()
}

/// The value of the attribute `name` of the element with id `id`.
fn attr_of(html: &str, id: &str, name: &str) -> Option<String> {
    let at = html.find(&format!(r#"id="{id}""#))?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let marker = format!(r#" {name}=""#);
    let start = tag.find(&marker)? + marker.len();
    let end = tag[start..].find('"')?;
    Some(tag[start..start + end].to_owned())
}

/// The text of the element with id `id` (up to its first tag).
fn text_of(html: &str, id: &str) -> Option<String> {
    let at = html.find(&format!(r#"id="{id}""#))?;
    let start = at + html[at..].find('>')? + 1;
    let end = start + html[start..].find('<')?;
    Some(html[start..end].trim().to_owned())
}

/// Whether `username` may sign in with `password` through the API.
async fn api_login(node: &TestNode, username: &str, password: &str) -> bool {
    let (status, _) = node
        .call(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(&json!({ "username": username, "password": password })),
        )
        .await;
    assert!(
        status == StatusCode::CREATED || status == StatusCode::UNAUTHORIZED,
        "{status}"
    );
    status == StatusCode::CREATED
}

/// Whether `username` may sign in with `password` through the login form.
async fn web_login(node: &TestNode, username: &str, password: &str) -> bool {
    let client = Client::builder().cookie_store(true).build().unwrap();
    let (_, login) = get(&client, node, "/login").await;
    let csrf = csrf_of(&login);
    let (_, page) = post(
        &client,
        node,
        "/login",
        &[
            ("csrf", &csrf),
            ("next", "/"),
            ("username", username),
            ("password", password),
        ],
    )
    .await;
    page.contains(r#"action="/logout""#)
}

async fn user(node: &TestNode, username: &str) -> Option<UserView> {
    node.service()
        .users(&Admin::Console, None)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username.as_str() == username)
}

async fn agreement_id(node: &TestNode, partner: &str) -> uuid::Uuid {
    node.service()
        .agreements_binding(Some(&code("KR-KCS")))
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.parties.contains(&code(partner)))
        .unwrap()
        .id
}

#[tokio::test]
async fn an_agency_administrator_manages_users_and_tokens_in_the_browser() {
    manage_users_and_tokens(Backend::Sqlite).await;
}

#[tokio::test]
async fn an_agency_administrator_manages_users_and_tokens_in_the_browser_on_postgres() {
    manage_users_and_tokens(Backend::Postgres).await;
}

async fn manage_users_and_tokens(backend: Backend) {
    let Some(node) = TestNode::start(backend).await else {
        return;
    };
    seed_world(node.service()).await;
    let admin = node.browser("kcs.agency_admin").await;
    let (status, list) = get(&admin, &node, "/admin/users").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        list.contains(r#"href="/admin/users""#),
        "the navigation links the page"
    );
    assert!(list.contains("kcs.analyst") && !list.contains("kcg.analyst"));
    // The administrator signed in to open the page: the list says when.
    let row = &list[list.find(r#"data-user="kcs.agency_admin""#).unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains(" UTC"), "{row}");
    let csrf = csrf_of(&list);

    // Bad input is shown on the form, with what was typed kept.
    let (status, page) = post(
        &admin,
        &node,
        "/admin/users",
        &[
            ("csrf", &csrf),
            ("username", "Kim Bad"),
            ("display_name", "Kim Bad-Input"),
            ("password", "short"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for problem in [
        "username must be 3 to 64 characters",
        "needs at least 10 characters",
        "give at least one role",
    ] {
        assert!(page.contains(problem), "{problem}");
    }
    assert!(page.contains(r#"value="Kim Bad-Input""#));
    assert!(user(&node, "kim bad").await.is_none());

    // A user is created with two roles and signs in with the first password.
    let (status, page) = post(
        &admin,
        &node,
        "/admin/users",
        &[
            ("csrf", &csrf),
            ("username", "kcs.newbie"),
            ("display_name", "Newbie Kim"),
            ("roles", "analyst"),
            ("roles", "watch_officer"),
            ("password", "first-password-1"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<h1>Newbie Kim</h1>") && page.contains("The user was created."));
    let created = user(&node, "kcs.newbie").await.unwrap();
    assert_eq!(created.agency, code("KR-KCS"));
    assert_eq!(created.roles.to_csv(), "analyst,watch_officer");
    assert!(api_login(&node, "kcs.newbie", "first-password-1").await);
    // The same name again is refused on the form.
    let (status, page) = post(
        &admin,
        &node,
        "/admin/users",
        &[
            ("csrf", &csrf),
            ("username", "kcs.newbie"),
            ("roles", "analyst"),
            ("password", "first-password-1"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("this username is taken"));

    // Roles.
    let (status, page) = post(
        &admin,
        &node,
        "/admin/users/kcs.newbie/roles",
        &[
            ("csrf", &csrf),
            ("roles", "analyst"),
            ("roles", "coordinator"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("The roles were saved."));
    assert_eq!(
        user(&node, "kcs.newbie").await.unwrap().roles.to_csv(),
        "analyst,coordinator"
    );
    let (status, page) = post(
        &admin,
        &node,
        "/admin/users/kcs.newbie/roles",
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("give at least one role"));

    // Disabled, the user cannot sign in, in the browser or through the API.
    let (status, page) = post(
        &admin,
        &node,
        "/admin/users/kcs.newbie/disable",
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(text_of(&page, "user-state").is_some());
    assert!(page.contains(r#"action="/admin/users/kcs.newbie/enable""#));
    assert!(user(&node, "kcs.newbie").await.unwrap().disabled);
    assert!(!api_login(&node, "kcs.newbie", "first-password-1").await);
    assert!(!web_login(&node, "kcs.newbie", "first-password-1").await);
    post(
        &admin,
        &node,
        "/admin/users/kcs.newbie/enable",
        &[("csrf", &csrf)],
    )
    .await;
    assert!(web_login(&node, "kcs.newbie", "first-password-1").await);

    // A new password: the new one works, the old one no longer.
    let (status, page) = post(
        &admin,
        &node,
        "/admin/users/kcs.newbie/password",
        &[("csrf", &csrf), ("password", "too-short")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("needs at least 10 characters"));
    let (status, _) = post(
        &admin,
        &node,
        "/admin/users/kcs.newbie/password",
        &[("csrf", &csrf), ("password", "second-password-2")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!api_login(&node, "kcs.newbie", "first-password-1").await);
    assert!(api_login(&node, "kcs.newbie", "second-password-2").await);

    // A token: its secret is shown once, it works against the API until revoked.
    let (status, page) = post(
        &admin,
        &node,
        "/admin/users/kcs.newbie/tokens",
        &[("csrf", &csrf), ("name", "seizure import"), ("days", "0")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("must be between 1 and 366"));
    assert!(attr_of(&page, "new-token-value", "value").is_none());
    let (status, page) = post(
        &admin,
        &node,
        "/admin/users/kcs.newbie/tokens",
        &[("csrf", &csrf), ("name", "seizure import"), ("days", "30")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let secret = attr_of(&page, "new-token-value", "value").expect("the secret is shown");
    assert!(page.contains("this is the only time it is shown"));
    let (status, me) = node.get("/api/v1/me", &secret).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["username"], "kcs.newbie");
    let (_, again) = get(&admin, &node, "/admin/users/kcs.newbie").await;
    assert!(!again.contains(&secret), "the secret is not shown again");
    assert!(again.contains("seizure import"));
    let marker = r#"data-token=""#;
    let row_at = again.find("seizure import").unwrap();
    let id_at = again[..row_at].rfind(marker).unwrap() + marker.len();
    let token_id = &again[id_at..id_at + again[id_at..].find('"').unwrap()];
    let (status, page) = post(
        &admin,
        &node,
        &format!("/admin/users/kcs.newbie/tokens/{token_id}/revoke"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("The token was revoked."));
    let (status, _) = node
        .call(Method::GET, "/api/v1/me", Some(&secret), None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Every change is in the audit log, by the administrator, as from the API.
    let (_, audit) = get(&admin, &node, "/audit?target=kcs.newbie").await;
    for action in [
        "user.create",
        "user.roles",
        "user.disable",
        "user.enable",
        "user.password",
        "token.create",
        "token.revoke",
    ] {
        assert!(audit.contains(&format!(">{action}<")), "{action} audited");
    }
    assert!(audit.contains("kcs.agency_admin"));
    node.finish().await;
}

#[tokio::test]
async fn officers_without_the_administrator_role_get_403_on_every_page_and_form() {
    let node = start().await;
    let thai = agreement_id(&node, "TH-CUSTOMS").await;
    for officer in ["kcs.analyst", "kcs.auditor", "kcs.coordinator"] {
        let client = node.browser(officer).await;
        let (_, dashboard) = get(&client, &node, "/").await;
        assert!(
            !dashboard.contains(r#"href="/admin/users""#),
            "{officer}: no link"
        );
        let csrf = csrf_of(&dashboard);
        for path in [
            "/admin",
            "/admin/users",
            "/admin/users/kcs.trainer",
            "/admin/users/kcs.agency_admin",
        ] {
            let (status, _) = get(&client, &node, path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{officer}: GET {path}");
        }
        for (path, form) in [
            (
                "/admin/users".to_owned(),
                vec![
                    ("username", "kcs.sneaky"),
                    ("roles", "agency_admin"),
                    ("password", "sneaky-password-1"),
                ],
            ),
            (
                "/admin/users".to_owned(),
                vec![("username", "X"), ("password", "x")],
            ),
            (
                "/admin/users/kcs.trainer/roles".to_owned(),
                vec![("roles", "agency_admin")],
            ),
            (
                format!("/admin/users/{officer}/roles"),
                vec![("roles", "agency_admin")],
            ),
            (
                "/admin/users/kcs.trainer/password".to_owned(),
                vec![("password", "taken-over-password")],
            ),
            ("/admin/users/kcs.trainer/disable".to_owned(), vec![]),
            ("/admin/users/kcs.trainer/enable".to_owned(), vec![]),
            (
                "/admin/users/kcs.trainer/tokens".to_owned(),
                vec![("name", "mine"), ("days", "30")],
            ),
            (
                "/admin/users/kcs.trainer/tokens/1/revoke".to_owned(),
                vec![],
            ),
            (
                format!("/agreements/{thai}/end"),
                vec![("on", "2020-01-01")],
            ),
            (format!("/agreements/{thai}/end"), vec![("on", "")]),
        ] {
            let mut form = form;
            form.push(("csrf", &csrf));
            let (status, _) = post(&client, &node, &path, &form).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{officer}: POST {path}");
        }
        // The agreements are there to read, without the administrator's forms.
        let (status, page) = get(&client, &node, "/agreements").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("TH-CUSTOMS") && !page.contains("/end\""));
    }
    // Nothing changed.
    assert!(user(&node, "kcs.sneaky").await.is_none());
    let trainer = user(&node, "kcs.trainer").await.unwrap();
    assert_eq!(trainer.roles.to_csv(), "trainer");
    assert!(!trainer.disabled);
    assert!(api_login(&node, "kcs.trainer", PASSWORD).await);
    assert_eq!(
        user(&node, "kcs.analyst").await.unwrap().roles.to_csv(),
        "analyst"
    );
    let agreements = node
        .service()
        .agreements_binding(Some(&code("KR-KCS")))
        .await
        .unwrap();
    assert!(agreements
        .iter()
        .any(|a| a.id == thai && a.valid_to.is_none()));
    node.finish().await;
}

#[tokio::test]
async fn an_administrator_of_another_agency_finds_nothing_to_touch() {
    let node = start().await;
    let kcg = node.browser("kcg.agency_admin").await;
    let (_, list) = get(&kcg, &node, "/admin/users").await;
    assert!(list.contains("kcg.analyst") && !list.contains("kcs.analyst"));
    let csrf = csrf_of(&list);
    let (status, _) = get(&kcg, &node, "/admin/users/kcs.analyst").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let thai = agreement_id(&node, "TH-CUSTOMS").await;
    for (path, form) in [
        (
            "/admin/users/kcs.analyst/roles",
            vec![("roles", "agency_admin")],
        ),
        (
            "/admin/users/kcs.analyst/password",
            vec![("password", "taken-over-password")],
        ),
        ("/admin/users/kcs.analyst/disable", vec![]),
        (
            "/admin/users/kcs.analyst/tokens",
            vec![("name", "mine"), ("days", "30")],
        ),
        ("/admin/users/kcs.analyst/tokens/1/revoke", vec![]),
        ("/admin/users/nobody.here/disable", vec![]),
    ] {
        let mut form = form;
        form.push(("csrf", &csrf));
        let (status, _) = post(&kcg, &node, path, &form).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "POST {path}");
    }
    // KCS's agreement with the Thai customs is not the coast guard's to end.
    let (status, _) = post(
        &kcg,
        &node,
        &format!("/agreements/{thai}/end"),
        &[("csrf", &csrf), ("on", &node.service().today().to_string())],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A user of another agency cannot be made in one's own name either.
    let (status, _) = post(
        &kcg,
        &node,
        "/admin/users",
        &[
            ("csrf", &csrf),
            ("username", "kcs.analyst"),
            ("roles", "analyst"),
            ("password", "taken-over-password"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let analyst = user(&node, "kcs.analyst").await.unwrap();
    assert_eq!(analyst.agency, code("KR-KCS"));
    assert_eq!(analyst.roles.to_csv(), "analyst");
    assert!(!analyst.disabled);
    assert!(api_login(&node, "kcs.analyst", PASSWORD).await);
    assert!(!api_login(&node, "kcs.analyst", "taken-over-password").await);
    assert!(node
        .service()
        .agreements_binding(Some(&code("KR-KCS")))
        .await
        .unwrap()
        .iter()
        .any(|a| a.id == thai && a.valid_to.is_none()));

    // Nor may administrators lock themselves out.
    let (_, own) = get(&kcg, &node, "/admin/users/kcg.agency_admin").await;
    assert!(!own.contains(r#"action="/admin/users/kcg.agency_admin/disable""#));
    let (status, page) = post(
        &kcg,
        &node,
        "/admin/users/kcg.agency_admin/disable",
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("you cannot disable yourself"));
    let (status, page) = post(
        &kcg,
        &node,
        "/admin/users/kcg.agency_admin/roles",
        &[("csrf", &csrf), ("roles", "analyst")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("you cannot remove your own agency administrator role"));
    assert!(!user(&node, "kcg.agency_admin").await.unwrap().disabled);
    node.finish().await;
}

#[tokio::test]
async fn the_agreements_page_marks_those_ending_within_thirty_days() {
    let node = start().await;
    let today = node.service().today();
    node.service()
        .create_agreement(
            &Admin::Console,
            AgreementInput {
                title: "KCS–Japan container watch".into(),
                parties: vec!["KR-KCS".into(), "JP-CUSTOMS".into()],
                scopes: vec!["intelligence".into(), "surveillance".into()],
                valid_from: today - Duration::days(100),
                valid_to: Some(today + Duration::days(45)),
                max_tlp: "AMBER".into(),
            },
        )
        .await
        .unwrap();
    let thai = agreement_id(&node, "TH-CUSTOMS").await;
    let admin = node.browser("kcs.agency_admin").await;
    let (status, page) = get(&admin, &node, "/agreements").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(text_of(&page, "count-in-force").as_deref(), Some("3"));
    assert_eq!(text_of(&page, "count-ending").as_deref(), Some("0"));
    assert_eq!(text_of(&page, "count-ended").as_deref(), Some("1"));
    assert!(!page.contains(r#"id="ending-soon""#) && !page.contains(r#"class="ending""#));
    // What is shared with whom, up to what, until when.
    let row = &page[page.find("JP-CUSTOMS").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    for shown in [
        "Intelligence",
        "Surveillance",
        "TLP:AMBER",
        "KCS–Japan container watch",
    ] {
        assert!(row.contains(shown), "{shown}: {row}");
    }
    let csrf = csrf_of(&page);

    // The administrator ends the Thai agreement in ten days: it is now ending soon.
    let in_ten = (today + Duration::days(10)).to_string();
    let (status, page) = post(
        &admin,
        &node,
        &format!("/agreements/{thai}/end"),
        &[("csrf", &csrf), ("on", &in_ten)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("The agreement&#39;s last day is set.")
            || page.contains("The agreement's last day is set.")
    );
    assert_eq!(text_of(&page, "count-ending").as_deref(), Some("1"));
    assert!(page.contains(r#"id="ending-soon""#));
    let ending = &page[page.find(r#"class="ending""#).expect("an ending row")..];
    assert!(ending.starts_with(&format!(r#"class="ending" data-agreement="{thai}""#)));
    assert!(ending.contains("ends in 10 days"));
    // Later is refused, and said so next to the agreement.
    let (status, page) = post(
        &admin,
        &node,
        &format!("/agreements/{thai}/end"),
        &[
            ("csrf", &csrf),
            ("on", &(today + Duration::days(20)).to_string()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("an agency may end an agreement sooner, not later"));
    let (status, page) = post(
        &admin,
        &node,
        &format!("/agreements/{thai}/end"),
        &[("csrf", &csrf), ("on", "tomorrow")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("must be a date like"));
    // The dashboard counts it too.
    let (_, dashboard) = get(&admin, &node, "/").await;
    assert!(dashboard.contains("1 ending within 30 days"));
    // An analyst sees the same highlight, without the forms.
    let analyst = node.browser("kcs.analyst").await;
    let (_, page) = get(&analyst, &node, "/agreements").await;
    assert_eq!(text_of(&page, "count-ending").as_deref(), Some("1"));
    assert!(page.contains(r#"class="ending""#) && !page.contains("/end\""));

    // Sixteen days on, the Thai agreement has ended and the Japanese one ends in 29.
    node.clock.advance(Duration::days(16));
    // (The session ended meanwhile: sign in again.)
    let admin = node.browser("kcs.agency_admin").await;
    let (_, page) = get(&admin, &node, "/agreements").await;
    assert_eq!(text_of(&page, "count-ending").as_deref(), Some("1"));
    assert_eq!(text_of(&page, "count-ended").as_deref(), Some("2"));
    assert_eq!(text_of(&page, "count-in-force").as_deref(), Some("2"));
    let ending = &page[page.find(r#"class="ending""#).unwrap()..];
    assert!(ending.contains("JP-CUSTOMS") && ending.contains("ends in 29 days"));
    assert!(!page.contains(&format!(r#"action="/agreements/{thai}/end""#)));

    let (_, audit) = get(&admin, &node, "/audit?action=agreement").await;
    assert!(audit.contains(">agreement.end<") && audit.contains(&thai.to_string()));
    node.finish().await;
}

#[tokio::test]
async fn admin_forms_without_the_csrf_token_change_nothing() {
    let node = start().await;
    let admin = node.browser("kcs.agency_admin").await;
    let thai = agreement_id(&node, "TH-CUSTOMS").await;
    for csrf in [None, Some(""), Some("idt_forged")] {
        let with = |mut form: Vec<(&'static str, String)>| {
            if let Some(c) = csrf {
                form.push(("csrf", c.to_owned()));
            }
            form
        };
        for (path, form) in [
            (
                "/admin/users".to_owned(),
                with(vec![
                    ("username", "kcs.forged".into()),
                    ("roles", "analyst".into()),
                    ("password", "forged-password-1".into()),
                ]),
            ),
            ("/admin/users/kcs.analyst/disable".to_owned(), with(vec![])),
            (
                "/admin/users/kcs.analyst/password".to_owned(),
                with(vec![("password", "forged-password-1".into())]),
            ),
            (
                "/admin/users/kcs.analyst/tokens".to_owned(),
                with(vec![("name", "forged".into()), ("days", "30".into())]),
            ),
            (
                format!("/agreements/{thai}/end"),
                with(vec![("on", node.service().today().to_string())]),
            ),
        ] {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (status, _) = post(&admin, &node, &path, &form).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path} with {csrf:?}");
        }
    }
    assert!(user(&node, "kcs.forged").await.is_none());
    assert!(!user(&node, "kcs.analyst").await.unwrap().disabled);
    assert!(api_login(&node, "kcs.analyst", PASSWORD).await);
    let (_, page) = get(&admin, &node, "/admin/users/kcs.analyst").await;
    assert!(!page.contains("forged"));
    node.finish().await;
}

#[tokio::test]
async fn the_admin_pages_speak_english_korean_and_thai() {
    let node = start().await;
    let admin = node.browser("kcs.agency_admin").await;
    for (lang, create, short_password, partner, nav) in [
        (
            "en",
            "Create user",
            "needs at least 10 characters",
            "Partner",
            "Administration",
        ),
        (
            "ko",
            "사용자 생성",
            "10자 이상이어야 합니다",
            "협력 기관",
            "관리",
        ),
        (
            "th",
            "สร้างผู้ใช้",
            "ต้องมีอย่างน้อย 10 ตัวอักษร",
            "หน่วยงานคู่ร่วมมือ",
            "การดูแลระบบ",
        ),
    ] {
        let (status, page) = get(
            &admin,
            &node,
            &format!("/lang?set={lang}&next=/admin/users"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(&format!(r#"<html lang="{lang}""#)), "{lang}");
        assert!(page.contains(create), "{lang}: {create}");
        assert!(page.contains(nav), "{lang}: {nav}");
        let csrf = csrf_of(&page);
        let (status, page) = post(
            &admin,
            &node,
            "/admin/users",
            &[
                ("csrf", &csrf),
                ("username", "kcs.short"),
                ("roles", "analyst"),
                ("password", "short"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains(short_password), "{lang}: {short_password}");
        let (_, page) = get(&admin, &node, "/admin/users/kcs.analyst").await;
        assert!(page.contains(r#"id="tokens""#), "{lang}");
        let (_, page) = get(&admin, &node, "/agreements").await;
        assert!(page.contains(partner), "{lang}: {partner}");
    }
    node.finish().await;
}
