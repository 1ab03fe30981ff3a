//! Decimal numbers as text (a typed value, a number in a link), read and rounded exactly with
//! integer arithmetic: the same results as parsing to f64 and rounding, without the float
//! parser and its 10 KB table of powers in the page.

/// A decimal number `±0.d₁d₂… × 10^point`, its digits without leading zeros.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decimal {
    /// Below zero (`-0` is not).
    pub negative: bool,
    digits: Vec<u8>,
    point: i64,
}

/// The smallest magnitude that rounds to infinity as an f64: 2^1024 − 2^970, halfway between
/// `f64::MAX` and 2^1024, which ties to even and so to infinity.
const F64_OVERFLOW: &[u8; 309] = b"179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792";

impl Decimal {
    /// Reads `-?(digits)(.digits)?([eE][+-]?digits)?` with at least one digit before the
    /// exponent: JSON's numbers and the values of `<input type="number">`.
    pub fn parse(text: &str) -> Option<Decimal> {
        let bytes = text.as_bytes();
        let digits_from = |at: usize| at + bytes[at..].iter().take_while(|b| b.is_ascii_digit()).count();
        let negative = bytes.first() == Some(&b'-');
        let int_start = usize::from(negative);
        let int_end = digits_from(int_start);
        let (frac_start, frac_end) = match bytes.get(int_end) {
            Some(b'.') => (int_end + 1, digits_from(int_end + 1)),
            _ => (int_end, int_end),
        };
        if int_end == int_start && frac_end == frac_start {
            return None;
        }
        let mut at = frac_end;
        let mut exponent: i64 = 0;
        if matches!(bytes.get(at), Some(b'e' | b'E')) {
            let sign_at = at + 1;
            let minus = bytes.get(sign_at) == Some(&b'-');
            let start = sign_at + usize::from(matches!(bytes.get(sign_at), Some(b'+' | b'-')));
            at = digits_from(start);
            if at == start {
                return None;
            }
            exponent = bytes[start..at].iter().fold(0i64, |e, b| e.saturating_mul(10).saturating_add(i64::from(b - b'0')));
            if minus {
                exponent = -exponent;
            }
        }
        if at != bytes.len() {
            return None;
        }
        let all: Vec<u8> = bytes[int_start..int_end].iter().chain(&bytes[frac_start..frac_end]).copied().collect();
        let zeros = all.iter().take_while(|&&b| b == b'0').count();
        let digits = all[zeros..].to_vec();
        let point = (int_end - int_start) as i64 - zeros as i64;
        // Zero is zero whatever its exponent.
        let point = if digits.is_empty() { 0 } else { point.saturating_add(exponent) };
        Some(Decimal { negative: negative && !digits.is_empty(), digits, point })
    }

    /// Whether an f64 holds it without overflowing to infinity.
    pub fn fits_f64(&self) -> bool {
        match self.point {
            ..=308 => true,
            309 => {
                let mut prefix = [b'0'; 309];
                let shown = self.digits.len().min(309);
                prefix[..shown].copy_from_slice(&self.digits[..shown]);
                prefix < *F64_OVERFLOW
            }
            _ => false,
        }
    }

    /// Whether it has no fractional part (`3`, `2.50e1`, `1e3`; not `2.5`).
    pub fn is_whole(&self) -> bool {
        self.digits.iter().skip(self.point.max(0) as usize).all(|&d| d == b'0')
    }

    /// The nearest count, halves away from zero: 0 for a negative value, `u64::MAX` beyond it
    /// (as `value.max(0.0).round() as u64` would give).
    pub fn nearest_count(&self) -> u64 {
        if self.negative || self.point < 0 {
            return 0;
        }
        let whole = self.point as usize;
        if whole > 20 {
            return u64::MAX;
        }
        let digit = |index: usize| u64::from(self.digits.get(index).map_or(0, |b| b - b'0'));
        let mut value: u64 = 0;
        for index in 0..whole {
            match value.checked_mul(10).and_then(|v| v.checked_add(digit(index))) {
                Some(next) => value = next,
                None => return u64::MAX,
            }
        }
        if digit(whole) >= 5 {
            value = value.saturating_add(1);
        }
        value
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn whole_numbers_are_told_from_fractions_however_written() {
        for (text, whole) in [("3", true), ("2.50e1", true), ("1e3", true), ("2.0", true), ("0", true), ("2.5", false), ("0.004", false), ("-1.5", false)] {
            assert_eq!(super::Decimal::parse(text).map(|d| d.is_whole()), Some(whole), "{text}");
        }
    }

    use super::*;

    /// What the f64 route gives, for comparison.
    fn via_f64(text: &str) -> Option<(bool, u64, bool)> {
        let value: f64 = text.parse().ok()?;
        Some((value < 0.0, value.max(0.0).round() as u64, value.is_finite()))
    }

    fn via_decimal(text: &str) -> Option<(bool, u64, bool)> {
        let decimal = Decimal::parse(text)?;
        Some((decimal.negative, decimal.nearest_count(), decimal.fits_f64()))
    }

    #[test]
    fn rounds_like_f64_then_round() {
        for text in [
            "0", "-0", "7", "2.5", "3.5", "0.5", "0.49", "-0.4", "-3", "1e3", "1E+3", "12.5e-1", "0.0001", ".5", "5.", "00012",
            "18446744073709551615", "18446744073709551616", "1e19", "1e20", "1e400", "-1e400", "1.7976931348623157e308",
            "1.7976931348623158e308", "1.7976931348623159e308", "179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000", "1e-400", "4503599627370495.5", "0e999999999999999999999",
        ] {
            assert_eq!(via_decimal(text), via_f64(text), "{text}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_float_written_out_rounds_like_f64(
            value in {
                use proptest::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
                POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO
            },
            exponent in proptest::bool::ANY,
        ) {
            let text = if exponent { format!("{value:e}") } else { value.to_string() };
            let (decimal, float) = (via_decimal(&text), via_f64(&text));
            if value.abs() < 4_503_599_627_370_496.0 {
                proptest::prop_assert_eq!(decimal, float, "{}", text);
            } else {
                // From 2^52 up an f64 no longer holds every half, nor from 2^53 every whole
                // number: "8552350766283778000" parses to …048. The f64 route then rounds a
                // neighbour, the decimal route the number written; sign and overflow still agree.
                let sign_and_overflow = |r: Option<(bool, u64, bool)>| r.map(|(negative, _, finite)| (negative, finite));
                proptest::prop_assert_eq!(sign_and_overflow(decimal), sign_and_overflow(float), "{}", text);
            }
        }
    }

    #[test]
    fn reads_a_large_whole_number_as_written_not_as_its_nearest_f64() {
        assert_eq!(via_decimal("8552350766283778000"), Some((false, 8_552_350_766_283_778_000, true)));
        assert_eq!(via_f64("8552350766283778000"), Some((false, 8_552_350_766_283_778_048, true)));
    }

    #[test]
    fn refuses_what_is_not_a_decimal() {
        for text in ["", "-", ".", "e5", "1e", "1e+", "+1", "1.2.3", "1 ", "0x10", "NaN", "inf", "1_000"] {
            assert_eq!(Decimal::parse(text), None, "{text:?}");
        }
    }
}
