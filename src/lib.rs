//! braid: one GraphQL API braided from PostgreSQL, MongoDB, Qdrant and Redis.

pub mod auth;
pub mod commands;
pub mod config;
pub mod error;
pub mod graphql;
pub mod http;
pub mod notes;
pub mod profiles;
pub mod ratelimit;
pub mod skills;
pub mod state;
pub mod stores;
pub mod system;
pub mod twins;
pub mod users;
