//! Time intervals as Alertmanager reads and evaluates them (`timeinterval/timeinterval.go`):
//! the same syntax, the same refusals, and the same answer to "is this instant inside".

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// One period of a time interval: every list that is set must hold the instant.
#[derive(Debug, Clone, Default)]
pub struct Period {
    /// Minutes of the day, start included, end excluded.
    pub times: Vec<(u16, u16)>,
    /// 0 = Sunday, inclusive ranges.
    pub weekdays: Vec<(u8, u8)>,
    /// Days of the month, negative from the end, inclusive ranges.
    pub days_of_month: Vec<(i8, i8)>,
    pub months: Vec<(u8, u8)>,
    pub years: Vec<(i32, i32)>,
    /// The IANA name, checked; `None` is UTC.
    pub location: Option<String>,
    /// The values as written, for the output.
    pub text: PeriodText,
}

/// A period's values as the user wrote them (Alertmanager reads them the same way).
#[derive(Debug, Clone, Default)]
pub struct PeriodText {
    pub times: Vec<(String, String)>,
    pub weekdays: Vec<String>,
    pub days_of_month: Vec<String>,
    pub months: Vec<String>,
    pub years: Vec<String>,
}

const WEEKDAYS: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// `"09:00-17:30"`: minutes of the day. Alertmanager takes `HH:MM` from `00:00` to `24:00`
/// and refuses an end not after the start.
pub fn parse_times(s: &str) -> Result<(u16, u16), String> {
    let (a, b) = s
        .split_once('-')
        .ok_or("expected `HH:MM-HH:MM`, such as `09:00-17:30`")?;
    let minute = |t: &str| -> Result<u16, String> {
        let t = t.trim();
        let ok = t.len() == 5
            && t.as_bytes()[2] == b':'
            && t[..2].bytes().all(|c| c.is_ascii_digit())
            && t[3..].bytes().all(|c| c.is_ascii_digit());
        let (h, m): (u16, u16) = if ok {
            (t[..2].parse().unwrap_or(99), t[3..].parse().unwrap_or(99))
        } else {
            (99, 99)
        };
        if (h < 24 && m < 60) || (h == 24 && m == 0) {
            Ok(h * 60 + m)
        } else {
            Err(format!(
                "`{t}` is not a time of day from `00:00` to `24:00`"
            ))
        }
    };
    let (start, end) = (minute(a)?, minute(b)?);
    if start >= end {
        return Err(
            "the start must be before the end (a period cannot cross midnight: write two)".into(),
        );
    }
    Ok((start, end))
}

/// A value or `a:b` range, read case-insensitively as Alertmanager does.
fn range<T: Copy>(s: &str, member: impl Fn(&str) -> Result<T, String>) -> Result<(T, T), String> {
    let s = s.to_lowercase();
    match s.split_once(':') {
        Some((a, b)) if !b.contains(':') => Ok((member(a)?, member(b)?)),
        Some(_) => Err(format!("`{s}` is not a range: expected `start:end`")),
        None => {
            let v = member(&s)?;
            Ok((v, v))
        }
    }
}

pub fn parse_weekdays(s: &str) -> Result<(u8, u8), String> {
    let (a, b) = range(s, |d| {
        WEEKDAYS
            .iter()
            .position(|w| *w == d)
            .map(|p| p as u8)
            .ok_or_else(|| format!("`{d}` is not a day of the week (write `monday`...`sunday`)"))
    })?;
    if a > b {
        return Err("the start day comes after the end day (weeks run sunday to saturday)".into());
    }
    Ok((a, b))
}

pub fn parse_days_of_month(s: &str) -> Result<(i8, i8), String> {
    let (a, b) = range(s, |d| {
        d.parse::<i8>()
            .ok()
            .filter(|n| *n != 0 && (-31..=31).contains(n))
            .ok_or_else(|| {
                format!("`{d}` is not a day of the month (1 to 31, or -31 to -1 from the end)")
            })
    })?;
    if a < 0 && b > 0 {
        return Err("the end day must be negative when the start day is".into());
    }
    let check = |n: i8| if n < 0 { 28 + n } else { n };
    if check(a) > check(b) {
        return Err(format!("end day {b} is always before start day {a}"));
    }
    Ok((a, b))
}

pub fn parse_months(s: &str) -> Result<(u8, u8), String> {
    let (a, b) = range(s, |m| {
        MONTHS
            .iter()
            .position(|x| *x == m)
            .map(|p| p as u8 + 1)
            .or_else(|| m.parse::<u8>().ok().filter(|n| (1..=12).contains(n)))
            .ok_or_else(|| format!("`{m}` is not a month (a name or 1 to 12)"))
    })?;
    if a > b {
        return Err("the end month comes before the start month".into());
    }
    Ok((a, b))
}

pub fn parse_years(s: &str) -> Result<(i32, i32), String> {
    let (a, b) = range(s, |y| {
        y.parse::<i32>().map_err(|_| format!("`{y}` is not a year"))
    })?;
    if a > b {
        return Err(format!("end year {b} is before start year {a}"));
    }
    Ok((a, b))
}

/// An IANA time zone name, from the database built into ccmon (the same answer on every
/// machine).
pub fn zone(name: &str) -> Result<TimeZone, String> {
    if name == "Local" {
        return Err("`Local` depends on the server's clock settings: name the zone, such as `Europe/Berlin`".into());
    }
    TimeZone::get(name).map_err(|_| format!("`{name}` is not a time zone of the IANA database"))
}

impl Period {
    /// Alertmanager's `ContainsTime`.
    pub fn contains(&self, t: Timestamp) -> bool {
        let tz = self
            .location
            .as_deref()
            .and_then(|l| zone(l).ok())
            .unwrap_or(TimeZone::UTC);
        let z = t.to_zoned(tz);
        let minute = z.hour() as u16 * 60 + z.minute() as u16;
        let any = |empty: bool, hit: bool| empty || hit;
        let days_in_month = z.days_in_month() as i16;
        let day = z.day() as i16;
        let weekday = z.weekday().to_sunday_zero_offset() as u8;
        let month = z.month() as u8;
        let year = z.year() as i32;
        any(
            self.times.is_empty(),
            self.times.iter().any(|&(a, b)| minute >= a && minute < b),
        ) && any(
            self.days_of_month.is_empty(),
            self.days_of_month.iter().any(|&(a, b)| {
                let abs = |n: i8| {
                    if n < 0 {
                        days_in_month + n as i16 + 1
                    } else {
                        n as i16
                    }
                };
                let (begin, end) = (abs(a), abs(b));
                begin <= days_in_month
                    && day >= begin.clamp(-days_in_month, days_in_month)
                    && day <= end.clamp(-days_in_month, days_in_month)
            }),
        ) && any(
            self.months.is_empty(),
            self.months.iter().any(|&(a, b)| month >= a && month <= b),
        ) && any(
            self.weekdays.is_empty(),
            self.weekdays
                .iter()
                .any(|&(a, b)| weekday >= a && weekday <= b),
        ) && any(
            self.years.is_empty(),
            self.years.iter().any(|&(a, b)| year >= a && year <= b),
        )
    }
}

/// A time for a routing test: RFC 3339 with an offset, or a local `YYYY-MM-DD HH:MM[:SS]`
/// read in `tz`.
pub fn parse_instant(s: &str, tz: &TimeZone) -> Result<Timestamp, String> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    let local: jiff::civil::DateTime = s
        .replacen(' ', "T", 1)
        .parse()
        .map_err(|_| format!("`{s}` is not a time: write `2026-12-05 03:00` or RFC 3339 (`2026-12-05T03:00:00+08:00`)"))?;
    local
        .to_zoned(tz.clone())
        .map(|z| z.timestamp())
        .map_err(|e| format!("`{s}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn ranges_are_read_and_refused_as_alertmanager_does() {
        assert_eq!(parse_times("09:00-17:30"), Ok((540, 1050)));
        assert_eq!(parse_times("00:00-24:00"), Ok((0, 1440)));
        assert!(parse_times("17:00-09:00").is_err());
        assert!(parse_times("9:00-17:00").is_err());
        assert!(parse_times("24:30-24:40").is_err());
        assert_eq!(parse_weekdays("Monday:Friday"), Ok((1, 5)));
        assert!(parse_weekdays("friday:monday").is_err());
        assert_eq!(parse_days_of_month("-3:-1"), Ok((-3, -1)));
        assert_eq!(parse_days_of_month("1:-1"), Ok((1, -1)));
        assert!(parse_days_of_month("-1:1").is_err());
        assert!(parse_days_of_month("0").is_err());
        assert_eq!(parse_months("may"), Ok((5, 5)));
        assert_eq!(parse_months("1:march"), Ok((1, 3)));
        assert!(parse_months("13").is_err());
        assert!(parse_years("2027:2026").is_err());
        assert!(zone("Asia/Shanghai").is_ok());
        assert!(zone("Mars/Olympus").is_err());
    }

    #[test]
    fn business_hours_in_a_time_zone() {
        let p = Period {
            times: vec![parse_times("09:00-18:00").unwrap()],
            weekdays: vec![parse_weekdays("monday:friday").unwrap()],
            location: Some("Asia/Shanghai".into()),
            ..Period::default()
        };
        // Friday 2026-12-04 10:00 in Shanghai is 02:00 UTC.
        assert!(p.contains(at("2026-12-04T02:00:00Z")));
        // 18:00 Shanghai: the end is excluded.
        assert!(!p.contains(at("2026-12-04T10:00:00Z")));
        // Saturday morning in Shanghai, still Friday in UTC.
        assert!(!p.contains(at("2026-12-05T01:00:00Z")));
    }

    #[test]
    fn negative_days_count_from_the_end_of_the_month() {
        let p = Period {
            days_of_month: vec![parse_days_of_month("-1").unwrap()],
            ..Period::default()
        };
        assert!(p.contains(at("2026-02-28T12:00:00Z")));
        assert!(!p.contains(at("2026-02-27T12:00:00Z")));
        assert!(p.contains(at("2026-12-31T00:00:00Z")));
    }

    #[test]
    fn local_times_are_read_in_their_zone() {
        let tz = zone("Asia/Shanghai").unwrap();
        assert_eq!(
            parse_instant("2026-12-05 03:00", &tz),
            Ok(at("2026-12-04T19:00:00Z"))
        );
        assert_eq!(
            parse_instant("2026-12-05T03:00:00+01:00", &tz),
            Ok(at("2026-12-05T02:00:00Z"))
        );
        assert!(parse_instant("tomorrow", &tz).is_err());
    }
}
