//! Alertmanager's dispatcher, as ccmon runs it on the model: the route walk with muting and
//! inhibition ([`walk`]), which `ccmon test` runs for `[[route_test]]`, and the report of
//! `ccmon routes` ([`routes`]). What Alertmanager accepts and how it reads time is in
//! [`crate::am`], which knows nothing of the model.

pub mod routes;
pub mod walk;
