//! A small command-line reader: `--name value`, `--name=value`, `--flag` and positionals,
//! checked against what each command takes so that mistakes get a one-line answer.

use std::collections::BTreeMap;

pub struct Args {
    /// The subcommand, named in every error.
    command: String,
    pub positionals: Vec<String>,
    values: BTreeMap<&'static str, String>,
    flags: Vec<&'static str>,
}

/// An option a command takes: its name and whether it takes a value.
pub type Spec = (&'static str, bool);

impl Args {
    pub fn parse(command: &str, raw: &[String], options: &[Spec]) -> Result<Args, String> {
        let mut args = Args {
            command: command.to_string(),
            positionals: Vec::new(),
            values: BTreeMap::new(),
            flags: Vec::new(),
        };
        let allowed = || {
            options
                .iter()
                .map(|(name, _)| format!("--{name}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut iter = raw.iter();
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
                return Err(format!(
                    "slo {command}: unknown option --{name}; allowed: {}",
                    allowed()
                ));
            };
            if takes_value {
                let value = inline
                    .or_else(|| iter.next().cloned())
                    .ok_or_else(|| format!("slo {command}: --{name} needs a value"))?;
                args.values.insert(name, value);
            } else if inline.is_some() {
                return Err(format!("slo {command}: --{name} takes no value"));
            } else {
                args.flags.push(name);
            }
        }
        Ok(args)
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    pub fn flag(&self, name: &str) -> bool {
        self.flags.contains(&name)
    }

    /// A required option's value, read by `parse`; errors name the option.
    pub fn required<T>(
        &self,
        name: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<T, String> {
        let value = self
            .value(name)
            .ok_or_else(|| format!("slo {}: --{name} is required", self.command))?;
        parse(value).map_err(|e| format!("slo {}: --{name}: {e}", self.command))
    }

    /// An optional option's value, read by `parse`; errors name the option.
    pub fn optional<T>(
        &self,
        name: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<Option<T>, String> {
        self.value(name)
            .map(|v| parse(v).map_err(|e| format!("slo {}: --{name}: {e}", self.command)))
            .transpose()
    }
}
