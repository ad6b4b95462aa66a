//! Relay cursor connections: page-size rules and the keyset cursor most lists use.

use async_graphql::connection::CursorType;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::AppError;

/// Page size when a client gives no `first`.
pub const DEFAULT_PAGE_SIZE: i32 = 20;
/// Largest page a client may ask for.
pub const MAX_PAGE_SIZE: i32 = 100;

/// Checks `first` and returns how many rows to fetch for the page.
pub fn page_size(first: Option<i32>) -> Result<i64, AppError> {
    match first.unwrap_or(DEFAULT_PAGE_SIZE) {
        n @ 0..=MAX_PAGE_SIZE => Ok(i64::from(n)),
        n => Err(AppError::BadUserInput(format!(
            "`first` must be between 0 and {MAX_PAGE_SIZE}, got {n}"
        ))),
    }
}

/// The complexity of a page: each of the (at most `first`) items costs what its selection
/// costs, so a client asking for 100 items with deep selections pays for all of them.
pub fn page_cost(first: Option<i32>, child_complexity: usize) -> usize {
    let items = first.unwrap_or(DEFAULT_PAGE_SIZE).clamp(0, MAX_PAGE_SIZE) as usize;
    items.max(1).saturating_mul(child_complexity.max(1))
}

/// A position in a list ordered by (timestamp, id), newest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeysetCursor {
    /// The row's sort timestamp.
    pub at: DateTime<Utc>,
    /// The row's id, which breaks ties.
    pub id: Uuid,
}

impl CursorType for KeysetCursor {
    type Error = AppError;

    fn decode_cursor(s: &str) -> Result<Self, Self::Error> {
        let invalid = || AppError::BadUserInput(format!("{s:?} is not a valid cursor"));
        let bytes = URL_SAFE_NO_PAD.decode(s).map_err(|_| invalid())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid())?;
        let (micros, id) = text.split_once(':').ok_or_else(invalid)?;
        let at = micros
            .parse()
            .ok()
            .and_then(DateTime::from_timestamp_micros)
            .ok_or_else(invalid)?;
        let id = Uuid::parse_str(id).map_err(|_| invalid())?;
        Ok(Self { at, id })
    }

    fn encode_cursor(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}:{}", self.at.timestamp_micros(), self.id))
    }
}

/// Parses an optional `after` argument.
pub fn after_cursor(after: Option<&str>) -> Result<Option<KeysetCursor>, AppError> {
    after.map(KeysetCursor::decode_cursor).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let cursor = KeysetCursor {
            at: DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap_or_default(),
            id: Uuid::new_v4(),
        };
        assert_eq!(
            KeysetCursor::decode_cursor(&cursor.encode_cursor()).ok(),
            Some(cursor)
        );
        assert!(KeysetCursor::decode_cursor("nope").is_err());
        assert!(page_size(Some(101)).is_err());
        assert_eq!(page_size(None).ok(), Some(20));
    }
}
