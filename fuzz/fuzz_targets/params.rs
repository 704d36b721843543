//! Every query parameter parser, and each analysis question's parameters: the first byte picks
//! the parser, the rest is the parameter value (or `name=value&...` for the analysis).
#![no_main]

use forcemap::query::analysis::{Question, QUESTION_SPECS};
use forcemap::query::params;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    match selector % 8 {
        0 => {
            if let Ok(n) = params::parse_limit(Some(text)) {
                assert!((1..=params::MAX_LIMIT).contains(&n));
            }
        }
        1 => {
            let _ = params::parse_offset(Some(text));
        }
        2 => {
            if let Ok(numbers) = params::parse_bbox_numbers(text) {
                if let Ok(bbox) = params::lon_lat_bbox(numbers) {
                    for e in bbox.envelopes() {
                        assert!(e.min[0] <= e.max[0] && e.min[1] <= e.max[1], "{bbox:?}");
                    }
                }
            }
        }
        3 => {
            if let Ok(span) = params::parse_datetime(text) {
                if let (Some(s), Some(e)) = (span.start, span.end) {
                    assert!(s <= e, "{text}: {span:?}");
                }
            }
        }
        4 => {
            let _ = params::parse_sortby(text);
        }
        5 => {
            let _ = params::parse_property_list(text);
        }
        _ => {
            let name = QUESTION_SPECS[usize::from(selector / 8) % QUESTION_SPECS.len()].name;
            let pairs: Vec<(String, String)> = text
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let _ = Question::parse(name, &pairs);
        }
    }
});
