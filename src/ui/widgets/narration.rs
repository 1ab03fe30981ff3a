//! What a widget's screen-reader live region says: one sentence about the situation, changed
//! at a pace a listener can follow.

/// A new kind of situation waits this long after the last announcement; the same kind is
/// re-announced with fresh figures only this rarely; an urgent one (a death) is said at once.
const NEW_SITUATION_AFTER_MS: f64 = 2_000.0;
const REFRESH_AFTER_MS: f64 = 15_000.0;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Narration<K> {
    pub text: String,
    kind: K,
    quiet_ms: f64,
}

impl<K: Copy + Default + PartialEq> Narration<K> {
    /// Offers the current situation after a frame of `real_ms`; keeps or replaces the sentence.
    pub fn offer(&mut self, kind: K, urgent: bool, text: String, real_ms: f64) {
        self.quiet_ms += real_ms.max(0.0);
        let new_kind = kind != self.kind;
        let due = if new_kind { NEW_SITUATION_AFTER_MS } else { REFRESH_AFTER_MS };
        if self.text.is_empty() || (new_kind && urgent) || (self.quiet_ms >= due && text != self.text) {
            *self = Self { text, kind, quiet_ms: 0.0 };
        }
    }
}
