//! The drop zone: takes files by drag and drop, or through a real file input whose "Choose
//! file" label is the button. The input is visually hidden but focusable, so the keyboard
//! reaches it and the prerendered page can pick a file before the app has started; a click
//! anywhere else on the zone opens the picker too.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::browser::file;
use crate::language::Language;

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
    /// What the zone says instead of its own lead (the queue's "Drop more files here").
    #[prop_or_default]
    pub lead: Option<AttrValue>,
    #[prop_or_default]
    pub disabled: bool,
    pub on_files: Callback<Vec<web_sys::File>>,
    pub language: Language,
}

/// What the drop zone keeps between renders, held by the component that shows it: the drop
/// zone itself is a plain function, as each component type costs the bundle its own mount,
/// hydrate and update code.
#[derive(Clone, PartialEq)]
pub struct DropZoneState {
    input: NodeRef,
    dragging: UseStateHandle<bool>,
}

/// The drop zone's state. A file chosen in the prerendered page, before the app started, is
/// still on the input when the app mounts: it goes to `on_file` then.
#[hook]
pub fn use_drop_zone(on_files: Callback<Vec<web_sys::File>>) -> DropZoneState {
    let input = use_node_ref();
    let dragging = use_state(|| false);
    {
        let input = input.clone();
        use_effect_with((), move |_| {
            if let Some(input) = input.cast::<HtmlInputElement>() {
                let chosen = file::chosen_on(&input);
                if !chosen.is_empty() {
                    on_files.emit(chosen);
                    file::clear_input(&input);
                }
            }
        });
    }
    DropZoneState { input, dragging }
}

pub fn drop_zone(state: &DropZoneState, props: &DropZoneProps) -> Html {
    let DropZoneState { input, dragging } = state;

    // A click on the label or the input opens the picker by itself; elsewhere on the zone,
    // open it from here.
    let onclick = {
        let input = input.clone();
        let disabled = props.disabled;
        Callback::from(move |event: MouseEvent| {
            if disabled || file::is_picker_control(&event) {
                return;
            }
            if let Some(input) = input.cast::<HtmlInputElement>() {
                file::open_picker(&input);
            }
        })
    };
    let onchange = {
        let on_files = props.on_files.clone();
        Callback::from(move |event: Event| {
            let chosen = file::from_input_event(&event);
            if !chosen.is_empty() {
                on_files.emit(chosen);
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
        let on_files = props.on_files.clone();
        let disabled = props.disabled;
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            dragging.set(false);
            if disabled {
                return;
            }
            let dropped = file::from_drag_event(&event);
            if !dropped.is_empty() {
                on_files.emit(dropped);
            }
        })
    };

    let t = props.language.0;
    let lead = match &props.lead {
        Some(lead) => lead.clone(),
        None if props.compact => AttrValue::Static(t.drop.lead_another),
        None => AttrValue::Static(t.drop.lead),
    };
    let class = classes!(
        "dropzone",
        props.compact.then_some("dropzone-compact"),
        (*dragging).then_some("dropzone-active"),
        props.disabled.then_some("dropzone-disabled"),
    );
    html! {
        <div class="dropzone-wrap">
            <div {class} data-testid="dropzone" {onclick} {ondragover}
                ondragenter={Callback::from(|event: DragEvent| event.prevent_default())}
                {ondragleave} {ondrop}>
                <svg class="dropzone-icon" viewBox="0 0 24 24" width="32" height="32" aria-hidden="true">
                    <path d="M12 16V4m0 0-4 4m4-4 4 4M4 16v3a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-3" fill="none"
                        stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
                </svg>
                <p class="dropzone-lead">{ lead }</p>
                <p class="dropzone-hint" id="dropzone-hint">{ props.hint.clone() }</p>
                // The input right before its label: the label shows the input's keyboard focus.
                <input ref={input.clone()} type="file" id="file-input" class="visually-hidden dropzone-input"
                    data-testid="file-input" accept={props.accept.clone()} aria-describedby="dropzone-hint" multiple=true
                    disabled={props.disabled} {onchange} />
                <label for="file-input" class="button button-secondary dropzone-button"
                    data-testid="choose-file">{ t.drop.choose }</label>
            </div>
            if let Some(rejection) = props.rejection.clone() {
                <p class="field-error" role="alert" data-testid="file-rejection">{ rejection }</p>
            }
        </div>
    }
}
