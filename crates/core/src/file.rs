//! What kind of file a piece of content is, found from the content itself: the name a
//! client gives a file and the type it claims are never believed. The board of an
//! operation and the attachments of records ask the same question here.

/// A kind of file the node takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileType {
    Pdf,
    Png,
    Jpeg,
    Gif,
    Webp,
    /// UTF-8 text that is not markup.
    Text,
}

impl FileType {
    /// Every kind, in the order [`sniff`] tries them.
    pub const ALL: [FileType; 6] = [
        FileType::Pdf,
        FileType::Png,
        FileType::Jpeg,
        FileType::Gif,
        FileType::Webp,
        FileType::Text,
    ];

    /// The media type it is served as.
    pub fn mime(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
            FileType::Gif => "image/gif",
            FileType::Webp => "image/webp",
            FileType::Text => "text/plain",
        }
    }

    /// The kind served as `mime`.
    pub fn from_mime(mime: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.mime() == mime)
    }

    /// A picture, of which a thumbnail is made.
    pub fn is_image(self) -> bool {
        matches!(
            self,
            FileType::Png | FileType::Jpeg | FileType::Gif | FileType::Webp
        )
    }
}

/// The kind of file `content` is, or `None` when it is none the node takes (an
/// executable, an archive, an office document, HTML, SVG, …). Binary kinds are told by
/// their signature; text must be UTF-8 without NUL or other control characters than
/// tab, line feed, form feed and carriage return, and must not begin with `<` (markup
/// such as HTML, XML or SVG is not plain text, and a browser may run it).
pub fn sniff(content: &[u8]) -> Option<FileType> {
    if content.starts_with(b"%PDF-") {
        return Some(FileType::Pdf);
    }
    if content.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(FileType::Png);
    }
    if content.starts_with(b"\xff\xd8\xff") {
        return Some(FileType::Jpeg);
    }
    if content.starts_with(b"GIF87a") || content.starts_with(b"GIF89a") {
        return Some(FileType::Gif);
    }
    if content.len() >= 12 && content.starts_with(b"RIFF") && &content[8..12] == b"WEBP" {
        return Some(FileType::Webp);
    }
    let text = std::str::from_utf8(content).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let controls = text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'));
    if controls || text.trim_start().starts_with('<') {
        return None;
    }
    Some(FileType::Text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_told_by_their_content() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(FileType::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(FileType::Png));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF"), Some(FileType::Jpeg));
        assert_eq!(sniff(b"GIF89a\x01\0\x01\0"), Some(FileType::Gif));
        assert_eq!(sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Some(FileType::Webp));
        assert_eq!(
            sniff("Manifest: 22 kg, 컨테이너 CSQU3054383\r\n".as_bytes()),
            Some(FileType::Text)
        );
        assert_eq!(sniff("\u{feff}ใบขน".as_bytes()), Some(FileType::Text));
    }

    #[test]
    fn executables_archives_and_markup_are_none() {
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0"), None);
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01\0"), None);
        assert_eq!(sniff(b"PK\x03\x04\x14\0"), None);
        assert_eq!(sniff(b"  <!DOCTYPE html><script>alert(1)</script>"), None);
        assert_eq!(sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), None);
        assert_eq!(sniff(b"text with a \0 inside"), None);
        assert_eq!(sniff(b"RIFF\x24\0\0\0WAVEfmt "), None);
        assert_eq!(sniff(&[0xc3, 0x28]), None);
    }

    #[test]
    fn every_kind_has_its_own_media_type() {
        for kind in FileType::ALL {
            assert_eq!(FileType::from_mime(kind.mime()), Some(kind));
        }
    }
}
