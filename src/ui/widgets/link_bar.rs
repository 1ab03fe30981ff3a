//! "Copy link" and "Copy embed code": the author's way to point at an exact moment.

use crate::ui::link::{copy_to_clipboard, url_with};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LinkBarProps {
    /// Builds the link's query pairs for the state at the moment of the click.
    pub make_pairs: Callback<(), Vec<(String, String)>>,
    /// The iframe's title, for screen readers on the host page.
    pub title: AttrValue,
}

#[function_component]
pub fn LinkBar(props: &LinkBarProps) -> Html {
    let shown = use_state(|| None::<String>);
    let copy = |embed: bool| {
        let (make_pairs, shown, title) = (props.make_pairs.clone(), shown.clone(), props.title.clone());
        Callback::from(move |_| {
            let mut pairs = make_pairs.emit(());
            let text = if embed {
                pairs.push(("embed".into(), "1".into()));
                let src = url_with(&pairs);
                // embed-host.js sits beside the page and fits the iframe to the widget's height.
                let page = src.split('?').next().unwrap_or_default();
                let folder = &page[..page.rfind('/').map_or(0, |slash| slash + 1)];
                format!(
                    r#"<iframe src="{}" title="{title}" width="100%" height="720" style="border:0" loading="lazy"></iframe>
<script src="{folder}embed-host.js" defer></script>"#,
                    src.replace('&', "&amp;")
                )
            } else {
                url_with(&pairs)
            };
            copy_to_clipboard(&text);
            shown.set(Some(text));
        })
    };
    html! {
        <div class="link-bar">
            <button type="button" class="small" onclick={copy(false)}>{ "Copy link to this moment" }</button>
            <button type="button" class="small" onclick={copy(true)}>{ "Copy embed code" }</button>
            if let Some(text) = (*shown).clone() {
                <input class="link-text" type="text" readonly=true value={text} aria-label="Copied text" data-testid="copied-link" />
            }
        </div>
    }
}
