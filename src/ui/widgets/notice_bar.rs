//! What a widget says about input it refused or adjusted. It stays in view (sticky at the top of
//! the widget) while the reader scrolls through the widget, so a value refused in a control far
//! below is explained where the reader is; the reader closes it when it has been read.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NoticeBarProps {
    pub text: AttrValue,
    pub testid: AttrValue,
    pub on_dismiss: Callback<()>,
}

#[function_component]
pub fn NoticeBar(props: &NoticeBarProps) -> Html {
    html! {
        <p class="notice" role="status" data-testid={props.testid.clone()}>
            <span>{ props.text.clone() }</span>
            <button type="button" class="notice-close" aria-label="Close this notice" onclick={props.on_dismiss.reform(|_| ())}>{ "×" }</button>
        </p>
    }
}
