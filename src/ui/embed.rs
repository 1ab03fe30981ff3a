//! A widget on its own, for an iframe in the blog post: compact chrome, and the frame's height
//! reported to the host page so it can fit the iframe to it.
//!
//! The message, posted to `window.parent` whenever the height changes:
//! `{ "type": "backpressure-playground:height", "widget": "node", "height": 812 }`.
//! `static/embed-host.js` is an optional host-side script that applies it.

use crate::ui::hooks::use_animation_frame;
use crate::ui::link;
use js_sys::{Object, Reflect};
use std::cell::Cell;
use wasm_bindgen::JsValue;
use yew::prelude::*;

pub const HEIGHT_MESSAGE: &str = "backpressure-playground:height";

#[derive(Properties, PartialEq)]
pub struct EmbedProps {
    /// The widget's name in links (`w`).
    pub widget: AttrValue,
    /// Its title, shown in the compact header.
    pub title: AttrValue,
    pub children: Html,
}

#[function_component]
pub fn Embed(props: &EmbedProps) -> Html {
    let last_height = use_mut_ref(|| Cell::new(0_i32));
    let widget = props.widget.clone();
    use_animation_frame(Callback::from(move |_| {
        let height = document_height();
        if height != last_height.borrow().get() {
            last_height.borrow().set(height);
            post_height(&widget, height);
        }
    }));
    let full_page = {
        let pairs: Vec<(String, String)> = link::query_pairs().into_iter().filter(|(k, _)| k != "embed").collect();
        link::url_with(&pairs)
    };
    html! {
        <main class="playground embed" data-embed={props.widget.clone()}>
            <p class="embed-title">
                <strong>{ props.title.clone() }</strong>
                <a href={full_page} target="_blank" rel="noopener">{ "Backpressure Playground ↗" }</a>
            </p>
            { props.children.clone() }
        </main>
    }
}

/// Posts the document's height now (once), as the loop does whenever it changes.
pub fn report_height(widget: &str) {
    post_height(widget, document_height());
}

fn document_height() -> i32 {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .map_or(0, |root| root.scroll_height())
}

fn post_height(widget: &str, height: i32) {
    let Some(window) = web_sys::window() else { return };
    let Ok(Some(parent)) = window.parent() else { return };
    let message = Object::new();
    let _ = Reflect::set(&message, &"type".into(), &HEIGHT_MESSAGE.into());
    let _ = Reflect::set(&message, &"widget".into(), &widget.into());
    let _ = Reflect::set(&message, &"height".into(), &JsValue::from(height));
    // The height is not a secret: any host page may embed the widget.
    let _ = parent.post_message(&message, "*");
}
