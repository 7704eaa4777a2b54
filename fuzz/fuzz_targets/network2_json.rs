//! The network2 JSON reader on arbitrary text, in f64 and f32. Any panic, abort, timeout or
//! out-of-memory is a bug; a network that reads must write back to a file that reads to
//! the same network (f64 round trips exactly).
#![no_main]

use gradlab::network2_json::{from_json, to_json};
use gradlab::Network;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(net) = from_json::<f64>(text) {
        let back: Network<f64> = from_json(&to_json(&net)).expect("a written network reads back");
        assert_eq!(back, net);
    }
    if let Ok(net) = from_json::<f32>(text) {
        let back: Network<f32> = from_json(&to_json(&net)).expect("a written network reads back");
        assert_eq!(back, net);
    }
});
