//! A small command-line reader: `--name value`, `--name=value`, `--flag` and positionals,
//! checked against what each command takes. Every bad argument is collected, one line
//! each, and reported together by [`Args::finish`].

use std::collections::BTreeMap;

pub struct Args {
    /// The subcommand, named in every error.
    command: String,
    pub positionals: Vec<String>,
    /// Positionals that come right after an unknown option: likely its value, so they are
    /// not reported a second time as unexpected.
    after_unknown: Vec<usize>,
    values: BTreeMap<&'static str, String>,
    flags: Vec<&'static str>,
    /// The options the command takes, as listed in messages.
    allowed: String,
    problems: Vec<String>,
}

/// An option a command takes: its name and whether it takes a value.
pub type Spec = (&'static str, bool);

impl Args {
    pub fn parse(command: &str, raw: &[String], options: &[Spec]) -> Args {
        let mut args = Args {
            command: command.to_string(),
            positionals: Vec::new(),
            after_unknown: Vec::new(),
            values: BTreeMap::new(),
            flags: Vec::new(),
            allowed: match options {
                [] => "none (this command takes no options)".into(),
                _ => (options.iter())
                    .map(|(name, _)| format!("--{name}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            },
            problems: Vec::new(),
        };
        let mut iter = raw.iter().peekable();
        while let Some(arg) = iter.next() {
            let Some(option) = arg.strip_prefix("--") else {
                args.positionals.push(arg.clone());
                continue;
            };
            let (name, inline) = match option.split_once('=') {
                Some((name, value)) => (name, Some(value.to_string())),
                None => (option, None),
            };
            let Some(&(name, takes_value)) = options.iter().find(|(known, _)| *known == name)
            else {
                let message = format!("unknown option --{name}; allowed: {}", args.allowed);
                args.problem(message);
                if inline.is_none() && iter.peek().is_some_and(|next| !next.starts_with("--")) {
                    args.after_unknown.push(args.positionals.len());
                }
                continue;
            };
            if !takes_value {
                match inline {
                    Some(_) => args.problem(format!("--{name} takes no value")),
                    None => args.flags.push(name),
                }
                continue;
            }
            let value = inline.or_else(|| iter.next_if(|next| !next.starts_with("--")).cloned());
            match value {
                None => args.problem(format!("--{name} needs a value")),
                Some(value) => {
                    if args.values.insert(name, value).is_some() {
                        args.problem(format!("--{name} is given more than once; allowed: once"));
                    }
                }
            }
        }
        args
    }

    /// Files a problem of this command's arguments, to be reported with the others.
    pub fn problem(&mut self, message: impl std::fmt::Display) {
        self.problems
            .push(format!("slo {}: {message}", self.command));
    }

    /// Files a problem for each positional argument, for commands that take none.
    pub fn refuse_positionals(&mut self) {
        let unexpected: Vec<String> = (self.positionals.iter().enumerate())
            .filter(|(i, _)| !self.after_unknown.contains(i))
            .map(|(_, p)| format!("unexpected argument {p:?}; allowed: {}", self.allowed))
            .collect();
        for message in unexpected {
            self.problem(message);
        }
    }

    /// The subcommand these arguments are for.
    pub fn command(&self) -> &str {
        &self.command
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    pub fn flag(&self, name: &str) -> bool {
        self.flags.contains(&name)
    }

    /// A required option's value, read by `parse`; `None` (with a problem filed, naming
    /// the option) when it is missing or does not read. `what` says what it takes.
    pub fn required<T>(
        &mut self,
        name: &str,
        what: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Option<T> {
        if self.value(name).is_none() {
            self.problem(format!("--{name} is required: {what}"));
        }
        self.optional(name, parse)
    }

    /// An optional option's value, read by `parse`; `None` when it is absent, or does not
    /// read (then with a problem filed, naming the option).
    pub fn optional<T>(
        &mut self,
        name: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Option<T> {
        let verdict = parse(self.value(name)?);
        verdict
            .map_err(|message| self.problem(format!("--{name}: {message}")))
            .ok()
    }

    /// The values read, when no argument had a problem; otherwise every problem, one line
    /// each. `values` is `None` only where `required` filed a problem.
    pub fn finish<T>(&self, values: Option<T>) -> Result<T, String> {
        match values {
            Some(values) if self.problems.is_empty() => Ok(values),
            _ => Err(self.problems.join("\n")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &[&str]) -> Args {
        let raw: Vec<String> = raw.iter().map(|s| s.to_string()).collect();
        Args::parse("test", &raw, &[("target", true), ("json", false)])
    }

    #[test]
    fn every_bad_argument_is_kept() {
        let mut args = parse(&["--taget", "99.9", "--json=yes", "stray", "--target"]);
        args.refuse_positionals();
        let target = args.required("target", "a target", |t| Ok(t.to_string()));
        assert_eq!(
            args.finish(target).unwrap_err().lines().collect::<Vec<_>>(),
            [
                "slo test: unknown option --taget; allowed: --target, --json",
                "slo test: --json takes no value",
                "slo test: --target needs a value",
                "slo test: unexpected argument \"stray\"; allowed: --target, --json",
                "slo test: --target is required: a target",
            ]
        );
    }

    #[test]
    fn an_option_given_twice_is_refused() {
        let args = parse(&["--target", "99", "--target=99.9"]);
        assert_eq!(
            args.finish(Some(())).unwrap_err(),
            "slo test: --target is given more than once; allowed: once"
        );
    }
}
