//! Checks shared by every domain's inputs: trimmed text with a length limit, required
//! text, http(s) URLs.

use crate::error::AppError;

/// Trims `raw`; empty means absent. Longer than `max` characters is `BAD_USER_INPUT`.
pub fn text(field: &str, raw: Option<String>, max: usize) -> Result<Option<String>, AppError> {
    match raw.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) {
        Some(v) if v.chars().count() > max => Err(AppError::BadUserInput(format!(
            "{field}: at most {max} characters"
        ))),
        other => Ok(other),
    }
}

/// Trimmed text of 1 to `max` characters.
pub fn required(field: &str, raw: &str, max: usize) -> Result<String, AppError> {
    let value = raw.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(AppError::BadUserInput(format!(
            "{field}: 1 to {max} characters"
        )));
    }
    Ok(value.to_owned())
}

/// A list of at most `max_items` texts, each trimmed and 1 to `max_chars` characters.
pub fn text_list(
    field: &str,
    items: Vec<String>,
    max_items: usize,
    max_chars: usize,
) -> Result<Vec<String>, AppError> {
    if items.len() > max_items {
        return Err(AppError::BadUserInput(format!(
            "{field}: at most {max_items} entries"
        )));
    }
    items
        .iter()
        .map(|item| required(field, item, max_chars))
        .collect()
}

/// An optional http(s) URL without whitespace.
pub fn url(field: &str, raw: Option<String>) -> Result<Option<String>, AppError> {
    let url = text(field, raw, 2048)?;
    match url {
        Some(u)
            if !(u.starts_with("https://") || u.starts_with("http://"))
                || u.contains(char::is_whitespace) =>
        {
            Err(AppError::BadUserInput(format!(
                "{field}: must be an http(s) URL"
            )))
        }
        other => Ok(other),
    }
}
