//! A numeric parameter's allowed range, and the error of stepping outside one: the same for every
//! system, so validation, the UI's sliders and link decoding read one table per system.

use thiserror::Error;

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ParamError {
    #[error("{field}: {value} is out of range ({min}..={max})")]
    OutOfRange { field: String, value: u64, min: u64, max: u64 },
    #[error("{field}: {reason}")]
    Incompatible { field: String, reason: String },
}

/// A numeric parameter of `P` with its JSON path (dot-separated) and its inclusive bounds.
pub struct Range<P: 'static> {
    pub field: &'static str,
    pub min: u64,
    pub max: u64,
    pub get: fn(&P) -> u64,
    pub set: fn(&mut P, u64),
}

impl<P> Range<P> {
    pub fn check(&self, value: u64) -> Result<(), ParamError> {
        check(self.field, value, self.min, self.max)
    }
}

/// Builds a [`Range`] from a path expression: `range!("a.b", 1, 10, |p| p.a.b)`.
macro_rules! range {
    ($field:literal, $min:expr, $max:expr, |$p:ident| $place:expr) => {
        $crate::engine::range::Range { field: $field, min: $min, max: $max, get: |$p| $place, set: |$p, v| $place = v }
    };
}
pub(crate) use range;

pub fn check(field: &str, value: u64, min: u64, max: u64) -> Result<(), ParamError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(ParamError::OutOfRange { field: field.to_string(), value, min, max })
    }
}

pub fn incompatible(field: &str, reason: String) -> ParamError {
    ParamError::Incompatible { field: field.to_string(), reason }
}

/// Pulls every ranged value of `params` inside its range; returns (field, value given, value used).
pub fn clamp_all<P>(ranges: &[Range<P>], params: &mut P) -> Vec<(&'static str, u64, u64)> {
    let mut changed = Vec::new();
    for range in ranges {
        let value = (range.get)(params);
        let used = value.clamp(range.min, range.max);
        if used != value {
            (range.set)(params, used);
            changed.push((range.field, value, used));
        }
    }
    changed
}
