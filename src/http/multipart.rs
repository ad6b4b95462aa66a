//! GraphQL multipart requests (the graphql-multipart-request-spec that async-graphql's
//! `Upload` follows): an `operations` field (the usual JSON parameters, with `null`
//! where files go), a `map` field (file field -> variable paths), then the files.
//!
//! A file larger than `BRAID_MAX_UPLOAD_BYTES` stops the request with 413 while it is
//! being read: nothing reaches a resolver, so nothing is stored.

use std::collections::HashMap;

use async_graphql::UploadValue;
use axum::body::Body;
use serde_json::{Map, Value};

/// Most files one request may carry.
const MAX_FILES: usize = 10;

/// A parsed multipart request.
pub(super) struct Multipart {
    /// The `operations` object (GraphQL parameters).
    pub(super) params: Map<String, Value>,
    /// Each file with the variable path it fills (`variables.file`).
    pub(super) uploads: Vec<(String, UploadValue)>,
}

/// Why a multipart request was refused.
pub(super) enum Refused {
    /// Malformed: 400.
    BadRequest(String),
    /// A file or the whole body is over its limit: 413.
    TooLarge(String),
}

fn bad(message: impl Into<String>) -> Refused {
    Refused::BadRequest(message.into())
}

fn from_multer(error: multer::Error, max_file: usize) -> Refused {
    match error {
        multer::Error::FieldSizeExceeded { field_name, .. } => Refused::TooLarge(format!(
            "the field {:?} is over its size limit (files: {max_file} bytes)",
            field_name.unwrap_or_default()
        )),
        multer::Error::StreamSizeExceeded { limit } => {
            Refused::TooLarge(format!("the multipart body exceeds {limit} bytes"))
        }
        other => bad(format!("malformed multipart body: {other}")),
    }
}

/// Reads a multipart body: `operations` and `map` at most `max_json` bytes each, each
/// file at most `max_file` bytes.
pub(super) async fn parse(
    content_type: &str,
    body: Body,
    max_file: usize,
    max_json: usize,
) -> Result<Multipart, Refused> {
    let boundary = multer::parse_boundary(content_type)
        .map_err(|_| bad("the multipart content type has no boundary"))?;
    let limits = multer::SizeLimit::new()
        .whole_stream((max_file * MAX_FILES + 2 * max_json) as u64)
        .per_field(max_file as u64)
        .for_field("operations", max_json as u64)
        .for_field("map", max_json as u64);
    let mut multipart = multer::Multipart::with_constraints(
        body.into_data_stream(),
        boundary,
        multer::Constraints::new().size_limit(limits),
    );
    let mut params = None;
    let mut map: Option<HashMap<String, Vec<String>>> = None;
    let mut uploads = Vec::new();
    let mut received = 0;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| from_multer(e, max_file))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "operations" => {
                let bytes = field.bytes().await.map_err(|e| from_multer(e, max_file))?;
                match serde_json::from_slice::<Value>(&bytes) {
                    Ok(Value::Object(object)) => params = Some(object),
                    Ok(Value::Array(_)) => return Err(bad("batched operations are not supported")),
                    _ => return Err(bad("`operations` must be a JSON object")),
                }
            }
            "map" => {
                if params.is_none() {
                    return Err(bad("`operations` must come before `map`"));
                }
                let bytes = field.bytes().await.map_err(|e| from_multer(e, max_file))?;
                let parsed: HashMap<String, Vec<String>> = serde_json::from_slice(&bytes)
                    .map_err(|_| bad("`map` must be a JSON object of arrays of paths"))?;
                if parsed.len() > MAX_FILES {
                    return Err(bad(format!("at most {MAX_FILES} files per request")));
                }
                if parsed
                    .values()
                    .flatten()
                    .any(|path| !path.starts_with("variables."))
                {
                    return Err(bad("`map` paths must start with `variables.`"));
                }
                map = Some(parsed);
            }
            _ => {
                let Some(paths) = map.as_ref().and_then(|m| m.get(&name)) else {
                    return Err(bad(format!(
                        "the file field {name:?} is not in `map` (or came before it)"
                    )));
                };
                let filename = field.file_name().unwrap_or("file").to_owned();
                let content_type = field.content_type().map(ToString::to_string);
                let mut content = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|e| from_multer(e, max_file))? {
                    if content.len() + chunk.len() > max_file {
                        return Err(Refused::TooLarge(format!(
                            "the file {filename:?} is larger than {max_file} bytes"
                        )));
                    }
                    content.extend_from_slice(&chunk);
                }
                let content = bytes::Bytes::from(content);
                for path in paths {
                    uploads.push((
                        path.clone(),
                        UploadValue {
                            filename: filename.clone(),
                            content_type: content_type.clone(),
                            content: content.clone(),
                        },
                    ));
                }
                received += 1;
            }
        }
    }
    let Some(params) = params else {
        return Err(bad("the multipart body has no `operations` field"));
    };
    if map.as_ref().map_or(0, HashMap::len) != received {
        return Err(bad("every file named in `map` must be sent"));
    }
    Ok(Multipart { params, uploads })
}

/// Whether a multipart request carries a header a browser cannot send cross-site
/// without a CORS preflight (multipart/form-data is a "simple" content type, so without
/// one any web page could post uploads with the victim's cookies).
pub(super) fn has_preflight_header(headers: &http::HeaderMap) -> bool {
    [
        "apollo-require-preflight",
        "x-apollo-operation-name",
        "x-braid-csrf",
    ]
    .iter()
    .any(|name| {
        headers
            .get(*name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| !v.trim().is_empty())
    })
}
