//! Hostile input (issue 8): every case is a test of its own, so `cargo test --test hostile --
//! --list` counts them for CI. A refused case exits 1 through the `gloss` binary without a panic,
//! names the file (and line), and leaves the previous output byte for byte; valid oddities build.

#[path = "../common/mod.rs"]
mod common;

mod config;
mod content;
mod files;
mod harness;
mod scan;
mod yaml;
