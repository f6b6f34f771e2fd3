//! The API contract as the tests hold a node to it: every request a test sends through
//! [`crate::TestNode`] and every response it gets back are checked against the OpenAPI
//! document the node serves.
//!
//! A request must name a documented operation, with documented query parameters of the
//! documented shape, the required headers and a body that the request schema admits. A
//! response must carry a status the operation documents and, when the document gives
//! that status a JSON body, a body its schema admits: enum values, required
//! properties, formats (dates, times, UUIDs), patterns, bounds and unknown properties
//! included. OpenAPI 3.1 schemas are JSON Schema 2020-12; references into
//! `#/components` are resolved against the document itself.
//!
//! A failure panics with the operation, the status, the JSON pointer of the offending
//! value and the reason.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use jsonschema::Validator;
use reqwest::{Method, StatusCode};
use serde_json::{Map, Value};

/// What a test claims about the request it sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intent {
    /// The request is one the document admits; it is checked, and a request the
    /// document refuses fails the test.
    Valid,
    /// The request is deliberately one the document refuses (to see how the node
    /// answers bad input); a request the document admits fails the test, so that the
    /// document is held to refuse what the node refuses.
    Invalid,
    /// The request is not checked (for sweeps over every route that send no body).
    Unchecked,
}

/// One operation of the document.
struct Operation {
    method: Method,
    template: String,
    segments: Vec<Option<String>>,
    spec: Value,
}

impl Operation {
    fn label(&self) -> String {
        let id = self.spec["operationId"].as_str().unwrap_or("?");
        format!("{} {} ({id})", self.method, self.template)
    }
}

/// The operations of a served OpenAPI document and validators for their schemas.
pub struct Contract {
    components: Value,
    operations: Vec<Operation>,
    validators: Mutex<HashMap<String, Arc<Validator>>>,
    answered: Mutex<BTreeSet<(String, u16)>>,
}

/// The path outside the contract: the document itself.
const DOCUMENT_PATH: &str = "/api/v1/openapi.json";

/// A request as the checker sees it.
pub struct RequestParts<'a> {
    pub method: &'a Method,
    /// Path and query, as sent.
    pub path: &'a str,
    pub headers: &'a [(String, String)],
    /// The JSON body, if the request has one; `None` also for a body that is not JSON.
    pub body: Option<&'a Value>,
    /// Whether a body of any kind is sent.
    pub has_body: bool,
}

impl Contract {
    /// Reads the operations of an OpenAPI 3.1 document.
    pub fn new(document: &Value) -> Self {
        let mut operations = Vec::new();
        if let Some(paths) = document["paths"].as_object() {
            for (template, item) in paths {
                let segments: Vec<Option<String>> = template
                    .split('/')
                    .map(|s| (!(s.starts_with('{') && s.ends_with('}'))).then(|| s.to_owned()))
                    .collect();
                for method in ["get", "put", "post", "delete", "patch", "head", "options"] {
                    if let Some(spec) = item.get(method) {
                        operations.push(Operation {
                            method: method.to_uppercase().parse().expect("method"),
                            template: template.clone(),
                            segments: segments.clone(),
                            spec: spec.clone(),
                        });
                    }
                }
            }
        }
        Self {
            components: document.get("components").cloned().unwrap_or(Value::Null),
            operations,
            validators: Mutex::new(HashMap::new()),
            answered: Mutex::new(BTreeSet::new()),
        }
    }

    /// Every documented operation, as `METHOD /path/{template}`.
    pub fn operations(&self) -> Vec<String> {
        self.operations
            .iter()
            .map(|o| format!("{} {}", o.method, o.template))
            .collect()
    }

    /// The documented operations that have not yet answered with a success (2xx)
    /// whose body was checked.
    pub fn operations_without_success(&self) -> Vec<String> {
        let answered = self.answered.lock().expect("lock");
        self.operations
            .iter()
            .filter(|o| {
                let key = format!("{} {}", o.method, o.template);
                !answered
                    .iter()
                    .any(|(k, status)| *k == key && (200..300).contains(status))
            })
            .map(|o| format!("{} {}", o.method, o.template))
            .collect()
    }

    /// Whether the contract covers a request path: the API under `/api/v1` except the
    /// document itself.
    fn governs(path: &str) -> bool {
        let path = path.split('?').next().unwrap_or_default();
        path.starts_with("/api/") && path != DOCUMENT_PATH
    }

    /// The operation a request is for, and the values of its path parameters.
    fn operation(
        &self,
        method: &Method,
        path: &str,
    ) -> Option<(&Operation, Vec<(String, String)>)> {
        let path = path.split('?').next().unwrap_or_default();
        let segments: Vec<&str> = path.split('/').collect();
        self.operations
            .iter()
            .filter(|o| o.method == *method && o.segments.len() == segments.len())
            .filter(|o| {
                o.segments
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t.as_deref().is_none_or(|t| t == *s))
            })
            // A literal segment wins over a parameter.
            .max_by_key(|o| o.segments.iter().filter(|s| s.is_some()).count())
            .map(|o| {
                let params = o
                    .template
                    .split('/')
                    .zip(&segments)
                    .filter(|(t, _)| t.starts_with('{'))
                    .map(|(t, s)| (t.trim_matches(['{', '}']).to_owned(), percent_decode(s)))
                    .collect();
                (o, params)
            })
    }

    /// Checks a request against `intent`; panics when it does not hold.
    pub fn check_request(&self, request: &RequestParts<'_>, intent: Intent) {
        if intent == Intent::Unchecked || !Self::governs(request.path) {
            return;
        }
        let problems = self.request_problems(request);
        match (intent, problems.is_empty()) {
            (Intent::Valid, false) => panic!(
                "contract: the request {} {} is not one the OpenAPI document admits:\n  {}\n\
                 (a test that sends bad input on purpose says so with Intent::Invalid)",
                request.method,
                request.path,
                problems.join("\n  ")
            ),
            (Intent::Invalid, true) => panic!(
                "contract: the request {} {} was sent as invalid on purpose, but the OpenAPI \
                 document admits it: the document does not refuse what the node refuses",
                request.method, request.path
            ),
            _ => {}
        }
    }

    fn request_problems(&self, request: &RequestParts<'_>) -> Vec<String> {
        let Some((operation, path_params)) = self.operation(request.method, request.path) else {
            return vec![format!(
                "{} {} is not an operation of the document",
                request.method,
                request.path.split('?').next().unwrap_or_default()
            )];
        };
        let label = operation.label();
        let mut problems = Vec::new();
        let parameters = operation.spec["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let query = request.path.split_once('?').map_or("", |(_, q)| q);
        let query_pairs: Vec<(String, String)> =
            reqwest::Url::parse(&format!("http://node/?{query}"))
                .map(|u| {
                    u.query_pairs()
                        .map(|(k, v)| (k.into_owned(), v.into_owned()))
                        .collect()
                })
                .unwrap_or_default();
        for (name, _) in &query_pairs {
            let documented = parameters
                .iter()
                .any(|p| p["in"] == "query" && p["name"] == name.as_str());
            if !documented {
                problems.push(format!(
                    "{label}: query parameter `{name}` is not documented"
                ));
            }
        }
        for parameter in &parameters {
            let name = parameter["name"].as_str().unwrap_or_default();
            let required = parameter["required"].as_bool().unwrap_or(false);
            let values: Vec<String> = match parameter["in"].as_str() {
                Some("query") => query_pairs
                    .iter()
                    .filter(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
                    .collect(),
                Some("path") => path_params
                    .iter()
                    .filter(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
                    .collect(),
                Some("header") => request
                    .headers
                    .iter()
                    .filter(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.clone())
                    .collect(),
                _ => continue,
            };
            if values.is_empty() && required {
                problems.push(format!(
                    "{label}: the required {} parameter `{name}` is missing",
                    parameter["in"].as_str().unwrap_or_default()
                ));
            }
            // The compiled validator is kept per operation: parameters of one name
            // differ between operations (`from` is a date here, a time there).
            let pointer = format!("{label} parameter {name}");
            for value in values {
                if let Some(reason) = self.parameter_problem(&parameter["schema"], &pointer, &value)
                {
                    problems.push(format!("{label}: parameter `{name}` = {value:?}: {reason}"));
                }
            }
        }
        let body_spec = &operation.spec["requestBody"];
        match (body_spec.is_object(), request.has_body) {
            (false, true) => problems.push(format!("{label}: takes no request body")),
            (true, false) if body_spec["required"].as_bool().unwrap_or(false) => {
                problems.push(format!("{label}: the request body is required"));
            }
            (true, true) => match (request.body, body_spec["content"].get("application/json")) {
                (Some(body), Some(media)) => {
                    let key = format!("{label} request");
                    problems.extend(
                        self.errors(&key, &media["schema"], body)
                            .into_iter()
                            .map(|e| format!("{label}: request body: {e}")),
                    );
                }
                // A body that is not JSON must be of a media type the document names
                // (such as a PDF uploaded for verification).
                (None, _) => {
                    let sent = request
                        .headers
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
                        .map(|(_, v)| v.split(';').next().unwrap_or_default().trim().to_owned())
                        .unwrap_or_default();
                    let named = body_spec["content"].as_object().is_some_and(|c| {
                        c.keys()
                            .any(|m| m != "application/json" && m.eq_ignore_ascii_case(&sent))
                    });
                    if !named {
                        problems.push(format!(
                            "{label}: the request body is {sent:?}, which the document does not name"
                        ));
                    }
                }
                _ => problems.push(format!("{label}: the request body is not application/json")),
            },
            _ => {}
        }
        problems
    }

    /// A path, query or header parameter arrives as text: it is checked as the text,
    /// and, when that fails, as the number or boolean it spells (JSON Schema types a
    /// parameter by its meaning, not by its transport).
    fn parameter_problem(&self, schema: &Value, key: &str, text: &str) -> Option<String> {
        let as_text = self.errors(key, schema, &Value::String(text.to_owned()));
        if as_text.is_empty() {
            return None;
        }
        let typed: Option<Value> = text
            .parse::<i64>()
            .map(Value::from)
            .ok()
            .or_else(|| text.parse::<f64>().ok().map(Value::from))
            .or_else(|| text.parse::<bool>().ok().map(Value::from));
        if let Some(typed) = typed {
            if self.errors(key, schema, &typed).is_empty() {
                return None;
            }
        }
        Some(as_text.join("; "))
    }

    /// Checks a response to a request; panics when the document does not admit it.
    /// `body` is the parsed JSON body (`None` when the body is not JSON), `text` the
    /// body as received.
    pub fn check_response(
        &self,
        method: &Method,
        path: &str,
        status: StatusCode,
        response_headers: &reqwest::header::HeaderMap,
        body: Option<&Value>,
        text: &str,
    ) {
        if !Self::governs(path) {
            return;
        }
        // An undocumented route (which only a request sent as invalid gets this far
        // with) has no response to check: the node's JSON 404 is its answer.
        let Some((operation, _)) = self.operation(method, path) else {
            return;
        };
        let label = operation.label();
        let responses = &operation.spec["responses"];
        let Some(spec) = responses
            .get(status.as_str())
            .or_else(|| responses.get("default"))
        else {
            let documented: Vec<&String> = responses
                .as_object()
                .map(|r| r.keys().collect())
                .unwrap_or_default();
            panic!(
                "contract: {label} answered {status}, which the OpenAPI document does not \
                 list (it lists {documented:?}); body: {text}"
            );
        };
        if let Some(headers) = spec["headers"].as_object() {
            for name in headers.keys() {
                assert!(
                    response_headers.contains_key(name.as_str()),
                    "contract: {label} answered {status} without the header {name} the \
                     document promises"
                );
            }
        }
        let content_type = response_headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        let is_json = content_type
            .and_then(|c| c.split(';').next())
            .is_some_and(|c| c.trim().eq_ignore_ascii_case("application/json"));
        let received_media = content_type
            .and_then(|c| c.split(';').next())
            .map(str::trim)
            .unwrap_or_default();
        // A response that may be JSON or another format (CSV) is held to the one sent.
        let other_format = !is_json
            && spec["content"].as_object().is_some_and(|c| {
                c.keys()
                    .any(|m| m != "application/json" && m.eq_ignore_ascii_case(received_media))
            });
        match spec["content"]
            .get("application/json")
            .filter(|_| !other_format)
        {
            Some(media) => {
                let Some(body) = body.filter(|_| is_json) else {
                    panic!(
                        "contract: {label} answered {status} with {content_type:?}, where the \
                         document promises application/json; body: {text}"
                    );
                };
                let key = format!("{label} {}", status.as_u16());
                let errors = self.errors(&key, &media["schema"], body);
                if !errors.is_empty() {
                    panic!(
                        "contract: {label} answered {status} with a body the OpenAPI document \
                         does not admit:\n  {}\nbody: {body}",
                        errors.join("\n  ")
                    );
                }
            }
            None => {
                if let Some(media) = spec["content"].as_object().filter(|c| !c.is_empty()) {
                    // A body that is not JSON (an event stream) is held to its media type.
                    assert!(
                        media.keys().any(|m| m.eq_ignore_ascii_case(received_media)),
                        "contract: {label} answered {status} with {content_type:?}, where the \
                         document promises {:?}",
                        media.keys().collect::<Vec<_>>()
                    );
                } else if !text.is_empty() {
                    panic!(
                        "contract: {label} answered {status} with a body, where the document \
                         gives none: {text}"
                    );
                }
            }
        }
        self.answered.lock().expect("lock").insert((
            format!("{} {}", operation.method, operation.template),
            status.as_u16(),
        ));
    }

    /// The validation errors of `instance` against `schema`, each as
    /// `at <JSON pointer>: <reason>`. The compiled validator is kept under `key`.
    fn errors(&self, key: &str, schema: &Value, instance: &Value) -> Vec<String> {
        let validator = self.validator(key, schema);
        validator
            .iter_errors(instance)
            .map(|e| {
                let at = e.instance_path().to_string();
                let at = if at.is_empty() { "/".to_owned() } else { at };
                format!("at {at}: {e}")
            })
            .collect()
    }

    fn validator(&self, key: &str, schema: &Value) -> Arc<Validator> {
        let mut validators = self.validators.lock().expect("lock");
        if let Some(v) = validators.get(key) {
            return v.clone();
        }
        // The schema is checked inside a root that also holds the document's components,
        // so that its `#/components/schemas/...` references resolve as in the document.
        let mut root = Map::new();
        root.insert(
            "$schema".into(),
            "https://json-schema.org/draft/2020-12/schema".into(),
        );
        root.insert("allOf".into(), Value::Array(vec![schema.clone()]));
        root.insert("components".into(), self.components.clone());
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .should_ignore_unknown_formats(true)
            .build(&Value::Object(root))
            .unwrap_or_else(|e| panic!("contract: the schema of {key} does not compile: {e}"));
        let validator = Arc::new(validator);
        validators.insert(key.to_owned(), validator.clone());
        validator
    }

    /// Checks that every schema of the document compiles, and returns how many there
    /// are; a schema that does not is reported by name.
    pub fn compile_all(&self) -> usize {
        let names: BTreeMap<String, Value> = self.components["schemas"]
            .as_object()
            .map(|s| {
                s.keys()
                    .map(|k| {
                        (
                            k.clone(),
                            serde_json::json!({ "$ref": format!("#/components/schemas/{k}") }),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        for (name, schema) in &names {
            self.validator(&format!("component {name}"), schema);
        }
        names.len()
    }

    /// The validation errors of `instance` against the component schema `name`.
    pub fn component_errors(&self, name: &str, instance: &Value) -> Vec<String> {
        let schema = serde_json::json!({ "$ref": format!("#/components/schemas/{name}") });
        self.errors(&format!("component {name}"), &schema, instance)
    }
}

/// Decodes the `%XX` escapes of a path segment.
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = bytes
            .get(i + 1..i + 3)
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (bytes[i], escaped) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A document shaped like the one that listed the variant names of the drugs.
    fn document(drug_values: &[&str]) -> Value {
        json!({
            "openapi": "3.1.0",
            "paths": {
                "/api/v1/seizures/{id}": {
                    "get": {
                        "operationId": "get_seizure",
                        "parameters": [
                            { "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }
                        ],
                        "responses": {
                            "200": { "description": "", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Seizure" } } } },
                            "404": { "description": "" }
                        }
                    },
                    "put": {
                        "operationId": "update_seizure",
                        "parameters": [
                            { "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } },
                            { "name": "If-Match", "in": "header", "required": true, "schema": { "type": "string" } }
                        ],
                        "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Seizure" } } } },
                        "responses": { "200": { "description": "", "headers": { "ETag": { "schema": { "type": "string" } } } } }
                    }
                },
                "/api/v1/seizures": {
                    "get": {
                        "operationId": "list_seizures",
                        "parameters": [
                            { "name": "limit", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": 200 } }
                        ],
                        "responses": { "200": { "description": "" } }
                    }
                }
            },
            "components": { "schemas": {
                "Seizure": {
                    "type": "object",
                    "required": ["items", "occurred_on"],
                    "properties": {
                        "occurred_on": { "type": "string", "format": "date" },
                        "items": { "type": "array", "items": { "$ref": "#/components/schemas/DrugItem" } }
                    },
                    "additionalProperties": false
                },
                "DrugItem": {
                    "type": "object",
                    "required": ["drug"],
                    "properties": { "drug": { "$ref": "#/components/schemas/DrugType" } }
                },
                "DrugType": { "type": "string", "enum": drug_values }
            } }
        })
    }

    const ID: &str = "/api/v1/seizures/0196f6a0-0000-7000-8000-000000000000";

    fn seizure(drug: &str) -> Value {
        json!({ "occurred_on": "2026-01-15", "items": [{ "drug": drug }] })
    }

    fn json_headers() -> reqwest::header::HeaderMap {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::CONTENT_TYPE,
            "application/json".parse().unwrap(),
        );
        headers
    }

    fn respond(contract: &Contract, status: u16, body: &Value) {
        contract.check_response(
            &Method::GET,
            ID,
            StatusCode::from_u16(status).unwrap(),
            &json_headers(),
            Some(body),
            &body.to_string(),
        );
    }

    fn panic_message(f: impl FnOnce()) -> String {
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        let payload = caught.expect_err("the checker let it pass");
        payload
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default()
    }

    #[test]
    fn a_value_the_document_does_not_list_is_reported_with_its_pointer() {
        let old = Contract::new(&document(&["Methamphetamine", "SeaContainer"]));
        let message = panic_message(|| respond(&old, 200, &seizure("methamphetamine")));
        assert!(
            message.contains("GET /api/v1/seizures/{id} (get_seizure)"),
            "{message}"
        );
        assert!(message.contains("200"), "{message}");
        assert!(message.contains("at /items/0/drug"), "{message}");
        assert!(message.contains("Methamphetamine"), "{message}");

        let fixed = Contract::new(&document(&["methamphetamine"]));
        respond(&fixed, 200, &seizure("methamphetamine"));
        let mut missing = fixed.operations_without_success();
        missing.sort();
        assert_eq!(
            missing,
            ["GET /api/v1/seizures", "PUT /api/v1/seizures/{id}"]
        );
    }

    #[test]
    fn missing_required_fields_formats_and_unknown_fields_are_reported() {
        let contract = Contract::new(&document(&["methamphetamine"]));
        let message = panic_message(|| respond(&contract, 200, &json!({ "items": [] })));
        assert!(
            message.contains("\"occurred_on\" is a required property"),
            "{message}"
        );
        let mut bad_date = seizure("methamphetamine");
        bad_date["occurred_on"] = json!("15/01/2026");
        let message = panic_message(|| respond(&contract, 200, &bad_date));
        assert!(message.contains("at /occurred_on"), "{message}");
        let mut extra = seizure("methamphetamine");
        extra["colour"] = json!("red");
        let message = panic_message(|| respond(&contract, 200, &extra));
        assert!(message.contains("colour"), "{message}");
    }

    #[test]
    fn undocumented_statuses_bodies_and_headers_are_reported() {
        let contract = Contract::new(&document(&["methamphetamine"]));
        let message = panic_message(|| respond(&contract, 409, &json!({})));
        assert!(message.contains("does not list"), "{message}");
        let message = panic_message(|| respond(&contract, 404, &json!({ "error": {} })));
        assert!(message.contains("gives none"), "{message}");
        let message = panic_message(|| {
            contract.check_response(
                &Method::PUT,
                ID,
                StatusCode::OK,
                &reqwest::header::HeaderMap::new(),
                None,
                "",
            )
        });
        assert!(message.contains("ETag"), "{message}");
    }

    #[test]
    fn requests_are_held_to_the_document_and_to_what_the_test_claims() {
        let contract = Contract::new(&document(&["methamphetamine"]));
        let request = |path: &'static str,
                       headers: &'static [(String, String)],
                       body: Option<&'static Value>| {
            RequestParts {
                method: if body.is_some() {
                    &Method::PUT
                } else {
                    &Method::GET
                },
                path,
                headers,
                body,
                has_body: body.is_some(),
            }
        };
        let good: &'static Value = Box::leak(Box::new(seizure("methamphetamine")));
        let bad: &'static Value = Box::leak(Box::new(seizure("Methamphetamine")));
        let if_match: &'static [(String, String)] =
            Box::leak(Box::new([("If-Match".to_owned(), "\"1\"".to_owned())]));

        contract.check_request(&request(ID, if_match, Some(good)), Intent::Valid);
        contract.check_request(
            &request("/api/v1/seizures?limit=200", &[], None),
            Intent::Valid,
        );
        for (invalid, reason) in [
            (request(ID, if_match, Some(bad)), "at /items/0/drug"),
            (request(ID, &[], Some(good)), "`If-Match` is missing"),
            (
                request("/api/v1/seizures?limit=0", &[], None),
                "parameter `limit`",
            ),
            (
                request("/api/v1/seizures?colour=red", &[], None),
                "`colour` is not documented",
            ),
            (
                request("/api/v1/seizures/not-a-uuid", &[], None),
                "parameter `id`",
            ),
            (request("/api/v1/nothing", &[], None), "not an operation"),
        ] {
            let message = panic_message(|| contract.check_request(&invalid, Intent::Valid));
            assert!(message.contains(reason), "{reason}: {message}");
            contract.check_request(&invalid, Intent::Invalid);
        }
        let message = panic_message(|| {
            contract.check_request(&request(ID, if_match, Some(good)), Intent::Invalid)
        });
        assert!(message.contains("admits it"), "{message}");
    }
}
