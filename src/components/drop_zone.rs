//! The drop zone: takes one file by drag and drop, by click (a real file input, kept in the DOM
//! and visually hidden) or by keyboard (Enter or Space opens the picker).

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::browser::file;

#[derive(Properties, PartialEq)]
pub struct DropZoneProps {
    /// For the input's `accept` (`.png,.jpg,…`); empty accepts anything (validation still runs).
    pub accept: AttrValue,
    /// What is accepted, in words ("PNG, JPEG … up to 100 MB").
    pub hint: AttrValue,
    /// Why the last file was refused.
    #[prop_or_default]
    pub rejection: Option<AttrValue>,
    /// A file is already chosen: a smaller zone that offers another.
    #[prop_or_default]
    pub compact: bool,
    #[prop_or_default]
    pub disabled: bool,
    pub on_file: Callback<web_sys::File>,
}

#[component]
pub fn DropZone(props: &DropZoneProps) -> Html {
    let input = use_node_ref();
    let dragging = use_state(|| false);

    let open_picker = {
        let input = input.clone();
        let disabled = props.disabled;
        move || {
            if disabled {
                return;
            }
            if let Some(input) = input.cast::<HtmlInputElement>() {
                file::open_picker(&input);
            }
        }
    };
    let onclick = {
        let open_picker = open_picker.clone();
        Callback::from(move |_: MouseEvent| open_picker())
    };
    let onkeydown = Callback::from(move |event: KeyboardEvent| {
        if matches!(event.key().as_str(), "Enter" | " " | "Spacebar") {
            // Space would scroll the page otherwise.
            event.prevent_default();
            open_picker();
        }
    });
    let onchange = {
        let on_file = props.on_file.clone();
        Callback::from(move |event: Event| {
            if let Some(chosen) = file::from_input_event(&event) {
                on_file.emit(chosen);
            }
            if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
                file::clear_input(&input);
            }
        })
    };
    let ondragover = {
        let dragging = dragging.clone();
        let disabled = props.disabled;
        Callback::from(move |event: DragEvent| {
            // Without preventDefault the browser would open the file instead of dropping it here.
            event.prevent_default();
            if !disabled && !*dragging && file::drag_has_files(&event) {
                dragging.set(true);
            }
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let ondrop = {
        let dragging = dragging.clone();
        let on_file = props.on_file.clone();
        let disabled = props.disabled;
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            dragging.set(false);
            if disabled {
                return;
            }
            if let Some(dropped) = file::from_drag_event(&event) {
                on_file.emit(dropped);
            }
        })
    };

    let lead = if props.compact {
        "Drop another file here, or choose one"
    } else {
        "Drop a file here, or choose one"
    };
    let class = classes!(
        "dropzone",
        props.compact.then_some("dropzone-compact"),
        (*dragging).then_some("dropzone-active"),
        props.disabled.then_some("dropzone-disabled"),
    );
    html! {
        <div class="dropzone-wrap">
            <div {class} data-testid="dropzone" role="button" tabindex={if props.disabled { "-1" } else { "0" }}
                aria-disabled={props.disabled.to_string()} aria-describedby="dropzone-hint"
                {onclick} {onkeydown} {ondragover} ondragenter={Callback::from(|event: DragEvent| event.prevent_default())}
                {ondragleave} {ondrop}>
                <svg class="dropzone-icon" viewBox="0 0 24 24" width="32" height="32" aria-hidden="true">
                    <path d="M12 16V4m0 0-4 4m4-4 4 4M4 16v3a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-3" fill="none"
                        stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
                </svg>
                <p class="dropzone-lead">{ lead }</p>
                <p class="dropzone-hint" id="dropzone-hint">{ props.hint.clone() }</p>
                <span class="button button-secondary dropzone-button" aria-hidden="true">{ "Choose file" }</span>
            </div>
            <input ref={input} type="file" id="file-input" class="visually-hidden" data-testid="file-input"
                accept={props.accept.clone()} tabindex="-1" aria-hidden="true" disabled={props.disabled} {onchange} />
            if let Some(rejection) = props.rejection.clone() {
                <p class="field-error" role="alert" data-testid="file-rejection">{ rejection }</p>
            }
        </div>
    }
}
