//! The composite calculator's result: the availability of a service that needs all of its
//! dependencies, and the downtime to expect from it.

use super::result;
use crate::budget::{allowed_downtime_seconds, MONTH};
use crate::composite::Component;
use crate::duration::humanize_seconds;
use crate::format;

result! {
    /// A service needing every dependency (in series), each run as redundant replicas.
    pub struct Composite {
        pub availability: f64,
        /// Cut, never rounded up across a nine: `99.9899%`.
        pub availability_text: String,
        pub period: &'static str,
        pub period_seconds: u64,
        /// The unavailability over the period.
        pub expected_downtime_seconds: f64,
        pub expected_downtime_text: String,
        /// `Needing its one dependency`, `Needing all 3 dependencies`.
        pub needs_text: String,
        pub dependencies: Vec<CompositeDependency>,
    }
}

result! {
    /// One dependency with its replicas.
    pub struct CompositeDependency {
        pub replicas: u64,
        pub availability: f64,
        pub availability_text: String,
        pub expected_downtime_seconds: f64,
        pub expected_downtime_text: String,
    }
}

/// (availability, its words, expected downtime per month, its words)
fn figures(availability: f64) -> (f64, String, f64, String) {
    // Expected downtime is the unavailability over the period: the allowed downtime of a
    // target equal to the availability.
    let downtime = allowed_downtime_seconds(availability, MONTH.1);
    (
        availability,
        format::availability(availability),
        downtime,
        humanize_seconds(downtime),
    )
}

impl Composite {
    /// `service` is the serial list of dependencies, each a set of redundant replicas (or a
    /// single component, taken as one replica).
    pub fn new(service: &Component) -> Composite {
        let parts = match service {
            Component::Serial(parts) => parts.as_slice(),
            single => std::slice::from_ref(single),
        };
        let dependencies = parts
            .iter()
            .map(|part| {
                let replicas = match part {
                    Component::Redundant(copies) => copies.len() as u64,
                    _ => 1,
                };
                let (availability, availability_text, seconds, text) = figures(part.availability());
                CompositeDependency {
                    replicas,
                    availability,
                    availability_text,
                    expected_downtime_seconds: seconds,
                    expected_downtime_text: text,
                }
            })
            .collect();
        let (availability, availability_text, seconds, text) = figures(service.availability());
        Composite {
            availability,
            availability_text,
            period: MONTH.0,
            period_seconds: MONTH.1,
            expected_downtime_seconds: seconds,
            expected_downtime_text: text,
            needs_text: match parts.len() {
                1 => "Needing its one dependency".to_string(),
                n => format!("Needing all {n} dependencies"),
            },
            dependencies,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Component::*;

    #[test]
    fn the_demo_service_is_not_shown_a_nine_it_lacks() {
        let service = Serial(vec![
            Redundant(vec![Leaf(0.9999)]),
            Redundant(vec![Leaf(0.999); 3]),
            Redundant(vec![Leaf(0.9995); 2]),
        ]);
        let result = Composite::new(&service);
        assert_eq!(result.availability_text, "99.9899%");
        assert_eq!(result.expected_downtime_text, "4 min 19.9 s");
        let replicas: Vec<u64> = result.dependencies.iter().map(|d| d.replicas).collect();
        assert_eq!(replicas, [1, 3, 2]);
        assert_eq!(result.dependencies[1].availability_text, "99.9999999%");
    }

    #[test]
    fn the_headline_counts_the_dependencies_in_words() {
        let three = Serial(vec![Leaf(0.999), Leaf(0.999), Leaf(0.999)]);
        assert_eq!(
            Composite::new(&three).needs_text,
            "Needing all 3 dependencies"
        );
        let one = Serial(vec![Leaf(0.999)]);
        assert_eq!(
            Composite::new(&one).needs_text,
            "Needing its one dependency"
        );
    }
}
