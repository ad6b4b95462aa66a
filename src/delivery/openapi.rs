//! Checks an OpenAPI document before it is stored: it must be an OpenAPI 3.0 or 3.1
//! document (else `BAD_USER_INPUT`); what a real parser (`openapiv3` for 3.0, `oas3` for
//! 3.1) and the reference checks find wrong is kept as the spec's `validation_errors`.

use std::collections::HashSet;

use serde_json::Value;

use crate::error::AppError;

/// Largest document accepted, in bytes of JSON.
const MAX_BYTES: usize = 1024 * 1024;
/// Most validation errors kept.
const MAX_ERRORS: usize = 50;
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// An OpenAPI document that may be stored.
#[derive(Debug)]
pub(crate) struct CheckedSpec {
    pub(crate) title: String,
    pub(crate) version: String,
    pub(crate) errors: Vec<String>,
}

/// Checks a document: `BAD_USER_INPUT` when it is not an OpenAPI 3.0/3.1 document at
/// all; otherwise its title, version and the problems found.
pub(crate) fn check(document: &Value) -> Result<CheckedSpec, AppError> {
    let refuse = |message: &str| Err(AppError::BadUserInput(format!("openapi: {message}")));
    let Some(object) = document.as_object() else {
        return refuse("must be a JSON object (an OpenAPI document)");
    };
    if document.to_string().len() > MAX_BYTES {
        return refuse("at most 1 MiB");
    }
    let version = match object.get("openapi") {
        Some(Value::String(v)) => v.clone(),
        _ if object.contains_key("swagger") => {
            return refuse("Swagger 2.0 is not supported; convert it to OpenAPI 3");
        }
        _ => return refuse("not an OpenAPI document: the `openapi` version field is missing"),
    };
    let minor = version_minor(&version);
    if minor.is_none() {
        return refuse("only OpenAPI 3.0.x and 3.1.x documents are supported");
    }
    let mut errors = Vec::new();
    let parsed = if minor == Some(0) {
        serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(document).map(drop)
    } else {
        serde_path_to_error::deserialize::<_, oas3::OpenApiV3Spec>(document).map(drop)
    };
    if let Err(error) = parsed {
        errors.push(format!("{}: {}", error.path(), error.inner()));
    }
    check_references(document, document, &mut String::from("#"), &mut errors);
    check_operations(document, &mut errors);
    errors.truncate(MAX_ERRORS);
    let title = document
        .pointer("/info/title")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or("Untitled API")
        .chars()
        .take(255)
        .collect();
    Ok(CheckedSpec {
        title,
        version,
        errors,
    })
}

/// The minor version of a `3.0.x` or `3.1.x` version string.
fn version_minor(version: &str) -> Option<u8> {
    let mut parts = version.splitn(3, '.');
    let (major, minor, patch) = (parts.next()?, parts.next()?, parts.next()?);
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let patch_digits: String = patch.chars().take_while(char::is_ascii_digit).collect();
    (major == "3" && numeric(minor) && !patch_digits.is_empty())
        .then(|| minor.parse().ok())
        .flatten()
        .filter(|m| *m <= 1)
}

/// Every local `$ref` (`#/...`) must point at something in the document.
fn check_references(root: &Value, value: &Value, path: &mut String, errors: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref")
                && let Some(pointer) = reference.strip_prefix('#')
                && root.pointer(pointer).is_none()
            {
                errors.push(format!("{path}: $ref {reference} does not resolve"));
            }
            for (key, child) in map {
                let len = path.len();
                path.push('/');
                path.push_str(&key.replace('~', "~0").replace('/', "~1"));
                check_references(root, child, path, errors);
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("/{index}"));
                check_references(root, child, path, errors);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Follows a local `$ref` once.
fn resolve<'a>(root: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix('#')
            .and_then(|p| root.pointer(p))
            .unwrap_or(value),
        None => value,
    }
}

/// Operation ids are unique, and every `{param}` of a path template is declared as a
/// path parameter of the operation or its path item.
fn check_operations(root: &Value, errors: &mut Vec<String>) {
    let Some(paths) = root.get("paths").and_then(Value::as_object) else {
        return;
    };
    let mut operation_ids = HashSet::new();
    for (template, item) in paths {
        let declared = |params: Option<&Value>| -> Vec<String> {
            params
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .map(|p| resolve(root, p))
                        .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))
                        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let path_level = declared(item.get("parameters"));
        let wanted: Vec<&str> = template
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            if let Some(id) = operation.get("operationId").and_then(Value::as_str)
                && !operation_ids.insert(id.to_owned())
            {
                errors.push(format!(
                    "paths.{template}.{method}: operationId {id:?} is not unique"
                ));
            }
            let own = declared(operation.get("parameters"));
            for name in &wanted {
                if !path_level.iter().chain(&own).any(|d| d == name) {
                    errors.push(format!(
                        "paths.{template}.{method}: path parameter {{{name}}} is not declared"
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn petstore(version: &str) -> Value {
        json!({
            "openapi": version,
            "info": { "title": "Pets", "version": "1.0.0" },
            "paths": {
                "/pets/{petId}": {
                    "get": {
                        "operationId": "getPet",
                        "parameters": [{ "name": "petId", "in": "path", "required": true, "schema": { "type": "string" } }],
                        "responses": { "200": { "description": "A pet", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Pet" } } } } }
                    }
                }
            },
            "components": { "schemas": { "Pet": { "type": "object", "properties": { "id": { "type": "string" } } } } }
        })
    }

    #[test]
    fn valid_documents_of_both_versions_pass() {
        for version in ["3.0.3", "3.1.0"] {
            let checked = check(&petstore(version)).expect("an OpenAPI document");
            assert_eq!(checked.title, "Pets");
            assert!(checked.errors.is_empty(), "{version}: {:?}", checked.errors);
        }
    }

    #[test]
    fn problems_are_reported_and_non_documents_refused() {
        let mut broken = petstore("3.0.3");
        broken["paths"]["/pets/{petId}"]["get"]["parameters"] = json!([]);
        broken["paths"]["/pets/{petId}"]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"]["$ref"] = json!("#/components/schemas/Nope");
        broken["info"] = json!({ "title": "Pets" });
        let errors = check(&broken).expect("still a document").errors;
        assert!(
            errors
                .iter()
                .any(|e| e.contains("info") && e.contains("version")),
            "{errors:?}"
        );
        assert!(
            errors.iter().any(|e| e.contains("does not resolve")),
            "{errors:?}"
        );
        assert!(
            errors.iter().any(|e| e.contains("{petId} is not declared")),
            "{errors:?}"
        );

        for not_a_document in [
            json!([1]),
            json!({ "swagger": "2.0" }),
            json!({ "openapi": "4.0.0" }),
            json!({ "info": {} }),
        ] {
            assert!(check(&not_a_document).is_err(), "{not_a_document}");
        }
    }
}
