//! CQL2 text and JSON, from parsing through to evaluation over the built-in installations.
#![no_main]

use forcemap::catalog::Catalog;
use forcemap::load::{load, DataSource};
use forcemap::model::CollectionId;
use forcemap::query::cql::{Filter, FilterLang};
use forcemap::query::items::{select, ItemsQuery};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::build(load(&DataSource::BuiltIn).expect("built-in data")))
}

// The shared state is built before the first input, so that its cost (seconds under the
// sanitizer) is not charged to that input as a time-out.
fuzz_target!(init: {
    catalog();
}, |data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let lang = if selector & 1 == 0 {
        FilterLang::Cql2Text
    } else {
        FilterLang::Cql2Json
    };
    let collection =
        CollectionId::CURATED[usize::from(selector >> 1) % CollectionId::CURATED.len()];
    let catalog = catalog();
    let known = catalog.collection(collection).queryables();
    let Ok(filter) = Filter::parse(text, lang, known) else {
        return;
    };
    let query = ItemsQuery {
        filters: vec![filter],
        limit: 10,
        ..ItemsQuery::default()
    };
    let today = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let page = select(catalog, collection, &query, today);
    assert!(page.positions.len() <= page.number_matched);
});
