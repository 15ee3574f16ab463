//! Grafana's unit ids (`fieldConfig.defaults.unit`), by category, as Grafana 13.2 lists them
//! (`@grafana/data`, `valueFormats/categories.ts`). Grafana shows an id it does not know as a
//! literal suffix (`42 precent`) and no schema checks them, so ccmon does. Ids are
//! case-sensitive: `Bps` is bytes and `bps` bits per second, `m` minutes and `ms` milliseconds.

/// `(category, ids)` in Grafana's order.
pub const CATEGORIES: &[(&str, &[&str])] = &[
    (
        "Misc",
        &[
            "none",
            "string",
            "short",
            "sishort",
            "percent",
            "percentunit",
            "humidity",
            "dB",
            "candela",
            "hex0x",
            "hex",
            "sci",
            "locale",
            "pixel",
        ],
    ),
    ("Acceleration", &["accMS2", "accFS2", "accG"]),
    ("Angle", &["degree", "radian", "grad", "arcmin", "arcsec"]),
    (
        "Area",
        &["areaM2", "areaF2", "areaMI2", "acres", "hectares"],
    ),
    (
        "Computation",
        &[
            "flops", "mflops", "gflops", "tflops", "pflops", "eflops", "zflops", "yflops",
        ],
    ),
    (
        "Concentration",
        &[
            "ppm",
            "conppb",
            "conngm3",
            "conngNm3",
            "conμgm3",
            "conμgNm3",
            "conmgm3",
            "conmgNm3",
            "congm3",
            "congNm3",
            "conmgdL",
            "conmmolL",
        ],
    ),
    (
        "Currency",
        &[
            "currencyUSD",
            "currencyGBP",
            "currencyEUR",
            "currencyJPY",
            "currencyRUB",
            "currencyUAH",
            "currencyBRL",
            "currencyDKK",
            "currencyISK",
            "currencyNOK",
            "currencySEK",
            "currencyCZK",
            "currencyCHF",
            "currencyPLN",
            "currencyBTC",
            "currencymBTC",
            "currencyμBTC",
            "currencyZAR",
            "currencyINR",
            "currencyKRW",
            "currencyIDR",
            "currencyPHP",
            "currencyVND",
            "currencyTRY",
            "currencyMYR",
            "currencyXPF",
            "currencyBGN",
            "currencyPYG",
            "currencyUYU",
            "currencyILS",
        ],
    ),
    (
        "Data",
        &[
            "bytes",
            "decbytes",
            "bits",
            "decbits",
            "kbytes",
            "deckbytes",
            "mbytes",
            "decmbytes",
            "gbytes",
            "decgbytes",
            "tbytes",
            "dectbytes",
            "pbytes",
            "decpbytes",
        ],
    ),
    (
        "Data rate",
        &[
            "pps", "binBps", "Bps", "binbps", "bps", "KiBs", "Kibits", "KBs", "Kbits", "MiBs",
            "Mibits", "MBs", "Mbits", "GiBs", "Gibits", "GBs", "Gbits", "TiBs", "Tibits", "TBs",
            "Tbits", "PiBs", "Pibits", "PBs", "Pbits",
        ],
    ),
    (
        "Date & time",
        &[
            "dateTimeAsIso",
            "dateTimeAsIsoNoDateIfToday",
            "dateTimeAsUS",
            "dateTimeAsUSNoDateIfToday",
            "dateTimeAsLocal",
            "dateTimeAsLocalNoDateIfToday",
            "dateTimeAsSystem",
            "dateTimeFromNow",
        ],
    ),
    (
        "Energy",
        &[
            "watt",
            "kwatt",
            "megwatt",
            "gwatt",
            "mwatt",
            "Wm2",
            "voltamp",
            "kvoltamp",
            "voltampreact",
            "kvoltampreact",
            "watth",
            "watthperkg",
            "kwatth",
            "kwattm",
            "mwatth",
            "amph",
            "kamph",
            "mamph",
            "joule",
            "ev",
            "amp",
            "kamp",
            "mamp",
            "volt",
            "kvolt",
            "mvolt",
            "dBm",
            "mohm",
            "ohm",
            "kohm",
            "Mohm",
            "farad",
            "µfarad",
            "nfarad",
            "pfarad",
            "ffarad",
            "henry",
            "mhenry",
            "µhenry",
            "lumens",
        ],
    ),
    (
        "Flow",
        &[
            "flowgpm", "flowcms", "flowcfs", "flowcfm", "litreh", "flowlpm", "flowmlpm", "lux",
        ],
    ),
    ("Force", &["forceNm", "forcekNm", "forceN", "forcekN"]),
    (
        "Hash rate",
        &["Hs", "KHs", "MHs", "GHs", "THs", "PHs", "EHs"],
    ),
    ("Mass", &["massmg", "massg", "masslb", "masskg", "masst"]),
    (
        "Length",
        &[
            "lengthmm", "lengthcm", "lengthin", "lengthft", "lengthm", "lengthkm", "lengthmi",
        ],
    ),
    (
        "Pressure",
        &[
            "pressurembar",
            "pressurebar",
            "pressurekbar",
            "pressurepa",
            "pressurehpa",
            "pressurekpa",
            "pressurehg",
            "pressurepsi",
        ],
    ),
    (
        "Radiation",
        &[
            "radbq",
            "radci",
            "radgy",
            "radrad",
            "radsv",
            "radmsv",
            "radusv",
            "radrem",
            "radexpckg",
            "radr",
            "radsvh",
            "radmsvh",
            "radusvh",
        ],
    ),
    (
        "Rotational Speed",
        &[
            "rotrpm", "rothz", "rotkhz", "rotmhz", "rotghz", "rotrads", "rotdegs",
        ],
    ),
    ("Temperature", &["celsius", "fahrenheit", "kelvin"]),
    (
        "Time",
        &[
            "hertz",
            "ns",
            "µs",
            "ms",
            "s",
            "m",
            "h",
            "d",
            "dtdurationms",
            "dtdurations",
            "dthms",
            "dtdhms",
            "timeticks",
            "clockms",
            "clocks",
        ],
    ),
    (
        "Throughput",
        &[
            "cps", "ops", "reqps", "rps", "wps", "iops", "eps", "mps", "recps", "rowsps", "cpm",
            "opm", "reqpm", "rpm", "wpm", "epm", "mpm", "recpm", "rowspm",
        ],
    ),
    (
        "Velocity",
        &["velocityms", "velocitykmh", "velocitymph", "velocityknot"],
    ),
    (
        "Volume",
        &["mlitre", "litre", "m3", "Nm3", "dm3", "gallons"],
    ),
    ("Boolean", &["bool", "bool_yes_no", "bool_on_off"]),
];

/// The forms Grafana parses when the id is not in the table: `prefix:$`, `suffix: req`,
/// `time:YYYY-MM-DD`, `si:mA`, `count:jobs/s`, `currency:€`, `bool:up/down`.
pub const DYNAMIC: &[&str] = &[
    "prefix", "suffix", "time", "si", "count", "currency", "bool",
];

/// Whether Grafana formats values with this id (a listed id, or a dynamic form with text
/// after its `:`).
pub fn is_known(id: &str) -> bool {
    CATEGORIES.iter().any(|(_, ids)| ids.contains(&id))
        || id
            .split_once(':')
            .is_some_and(|(form, rest)| DYNAMIC.contains(&form) && !rest.is_empty())
}

/// The listed id that differs only in case (`MS` → `ms`), else the nearest by spelling.
pub fn closest(id: &str) -> Option<&'static str> {
    let all = || CATEGORIES.iter().flat_map(|(_, ids)| ids.iter().copied());
    all()
        .find(|k| k.eq_ignore_ascii_case(id))
        .or_else(|| crate::suggest::closest(id, all()))
}

/// The category an id is listed in.
pub fn category(id: &str) -> Option<&'static str> {
    CATEGORIES
        .iter()
        .find(|(_, ids)| ids.contains(&id))
        .map(|(c, _)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_case_matters() {
        let mut seen = std::collections::HashSet::new();
        for (_, ids) in CATEGORIES {
            for id in *ids {
                assert!(seen.insert(*id), "{id} listed twice");
            }
        }
        assert_eq!(seen.len(), 273);
        assert!(is_known("Bps") && is_known("bps") && !is_known("BPS"));
        assert_eq!(closest("MS"), Some("ms"));
        assert_eq!(closest("precent"), Some("percent"));
        assert!(is_known("suffix: req") && is_known("currency:€") && !is_known("suffix:"));
        assert!(!is_known("furlongs:x"));
    }
}
