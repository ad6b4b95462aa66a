//! Persisted queries: Automatic Persisted Queries (Apollo's `extensions.persistedQuery`)
//! for first-party clients, and trusted documents for partner keys.

mod apq;
mod trusted;

pub use apq::resolve_automatic;
pub use trusted::resolve_trusted;
