//! Photos and documents attached to reports and seizures: their type is read from their
//! content (an executable or HTML named `.png` is refused), a picture gets a smaller
//! thumbnail, a file too large leaves nothing behind; they are read under the record's
//! need-to-know (a partner with an agreement opens them and the owner's log shows it;
//! an agency without one, or a reader a TLP:RED record is not addressed to, gets the
//! same "not found" as for an id that does not exist and never learns that there are
//! any), on both engines.

use std::io::Cursor;

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::support::{report_json, seed_world, seizure_json, token_for, Backend, TestNode};

/// A picture of `width` × `height` with detail enough that its thumbnail is smaller.
fn picture(width: u32, height: u32, format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            ((x * 7) ^ (y * 13)) as u8,
            (x.wrapping_mul(y) % 251) as u8,
            ((x + y) % 256) as u8,
        ])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), format)
        .unwrap();
    out
}

/// The CRC-32 of PNG chunks.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A small PNG whose header claims `width` × `height` pixels: decoding it would need
/// gigabytes.
fn bomb(width: u32, height: u32) -> Vec<u8> {
    let mut png = picture(8, 8, image::ImageFormat::Png);
    // The IHDR chunk follows the 8-byte signature: length (4), type (4), data (13), CRC (4).
    png[16..20].copy_from_slice(&width.to_be_bytes());
    png[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

async fn upload(
    node: &TestNode,
    token: &str,
    record: &str,
    filename: &str,
    declared: &str,
    content: Vec<u8>,
) -> (StatusCode, Value) {
    let call = node
        .request(
            Method::POST,
            &format!("{record}/attachments?filename={filename}"),
        )
        .token(token)
        .raw_body(declared, content);
    // The document names only `application/octet-stream`: other declared types are
    // sent on purpose, to see that the node does not believe them.
    let call = if declared == "application/octet-stream" {
        call
    } else {
        call.unchecked()
    };
    let answer = call.send().await;
    (answer.status, answer.body)
}

async fn file(node: &TestNode, token: &str, path: &str, body: &Value) -> String {
    let (code, record) = node.post(path, token, body).await;
    assert_eq!(code, StatusCode::CREATED, "{record}");
    format!("{path}/{}", record["id"].as_str().unwrap())
}

async fn fetch(node: &TestNode, token: &str, path: &str) -> interdict_testkit::Answer {
    node.request(Method::GET, path).token(token).send().await
}

async fn count(node: &TestNode, token: &str, record: &str) -> usize {
    let (code, list) = node.get(&format!("{record}/attachments"), token).await;
    assert_eq!(code, StatusCode::OK, "{list}");
    list.as_array().unwrap().len()
}

async fn files_follow_their_record(backend: Backend) {
    let Some(node) = TestNode::start(backend).await else {
        return;
    };
    seed_world(node.service()).await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let kcs_watch = token_for(node.service(), "kcs.watch_officer").await;
    let kcs_auditor = token_for(node.service(), "kcs.auditor").await;
    let kcg = token_for(node.service(), "kcg.analyst").await;
    let japan = token_for(node.service(), "japan.analyst").await;
    let thai = token_for(node.service(), "thai.analyst").await;

    // An AMBER report: KCG reads it (every scope up to RED), the Thai customs do not
    // (up to GREEN), Japan has no agreement.
    let report = file(
        &node,
        &kcs,
        "/api/v1/reports",
        &report_json("Photos of the deck", "AMBER", &[], "published"),
    )
    .await;
    let seizure = file(
        &node,
        &kcs,
        "/api/v1/seizures",
        &seizure_json("ATT", "AMBER", &[], "published"),
    )
    .await;

    // A PNG on the report, a JPEG on the seizure: the types come from the content
    // (the PNG is declared as a JPEG, and named .jpg).
    let png = picture(800, 600, image::ImageFormat::Png);
    let (code, added) = upload(&node, &kcs, &report, "deck.jpg", "image/jpeg", png.clone()).await;
    assert_eq!(code, StatusCode::CREATED, "{added}");
    assert_eq!(added["content_type"], "image/png", "{added}");
    assert_eq!(added["thumbnail"], true);
    assert_eq!(
        (added["width"].as_i64(), added["height"].as_i64()),
        (Some(800), Some(600))
    );
    assert_eq!(added["size"].as_u64(), Some(png.len() as u64));
    assert_eq!(added["added_by"], "kcs.analyst");
    let png_id = added["id"].as_str().unwrap().to_owned();
    let jpeg = picture(640, 480, image::ImageFormat::Jpeg);
    let (code, added) = upload(
        &node,
        &kcs,
        &seizure,
        "hold.jpeg",
        "application/octet-stream",
        jpeg.clone(),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED, "{added}");
    assert_eq!(added["content_type"], "image/jpeg", "{added}");
    let jpeg_id = added["id"].as_str().unwrap().to_owned();
    let (code, added) = upload(
        &node,
        &kcs,
        &report,
        "manifest.txt",
        "application/octet-stream",
        "Container CSQU3054383: 22 kg\n".as_bytes().to_vec(),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED, "{added}");
    assert_eq!(added["content_type"], "text/plain");
    assert_eq!(added["thumbnail"], false);
    let text_id = added["id"].as_str().unwrap().to_owned();

    // The content as sent, with its type, never sniffed; a picture shown in place, a
    // text as a download; thumbnails at most 320 pixels and smaller than the picture.
    let opened = fetch(&node, &kcs, &format!("/api/v1/attachments/{png_id}")).await;
    assert_eq!(opened.status, StatusCode::OK);
    assert_eq!(opened.bytes, png);
    assert_eq!(opened.header("content-type").as_deref(), Some("image/png"));
    assert_eq!(
        opened.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert!(opened
        .header("content-disposition")
        .unwrap()
        .starts_with("inline"));
    let opened = fetch(&node, &kcs, &format!("/api/v1/attachments/{text_id}")).await;
    assert_eq!(
        opened.header("content-type").as_deref(),
        Some("text/plain; charset=utf-8")
    );
    assert!(opened
        .header("content-disposition")
        .unwrap()
        .starts_with("attachment;"));
    for (id, original, format, (w, h)) in [
        (&png_id, &png, image::ImageFormat::Png, (320, 240)),
        (&jpeg_id, &jpeg, image::ImageFormat::Jpeg, (320, 240)),
    ] {
        let thumb = fetch(&node, &kcs, &format!("/api/v1/attachments/{id}/thumbnail")).await;
        assert_eq!(thumb.status, StatusCode::OK);
        assert_eq!(
            thumb.header("content-type").as_deref(),
            Some(format.to_mime_type())
        );
        assert!(
            thumb.bytes.len() < original.len(),
            "{} < {}",
            thumb.bytes.len(),
            original.len()
        );
        let small = image::load_from_memory_with_format(&thumb.bytes, format).unwrap();
        assert_eq!((small.width(), small.height()), (w, h));
    }
    let thumb = fetch(
        &node,
        &kcs,
        &format!("/api/v1/attachments/{text_id}/thumbnail"),
    )
    .await;
    assert_eq!(thumb.status, StatusCode::NOT_FOUND);

    // Refused by content, whatever the name and the declared type say; nothing kept.
    let html = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>".to_vec();
    let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00PE\0\0".to_vec();
    let zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00word/document.xml".to_vec();
    for (name, content) in [
        ("photo.png", html),
        ("photo.png", exe),
        ("report.docx", zip),
    ] {
        let (code, refused) = upload(&node, &kcs, &report, name, "image/png", content).await;
        assert_eq!(
            code,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{name}: {refused}"
        );
        assert_eq!(refused["error"]["code"], "unsupported_media_type");
    }
    let mut oversized = picture(16, 16, image::ImageFormat::Png);
    oversized.resize(10 * 1024 * 1024 + 1, 0);
    let (code, refused) = upload(
        &node,
        &kcs,
        &report,
        "big.png",
        "application/octet-stream",
        oversized,
    )
    .await;
    assert_eq!(code, StatusCode::PAYLOAD_TOO_LARGE, "{refused}");
    assert_eq!(refused["error"]["code"], "payload_too_large");
    let (code, refused) = upload(
        &node,
        &kcs,
        &report,
        "bomb.png",
        "application/octet-stream",
        bomb(60_000, 60_000),
    )
    .await;
    assert_eq!(code, StatusCode::PAYLOAD_TOO_LARGE, "{refused}");
    assert_eq!(refused["error"]["code"], "image_too_large");
    let (code, refused) = upload(
        &node,
        &kcs,
        &report,
        "..%2Fetc",
        "application/octet-stream",
        b"text".to_vec(),
    )
    .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(count(&node, &kcs, &report).await, 2);

    // Only officers of the owner who may change the record attach files.
    let small = picture(10, 10, image::ImageFormat::Png);
    let (code, _) = upload(
        &node,
        &kcg,
        &report,
        "kcg.png",
        "application/octet-stream",
        small.clone(),
    )
    .await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    let (code, _) = upload(
        &node,
        &kcs_watch,
        &report,
        "watch.png",
        "application/octet-stream",
        small.clone(),
    )
    .await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    let (code, _) = upload(
        &node,
        &japan,
        &report,
        "japan.png",
        "application/octet-stream",
        small.clone(),
    )
    .await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    assert_eq!(count(&node, &kcs, &report).await, 2);

    // The partner lists and opens them; the owner's log shows the opening, under the
    // owner, with the file.
    assert_eq!(count(&node, &kcg, &report).await, 2);
    let opened = fetch(&node, &kcg, &format!("/api/v1/attachments/{png_id}")).await;
    assert_eq!(opened.status, StatusCode::OK);
    assert_eq!(opened.bytes, png);
    node.service().flush_audit().await;
    let (code, log) = node
        .get("/api/v1/audit?limit=200&action=attachment", &kcs_auditor)
        .await;
    assert_eq!(code, StatusCode::OK, "{log}");
    let entries = log["entries"].as_array().unwrap();
    let record_id = report.rsplit('/').next().unwrap();
    let open = entries
        .iter()
        .find(|e| e["action"] == "attachment.open" && e["actor"] == "kcg.analyst")
        .unwrap_or_else(|| panic!("the owner sees the partner's opening: {log}"));
    assert_eq!(open["actor_agency"], "KR-KCG");
    assert_eq!(open["target_agency"], "KR-KCS");
    assert_eq!(open["target_id"], record_id);
    let detail: Value = serde_json::from_str(open["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail["attachment"], png_id.as_str());
    assert_eq!(detail["filename"], "deck.jpg");
    assert!(entries
        .iter()
        .any(|e| e["action"] == "attachment.add" && e["target_id"] == record_id));

    // Without an agreement covering the record, a file is exactly as missing as an
    // id that never existed, and the record's list is the record's 404.
    let missing = format!("/api/v1/attachments/{}", uuid::Uuid::new_v4());
    for outsider in [&japan, &thai] {
        let absent = fetch(&node, outsider, &missing).await;
        assert_eq!(absent.status, StatusCode::NOT_FOUND);
        for path in [
            format!("/api/v1/attachments/{png_id}"),
            format!("/api/v1/attachments/{png_id}/thumbnail"),
            format!("/api/v1/attachments/{jpeg_id}"),
        ] {
            let hidden = fetch(&node, outsider, &path).await;
            assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{path}");
            assert_eq!(hidden.text, absent.text, "{path}");
        }
        let (code, body) = node.get(&format!("{report}/attachments"), outsider).await;
        assert_eq!(code, StatusCode::NOT_FOUND, "{body}");
    }
    node.service().flush_audit().await;
    let (_, japan_log) = node
        .get(
            "/api/v1/audit?limit=200",
            &token_for(node.service(), "japan.auditor").await,
        )
        .await;
    let refused: Vec<&Value> = japan_log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "attachment.open_denied")
        .collect();
    assert!(!refused.is_empty(), "{japan_log}");
    for entry in refused {
        assert!(entry["target_agency"].is_null(), "{entry}");
        assert_eq!(entry["target_kind"], "attachment", "{entry}");
    }

    // TLP:RED: a file of a record not addressed to the reader is not found (KCG may
    // read RED, but this one is for Japan's customs only); addressed, it opens.
    crate::support::add_agreement(
        node.service(),
        ["KR-KCS", "JP-CUSTOMS"],
        &[interdict_core::Scope::Intelligence],
        interdict_core::Tlp::Red,
    )
    .await;
    let mut red = Vec::new();
    for recipients in [&["JP-CUSTOMS"][..], &["KR-KCG"][..]] {
        let record = file(
            &node,
            &kcs,
            "/api/v1/reports",
            &report_json("Source photo", "RED", recipients, "published"),
        )
        .await;
        let (code, added) = upload(
            &node,
            &kcs,
            &record,
            "source.png",
            "application/octet-stream",
            small.clone(),
        )
        .await;
        assert_eq!(code, StatusCode::CREATED, "{added}");
        red.push(added["id"].as_str().unwrap().to_owned());
    }
    let absent = fetch(&node, &kcg, &missing).await;
    let hidden = fetch(&node, &kcg, &format!("/api/v1/attachments/{}", red[0])).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(hidden.text, absent.text);
    let addressed = fetch(&node, &kcg, &format!("/api/v1/attachments/{}", red[1])).await;
    assert_eq!(addressed.status, StatusCode::OK);
    node.finish().await;
}

#[tokio::test]
async fn files_follow_their_record_on_sqlite() {
    files_follow_their_record(Backend::Sqlite).await;
}

#[tokio::test]
async fn files_follow_their_record_on_postgres() {
    files_follow_their_record(Backend::Postgres).await;
}

/// The value of the first hidden `csrf` field of a page.
fn csrf_of(html: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let start = html.find(marker).expect("page has a csrf field") + marker.len();
    let end = html[start..].find('"').unwrap();
    html[start..start + end].to_owned()
}

/// A multipart form of the CSRF token and one file.
fn form_with_file(csrf: &str, filename: &str, content: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----interdict-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: image/png\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn the_record_page_shows_files_to_its_readers_only() {
    let node = TestNode::start(Backend::Sqlite).await.unwrap();
    seed_world(node.service()).await;
    let kcs = token_for(node.service(), "kcs.analyst").await;
    let report = file(
        &node,
        &kcs,
        "/api/v1/reports",
        &report_json("Deck photos", "AMBER", &[], "published"),
    )
    .await;
    let page = report.replace("/api/v1", "");
    let analyst = node.browser("kcs.analyst").await;
    let html = analyst
        .get(node.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"attachments\""), "{html}");
    assert!(html.contains("enctype=\"multipart/form-data\""));

    // A photo sent with the page's form; an HTML page named .png is refused on the page.
    let csrf = csrf_of(&html);
    let (content_type, body) = form_with_file(
        &csrf,
        "갑판.png",
        &picture(500, 400, image::ImageFormat::Png),
    );
    let sent = analyst
        .post(node.url(&format!("{page}/attachments")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::OK, "redirected to the page");
    let html = sent.text().await.unwrap();
    assert!(html.contains("갑판.png"), "{html}");
    assert!(html.contains("/thumbnail\""));
    let (content_type, body) = form_with_file(&csrf, "x.png", b"<html><script>1</script></html>");
    let refused = analyst
        .post(node.url(&format!("{page}/attachments")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("This kind of file is not taken"));
    let (content_type, body) = form_with_file(
        "not-the-token",
        "y.png",
        &picture(8, 8, image::ImageFormat::Png),
    );
    let forged = analyst
        .post(node.url(&format!("{page}/attachments")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let (_, list) = node.get(&format!("{report}/attachments"), &kcs).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    let id = list[0]["id"].as_str().unwrap().to_owned();

    // The partner sees the file, opens it and its thumbnail, and has no form; an agency
    // without an agreement sees no page, no file and no thumbnail.
    let partner = node.browser("kcg.analyst").await;
    let html = partner
        .get(node.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("갑판.png") && html.contains(&id), "{html}");
    assert!(!html.contains("enctype=\"multipart/form-data\""));
    for path in [
        format!("/attachments/{id}"),
        format!("/attachments/{id}/thumbnail"),
    ] {
        let got = partner.get(node.url(&path)).send().await.unwrap();
        assert_eq!(got.status(), StatusCode::OK, "{path}");
        assert_eq!(got.headers()["content-type"], "image/png");
    }
    let outsider = node.browser("japan.analyst").await;
    let page_answer = outsider.get(node.url(&page)).send().await.unwrap();
    assert_eq!(page_answer.status(), StatusCode::NOT_FOUND);
    assert!(!page_answer.text().await.unwrap().contains(&id));
    let absent = outsider
        .get(node.url(&format!("/attachments/{}", uuid::Uuid::new_v4())))
        .send()
        .await
        .unwrap();
    let absent_status = absent.status();
    let absent_text = absent.text().await.unwrap();
    for path in [
        format!("/attachments/{id}"),
        format!("/attachments/{id}/thumbnail"),
    ] {
        let hidden = outsider.get(node.url(&path)).send().await.unwrap();
        assert_eq!(hidden.status(), absent_status, "{path}");
        assert_eq!(hidden.text().await.unwrap(), absent_text, "{path}");
    }
    node.finish().await;
}
