//! Panic containment. A Rust panic in wasm aborts mid-render and leaves Yew's state unusable,
//! so nothing drawn by Yew can be trusted afterwards: the hook keeps the console report, stops
//! every animation loop, and replaces the page with a plain-DOM panel whose reset is an
//! ordinary link (no wasm is needed to follow it).

use std::cell::{Cell, OnceCell};
use wasm_bindgen::JsCast;

thread_local! {
    static CRASHED: Cell<bool> = const { Cell::new(false) };
    /// The widget a `?panic=…` drill link asks to fail, read once.
    static DRILL: OnceCell<Option<String>> = const { OnceCell::new() };
}

/// Query key of the containment drill: `?panic=node` makes the Node widget panic on its first
/// frame, so the release build's containment can be checked end to end.
pub const DRILL_KEY: &str = "panic";

/// Installed through Yew, which would otherwise replace any hook with its own on first render.
pub fn install() {
    yew::set_custom_panic_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        if !CRASHED.with(|crashed| crashed.replace(true)) {
            let location = info.location().map(|l| l.file()).unwrap_or_default();
            show_panel(widget_of(location), &info.to_string());
        }
    }));
}

/// Whether a panic has happened: animation loops stop instead of calling into a broken app.
pub fn happened() -> bool {
    CRASHED.with(Cell::get)
}

/// Panics if the page's drill link names `widget`, as if the caller (the widget) had.
#[track_caller]
pub fn drill(widget: &str) {
    let wanted = DRILL.with(|drill| {
        drill.get_or_init(|| super::link::query_pairs().into_iter().find(|(k, _)| k == DRILL_KEY).map(|(_, v)| v)).as_deref() == Some(widget)
    });
    if wanted {
        panic!("containment drill: the {widget} widget panicked on purpose ({DRILL_KEY}={widget})");
    }
}

/// The widget whose code panicked, from the source file's path, for the panel's heading.
fn widget_of(file: &str) -> &'static str {
    [("/node/", "Node.js streams"), ("/kafka/", "Kafka"), ("/sqs/", "SQS + Lambda")]
        .into_iter()
        .find(|(dir, _)| file.contains(dir))
        .map_or("playground", |(_, name)| name)
}

/// The address to start again from: the same page, or the same widget's embed, without the
/// state that failed. Only a widget name the app knows goes back into the address.
fn reset_href(location: &web_sys::Location) -> String {
    let path = location.pathname().unwrap_or_else(|_| "/".into());
    match embedded_widget() {
        Some(widget) => format!("{path}?w={widget}&embed=1"),
        None => path,
    }
}

/// The widget shown alone, if this is an embed of one (an embed without `w` shows Node).
fn embedded_widget() -> Option<&'static str> {
    let pairs = super::link::query_pairs();
    if !super::link::is_embed(&pairs) {
        return None;
    }
    match super::link::linked_widget(&pairs) {
        None | Some("node") => Some("node"),
        Some("kafka") => Some("kafka"),
        Some("sqs") => Some("sqs"),
        Some(_) => None,
    }
}

fn show_panel(widget: &str, message: &str) {
    let Some(window) = web_sys::window() else { return };
    let Some(document) = window.document() else { return };
    let Some(root) = document.get_element_by_id("app").or_else(|| document.body().map(Into::into)) else { return };
    let element = |tag: &str, text: &str| {
        let node = document.create_element(tag).ok()?;
        node.set_text_content(Some(text));
        Some(node)
    };
    let (Some(panel), Some(heading), Some(explanation), Some(details), Some(reset)) = (
        element("div", ""),
        element("h2", &format!("The {widget} widget stopped")),
        element("p", "A Rust panic (a bug, or the ?panic= drill) stopped the page: after one, no widget's state can be trusted. Nothing was sent anywhere; the details are below and in the browser console."),
        element("pre", message),
        element("a", "↺ Reset the playground"),
    ) else {
        return;
    };
    let _ = panel.set_attribute("class", "crash-panel");
    let _ = panel.set_attribute("role", "alert");
    let _ = panel.set_attribute("data-testid", "crash-panel");
    let _ = reset.set_attribute("class", "button primary");
    let _ = reset.set_attribute("href", &reset_href(&window.location()));
    for child in [&heading, &explanation, &details, &reset] {
        let _ = panel.append_child(child);
    }
    root.set_text_content(None);
    let _ = root.append_child(&panel);
    if let Ok(reset) = reset.dyn_into::<web_sys::HtmlElement>() {
        let _ = reset.focus();
    }
    // The embed's height loop has stopped with the others: fit the host's iframe to the panel.
    if let Some(widget) = embedded_widget() {
        super::embed::report_height(widget);
    }
}
