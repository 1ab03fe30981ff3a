//! Number formatting for the UI and the CLI: plain functions, tested natively.

/// `1234567` → `"1,234,567"`.
pub fn count(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `value` with `decimals` digits after the point, exactly as `format!("{value:.decimals$}")`
/// writes it (the exact binary value rounded half to even, the sign of `-0.04` kept), with
/// integers only: the page carries no float formatting.
pub fn fixed(value: f64, decimals: u32) -> String {
    if value.is_nan() {
        return "NaN".to_string();
    }
    let sign = if value.is_sign_negative() { "-" } else { "" };
    if value.is_infinite() {
        return format!("{sign}inf");
    }
    // value = mantissa × 2^shift exactly; the page's values sit far below where `units` saturates.
    let bits = value.abs().to_bits();
    let biased = (bits >> 52) as i32;
    let fraction = u128::from(bits & ((1 << 52) - 1));
    let (mantissa, shift) = if biased == 0 { (fraction, -1074) } else { (fraction | 1 << 52, biased - 1075) };
    let scaled = mantissa * 10u128.pow(decimals);
    let units = match u32::try_from(-shift) {
        Err(_) => scaled.checked_shl(shift as u32).filter(|u| u >> shift == scaled).unwrap_or(u128::MAX),
        Ok(0) => scaled,
        Ok(right) if right >= 128 => 0,
        Ok(right) => {
            let (whole, rest, half) = (scaled >> right, scaled & ((1 << right) - 1), 1u128 << (right - 1));
            whole + u128::from(rest > half || (rest == half && whole & 1 == 1))
        }
    };
    let digits = format!("{units:0>width$}", width = decimals as usize + 1);
    let (whole, fraction) = digits.split_at(digits.len() - decimals as usize);
    if decimals == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

/// An SVG coordinate or length: `52.5` → `"52.5"`, `23.0` → `"23"`. To the thousandth of a
/// pixel, which is what `f64`'s shortest form gives for every value the page draws to that
/// precision, without float formatting in the page.
pub trait Coordinate {
    fn coordinate(self) -> String;
}

impl Coordinate for f64 {
    fn coordinate(self) -> String {
        let mut text = fixed(self, 3);
        if text.contains('.') {
            text.truncate(text.trim_end_matches('0').trim_end_matches('.').len());
        }
        text
    }
}

/// Binary units, the way Node and V8 report memory: `16384` → `"16 KiB"`.
pub fn bytes(value: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut scaled = value as f64;
    let mut unit = 0;
    while scaled >= 1024.0 && unit < UNITS.len() - 1 {
        scaled /= 1024.0;
        unit += 1;
    }
    if unit == 0 || scaled >= 100.0 || scaled.fract() == 0.0 {
        format!("{} {}", scaled.round() as u64, UNITS[unit])
    } else {
        format!("{} {}", fixed(scaled, 1), UNITS[unit])
    }
}

/// Decimal bytes per second, the way links are sold: `1000000` → `"1 MB/s"`.
pub fn bandwidth(bytes_per_second: u64) -> String {
    let (scaled, unit) = match bytes_per_second {
        v if v >= 1_000_000_000 => (v as f64 / 1e9, "GB/s"),
        v if v >= 1_000_000 => (v as f64 / 1e6, "MB/s"),
        v if v >= 1_000 => (v as f64 / 1e3, "kB/s"),
        v => (v as f64, "B/s"),
    };
    if scaled.fract() == 0.0 || scaled >= 100.0 {
        format!("{} {unit}", scaled.round() as u64)
    } else {
        format!("{} {unit}", fixed(scaled, 1))
    }
}

/// Simulated time: `4321` → `"4.321 s"`, `65432` → `"1:05.432"`, `86400000` → `"24:00:00.000"`.
pub fn sim_time(ms: u64) -> String {
    let (hours, minutes, rest) = (ms / 3_600_000, ms / 60_000 % 60, ms % 60_000);
    match (hours, minutes) {
        (0, 0) => format!("{}.{:03} s", rest / 1000, rest % 1000),
        (0, _) => format!("{minutes}:{:02}.{:03}", rest / 1000, rest % 1000),
        _ => format!("{hours}:{minutes:02}:{:02}.{:03}", rest / 1000, rest % 1000),
    }
}

/// A measured, possibly fractional amount: `12339.6` → `"12,340"`, `20.46` → `"20.5"`, `0.044` → `"0.04"`.
pub fn amount(value: f64) -> String {
    if !value.is_finite() || value < 0.0 {
        return "—".to_string();
    }
    if value >= 100.0 {
        count(value.round() as u64)
    } else if value >= 1.0 {
        fixed(value, 1)
    } else {
        fixed(value, 2)
    }
}

/// A duration measured in fractional milliseconds: `60000.0` → `"60.0 s"`, `250.4` → `"250 ms"`,
/// `5_400_000.0` → `"90.0 min"`.
pub fn duration(ms: f64) -> String {
    if !ms.is_finite() || ms < 0.0 {
        "—".to_string()
    } else if ms < 1_000.0 {
        format!("{} ms", fixed(ms, 0))
    } else if ms < 600_000.0 {
        format!("{} s", fixed(ms / 1000.0, 1))
    } else {
        format!("{} min", fixed(ms / 60_000.0, 1))
    }
}

/// A relative gap: `0.0213` → `"0.02 %"`, `45.6` → `"46 %"`.
pub fn percent(value: f64) -> String {
    if !value.is_finite() {
        "—".to_string()
    } else if value >= 10.0 {
        format!("{} %", fixed(value, 0))
    } else if value >= 1.0 {
        format!("{} %", fixed(value, 1))
    } else {
        format!("{} %", fixed(value, 2))
    }
}

/// The `points` of a chart's SVG polyline: `samples` (time, value) through the chart's `x` and
/// `y`, then `tail` (the value now, at the right edge) if given. One string, in tenths of a unit
/// with integer formatting: a 500-sample chart redrawn every frame would otherwise spend its time
/// in float formatting and a string per vertex.
pub fn svg_points(samples: &[(u64, u64)], tail: Option<(u64, u64)>, x: impl Fn(u64) -> f64, y: impl Fn(u64) -> f64) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity((samples.len() + 1) * 12);
    for &(t, v) in samples.iter().chain(tail.as_ref()) {
        for (index, coordinate) in [x(t), y(v)].into_iter().enumerate() {
            // Chart coordinates are a few hundred units: far inside i64 once in tenths.
            let tenths = (coordinate * 10.0).round() as i64;
            let sign = if tenths < 0 { "-" } else { "" };
            let separator = if index == 0 { ',' } else { ' ' };
            let _ = write!(out, "{sign}{}.{}{separator}", tenths.unsigned_abs() / 10, tenths.unsigned_abs() % 10);
        }
    }
    out.pop();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn fixed_writes_what_format_writes(value in proptest::num::f64::ANY, small in -1e6f64..1e6, decimals in 0u32..4) {
            for v in [value, small, (small * 8.0).round() / 8.0] {
                if v.abs() < 1e30 || !v.is_finite() {
                    proptest::prop_assert_eq!(fixed(v, decimals), format!("{v:.*}", decimals as usize));
                }
            }
        }
    }

    #[test]
    fn fixed_rounds_ties_to_even_and_keeps_the_sign() {
        for (value, decimals) in [(0.25, 1), (0.35, 1), (2.5, 0), (0.5, 0), (1.005, 2), (-0.04, 1), (-0.0, 1), (5e-324, 3), (1e20, 2)] {
            assert_eq!(fixed(value, decimals), format!("{value:.*}", decimals as usize));
        }
    }

    #[test]
    fn measured_figures_read_naturally() {
        assert_eq!(amount(12_339.6), "12,340");
        assert_eq!(amount(20.46), "20.5");
        assert_eq!(amount(0.044), "0.04");
        assert_eq!(duration(60_000.0), "60.0 s");
        assert_eq!(duration(250.4), "250 ms");
        assert_eq!(duration(5_400_000.0), "90.0 min");
        assert_eq!(percent(0.0213), "0.02 %");
        assert_eq!(percent(45.6), "46 %");
        assert_eq!(amount(f64::NAN), "—");
    }

    #[test]
    fn counts_get_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(2_000_000), "2,000,000");
    }

    #[test]
    fn bytes_use_binary_units() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(16_384), "16 KiB");
        assert_eq!(bytes(65_536), "64 KiB");
        assert_eq!(bytes(1_536 * 1024), "1.5 MiB");
        assert_eq!(bytes(2048 * 1024 * 1024), "2 GiB");
    }

    #[test]
    fn bandwidth_uses_decimal_units() {
        assert_eq!(bandwidth(1_000_000), "1 MB/s");
        assert_eq!(bandwidth(125_000_000), "125 MB/s");
        assert_eq!(bandwidth(1_500), "1.5 kB/s");
    }

    #[test]
    fn sim_time_reads_naturally() {
        assert_eq!(sim_time(4_321), "4.321 s");
        assert_eq!(sim_time(65_432), "1:05.432");
        assert_eq!(sim_time(3_599_999), "59:59.999");
        assert_eq!(sim_time(3_600_000), "1:00:00.000");
        assert_eq!(sim_time(86_400_000), "24:00:00.000");
    }

    #[test]
    fn svg_points_are_tenths_separated_like_svg_wants() {
        let points = svg_points(&[(0, 10), (5, 0)], Some((10, 4)), |t| t as f64 * 1.25, |v| 100.0 - v as f64 * 10.04);
        assert_eq!(points, "0.0,-0.4 6.3,100.0 12.5,59.8");
        assert_eq!(svg_points(&[], None, |t| t as f64, |v| v as f64), "");
    }
}
