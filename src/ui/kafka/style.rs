//! How each consumer group is told apart: a colour (Okabe–Ito), a shape and a line style, so
//! colour is never the only carrier.

/// CSS class, marker glyph, SVG dash pattern.
const STYLES: [(&str, &str, &str); 4] = [("kafka-g0", "▲", ""), ("kafka-g1", "■", "8 5"), ("kafka-g2", "◆", "2 4"), ("kafka-g3", "●", "12 4 2 4")];

pub fn class(group: usize) -> &'static str {
    STYLES[group % STYLES.len()].0
}

pub fn glyph(group: usize) -> &'static str {
    STYLES[group % STYLES.len()].1
}

pub fn dash(group: usize) -> &'static str {
    STYLES[group % STYLES.len()].2
}
