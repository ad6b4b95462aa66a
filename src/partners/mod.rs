//! Partners: companies that reach braid with API keys of their own and may run only the
//! documents they published (Apollo persisted-query manifests), as a partner viewer that
//! sees public data only.

mod db;
mod manifest;

pub use db::{
    NewKey, Partner, PartnerId, add, create_key, find_by_key, list, publish, revoke_key,
    trusted_document,
};
pub use manifest::Manifest;
