//! Units the user states: durations, ratios, rates ("100000 per hour"), plain numbers.
//!
//! Parsing is strict and total: every accepted spelling has exactly one meaning, and every value
//! prints back in the unit the user chose, so a description can say what the alert compares.

use std::fmt;

/// A duration in milliseconds, printed in Prometheus' format (`1h30m`, `15s`, `500ms`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(pub u64);

const UNITS: &[(&str, u64)] = &[
    ("y", 365 * 24 * 3_600_000),
    ("w", 7 * 24 * 3_600_000),
    ("d", 24 * 3_600_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1_000),
    ("ms", 1),
];

/// Go's `time.Duration` maximum, in milliseconds.
const MAX_MILLIS: u64 = i64::MAX as u64 / 1_000_000;

impl Duration {
    pub fn from_secs(s: u64) -> Self {
        Duration(s * 1000)
    }

    pub fn millis(self) -> u64 {
        self.0
    }

    pub fn secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// Parses Prometheus' duration syntax: one or more `<int><unit>` with units in
    /// decreasing order (`1h30m`); zero is allowed as `0s`.
    pub fn parse(s: &str) -> Result<Duration, String> {
        if s.is_empty() {
            return Err("empty duration".into());
        }
        let mut rest = s;
        let mut total: u64 = 0;
        let mut last_rank = usize::MAX;
        while !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(format!("expected a number at `{rest}`"));
            }
            let n: u64 = rest[..digits]
                .parse()
                .map_err(|_| format!("number too large in `{s}`"))?;
            rest = &rest[digits..];
            // `ms` must be tried before `m`.
            let (rank, (unit, mult)) = UNITS
                .iter()
                .enumerate()
                .filter(|(_, (u, _))| rest.starts_with(u))
                .max_by_key(|(_, (u, _))| u.len())
                .ok_or_else(|| format!("unknown unit at `{rest}` (use ms, s, m, h, d, w or y)"))?;
            if last_rank != usize::MAX && rank <= last_rank {
                return Err(format!(
                    "units out of order in `{s}` (write them largest first)"
                ));
            }
            last_rank = rank;
            rest = &rest[unit.len()..];
            total = n
                .checked_mul(*mult)
                .and_then(|v| total.checked_add(v))
                .ok_or_else(|| format!("duration `{s}` is too long"))?;
        }
        // Prometheus and Alertmanager hold durations in Go's `time.Duration` (about 292 years).
        if total > MAX_MILLIS {
            return Err(format!(
                "duration `{s}` is over the 292 years Prometheus can hold"
            ));
        }
        Ok(Duration(total))
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0s");
        }
        // Weeks and years are left out so that `14d` stays `14d`.
        let mut rest = self.0;
        for (unit, mult) in UNITS.iter().filter(|(u, _)| *u != "y" && *u != "w") {
            if rest >= *mult {
                write!(f, "{}{unit}", rest / mult)?;
                rest %= mult;
            }
        }
        Ok(())
    }
}

/// A threshold as the user wrote it, with its unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Quantity {
    /// A plain number (`1000`).
    Number(f64),
    /// A ratio; `percent` remembers that the user wrote `5%` rather than `0.05`.
    Ratio { value: f64, percent: bool },
    /// A duration in seconds (`2s`, `500ms`).
    Seconds(f64),
    /// Events per period (`100000 per hour`, `10/minute`).
    Rate { value: f64, per: Duration },
    /// A size in bytes (`"500MiB"`, `"2GB"`, `"512B"`).
    Bytes(f64),
}

/// Byte units: SI (powers of 1000, `kB` and `KB` alike) and IEC (powers of 1024), as
/// Prometheus' `humanize` and `humanize1024` print them.
pub const BYTE_UNITS: &[(&str, f64)] = &[
    ("B", 1.0),
    ("kB", 1e3),
    ("KB", 1e3),
    ("MB", 1e6),
    ("GB", 1e9),
    ("TB", 1e12),
    ("PB", 1e15),
    ("KiB", 1024.0),
    ("MiB", 1048576.0),
    ("GiB", 1073741824.0),
    ("TiB", 1099511627776.0),
    ("PiB", 1125899906842624.0),
];

/// `"500MiB"` as bytes; `None` when `s` does not end in a byte unit.
fn parse_bytes(s: &str) -> Option<Result<f64, String>> {
    let (unit, mult) = BYTE_UNITS
        .iter()
        .filter(|(u, _)| s.ends_with(u))
        .max_by_key(|(u, _)| u.len())?;
    let n = s[..s.len() - unit.len()].trim();
    if n.is_empty() || n.ends_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    Some(parse_number(n).map(|v| v * mult))
}

pub const PERIODS: &[(&str, u64)] = &[
    ("second", 1),
    ("minute", 60),
    ("hour", 3600),
    ("day", 86400),
];

impl Quantity {
    /// Parses `"5%"`, `"2s"`, `"100000 per hour"`, `"10/minute"`, or a plain number string.
    pub fn parse(s: &str) -> Result<Quantity, String> {
        let t = s.trim();
        if let Some(p) = t.strip_suffix('%') {
            // `99.9e-2` is the f64 nearest to 0.999; `99.9 / 100` is not.
            let v = parse_number(p.trim())?;
            let value = format!("{v}e-2").parse().unwrap_or(v / 100.0);
            return Ok(Quantity::Ratio {
                value,
                percent: true,
            });
        }
        let split = t
            .split_once(" per ")
            .or_else(|| t.split_once('/'))
            .map(|(a, b)| (a.trim(), b.trim()));
        if let Some((n, period)) = split {
            let v = parse_number(n)?;
            let per = PERIODS
                .iter()
                .find(|(name, _)| *name == period || period.strip_suffix('s') == Some(name))
                .map(|(_, secs)| Duration::from_secs(*secs))
                .ok_or_else(|| {
                    format!("unknown period `{period}` (use second, minute, hour or day)")
                })?;
            return Ok(Quantity::Rate { value: v, per });
        }
        if let Some(bytes) = parse_bytes(t) {
            return bytes.map(Quantity::Bytes);
        }
        if t.ends_with(|c: char| c.is_ascii_alphabetic()) {
            let d = Duration::parse(t)?;
            return Ok(Quantity::Seconds(d.secs_f64()));
        }
        parse_number(t).map(Quantity::Number)
    }

    /// The number a PromQL expression compares: ratios as fractions, durations in seconds,
    /// rates per their own period.
    pub fn value(&self) -> f64 {
        match *self {
            Quantity::Number(v) | Quantity::Seconds(v) | Quantity::Bytes(v) => v,
            Quantity::Ratio { value, .. } | Quantity::Rate { value, .. } => value,
        }
    }

    pub fn unit_name(&self) -> &'static str {
        match self {
            Quantity::Number(_) => "a plain number",
            Quantity::Ratio { .. } => "a ratio",
            Quantity::Seconds(_) => "a duration",
            Quantity::Rate { .. } => "a rate",
            Quantity::Bytes(_) => "a size in bytes",
        }
    }
}

/// A number as a person writes it: `_` may group digits anywhere (as in TOML), and `,`
/// only as a thousands separator (`100,000`). Any other comma is refused: `0,5` is a
/// decimal comma to some readers and `05` to others.
fn parse_number(s: &str) -> Result<f64, String> {
    if s.contains(',') && !thousands(s) {
        return Err(format!(
            "`{s}` has a comma that is not a thousands separator: write the decimal point as `.`"
        ));
    }
    let cleaned: String = s.chars().filter(|c| *c != '_' && *c != ',').collect();
    match cleaned.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("`{s}` is not a number")),
    }
}

/// `1,000`, `100,000.5`, `-12,345`: groups of three digits after the first comma, and a first
/// group of one to three digits that does not start with `0`.
fn thousands(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let int = s.split_once('.').map_or(s, |(i, _)| i);
    if s.split_once('.').is_some_and(|(_, f)| f.contains(',')) {
        return false;
    }
    let mut groups = int.split(',');
    let first = groups.next().unwrap_or_default();
    (1..=3).contains(&first.len())
        && !first.starts_with('0')
        && first.bytes().all(|b| b.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Quantity::Number(v) => f.write_str(&fmt_num(v)),
            Quantity::Ratio { value, percent } => {
                if percent {
                    write!(f, "{}%", fmt_num(value * 100.0))
                } else {
                    f.write_str(&fmt_num(value))
                }
            }
            Quantity::Seconds(v) => write!(f, "{}s", fmt_num(v)),
            Quantity::Bytes(v) => {
                // The unit that divides it exactly into the fewest digits.
                let (unit, mult) = BYTE_UNITS
                    .iter()
                    .filter(|(_, m)| (v / m).fract() == 0.0 && v.abs() >= *m)
                    .min_by(|a, b| a.1.total_cmp(&b.1).reverse())
                    .unwrap_or(&("B", 1.0));
                write!(f, "{}{unit}", fmt_num(v / mult))
            }
            Quantity::Rate { value, per } => {
                let name = PERIODS
                    .iter()
                    .find(|(_, s)| Duration::from_secs(*s) == per)
                    .map_or("period", |(n, _)| n);
                write!(f, "{} per {name}", fmt_num(value))
            }
        }
    }
}

/// A threshold as a decimal, never in exponent form: rounded to 15 significant digits, so
/// that every decimal of up to 15 digits prints exactly as written (`0.05`, `2`, `100000`,
/// `0.00000000001`), and binary noise from arithmetic goes (`5.000000000000001` from
/// `0.05 * 100`, `0.0010000000000000009` from `1 - 0.999`). Rounding to a fixed number of
/// decimals instead would print tiny values as 0.
pub fn fmt_num(v: f64) -> String {
    let r: f64 = format!("{v:.14e}").parse().unwrap_or(v);
    if r == 0.0 {
        "0".to_string()
    } else {
        format!("{r}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_prometheus_durations() {
        for (s, ms) in [
            ("15s", 15_000),
            ("1h30m", 5_400_000),
            ("500ms", 500),
            ("0s", 0),
        ] {
            let d = Duration::parse(s).unwrap();
            assert_eq!(d.millis(), ms);
            assert_eq!(d.to_string(), s);
        }
        assert_eq!(Duration::parse("2w").unwrap().to_string(), "14d");
    }

    #[test]
    fn rejects_malformed_durations() {
        for s in [
            "",
            "5x",
            "5",
            "m",
            "1m1h",
            "10 s",
            "-1s",
            "18446744073709551615ms",
            "300y",
        ] {
            assert!(Duration::parse(s).is_err(), "{s} accepted");
        }
    }

    #[test]
    fn sizes_are_read_in_si_and_iec_units_and_printed_back() {
        for (text, bytes, shown) in [
            ("500MiB", 524_288_000.0, "500MiB"),
            ("10GiB", 10_737_418_240.0, "10GiB"),
            ("1.5 GiB", 1_610_612_736.0, "1536MiB"),
            ("2GB", 2e9, "2GB"),
            ("2kB", 2000.0, "2kB"),
            ("2KB", 2000.0, "2kB"),
            ("512B", 512.0, "512B"),
            ("1,000 MB", 1e9, "1GB"),
            ("0B", 0.0, "0B"),
        ] {
            let q = Quantity::parse(text).unwrap();
            assert_eq!(q, Quantity::Bytes(bytes), "{text}");
            assert_eq!(q.to_string(), shown, "{text}");
        }
        // A duration still reads as one, and a word before the unit is no size.
        assert_eq!(Quantity::parse("5m").unwrap(), Quantity::Seconds(300.0));
        assert!(Quantity::parse("fiveGB").is_err());
        assert!(Quantity::parse("GB").is_err());
    }

    #[test]
    fn parses_thresholds_in_their_units() {
        assert_eq!(
            Quantity::parse("5%").unwrap(),
            Quantity::Ratio {
                value: 0.05,
                percent: true
            }
        );
        assert_eq!(Quantity::parse("2s").unwrap(), Quantity::Seconds(2.0));
        assert_eq!(Quantity::parse("500ms").unwrap(), Quantity::Seconds(0.5));
        assert_eq!(
            Quantity::parse("100,000 per hour").unwrap(),
            Quantity::Rate {
                value: 100000.0,
                per: Duration::from_secs(3600)
            }
        );
        assert_eq!(
            Quantity::parse("10/minute").unwrap(),
            Quantity::Rate {
                value: 10.0,
                per: Duration::from_secs(60)
            }
        );
        assert!(Quantity::parse("10 per fortnight").is_err());
    }

    #[test]
    fn prints_thresholds_back_in_the_stated_unit() {
        assert_eq!(Quantity::parse("5%").unwrap().to_string(), "5%");
        assert_eq!(Quantity::parse("80%").unwrap().to_string(), "80%");
        assert_eq!(
            Quantity::parse("100000 per hour").unwrap().to_string(),
            "100000 per hour"
        );
        assert_eq!(fmt_num(0.05), "0.05");
        assert_eq!(fmt_num(0.8), "0.8");
        assert_eq!(fmt_num(0.05 * 100.0), "5");
        assert_eq!(fmt_num(1.0 - 0.999), "0.001");
        assert_eq!(fmt_num(1e-11), "0.00000000001");
        assert_eq!(fmt_num(-0.0), "0");
        assert_eq!(fmt_num(123456789012.5), "123456789012.5");
    }

    #[test]
    fn refuses_commas_that_are_not_thousands_separators() {
        for bad in ["0,5%", "1,5", "10,00", "0,500", "1,000,00", "1.000,5"] {
            assert!(Quantity::parse(bad).is_err(), "{bad} accepted");
        }
        assert_eq!(Quantity::parse("1,000").unwrap(), Quantity::Number(1000.0));
        assert_eq!(
            Quantity::parse("12,345.5 per hour").unwrap(),
            Quantity::Rate {
                value: 12345.5,
                per: Duration::from_secs(3600)
            }
        );
    }
}
