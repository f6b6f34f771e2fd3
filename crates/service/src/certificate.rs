//! Certificates as PDF documents a partner can verify.
//!
//! The document prints what the certificate certifies and carries its signed content
//! (compact JSON, base64) and the node's Ed25519 signature of it (hex) in its document
//! information dictionary (`/InterdictCertificate`, `/InterdictSignature`); both are also
//! printed on the page. Verification reads them back from those two keys only: what
//! the page shows is for people, the signed content is what counts.
//!
//! Text is set in two fonts none of which is embedded: Helvetica (WinAnsi) for Latin
//! letters up to U+00FF, and for everything else the standard Korean CID font
//! `HYSMyeongJo-Medium` of the Adobe-Korea1 collection, addressed through the UCS-2
//! CMap `UniKS-UCS2-H`. Hangul and the Hanja of KS X 1001 render in any viewer with the
//! Korean font pack (or a substitute CJK font); scripts outside Adobe-Korea1 (Thai,
//! Arabic, …) print as blanks on the page while the signed content keeps them exactly.

use base64::Engine as _;
use interdict_core::training::CertificateContent;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str, TextStr};

const CONTENT_KEY: &[u8] = b"InterdictCertificate";
const SIGNATURE_KEY: &[u8] = b"InterdictSignature";

/// Which font a run of text is set in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Face {
    Latin,
    Korean,
}

fn face(c: char) -> Face {
    let code = c as u32;
    if (0x20..=0x7e).contains(&code) || (0xa0..=0xff).contains(&code) {
        Face::Latin
    } else {
        Face::Korean
    }
}

/// Shows `text` from the current position, switching fonts by run.
fn show(content: &mut Content, text: &str, size: f32) {
    let chars: Vec<char> = text.chars().collect();
    let mut start = 0;
    while start < chars.len() {
        let f = face(chars[start]);
        let mut end = start;
        while end < chars.len() && face(chars[end]) == f {
            end += 1;
        }
        let run = &chars[start..end];
        let bytes: Vec<u8> = match f {
            // WinAnsi agrees with Unicode on these code points.
            Face::Latin => run.iter().map(|c| *c as u32 as u8).collect(),
            Face::Korean => run
                .iter()
                .flat_map(|c| {
                    let code = u16::try_from(*c as u32).unwrap_or(0x3013);
                    code.to_be_bytes()
                })
                .collect(),
        };
        content.set_font(
            Name(match f {
                Face::Latin => b"F1",
                Face::Korean => b"F2",
            }),
            size,
        );
        content.show(Str(&bytes));
        start = end;
    }
}

/// Cuts `text` into lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.chunks(width).map(|c| c.iter().collect()).collect()
}

/// The certificate as a one-page A4 PDF.
pub fn render(content: &CertificateContent, signature: &str, revoked: bool) -> Vec<u8> {
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let page = Ref::new(3);
    let latin = Ref::new(4);
    let korean = Ref::new(5);
    let cid = Ref::new(6);
    let descriptor = Ref::new(7);
    let stream = Ref::new(8);
    let info = Ref::new(9);

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page]).count(1);
    let mut p = pdf.page(page);
    p.parent(tree)
        .media_box(Rect::new(0.0, 0.0, 595.0, 842.0))
        .contents(stream);
    {
        let mut resources = p.resources();
        let mut fonts = resources.fonts();
        fonts.pair(Name(b"F1"), latin);
        fonts.pair(Name(b"F2"), korean);
    }
    drop(p);
    pdf.type1_font(latin)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type0_font(korean)
        .base_font(Name(b"HYSMyeongJo-Medium"))
        .encoding_predefined(Name(b"UniKS-UCS2-H"))
        .descendant_font(cid);
    pdf.cid_font(cid)
        .subtype(CidFontType::Type0)
        .base_font(Name(b"HYSMyeongJo-Medium"))
        .system_info(SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Korea1"),
            supplement: 2,
        })
        .font_descriptor(descriptor)
        .default_width(1000.0);
    pdf.font_descriptor(descriptor)
        .name(Name(b"HYSMyeongJo-Medium"))
        .flags(FontFlags::SYMBOLIC | FontFlags::SERIF)
        .bbox(Rect::new(0.0, -148.0, 1001.0, 880.0))
        .italic_angle(0.0)
        .ascent(880.0)
        .descent(-120.0)
        .cap_height(880.0)
        .stem_v(91.0);

    let mut c = Content::new();
    let line = |c: &mut Content, y: f32, size: f32, text: &str| {
        c.begin_text();
        c.next_line(56.0, y);
        show(c, text, size);
        c.end_text();
    };
    let title = if revoked {
        "Certificate of training - REVOKED / 교육 이수증 - 취소됨"
    } else {
        "Certificate of training / 교육 이수증"
    };
    line(&mut c, 770.0, 20.0, title);
    line(&mut c, 735.0, 11.0, "This certifies that / 다음 사람이");
    line(&mut c, 705.0, 22.0, &content.officer_name);
    line(
        &mut c,
        682.0,
        11.0,
        &format!("{} - {}", content.officer, content.agency),
    );
    line(
        &mut c,
        655.0,
        11.0,
        "completed the course / 과정을 이수하였음을 증명합니다",
    );
    let mut y = 630.0;
    for part in wrap(&content.course_title, 48) {
        line(&mut c, y, 16.0, &part);
        y -= 20.0;
    }
    let rows = [
        ("Host agency / 주관 기관", content.host_agency.to_string()),
        (
            "Session / 교육 기간",
            format!("{} - {}", content.starts_on, content.ends_on),
        ),
        ("Hours / 시간", format!("{}", content.hours)),
        ("Issued on / 발급일", content.issued_on.to_string()),
        ("Expires on / 만료일", content.expires_on.to_string()),
        ("Certificate id / 증명서 번호", content.id.to_string()),
    ];
    y -= 10.0;
    for (label, value) in rows {
        line(&mut c, y, 11.0, &format!("{label}: {value}"));
        y -= 18.0;
    }
    y -= 12.0;
    line(
        &mut c,
        y,
        9.0,
        "Verify at /verify on the issuing node, or: interdict certificate verify FILE.pdf",
    );
    y -= 14.0;
    line(&mut c, y, 9.0, "Signed content / 서명된 내용:");
    y -= 12.0;
    for part in wrap(&content.canonical_json(), 100) {
        line(&mut c, y, 7.0, &part);
        y -= 10.0;
    }
    y -= 4.0;
    line(&mut c, y, 9.0, "Ed25519 signature / 서명:");
    y -= 12.0;
    for part in wrap(signature, 100) {
        line(&mut c, y, 7.0, &part);
        y -= 10.0;
    }
    let data = c.finish();
    pdf.stream(stream, &data);

    let encoded = base64::engine::general_purpose::STANDARD.encode(content.canonical_json());
    let mut doc = pdf.document_info(info);
    doc.title(TextStr(&format!(
        "Certificate {} - {}",
        content.id, content.course_title
    )))
    .producer(TextStr("Interdict"));
    doc.pair(Name(CONTENT_KEY), Str(encoded.as_bytes()));
    doc.pair(Name(SIGNATURE_KEY), Str(signature.as_bytes()));
    drop(doc);
    pdf.finish()
}

/// Why a file is not a readable certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unreadable {
    /// Not a PDF at all.
    NotPdf,
    /// A PDF without a certificate's content and signature, or with unreadable ones.
    NoCertificate,
}

/// The literal string following `/key` in `bytes`, without escapes (the certificate's
/// two entries are base64 and hex).
fn entry<'a>(bytes: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let mut needle = b"/".to_vec();
    needle.extend_from_slice(key);
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle.as_slice())?;
    let rest = &bytes[at + needle.len()..];
    let open = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    if rest[open] != b'(' {
        return None;
    }
    let rest = &rest[open + 1..];
    let close = rest.iter().position(|b| *b == b')')?;
    Some(&rest[..close])
}

/// The signed content and signature a PDF carries.
pub fn read(bytes: &[u8]) -> Result<(CertificateContent, Vec<u8>, String), Unreadable> {
    if !bytes.starts_with(b"%PDF-") {
        return Err(Unreadable::NotPdf);
    }
    let encoded = entry(bytes, CONTENT_KEY).ok_or(Unreadable::NoCertificate)?;
    let signature = entry(bytes, SIGNATURE_KEY).ok_or(Unreadable::NoCertificate)?;
    let json = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| Unreadable::NoCertificate)?;
    let content: CertificateContent =
        serde_json::from_slice(&json).map_err(|_| Unreadable::NoCertificate)?;
    let signature = std::str::from_utf8(signature)
        .map_err(|_| Unreadable::NoCertificate)?
        .to_owned();
    Ok((content, json, signature))
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_core::training::CERTIFICATE_FORMAT;
    use interdict_core::{AgencyCode, Username};

    fn content() -> CertificateContent {
        CertificateContent {
            format: CERTIFICATE_FORMAT.into(),
            id: uuid::Uuid::nil(),
            officer: Username::parse("kcg.analyst").unwrap(),
            officer_name: "박서준 (Park Seo-jun)".into(),
            agency: AgencyCode::parse("KR-KCG").unwrap(),
            host_agency: AgencyCode::parse("KR-KCS").unwrap(),
            course: uuid::Uuid::nil(),
            course_title: "마약 탐지 (Drug detection)".into(),
            session: uuid::Uuid::nil(),
            starts_on: "2026-06-01".parse().unwrap(),
            ends_on: "2026-06-05".parse().unwrap(),
            hours: 24.0,
            issued_on: "2026-06-05".parse().unwrap(),
            expires_on: "2028-06-05".parse().unwrap(),
            node_key: "ab".repeat(32),
        }
    }

    #[test]
    fn a_rendered_certificate_is_read_back() {
        let pdf = render(&content(), "cd", false);
        assert!(pdf.starts_with(b"%PDF-"));
        let (back, json, signature) = read(&pdf).unwrap();
        assert_eq!(back, content());
        assert_eq!(json, content().canonical_json().into_bytes());
        assert_eq!(signature, "cd");
        // Hangul is set in the Korean font as UCS-2 (박서준: U+BC15 U+C11C U+C900), as
        // a literal or a hexadecimal string.
        let raw: &[u8] = &[0xbc, 0x15, 0xc1, 0x1c, 0xc9, 0x00];
        let hex = b"<BC15C11CC900>";
        assert!(
            pdf.windows(raw.len()).any(|w| w == raw)
                || pdf.windows(hex.len()).any(|w| w.eq_ignore_ascii_case(hex)),
            "{}",
            String::from_utf8_lossy(&pdf)
        );
        assert!(pdf.windows(12).any(|w| w == b"UniKS-UCS2-H"));
    }

    #[test]
    fn other_files_are_refused() {
        assert_eq!(read(b"hello").unwrap_err(), Unreadable::NotPdf);
        assert_eq!(
            read(b"%PDF-1.7\n1 0 obj << >> endobj").unwrap_err(),
            Unreadable::NoCertificate
        );
    }
}
