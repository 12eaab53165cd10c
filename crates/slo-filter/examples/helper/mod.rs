//! What the test helpers (`status`, `judge`) share: printing the answer, one error line.

use serde_json::Value;
use std::fmt::Display;
use std::process::ExitCode;

/// Prints the answer on stdout (exit 0) or the message on stderr (exit 2).
pub fn finish(name: &str, answer: Result<Value, String>) -> ExitCode {
    match answer {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{name}: {message}");
            ExitCode::from(2)
        }
    }
}

/// A file's text, or an error naming it.
pub fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))
}

/// Every validation error, on one line.
pub fn joined<E: Display>(errors: &[E]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
