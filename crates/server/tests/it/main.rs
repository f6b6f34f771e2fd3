//! Integration tests of the HTTP API: each test starts the real server on port 0 with
//! a fresh database and speaks HTTP to it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod admin_web;
mod attachments;
mod audit_log;
mod bad_input;
mod contract;
mod deconfliction;
mod feeds;
mod flows;
mod map;
mod nats;
mod operations;
mod picture;
mod profiles;
mod resources;
mod stats;
mod support;
mod training;
mod trust;
mod web;
