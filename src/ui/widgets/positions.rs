//! Positions set through the CSS object model instead of `style` attributes, which a strict
//! Content-Security-Policy (`style-src 'self'`) refuses. An element carries `data-left` and/or
//! `data-width` (percent); after each render the hook copies them into its style.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

/// After every render, positions the `[data-left]`/`[data-width]` elements under `root`.
#[hook]
pub fn use_percent_positions(root: NodeRef) {
    use_effect(move || {
        if let Some(root) = root.cast::<Element>() {
            apply(&root);
        }
    });
}

fn apply(root: &Element) {
    let Ok(nodes) = root.query_selector_all("[data-left], [data-width]") else { return };
    for index in 0..nodes.length() {
        let Some(element) = nodes.item(index).and_then(|n| n.dyn_into::<HtmlElement>().ok()) else { continue };
        let style = element.style();
        for property in ["left", "width"] {
            if let Some(percent) = element.get_attribute(&format!("data-{property}")) {
                // Writing an unchanged value still invalidates the style: write changes only.
                let wanted = format!("{percent}%");
                if style.get_property_value(property).ok().as_deref() != Some(wanted.as_str()) {
                    let _ = style.set_property(property, &wanted);
                }
            }
        }
    }
}
