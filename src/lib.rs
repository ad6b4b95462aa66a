//! braid: one GraphQL API braided from PostgreSQL, MongoDB, Qdrant and Redis.

pub mod commands;
pub mod config;
pub mod error;
pub mod graphql;
pub mod http;
pub mod notes;
pub mod state;
pub mod stores;
pub mod system;
