//! Persisted queries. For now Automatic Persisted Queries (Apollo's
//! `extensions.persistedQuery`), for every client; partners' trusted documents come later.

mod apq;

pub use apq::resolve_automatic;
