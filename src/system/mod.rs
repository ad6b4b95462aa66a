//! System queries: the live status of the stores and the vector collections.

mod query;

pub use query::SystemQuery;
