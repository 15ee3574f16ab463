//! Go's number formatting as Prometheus' alert templates use it (`%.4g`, `humanize`,
//! `humanizeDuration`, `humanizePercentage`, ...), so that generated rule tests can state the
//! exact annotation text Prometheus will produce.

/// Go's `fmt.Sprintf("%.{prec}g", v)`.
pub fn g(v: f64, prec: usize) -> String {
    if v == 0.0 {
        return "0".into();
    }
    if !v.is_finite() {
        return if v.is_nan() {
            "NaN".into()
        } else if v > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let sci = format!("{:.*e}", prec.saturating_sub(1), v);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp < -4 || exp >= prec as i32 {
        let m = trim_zeros(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{m}e{sign}{:02}", exp.abs())
    } else {
        let decimals = (prec as i32 - 1 - exp).max(0) as usize;
        trim_zeros(&format!("{v:.decimals$}"))
    }
}

fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// Prometheus' `humanize`: SI prefixes, 4 significant digits.
pub fn humanize(mut v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return g(v, 4);
    }
    let mut prefix = "";
    if v.abs() >= 1.0 {
        for p in ["k", "M", "G", "T", "P", "E", "Z", "Y"] {
            if v.abs() < 1000.0 {
                break;
            }
            prefix = p;
            v /= 1000.0;
        }
    } else {
        for p in ["m", "u", "n", "p", "f", "a", "z", "y"] {
            if v.abs() >= 1.0 {
                break;
            }
            prefix = p;
            v *= 1000.0;
        }
    }
    format!("{}{prefix}", g(v, 4))
}

/// Prometheus' `humanize1024`: binary prefixes.
pub fn humanize1024(mut v: f64) -> String {
    if v.abs() <= 1.0 || !v.is_finite() {
        return g(v, 4);
    }
    let mut prefix = "";
    for p in ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"] {
        if v.abs() < 1024.0 {
            break;
        }
        prefix = p;
        v /= 1024.0;
    }
    format!("{}{prefix}", g(v, 4))
}

/// Prometheus' `humanizeDuration`, from seconds.
pub fn humanize_duration(v: f64) -> String {
    if !v.is_finite() {
        return g(v, 4);
    }
    if v == 0.0 {
        return "0s".into();
    }
    if v.abs() >= 1.0 {
        let sign = if v < 0.0 { "-" } else { "" };
        let a = v.abs();
        let whole = a as i64;
        let (seconds, minutes, hours, days) = (
            whole % 60,
            (whole / 60) % 60,
            (whole / 3600) % 24,
            whole / 86400,
        );
        return if days != 0 {
            format!("{sign}{days}d {hours}h {minutes}m {seconds}s")
        } else if hours != 0 {
            format!("{sign}{hours}h {minutes}m {seconds}s")
        } else if minutes != 0 {
            format!("{sign}{minutes}m {seconds}s")
        } else {
            format!("{sign}{}s", g(a, 4))
        };
    }
    let mut v = v;
    let mut prefix = "";
    for p in ["m", "u", "n", "p", "f", "a", "z", "y"] {
        if v.abs() >= 1.0 {
            break;
        }
        prefix = p;
        v *= 1000.0;
    }
    format!("{}{prefix}s", g(v, 4))
}

/// Prometheus' `humanizePercentage`.
pub fn humanize_percentage(v: f64) -> String {
    format!("{}%", g(v * 100.0, 4))
}

/// Go's `%v` of a float64 (`{{ $value }}`): the shortest digits that read back as `v`, in
/// `%e` style when the exponent is under -4 or at least 6 (`strconv`'s rule for the shortest
/// form: `1e+06`, `1.234567e+06`, `123456`, `0.0001`, `1e-05`), as promtool prints them.
pub fn plain(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return g(v, 1);
    }
    let sci = format!("{v:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_go_formatting() {
        assert_eq!(g(120000.0, 4), "1.2e+05");
        assert_eq!(g(0.1, 4), "0.1");
        assert_eq!(g(10.0, 4), "10");
        assert_eq!(g(3.45, 4), "3.45");
        assert_eq!(g(0.00001, 4), "1e-05");
        assert_eq!(humanize(120000.0), "120k");
        assert_eq!(humanize(199999.99999), "200k");
        assert_eq!(humanize(20.0), "20");
        assert_eq!(humanize(0.5), "500m");
        assert_eq!(humanize_percentage(0.1), "10%");
        assert_eq!(humanize_percentage(0.0150000001), "1.5%");
        assert_eq!(humanize_duration(3.45), "3.45s");
        assert_eq!(humanize_duration(90.0), "1m 30s");
        assert_eq!(humanize_duration(0.25), "250ms");
        assert_eq!(humanize1024(2048.0), "2ki");
        assert_eq!(plain(1500.0), "1500");
        assert_eq!(plain(123456.0), "123456");
        assert_eq!(plain(1e9), "1e+09");
        assert_eq!(plain(1234567.0), "1.234567e+06");
        assert_eq!(plain(0.0001), "0.0001");
        assert_eq!(plain(0.00001234), "1.234e-05");
        assert_eq!(plain(-2.5), "-2.5");
        assert_eq!(plain(0.0), "0");
    }
}
