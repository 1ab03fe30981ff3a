//! The page's address: reading a link's query pairs, and writing links and embed snippets.

use crate::scenario::presets;
use js_sys::Array;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::UrlSearchParams;

/// The current page's query as ordered (key, value) pairs, already percent-decoded.
pub fn query_pairs() -> Vec<(String, String)> {
    let Some(search) = web_sys::window().and_then(|w| w.location().search().ok()) else { return Vec::new() };
    let Ok(params) = UrlSearchParams::new_with_str(&search) else { return Vec::new() };
    let Ok(Some(entries)) = js_sys::try_iter(&params) else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|entry| {
            let pair: Array = entry.dyn_into().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

/// Whether the link asks for one widget on its own (`embed=1`, or `embed=true` as people write it).
pub fn is_embed(pairs: &[(String, String)]) -> bool {
    pairs.iter().any(|(k, v)| k == "embed" && matches!(v.as_str(), "1" | "true"))
}

/// Which widget a link is for: the one `w` names, else the one whose preset `preset` names (a
/// hand-written `?preset=article-peak` opens the Kafka widget at it), else none.
pub fn linked_widget(pairs: &[(String, String)]) -> Option<&str> {
    let last = |key: &str| pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    last("w").or_else(|| {
        let name = last("preset")?;
        let owns = |list: &[presets::Preset]| list.iter().any(|p| p.name == name);
        [("node", presets::node::PRESETS), ("kafka", presets::kafka::PRESETS), ("sqs", presets::sqs::PRESETS)]
            .into_iter()
            .find(|(_, list)| owns(list))
            .map(|(widget, _)| widget)
    })
}

/// This page's address (without its query) followed by `pairs`, percent-encoded.
pub fn url_with(pairs: &[(String, String)]) -> String {
    let location = web_sys::window().map(|w| w.location());
    let base = location
        .as_ref()
        .and_then(|l| Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?)))
        .unwrap_or_default();
    let query = UrlSearchParams::new().expect("URLSearchParams exists");
    for (key, value) in pairs {
        query.append(key, value);
    }
    format!("{base}?{}", String::from(query.to_string()))
}

thread_local! {
    /// One handler for every refused clipboard write, so a refusal is neither an unhandled
    /// rejection in the console nor a closure leaked per click.
    static IGNORE_REFUSAL: Closure<dyn FnMut(JsValue)> = Closure::new(|_: JsValue| {});
}

/// Best effort: the text is also shown on the page, so a blocked clipboard costs nothing.
pub fn copy_to_clipboard(text: &str) {
    if let Some(window) = web_sys::window() {
        let written = window.navigator().clipboard().write_text(text);
        IGNORE_REFUSAL.with(|ignore| {
            let _ = written.catch(ignore);
        });
    }
}
