//! Files the person chose: from a file input or from a drop's `DataTransfer`.

use wasm_bindgen::JsCast;

/// The first file of a `<input type=file>` change event's target.
pub fn from_input_event(event: &web_sys::Event) -> Option<web_sys::File> {
    let input = event
        .target()?
        .dyn_into::<web_sys::HtmlInputElement>()
        .ok()?;
    input.files()?.get(0)
}

/// Clears a file input, so choosing the same file again still fires `change`.
pub fn clear_input(input: &web_sys::HtmlInputElement) {
    input.set_value("");
}

/// The first file of a drop.
pub fn from_drag_event(event: &web_sys::DragEvent) -> Option<web_sys::File> {
    event.data_transfer()?.files()?.get(0)
}

/// Whether a drag carries files (and not, say, selected text).
pub fn drag_has_files(event: &web_sys::DragEvent) -> bool {
    event.data_transfer().is_some_and(|transfer| {
        let types = transfer.types();
        types.includes(&"Files".into(), 0)
    })
}

/// The file's size in bytes (a browser `File` reports it as a number).
pub fn size_of(file: &web_sys::File) -> u64 {
    let size = file.size();
    if size.is_finite() && size > 0.0 {
        size as u64
    } else {
        0
    }
}

/// The file's name as the person's system gave it.
pub fn name_of(file: &web_sys::File) -> String {
    file.name()
}

/// The browser's MIME type for the file (empty when it does not know one).
pub fn mime_of(file: &web_sys::File) -> String {
    file.type_()
}

/// Opens the system's file picker for `input`.
pub fn open_picker(input: &web_sys::HtmlInputElement) {
    input.click();
}

/// The multipart form of an upload: `job_id`, then the `File` itself (the browser streams it;
/// it is never copied into wasm memory).
pub fn upload_form(file: &web_sys::File, job_id: &str) -> Option<web_sys::FormData> {
    let form = web_sys::FormData::new().ok()?;
    form.append_with_str("job_id", job_id).ok()?;
    form.append_with_blob_and_filename("file", file, &file.name())
        .ok()?;
    Some(form)
}

/// A small text file made in the page (the diagnostics panel's probe).
pub fn text_file(name: &str, contents: &str) -> Option<web_sys::File> {
    let parts = js_sys::Array::of1(&contents.into());
    web_sys::File::new_with_str_sequence(&parts, name).ok()
}
