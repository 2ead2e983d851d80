//! The chosen file as a person checks it: name, type and size.

use trustyconvert_core::{format_label, ValidatedFile};
use yew::prelude::*;

use crate::language::Language;

/// The arguments of a plain view function (no component, so no `Properties`).
#[derive(PartialEq)]
pub struct FileSummaryProps {
    pub file: ValidatedFile,
    /// The browser's MIME type for it, when it knows one.
    pub mime: Option<AttrValue>,
    pub language: Language,
}

/// A plain function, not a component: it has no state of its own, and each component type
/// costs the bundle its own mount, hydrate and update code.
pub fn file_summary(props: &FileSummaryProps) -> Html {
    let t = props.language.0;
    let kind = match props.mime.as_deref().filter(|mime| !mime.is_empty()) {
        Some(mime) => format!("{} ({mime})", format_label(&props.file.extension, t)),
        None => format_label(&props.file.extension, t),
    };
    html! {
        <div class="file-summary" data-testid="file-summary">
            <span class="file-badge" aria-hidden="true">{ props.file.extension.to_ascii_uppercase() }</span>
            <dl class="file-facts">
                <dt class="visually-hidden">{ t.file.name }</dt>
                <dd class="file-name" data-testid="file-name" title={props.file.name.clone()}>{ props.file.name.clone() }</dd>
                <dt class="visually-hidden">{ t.file.kind }</dt>
                <dd class="file-meta" data-testid="file-type">{ kind }</dd>
                <dt class="visually-hidden">{ t.file.size }</dt>
                <dd class="file-meta" data-testid="file-size">{ t.size(props.file.size) }</dd>
            </dl>
        </div>
    }
}
