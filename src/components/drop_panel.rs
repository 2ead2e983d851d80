//! The area where a person drops the file to convert.

use yew::prelude::*;

#[component]
pub fn DropPanel() -> Html {
    html! {
        <section class="panel drop-panel" aria-labelledby="drop-title">
            <h1 id="drop-title" class="panel-title">{ "Convert a file" }</h1>
            <div class="dropzone" data-testid="dropzone">
                <p class="dropzone-lead">{ "Drop a file here" }</p>
                <p class="dropzone-hint">{ "Images, documents and spreadsheets, up to 100 MB." }</p>
            </div>
        </section>
    }
}
