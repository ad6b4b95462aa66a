//! braid's integration tests: one binary, a module per area, every store real.

mod clients;
mod config;
mod errors;
mod harness;
mod http_spec;
mod migrations;
mod notes;
mod schema;
mod stores;
mod websocket;
