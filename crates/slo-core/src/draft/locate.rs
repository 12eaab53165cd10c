//! Where a field is in the text a person wrote: the spec reader's errors name JSON paths
//! and the OpenSLO reader's name a document and a field; an editor shows them on a line.

use std::collections::HashMap;

/// The line (from 1) of every value in a JSON text, by the spec reader's path spelling
/// (`services[0].slos[2].sli.latency.threshold_ms`; `""` for the root). A member's line
/// is its key's.
pub struct JsonLines(HashMap<String, usize>);

impl JsonLines {
    /// The line of `path`, or of its nearest enclosing value the text has (a missing
    /// field's error is placed on the object that lacks it).
    pub fn line_of(&self, path: &str) -> Option<usize> {
        let mut path = path;
        loop {
            if let Some(&line) = self.0.get(path) {
                return Some(line);
            }
            let cut = path.rfind(['.', '['])?;
            path = &path[..cut];
        }
    }
}

enum Container {
    Object { key: Option<String> },
    Array { next: usize },
}

/// Reads the text's structure without judging it: broken JSON gives the lines of what
/// precedes the break.
pub fn json_path_lines(text: &str) -> JsonLines {
    let mut lines = HashMap::new();
    let mut stack: Vec<(String, Container)> = Vec::new();
    let mut line = 1;
    let mut chars = text.chars().peekable();
    // The path of the value that starts next, when one may.
    let value_path = |stack: &mut Vec<(String, Container)>| -> Option<String> {
        match stack.last_mut() {
            None => Some(String::new()),
            Some((path, Container::Array { next })) => {
                let at = format!("{path}[{next}]");
                *next += 1;
                Some(at)
            }
            Some((path, Container::Object { key })) => {
                key.take().map(|key| match path.is_empty() {
                    true => key,
                    false => format!("{path}.{key}"),
                })
            }
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            '"' => {
                let mut string = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => {
                            if let Some(escaped) = chars.next() {
                                string.push(escaped);
                            }
                        }
                        '\n' => line += 1,
                        c => string.push(c),
                    }
                }
                let is_key = matches!(chars.clone().find(|c| !c.is_whitespace()), Some(':'))
                    && matches!(stack.last(), Some((_, Container::Object { key: None })));
                if is_key {
                    if let Some((path, _)) = stack.last() {
                        let at = match path.is_empty() {
                            true => string.clone(),
                            false => format!("{path}.{string}"),
                        };
                        lines.entry(at).or_insert(line);
                    }
                    if let Some((_, Container::Object { key })) = stack.last_mut() {
                        *key = Some(string);
                    }
                } else if let Some(at) = value_path(&mut stack) {
                    lines.entry(at).or_insert(line);
                }
            }
            '{' | '[' => {
                let at = value_path(&mut stack).unwrap_or_default();
                lines.entry(at.clone()).or_insert(line);
                let container = match c {
                    '{' => Container::Object { key: None },
                    _ => Container::Array { next: 0 },
                };
                stack.push((at, container));
            }
            '}' | ']' => {
                stack.pop();
            }
            c if c.is_ascii_alphanumeric() || c == '-' => {
                if let Some(at) = value_path(&mut stack) {
                    lines.entry(at).or_insert(line);
                }
                while chars
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || ".+-".contains(*c))
                {
                    chars.next();
                }
            }
            _ => {}
        }
    }
    JsonLines(lines)
}

/// The line (from 1) of `path` (`spec.objectives[0].target`) in YAML document `document`
/// (counted from 1, documents separated by `---` lines), or of the deepest part of the path
/// the document's block layout shows; the document's first line for an empty path. Flow
/// style (`{a: 1}`) is found as far as its first key.
pub fn yaml_field_line(text: &str, document: usize, path: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let mut starts = vec![0];
    starts.extend(
        lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.trim_end() == "---" || l.starts_with("--- "))
            .map(|(i, _)| i + 1),
    );
    // A stream that opens with `---` has no document before it.
    if lines.first().is_some_and(|l| l.trim_end() == "---") {
        starts.remove(0);
    }
    let start = *starts.get(document.checked_sub(1)?)?;
    let end = starts.get(document).map_or(lines.len(), |next| next - 1);
    let body = &lines[start.min(end)..end];
    let first = body.iter().position(|l| is_content(l))?;
    let mut found = start + first;
    // The line the search continues from, and the column its keys sit deeper than.
    let (mut from, mut outer): (usize, Option<usize>) = (first, None);
    for step in steps(path) {
        let hit = match step {
            Step::Key(key) => find_key(body, from, outer, key),
            Step::Index(n) => find_item(body, from, outer, n),
        };
        let Some((at, column)) = hit else { break };
        found = start + at;
        from = at;
        outer = Some(column);
    }
    Some(found + 1)
}

enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn steps(path: &str) -> Vec<Step<'_>> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, indices) = part
            .split_once('[')
            .map_or((part, ""), |(k, rest)| (k, rest));
        if !key.is_empty() {
            out.push(Step::Key(key));
        }
        for index in indices.split('[') {
            if let Ok(n) = index.trim_end_matches(']').parse() {
                out.push(Step::Index(n));
            }
        }
    }
    out
}

fn is_content(line: &str) -> bool {
    let trimmed = line.trim();
    !trimmed.is_empty() && !trimmed.starts_with('#')
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The column a line's key or item content starts at, past any `- ` item markers.
fn content_column(line: &str) -> usize {
    let mut column = indent(line);
    let mut rest = line.trim_start();
    while let Some(after) = rest.strip_prefix("- ") {
        let skipped = rest.len() - after.trim_start().len();
        column += skipped;
        rest = after.trim_start();
    }
    column
}

/// `key:` at a column deeper than `outer`, from line `from` (itself included: a key may
/// sit on an item's line) until the block ends.
fn find_key(body: &[&str], from: usize, outer: Option<usize>, key: &str) -> Option<(usize, usize)> {
    for (i, line) in body.iter().enumerate().skip(from) {
        if !is_content(line) {
            continue;
        }
        let column = content_column(line);
        if i > from && outer.is_some_and(|o| indent(line) <= o && column <= o) {
            return None;
        }
        let content = &line[column..];
        let bare = content.trim_start_matches(['"', '\'']);
        if outer.is_none_or(|o| column > o || i == from)
            && bare
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start_matches(['"', '\'']).starts_with(':'))
        {
            return Some((i, column));
        }
    }
    None
}

/// The `n`th `- ` item of the sequence under the line `from`.
fn find_item(body: &[&str], from: usize, outer: Option<usize>, n: usize) -> Option<(usize, usize)> {
    let mut seen = 0;
    let mut item_column = None;
    for (i, line) in body.iter().enumerate().skip(from + 1) {
        if !is_content(line) {
            continue;
        }
        let column = indent(line);
        if outer.is_some_and(|o| column < o) {
            return None;
        }
        if !line.trim_start().starts_with("- ") && line.trim() != "-" {
            if item_column.is_some_and(|c| column <= c) {
                return None;
            }
            continue;
        }
        match item_column {
            None => item_column = Some(column),
            Some(c) if column > c => continue,
            Some(c) if column < c => return None,
            Some(_) => {}
        }
        if seen == n {
            return Some((i, column));
        }
        seen += 1;
    }
    None
}
