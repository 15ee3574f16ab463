//! The unit of an alert's value or a panel's: stated once by the user (or implied by the alert
//! kind), then printed by each output in its own way (a Go template in annotations, a unit id
//! in Grafana). The outputs' spellings live in their emitters.

/// What a value measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Usd,
    Bytes,
    Seconds,
    /// A ratio, shown as a percentage (`0.05` is 5 %): Grafana's `percentunit`.
    Ratio,
    /// A percentage already multiplied by 100 (`5` is 5 %): Grafana's `percent`.
    Percent,
    RequestsPerSecond,
    /// A plain count, or a value without a stated unit.
    Count,
    /// An enumeration (`up` is 0 or 1): no unit at all.
    None,
}

impl Unit {
    pub const ALL: [Unit; 8] = [
        Unit::Usd,
        Unit::Bytes,
        Unit::Seconds,
        Unit::Ratio,
        Unit::Percent,
        Unit::RequestsPerSecond,
        Unit::Count,
        Unit::None,
    ];

    /// The name users write in `unit = ".."`.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Usd => "USD",
            Unit::Bytes => "bytes",
            Unit::Seconds => "seconds",
            Unit::Ratio => "ratio",
            Unit::Percent => "percent",
            Unit::RequestsPerSecond => "requests_per_second",
            Unit::Count => "count",
            Unit::None => "none",
        }
    }

    /// A unit by its name, or by the Grafana unit id users may know it as.
    pub fn parse(s: &str) -> Option<Unit> {
        Unit::ALL
            .into_iter()
            .find(|u| u.name() == s)
            .or_else(|| Unit::ALL.into_iter().find(|u| u.grafana_id() == s))
    }

    /// Grafana's id of the unit.
    pub fn grafana_id(self) -> &'static str {
        match self {
            Unit::Usd => "currencyUSD",
            Unit::Bytes => "bytes",
            Unit::Seconds => "s",
            Unit::Ratio => "percentunit",
            Unit::Percent => "percent",
            Unit::RequestsPerSecond => "reqps",
            Unit::Count => "short",
            Unit::None => "none",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit_is_read_back_from_its_name_and_its_grafana_id() {
        for u in Unit::ALL {
            assert_eq!(Unit::parse(u.name()), Some(u));
            assert_eq!(Unit::parse(u.grafana_id()), Some(u));
            assert!(crate::grafana_units::is_known(u.grafana_id()), "{u:?}");
        }
    }
}
