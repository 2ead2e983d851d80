//! Files the person chose: from a file input, from a drop's `DataTransfer`, or dropped on the
//! page before the app took it over.

use wasm_bindgen::JsCast;

/// The files of a `<input type=file>` change event's target.
pub fn from_input_event(event: &web_sys::Event) -> Vec<web_sys::File> {
    let input = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok());
    input.map_or_else(Vec::new, |input| chosen_on(&input))
}

/// The files of a drop, in order.
pub fn from_drag_event(event: &web_sys::DragEvent) -> Vec<web_sys::File> {
    event
        .data_transfer()
        .and_then(|transfer| transfer.files())
        .map_or_else(Vec::new, |files| list(&files))
}

fn list(files: &web_sys::FileList) -> Vec<web_sys::File> {
    (0..files.length())
        .filter_map(|index| files.get(index))
        .collect()
}

/// Clears a file input, so choosing the same file again still fires `change`.
pub fn clear_input(input: &web_sys::HtmlInputElement) {
    input.set_value("");
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

/// The page-wide drop contract with the boot script (`static/boot.js`): it stops the browser
/// from opening a file dropped anywhere on the page, holds the dropped files (the app may not
/// run yet), and announces each drop with this event on `document`.
const DROPPED_ON_PAGE_EVENT: &str = "trustyconvert:dropped";
/// The boot script's function that hands over (and forgets) the files it holds.
const TAKE_DROPPED_ON_PAGE: &str = "trustyconvertTakeDropped";

/// The files dropped on the page outside the drop zone since the last call, in order (before the app
/// started, too); empty without the boot script.
pub fn take_dropped_on_page() -> Vec<web_sys::File> {
    let Some(window) = web_sys::window() else {
        return Vec::new();
    };
    let take = js_sys::Reflect::get(&window, &TAKE_DROPPED_ON_PAGE.into())
        .ok()
        .and_then(|take| take.dyn_into::<js_sys::Function>().ok());
    let Some(files) = take.and_then(|take| take.call0(&window).ok()) else {
        return Vec::new();
    };
    if !js_sys::Array::is_array(&files) {
        return Vec::new();
    }
    js_sys::Array::from(&files)
        .iter()
        .filter_map(|file| file.dyn_into::<web_sys::File>().ok())
        .collect()
}

/// Calls `on_drop` after each drop on the page outside the drop zone; lives as long as the
/// returned listener.
pub fn on_dropped_on_page(on_drop: impl Fn() + 'static) -> Option<gloo::events::EventListener> {
    let document = web_sys::window()?.document()?;
    Some(gloo::events::EventListener::new(
        &document,
        DROPPED_ON_PAGE_EVENT,
        move |_| on_drop(),
    ))
}

/// The files already on `input`: those chosen before the app started stay on the very same
/// input, which the app takes over.
pub fn chosen_on(input: &web_sys::HtmlInputElement) -> Vec<web_sys::File> {
    input.files().map_or_else(Vec::new, |files| list(&files))
}

/// Whether a click landed on the picker's own controls (the label or the input), which open
/// the picker themselves.
pub fn is_picker_control(event: &web_sys::Event) -> bool {
    event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        .and_then(|element| element.closest("label, input").ok().flatten())
        .is_some()
}
