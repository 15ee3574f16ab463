//! Alertmanager as ccmon knows it: what each release accepts ([`spec`]), time intervals as
//! Alertmanager evaluates them ([`timeinterval`]), and its route walk with muting and
//! inhibition ([`walk`]), which `ccmon test` and `ccmon routes` run.

pub mod routes;
pub mod spec;
pub mod timeinterval;
pub mod walk;
