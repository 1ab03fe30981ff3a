//! Positions in percent, set through the CSS object model: a strict Content-Security-Policy
//! (`style-src 'self'`) refuses `style` attributes, but not the element's `style` property,
//! which forwards to `cssText`. Elements take `~style={positions::span(left, width)}`, so Yew
//! writes a bar's position only when it changed, with no pass over the DOM after each render.

/// A bar from `left` percent, `width` percent wide.
pub fn span(left: f64, width: f64) -> String {
    format!("left:{:.3}%;width:{:.3}%", left.max(0.0), width.max(0.0))
}

/// A marker at `left` percent.
pub fn at(left: f64) -> String {
    format!("left:{:.3}%", left.max(0.0))
}

/// A fill `width` percent wide, from the left edge.
pub fn fill(width: f64) -> String {
    format!("width:{:.1}%", width.max(0.0))
}
