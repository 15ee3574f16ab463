//! Alertmanager as ccmon knows it, apart from the model: what each release accepts
//! ([`spec`]) and time intervals as Alertmanager reads and evaluates them ([`timeinterval`]).
//! Its dispatcher, which walks the model's routes, is [`crate::dispatch`].

pub mod spec;
pub mod timeinterval;
