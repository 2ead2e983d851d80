//! `FormatsStore`: the server's converter list, loaded once from `/convert/formats`; a failed
//! load stays visible with its error until the person retries.

use std::rc::Rc;

use trustyconvert_core::{ApiError, FormatCatalog};
use yewdux::{Dispatch, Store};

use crate::api::{endpoints, ApiClient};

#[derive(Debug, Clone, PartialEq, Default)]
pub enum FormatsState {
    #[default]
    NotLoaded,
    Loading,
    Loaded(Rc<FormatCatalog>),
    Failed(ApiError),
}

#[derive(Debug, Clone, PartialEq, Default, Store)]
pub struct FormatsStore {
    pub state: FormatsState,
}

impl FormatsStore {
    /// The catalog once loaded; an empty one before (every file is then "not available yet").
    pub fn catalog(&self) -> Rc<FormatCatalog> {
        match &self.state {
            FormatsState::Loaded(catalog) => Rc::clone(catalog),
            _ => Rc::new(FormatCatalog::default()),
        }
    }
}

/// Loads the catalog unless it is loaded or loading.
pub async fn load_formats(client: &ApiClient, dispatch: &Dispatch<FormatsStore>) {
    let start = dispatch.reduce_mut(|store| {
        let idle = matches!(
            store.state,
            FormatsState::NotLoaded | FormatsState::Failed(_)
        );
        if idle {
            store.state = FormatsState::Loading;
        }
        idle
    });
    if !start {
        return;
    }
    let state = match endpoints::formats(client).await {
        Ok(catalog) => FormatsState::Loaded(Rc::new(catalog)),
        Err(error) => {
            log::warn!("formats: could not load ({error})");
            FormatsState::Failed(error)
        }
    };
    dispatch.reduce_mut(|store| store.state = state);
}
