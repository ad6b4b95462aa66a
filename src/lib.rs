//! braid: one GraphQL API braided from PostgreSQL, MongoDB, Qdrant and Redis.

#![recursion_limit = "256"]

pub mod auth;
pub mod cache;
pub mod commands;
pub mod config;
pub mod delivery;
pub mod error;
pub mod events;
pub mod experts;
pub mod graphql;
pub mod hiring;
pub mod http;
pub mod messaging;
pub mod notifications;
pub mod partners;
pub mod persisted;
pub mod profiles;
pub mod ratelimit;
pub mod skills;
pub mod state;
pub mod stores;
pub mod system;
pub mod twins;
pub mod users;
pub mod vectors;
