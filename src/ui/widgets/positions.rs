//! Positions in percent, set through the CSS object model: a strict Content-Security-Policy
//! (`style-src 'self'`) refuses `style` attributes, but not the element's `style` property,
//! which forwards to `cssText`. Elements take `~style={positions::span(left, width)}`, so Yew
//! writes a bar's position only when it changed, with no pass over the DOM after each render.

use crate::format::fixed;

/// A bar from `left` percent, `width` percent wide.
pub fn span(left: f64, width: f64) -> String {
    format!("left:{}%;width:{}%", fixed(left.max(0.0), 3), fixed(width.max(0.0), 3))
}

/// A marker at `left` percent.
pub fn at(left: f64) -> String {
    format!("left:{}%", fixed(left.max(0.0), 3))
}

/// A fill `width` percent wide, from the left edge.
pub fn fill(width: f64) -> String {
    format!("width:{}%", fixed(width.max(0.0), 1))
}
