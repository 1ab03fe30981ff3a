//! A fresh place on the page for each browser test, and the lookups every browser test makes.
#![allow(dead_code)] // each test file uses its own subset

use web_sys::Element;

/// A new empty element at the end of the body, to render a component into.
pub fn fresh_root() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    root
}

/// The first element matching `selector` under `root`; a test failure names it if it is missing.
pub fn query(root: &Element, selector: &str) -> Element {
    root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("{selector} is not on the page"))
}
