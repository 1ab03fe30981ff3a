//! Browser timing, kept out of the state: the animation-frame loop lives in a hook and is
//! cancelled when the component that owns it goes away.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

const FIRST_FRAME_MS: f64 = 1000.0 / 60.0;

/// The frame callback, shared between the loop (which re-registers it) and the cleanup (which drops it).
type FrameClosure = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// Calls `on_frame` with the real milliseconds since the previous frame, once per animation frame,
/// for as long as the calling component is mounted.
#[hook]
pub fn use_animation_frame(on_frame: Callback<f64>) {
    // The latest callback, so the loop started once always calls the current one.
    let latest = use_mut_ref(|| on_frame.clone());
    *latest.borrow_mut() = on_frame;

    use_effect_with((), move |_| {
        let window = web_sys::window().expect("a browser window");
        let frame_id = Rc::new(Cell::new(0));
        let last_timestamp = Rc::new(Cell::new(None::<f64>));
        let closure: FrameClosure = Rc::new(RefCell::new(None));

        let (loop_window, loop_id, loop_closure) = (window.clone(), frame_id.clone(), closure.clone());
        *closure.borrow_mut() = Some(Closure::new(move |timestamp: f64| {
            // After a panic the app's state is unusable: stop instead of calling into it.
            if super::crash::happened() {
                return;
            }
            // The first frame has no previous one: count it as one 60 Hz frame, so the run
            // moves on the first frame the reader sees rather than the second.
            let elapsed = last_timestamp.get().map_or(FIRST_FRAME_MS, |last| timestamp - last);
            last_timestamp.set(Some(timestamp));
            latest.borrow().emit(elapsed);
            if let Some(next) = loop_closure.borrow().as_ref() {
                loop_id.set(loop_window.request_animation_frame(next.as_ref().unchecked_ref()).unwrap_or(0));
            }
        }));
        if let Some(first) = closure.borrow().as_ref() {
            frame_id.set(window.request_animation_frame(first.as_ref().unchecked_ref()).unwrap_or(0));
        }

        move || {
            let _ = window.cancel_animation_frame(frame_id.get());
            // Dropping the closure breaks its reference cycle and frees it.
            closure.borrow_mut().take();
        }
    });
}
