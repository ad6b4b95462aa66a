//! Inputs of the twin mutations and the checks that turn them into values to store.

use async_graphql::{Enum, InputObject, Json};

use super::{config::TwinConfigInput, db::NewDataSource, model::DataSourceKind};
use crate::error::AppError;

/// A new twin.
#[derive(InputObject)]
pub struct CreateTwinInput {
    /// Display name (1 to 100 characters).
    pub name: String,
    /// What the twin is for (at most 2,000 characters).
    pub description: Option<String>,
    /// The first configuration; defaults where omitted.
    pub config: Option<TwinConfigInput>,
}

/// States an owner may switch a twin to.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TwinSwitch {
    /// Answer again (needs an active model version).
    Active,
    /// Stop answering.
    Paused,
}

/// Changes to a twin.
#[derive(InputObject)]
pub(super) struct UpdateTwinInput {
    /// Display name (1 to 100 characters).
    pub name: Option<String>,
    /// What the twin is for (at most 2,000 characters); empty clears it.
    pub description: Option<String>,
    /// Switch between active and paused.
    pub status: Option<TwinSwitch>,
}

/// Something for a twin to learn from: exactly one of `text`, `url` or `filePath`.
#[derive(InputObject)]
pub struct TwinDataSourceInput {
    /// Display name (1 to 255 characters).
    pub name: String,
    /// Text content (at most 100,000 characters).
    pub text: Option<String>,
    /// An http(s) URL.
    pub url: Option<String>,
    /// Path of an uploaded file.
    pub file_path: Option<String>,
    /// Extra facts, e.g. `{"mimeType": "application/pdf", "size": 12345}`.
    pub metadata: Option<Json<serde_json::Value>>,
}

pub(super) fn name(field: &str, raw: &str, max: usize) -> Result<String, AppError> {
    let value = raw.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(AppError::BadUserInput(format!(
            "{field}: 1 to {max} characters"
        )));
    }
    Ok(value.to_owned())
}

pub(super) fn description(raw: Option<String>) -> Result<Option<String>, AppError> {
    match raw.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()) {
        Some(d) if d.chars().count() > 2000 => Err(AppError::BadUserInput(
            "description: at most 2,000 characters".to_owned(),
        )),
        other => Ok(other),
    }
}

impl TwinDataSourceInput {
    pub(super) fn parse(self) -> Result<NewDataSource, AppError> {
        let name = name("name", &self.name, 255)?;
        let metadata = match self.metadata {
            Some(Json(value)) if value.is_object() && value.to_string().len() <= 8192 => value,
            Some(_) => {
                return Err(AppError::BadUserInput(
                    "metadata: a JSON object of at most 8 KiB".to_owned(),
                ));
            }
            None => serde_json::json!({}),
        };
        let (kind, text, url, path) = match (self.text, self.url, self.file_path) {
            (Some(text), None, None)
                if !text.trim().is_empty() && text.chars().count() <= 100_000 =>
            {
                (DataSourceKind::Text, Some(text), None, None)
            }
            (Some(_), None, None) => {
                return Err(AppError::BadUserInput(
                    "text: 1 to 100,000 characters".to_owned(),
                ));
            }
            (None, Some(url), None) => {
                let url = url.trim().to_owned();
                if !(url.starts_with("https://") || url.starts_with("http://"))
                    || url.len() > 2048
                    || url.contains(char::is_whitespace)
                {
                    return Err(AppError::BadUserInput(
                        "url: must be an http(s) URL".to_owned(),
                    ));
                }
                (DataSourceKind::Url, None, Some(url), None)
            }
            (None, None, Some(path)) if !path.trim().is_empty() && path.len() <= 1024 => (
                DataSourceKind::File,
                None,
                None,
                Some(path.trim().to_owned()),
            ),
            (None, None, Some(_)) => {
                return Err(AppError::BadUserInput(
                    "filePath: 1 to 1,024 characters".to_owned(),
                ));
            }
            _ => {
                return Err(AppError::BadUserInput(
                    "text: give exactly one of text, url or filePath".to_owned(),
                ));
            }
        };
        Ok(NewDataSource {
            kind,
            name,
            text,
            url,
            path,
            metadata,
        })
    }
}
