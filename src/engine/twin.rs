//! Twin runs: two copies of one scenario on one clock, with the same seed and the same arrivals,
//! differing only in the one policy the reader picks. Each system says which policy its twin
//! flips and which figures to set side by side.

/// The two sides of a twin run: what each is called, and the twin's parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct TwinPolicy<P> {
    pub label_a: String,
    pub label_b: String,
    pub params_b: P,
}

/// One figure of both runs, as the reader reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub label: &'static str,
    pub a: String,
    pub b: String,
}

impl Figure {
    pub fn new(label: &'static str, a: String, b: String) -> Self {
        Self { label, a, b }
    }

    pub fn differs(&self) -> bool {
        self.a != self.b
    }
}

/// The figures of both runs, and once both have ended a one-line verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub figures: Vec<Figure>,
    pub verdict: Option<String>,
}
