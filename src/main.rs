//! The entry point Trunk builds: everything lives in the library so tests share it.
fn main() {
    trustyconvert_web::start();
}
