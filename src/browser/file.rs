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
