//! Composite availability: services in series, redundant replicas, and OpenSLO-style
//! weighted composites, nested as deep as needed.

use crate::decode::{Errors, FieldError};

#[derive(Debug, Clone, PartialEq)]
pub enum Component {
    /// A single dependency's availability, from 0 to 1.
    Leaf(f64),
    /// All must work: the product of availabilities.
    Serial(Vec<Component>),
    /// Any one is enough: 1 - the product of unavailabilities (independent failures).
    Redundant(Vec<Component>),
    /// Weighted mean of the parts' availabilities, as OpenSLO composite SLOs weigh
    /// their objectives.
    Weighted(Vec<(f64, Component)>),
}

impl Component {
    pub fn availability(&self) -> f64 {
        match self {
            Component::Leaf(a) => *a,
            Component::Serial(parts) => parts.iter().map(Component::availability).product(),
            Component::Redundant(parts) => {
                1.0 - parts
                    .iter()
                    .map(|p| 1.0 - p.availability())
                    .product::<f64>()
            }
            Component::Weighted(parts) => {
                let total: f64 = parts.iter().map(|(w, _)| w).sum();
                parts.iter().map(|(w, p)| w * p.availability()).sum::<f64>() / total
            }
        }
    }

    /// Every problem, each named by its path (`parts[1].parts[0]`).
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Errors::default();
        self.check("", &mut errors);
        errors.0
    }

    fn check(&self, path: &str, errors: &mut Errors) {
        let at = |i: usize| {
            if path.is_empty() {
                format!("parts[{i}]")
            } else {
                format!("{path}.parts[{i}]")
            }
        };
        match self {
            Component::Leaf(a) => {
                if !(0.0..=1.0).contains(a) {
                    errors.push(
                        path,
                        format!("{a} is out of range; allowed: an availability from 0 to 1"),
                    );
                }
            }
            Component::Serial(parts) | Component::Redundant(parts) => {
                if parts.is_empty() {
                    errors.push(path, "has no parts; allowed: at least one");
                }
                for (i, part) in parts.iter().enumerate() {
                    part.check(&at(i), errors);
                }
            }
            Component::Weighted(parts) => {
                if parts.is_empty() {
                    errors.push(path, "has no parts; allowed: at least one");
                }
                for (i, (weight, part)) in parts.iter().enumerate() {
                    if !(*weight > 0.0 && weight.is_finite()) {
                        errors.push(
                            &format!("{}.weight", at(i)),
                            format!("{weight} is not allowed; allowed: a weight above 0"),
                        );
                    }
                    part.check(&at(i), errors);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Component::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn serial_multiplies_and_redundant_complements() {
        assert!(close(
            Serial(vec![Leaf(0.999), Leaf(0.999)]).availability(),
            0.998001
        ));
        assert!(close(
            Redundant(vec![Leaf(0.99), Leaf(0.99)]).availability(),
            0.9999
        ));
        // A service behind a load balancer with two redundant zones, in series.
        let nested = Serial(vec![Leaf(0.9999), Redundant(vec![Leaf(0.99), Leaf(0.99)])]);
        assert!(close(nested.availability(), 0.9999 * 0.9999));
    }

    #[test]
    fn weighted_is_the_weighted_mean() {
        let w = Weighted(vec![(3.0, Leaf(0.999)), (1.0, Leaf(0.995))]);
        assert!(close(w.availability(), 0.998));
    }

    #[test]
    fn invalid_parts_are_named_by_path() {
        let c = Serial(vec![
            Leaf(0.9),
            Redundant(vec![Leaf(1.5)]),
            Weighted(vec![(0.0, Leaf(0.9))]),
            Serial(vec![]),
        ]);
        let paths: Vec<String> = c.validate().into_iter().map(|e| e.path).collect();
        assert_eq!(
            paths,
            ["parts[1].parts[0]", "parts[2].parts[0].weight", "parts[3]"]
        );
    }
}
