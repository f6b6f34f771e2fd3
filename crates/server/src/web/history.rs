//! What changed between two versions of a record, field by field, for the history
//! page: both versions as JSON, flattened to dotted paths (`subjects[0].name`), and
//! the paths whose values differ.

use std::collections::BTreeMap;

use serde_json::Value;

use super::i18n::Lang;

/// Fields every new version changes, or that never change: not worth a line.
const IGNORED: &[&str] = &[
    "id",
    "agency",
    "version",
    "created_by",
    "created_at",
    "updated_at",
];

/// One changed field: its path, and its text before and after (`None`: absent).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub path: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The fields that differ from `before` to `after`, in path order.
pub fn changes(before: &Value, after: &Value) -> Vec<Change> {
    let (mut old, mut new) = (BTreeMap::new(), BTreeMap::new());
    flatten(before, "", &mut old);
    flatten(after, "", &mut new);
    let mut paths: Vec<&String> = old.keys().chain(new.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter(|path| old.get(*path) != new.get(*path))
        .map(|path| Change {
            path: path.clone(),
            before: old.get(path).cloned(),
            after: new.get(path).cloned(),
        })
        .collect()
}

fn flatten(value: &Value, path: &str, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(fields) => {
            for (key, value) in fields {
                if path.is_empty() && IGNORED.contains(&key.as_str()) {
                    continue;
                }
                let inner = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                flatten(value, &inner, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(item, &format!("{path}[{i}]"), out);
            }
        }
        Value::Null => {}
        Value::String(text) if text.is_empty() => {}
        Value::String(text) => {
            out.insert(path.to_owned(), text.clone());
        }
        other => {
            out.insert(path.to_owned(), other.to_string());
        }
    }
}

/// The label of a changed field in `lang`: the field's name where the catalogue
/// has one, followed by the rest of the path (`Subjects [0].name`).
pub fn label(lang: Lang, path: &str) -> (String, String) {
    let split = path.find(['.', '[']).unwrap_or(path.len());
    let (top, rest) = path.split_at(split);
    let key = match top {
        "handling" => "field.tlp",
        "title" => "field.title",
        "narrative" => "field.narrative",
        "grading" => "field.grading",
        "drugs" => "field.drugs",
        "modus_operandi" => "field.modus_operandi",
        "status" => "field.status",
        "subjects" => "field.subjects",
        "occurred_on" => "field.occurred_on",
        "place" => "field.place",
        "conveyance" => "field.conveyance",
        "items" => "field.items",
        "concealment" => "field.concealment",
        "arrests" => "field.arrests",
        "route" => "field.route",
        "linked_reports" => "field.linked_reports",
        _ => return (top.to_owned(), rest.to_owned()),
    };
    (lang.t(key).to_owned(), rest.to_owned())
}

/// A value cut to a readable length.
pub fn shorten(text: &str) -> String {
    const MAX: usize = 160;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_changed_fields_are_listed_with_both_values() {
        let before = json!({
            "id": "x", "version": 1, "updated_at": "a",
            "title": "Haeyang", "handling": { "tlp": "AMBER", "recipients": [] },
            "subjects": [{ "kind": "vessel", "name": "Haeyang" }],
            "narrative": "",
        });
        let after = json!({
            "id": "x", "version": 2, "updated_at": "b",
            "title": "Haeyang", "handling": { "tlp": "RED", "recipients": ["KR-KCG"] },
            "subjects": [{ "kind": "vessel", "name": "Hae Yang" }, { "kind": "phone", "phone": "+821012345678" }],
            "narrative": "seen at sea",
        });
        let found = changes(&before, &after);
        let paths: Vec<&str> = found.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "handling.recipients[0]",
                "handling.tlp",
                "narrative",
                "subjects[0].name",
                "subjects[1].kind",
                "subjects[1].phone",
            ]
        );
        assert_eq!(found[1].before.as_deref(), Some("AMBER"));
        assert_eq!(found[1].after.as_deref(), Some("RED"));
        assert_eq!(found[2].before, None);
        assert!(changes(&before, &before).is_empty());
    }

    #[test]
    fn labels_are_in_the_page_language() {
        assert_eq!(
            label(Lang::En, "handling.tlp"),
            ("Handling (TLP)".into(), ".tlp".into())
        );
        assert_eq!(label(Lang::Ko, "subjects[0].name").0, "대상");
        assert_eq!(label(Lang::Th, "title"), ("ชื่อเรื่อง".into(), String::new()));
        assert_eq!(
            label(Lang::En, "unknown.x"),
            ("unknown".into(), ".x".into())
        );
    }
}
