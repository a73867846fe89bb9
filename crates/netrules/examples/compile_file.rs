//! Compiles an input document (JSON) and reports how long parsing and writing took.
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("usage: compile_file INPUT.json");
    let text = std::fs::read_to_string(path).expect("readable input");
    for _ in 0..3 {
        let start = Instant::now();
        let input = rudder_netrules::parse_input(&text).expect("valid input");
        let parsed = start.elapsed();
        let view = rudder_netrules::ClusterView::build(&input).expect("valid settings");
        let viewed = start.elapsed();
        let ruleset = rudder_netrules::write_ruleset(&view, &input.settings, &rudder_netrules::SyncRequest { full: true, ..Default::default() });
        let written = start.elapsed();
        eprintln!("parse {parsed:?}, view {:?}, write {:?}, {} bytes", viewed - parsed, written - viewed, ruleset.text.len());
    }
}
