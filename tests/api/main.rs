//! braid's integration tests: one binary, a module per area, every store real.

mod authorization;
mod clients;
mod config;
mod delivery;
mod delivery_files;
mod errors;
mod experts;
mod harness;
mod hiring;
mod http_spec;
mod identity;
mod limits;
mod messaging;
mod migrations;
mod notes;
mod partners;
mod people;
mod persisted;
mod schema;
mod search;
mod seed;
mod stores;
mod tripwire;
mod twins;
mod websocket;
