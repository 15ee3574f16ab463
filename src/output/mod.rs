//! Outputs once emitted, and how they reach the disk: the [`bundle::Bundle`] (every file in
//! memory, by path), its [`manifest`], [`write`] (all or nothing, into an output folder) and
//! [`diff`] (what a render would change in a folder).

pub mod bundle;
pub mod diff;
pub mod manifest;
pub mod write;
