//! A PromQL syntax check, enough to catch offline what Prometheus would refuse when it
//! loads the generated rules: the shapes SLI queries take (vector selectors with label
//! matchers, range and subquery brackets, `offset` and `@`, function calls, aggregations
//! with `by`/`without` before or after their arguments, binary operators with `bool`,
//! `on`/`ignoring` and `group_left`/`group_right`, numbers, strings, parentheses and signs).
//!
//! What it does not check: whether a function exists or takes those argument types, the
//! regular expressions inside `=~`/`!~` matchers, and operator precedence (any sequence of
//! operands joined by binary operators is accepted, since every precedence accepts it).

// Without the full reader (the filter) nothing checks PromQL.
#![cfg_attr(not(feature = "full-reader"), allow(dead_code))]

/// The aggregation operators: they alone take `by`/`without`.
const AGGREGATIONS: &[&str] = &[
    "sum",
    "min",
    "max",
    "avg",
    "group",
    "stddev",
    "stdvar",
    "count",
    "count_values",
    "bottomk",
    "topk",
    "quantile",
];

/// Binary operators spelled as words.
const WORD_OPERATORS: &[&str] = &["and", "or", "unless", "atan2"];

/// Symbol operators, longest first so `>=` is not read as `>`.
const SYMBOL_OPERATORS: &[&str] = &[
    "==", "!=", ">=", "<=", ">", "<", "+", "-", "*", "/", "%", "^",
];

const DURATION_UNITS: &[&str] = &["ms", "s", "m", "h", "d", "w", "y"];

/// Checks `text` as a PromQL expression; the error says what was expected where
/// (character positions count from 1).
pub fn check_expression(text: &str) -> Result<(), String> {
    let mut parser = Parser::new(text);
    parser.expression()?;
    parser.end()
}

/// Checks `text` with `stand_in` put for each `placeholder` (such as a duration for
/// `{{window}}`), quoting `text` as written in the error. The two must be as long, so
/// that character positions hold in both.
pub fn check_expression_with(text: &str, placeholder: &str, stand_in: &str) -> Result<(), String> {
    debug_assert_eq!(placeholder.chars().count(), stand_in.chars().count());
    let checked = text.replace(placeholder, stand_in);
    let mut parser = Parser::new(&checked);
    parser.shown = text.chars().collect();
    parser.expression()?;
    parser.end()
}

/// Checks `text` as one instant vector selector (`metric{label="value"}` or `{...}` with
/// a metric name matcher) and nothing else.
pub fn check_selector(text: &str) -> Result<(), String> {
    let mut parser = Parser::new(text);
    parser.skip_space();
    if parser.peek() == Some('{') {
        parser.matchers()?;
    } else {
        let name = parser.identifier(true)?;
        parser.skip_space();
        if parser.peek() == Some('{') {
            parser.matchers()?;
        } else if parser.peek() == Some('(') || is_keyword(&name) {
            return Err(parser.expected("a metric name, optionally with {label matchers}"));
        }
    }
    parser.end()
}

/// Checks the label matchers of a selector written without its metric name, such as
/// `{job="api", code=~"5.."}`.
pub fn check_matchers(text: &str) -> Result<(), String> {
    let mut parser = Parser::new(text);
    parser.skip_space();
    parser.matchers()?;
    parser.end()
}

/// A label name as Prometheus allows it.
pub fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A metric name as Prometheus allows it (label name characters and `:`).
pub fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn is_keyword(word: &str) -> bool {
    AGGREGATIONS.contains(&word)
        || WORD_OPERATORS.contains(&word)
        || ["by", "without", "on", "ignoring", "offset", "bool"].contains(&word)
}

/// Whether a valid expression reads any range (`[5m]`, a subquery): one without is an
/// instant expression, such as `sum(requests_total)`.
pub fn has_range(text: &str) -> Result<bool, String> {
    let mut parser = Parser::new(text);
    parser.expression()?;
    parser.end()?;
    Ok(parser.ranges > 0)
}

struct Parser<'a> {
    chars: Vec<char>,
    /// The text as its author wrote it, for the messages.
    shown: Vec<char>,
    at: usize,
    text: &'a str,
    /// Range and subquery brackets read so far.
    ranges: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Parser {
            chars: text.chars().collect(),
            shown: text.chars().collect(),
            at: 0,
            text,
            ranges: 0,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                self.at += 1;
            } else if c == '#' {
                // A comment runs to the end of the line.
                while self.peek().is_some_and(|c| c != '\n') {
                    self.at += 1;
                }
            } else {
                break;
            }
        }
    }

    fn expected(&self, what: &str) -> String {
        let found = match self.peek() {
            None => "the end".to_string(),
            Some(_) => {
                let shown = self.shown.get(self.at..).unwrap_or_default();
                let rest: String = shown.iter().take(12).collect();
                format!("{rest:?}")
            }
        };
        format!(
            "does not parse as PromQL: at character {} expected {what}, found {found}",
            self.at + 1
        )
    }

    fn end(&mut self) -> Result<(), String> {
        self.skip_space();
        match self.peek() {
            None if self.text.trim().is_empty() => Err(self.expected("an expression")),
            None => Ok(()),
            Some(_) => Err(self.expected("an operator or the end")),
        }
    }

    /// Consumes `token` (after spaces) if it is next.
    fn eat(&mut self, token: &str) -> bool {
        self.skip_space();
        let token: Vec<char> = token.chars().collect();
        if self.chars[self.at..].starts_with(&token) {
            self.at += token.len();
            true
        } else {
            false
        }
    }

    fn require(&mut self, token: &str) -> Result<(), String> {
        if self.eat(token) {
            Ok(())
        } else {
            Err(self.expected(&format!("“{token}”")))
        }
    }

    /// The next word, without consuming it.
    fn peek_word(&mut self) -> String {
        self.skip_space();
        self.chars[self.at..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == '_' || **c == ':')
            .collect()
    }

    fn eat_word(&mut self, word: &str) -> bool {
        let next = self.peek_word();
        if next.eq_ignore_ascii_case(word) {
            self.at += next.chars().count();
            true
        } else {
            false
        }
    }

    fn identifier(&mut self, metric: bool) -> Result<String, String> {
        let word = self.peek_word();
        let valid = if metric {
            is_metric_name(&word)
        } else {
            is_label_name(&word)
        };
        if !valid {
            return Err(self.expected(if metric {
                "a metric or function name"
            } else {
                "a label name"
            }));
        }
        self.at += word.chars().count();
        Ok(word)
    }

    fn expression(&mut self) -> Result<(), String> {
        self.unary()?;
        while self.binary_operator() {
            self.eat_word("bool");
            for matching in ["on", "ignoring"] {
                if self.eat_word(matching) {
                    self.label_list()?;
                }
            }
            for group in ["group_left", "group_right"] {
                if self.eat_word(group) {
                    self.skip_space();
                    if self.peek() == Some('(') {
                        self.label_list()?;
                    }
                }
            }
            self.unary()?;
        }
        Ok(())
    }

    fn binary_operator(&mut self) -> bool {
        for word in WORD_OPERATORS {
            if self.eat_word(word) {
                return true;
            }
        }
        self.skip_space();
        // `=~` and `!~` belong to matchers, never here.
        SYMBOL_OPERATORS.iter().any(|op| self.eat(op))
    }

    fn unary(&mut self) -> Result<(), String> {
        while self.eat("-") || self.eat("+") {}
        self.primary()?;
        self.postfix()
    }

    fn postfix(&mut self) -> Result<(), String> {
        loop {
            if self.eat("[") {
                self.ranges += 1;
                self.duration()?;
                if self.eat(":") {
                    self.skip_space();
                    if self.peek() != Some(']') {
                        self.duration()?;
                    }
                }
                self.require("]")?;
            } else if self.eat_word("offset") {
                self.eat("-");
                self.duration()?;
            } else if self.eat("@") {
                if self.eat_word("start") || self.eat_word("end") {
                    self.require("(")?;
                    self.require(")")?;
                } else {
                    self.number()?;
                }
            } else {
                return Ok(());
            }
        }
    }

    fn primary(&mut self) -> Result<(), String> {
        self.skip_space();
        match self.peek() {
            Some('(') => {
                self.at += 1;
                self.expression()?;
                self.require(")")
            }
            Some('"' | '\'' | '`') => self.string(),
            Some('{') => self.matchers(),
            Some(c) if c.is_ascii_digit() || c == '.' => self.number(),
            _ => {
                let word = self.peek_word();
                if word.is_empty() {
                    return Err(self.expected("an operand"));
                }
                if ["inf", "nan"].contains(&word.to_ascii_lowercase().as_str()) {
                    self.at += word.len();
                    return Ok(());
                }
                let name = self.identifier(true)?;
                if AGGREGATIONS.contains(&name.as_str()) {
                    return self.aggregation();
                }
                if is_keyword(&name) {
                    self.at -= name.len();
                    return Err(self.expected("an operand"));
                }
                self.skip_space();
                match self.peek() {
                    Some('(') => self.call_arguments(),
                    Some('{') => self.matchers(),
                    _ => Ok(()),
                }
            }
        }
    }

    fn aggregation(&mut self) -> Result<(), String> {
        // `by`/`without` comes before the arguments or after them, not both.
        let grouped_before = self.grouping()?;
        self.call_arguments()?;
        if !grouped_before {
            self.grouping()?;
        }
        Ok(())
    }

    /// `by (labels)` or `without (labels)`, if next.
    fn grouping(&mut self) -> Result<bool, String> {
        if self.eat_word("by") || self.eat_word("without") {
            self.label_list()?;
            return Ok(true);
        }
        Ok(false)
    }

    fn call_arguments(&mut self) -> Result<(), String> {
        self.require("(")?;
        if self.eat(")") {
            return Ok(());
        }
        loop {
            self.expression()?;
            if self.eat(")") {
                return Ok(());
            }
            if !self.eat(",") {
                return Err(self.expected("“,” or “)”"));
            }
        }
    }

    fn label_list(&mut self) -> Result<(), String> {
        self.require("(")?;
        loop {
            if self.eat(")") {
                return Ok(());
            }
            self.identifier(false)?;
            if !self.eat(",") {
                return self.require(")");
            }
        }
    }

    fn matchers(&mut self) -> Result<(), String> {
        self.require("{")?;
        loop {
            if self.eat("}") {
                return Ok(());
            }
            self.identifier(false)?;
            if !(self.eat("=~") || self.eat("!~") || self.eat("!=") || self.eat("=")) {
                return Err(self.expected("a matcher operator (=, !=, =~ or !~)"));
            }
            self.skip_space();
            self.string()?;
            if !self.eat(",") {
                return self.require("}");
            }
        }
    }

    fn string(&mut self) -> Result<(), String> {
        self.skip_space();
        let Some(quote @ ('"' | '\'' | '`')) = self.peek() else {
            return Err(self.expected("a quoted string"));
        };
        let start = self.at;
        self.at += 1;
        while let Some(c) = self.peek() {
            self.at += 1;
            if c == '\\' && quote != '`' {
                self.at += 1;
            } else if c == quote {
                return Ok(());
            }
        }
        self.at = start;
        Err(self.expected("a string closed by its quote"))
    }

    /// A number literal: decimal with an optional fraction and exponent (`2.5`, `.5`,
    /// `1e-3`) or hexadecimal (`0x1f`). Scanned by hand: the filter reads specs too, and
    /// the standard float parser would add to its size.
    fn number(&mut self) -> Result<(), String> {
        self.skip_space();
        let start = self.at;
        let digits = |p: &mut Self, hex: bool| {
            let from = p.at;
            while p
                .peek()
                .is_some_and(|c| c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()))
            {
                p.at += 1;
            }
            p.at - from
        };
        if self.eat("0x") || self.eat("0X") {
            if digits(self, true) > 0 {
                return Ok(());
            }
        } else {
            let whole = digits(self, false);
            let fraction = if self.peek() == Some('.') {
                self.at += 1;
                digits(self, false)
            } else {
                0
            };
            if whole + fraction > 0 {
                let before_exponent = self.at;
                if matches!(self.peek(), Some('e' | 'E')) {
                    self.at += 1;
                    if matches!(self.peek(), Some('+' | '-')) {
                        self.at += 1;
                    }
                    if digits(self, false) == 0 {
                        self.at = before_exponent;
                    }
                }
                return Ok(());
            }
        }
        self.at = start;
        Err(self.expected("a number"))
    }

    fn duration(&mut self) -> Result<(), String> {
        self.skip_space();
        let mut parts = 0;
        loop {
            let digits = self.chars[self.at..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if digits == 0 {
                break;
            }
            self.at += digits;
            let rest: String = self.chars[self.at..].iter().take(2).collect();
            let Some(unit) = DURATION_UNITS.iter().find(|u| rest.starts_with(**u)) else {
                return Err(self.expected("a duration unit (ms, s, m, h, d, w or y)"));
            };
            self.at += unit.len();
            parts += 1;
        }
        if parts == 0 {
            return Err(self.expected("a duration such as 5m"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_shapes_sli_queries_take() {
        for ok in [
            "http_requests_total",
            r#"http_requests_total{job="api",code=~"5.."}"#,
            r#"sum(rate(http_requests_total{code=~"5..|429"}[5m]))"#,
            r#"sum by (route) (rate(http_requests_total[5m])) / sum(rate(x[5m])) by (route)"#,
            r#"1 - sum(rate(h_bucket{le="0.3"}[1h])) / sum(rate(h_count[1h]))"#,
            r#"histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))"#,
            r#"a / on(instance) group_left(job) b"#,
            r#"(a > bool 0.5) and ignoring (x) b unless c or d"#,
            r#"avg_over_time((a >= 0)[1h:5m]) offset 1h"#,
            r#"rate(a[1h30m] @ 1609746000)"#,
            r#"topk(3, a) - -1e-3 + 0x1f * .5"#,
            "{__name__=~\"http_.*\",}",
            "sum(rate(x[5m])) # a comment",
            "min_over_time(up[5m:])",
            "vector(1)",
        ] {
            assert_eq!(check_expression(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn refuses_what_prometheus_refuses_with_the_place() {
        for (bad, wanted) in [
            ("", "character 1 expected an operand"),
            ("sum(rate(x[5m])", "character 16 expected “,” or “)”"),
            ("rate(x[5])", "a duration unit"),
            ("x{code=5}", "a quoted string"),
            ("x{code==\"5\"}", "a quoted string"),
            ("x{code=\"5\"", "expected “}”"),
            ("a +", "an operand"),
            ("a b", "an operator or the end"),
            ("sum by route (x)", "expected “(”"),
            ("x[{{window}}]", "a duration such as 5m"),
            ("x{\"a\"=\"b\"}", "a label name"),
            ("\"open", "a string closed by its quote"),
        ] {
            let error = check_expression(bad).unwrap_err();
            assert!(error.contains(wanted), "{bad:?}: {error}");
        }
    }

    #[test]
    fn a_selector_is_a_metric_with_matchers_and_nothing_more() {
        assert_eq!(
            check_selector(r#"http_requests_total{code=~"5.."}"#),
            Ok(())
        );
        assert_eq!(check_selector(r#"{__name__="x"}"#), Ok(()));
        assert!(check_selector("rate(x[5m])").is_err());
        assert!(check_selector("x[5m]").is_err());
        assert!(check_selector("sum").is_err());
        assert_eq!(check_matchers(r#"{job="api"}"#), Ok(()));
        assert!(check_matchers(r#"job="api""#).is_err());
    }

    #[test]
    fn tells_instant_expressions_from_ranged_ones() {
        assert_eq!(has_range(r#"sum(x{a="[5m]"})"#), Ok(false));
        assert_eq!(has_range("sum(rate(x[5m]))"), Ok(true));
        assert_eq!(has_range("max_over_time(x[1h:])"), Ok(true));
        assert!(has_range("sum(").is_err());
    }
}
