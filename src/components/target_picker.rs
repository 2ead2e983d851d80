//! The target format picker: only the targets the catalog allows for the chosen file, each once,
//! grouped (`<optgroup>`), labelled, with the default preselected.

use trustyconvert_core::i18n::fill;
use trustyconvert_core::{format_label, FormatGroup, TargetOption};
use yew::prelude::*;

use crate::language::Language;

#[derive(Properties, PartialEq)]
pub struct TargetPickerProps {
    pub targets: Vec<TargetOption>,
    /// The chosen target's `send_as`.
    #[prop_or_default]
    pub selected: Option<AttrValue>,
    #[prop_or_default]
    pub disabled: bool,
    pub on_change: Callback<String>,
    pub language: Language,
    /// The select's id, unique in the page (default `target-format`).
    #[prop_or_default]
    pub id: Option<AttrValue>,
    /// Its label (default "Convert to").
    #[prop_or_default]
    pub label: Option<AttrValue>,
}

/// Targets in their given order, split into consecutive groups.
fn grouped(targets: &[TargetOption]) -> Vec<(FormatGroup, Vec<&TargetOption>)> {
    let mut groups: Vec<(FormatGroup, Vec<&TargetOption>)> = Vec::new();
    for target in targets {
        match groups.iter_mut().find(|(group, _)| *group == target.group) {
            Some((_, members)) => members.push(target),
            None => groups.push((target.group, vec![target])),
        }
    }
    groups
}

/// A plain function, not a component: it has no state of its own, and each component type
/// costs the bundle its own mount, hydrate and update code.
pub fn target_picker(props: &TargetPickerProps) -> Html {
    let t = props.language.0;
    let onchange = {
        let on_change = props.on_change.clone();
        Callback::from(move |event: Event| {
            if let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() {
                on_change.emit(select.value());
            }
        })
    };
    if props.targets.is_empty() {
        return html! {
            <p class="field-error" role="alert">{ t.convert.no_target }</p>
        };
    }
    let selected = props.selected.as_deref();
    let id = props
        .id
        .clone()
        .unwrap_or(AttrValue::Static("target-format"));
    let label = props
        .label
        .clone()
        .unwrap_or(AttrValue::Static(t.convert.target_label));
    let option = |target: &TargetOption| {
        let is_selected = selected.map_or(target.is_default, |s| s == target.send_as);
        html! {
            <option value={target.send_as.clone()} selected={is_selected}>
                if target.is_default {
                    { fill(t.convert.recommended, &[("target", &format_label(&target.format, t))]) }
                } else {
                    { format_label(&target.format, t) }
                }
            </option>
        }
    };
    html! {
        <div class="field">
            <label class="field-label" for={id.clone()}>{ label }</label>
            <select id={id} class="select" data-testid="target-select"
                disabled={props.disabled} {onchange}>
                { for grouped(&props.targets).into_iter().map(|(group, members)| html! {
                    <optgroup label={group.label(t)}>
                        { for members.into_iter().map(option) }
                    </optgroup>
                }) }
            </select>
        </div>
    }
}
