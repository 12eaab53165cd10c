//! The matcher index: which of a spec's request SLOs a request belongs to, in time that
//! depends on the request (its path's length and the SLOs it matches), not on how many SLOs
//! the spec has. A proxy builds it once per configuration and asks it on every request,
//! instead of asking every SLO's `RequestMatch`; the answers are exactly `matches`'.
//!
//! The path decides first, so that a proxy reads the other facts (each read a call into the
//! proxy) only when an SLO the path leaves looks at them: `path_candidates`, then `matching`.

use super::{strip_query, RequestFacts};
use crate::spec::{RequestMatch, Spec};

/// SLOs are numbered by their position in `Spec::request_slos`, and every list of them
/// the index gives is in that order: the order the proxy keeps its counts in.
#[derive(Debug, Clone)]
pub struct MatchIndex {
    /// A byte trie of every SLO's path prefixes; `nodes[0]` is the empty prefix. Walking a
    /// path down it passes exactly the prefixes the path starts with.
    nodes: Vec<Node>,
    /// The SLOs without path prefixes: every path is theirs.
    any_path: Vec<usize>,
    /// Per SLO, its matcher without the path prefixes, which the trie stands for.
    others: Vec<RequestMatch>,
}

#[derive(Debug, Clone, Default)]
struct Node {
    /// The next byte of a prefix and the node it leads to, sorted by byte.
    children: Vec<(u8, usize)>,
    /// The SLOs one of whose prefixes ends here.
    slos: Vec<usize>,
}

impl MatchIndex {
    pub fn new(spec: &Spec) -> MatchIndex {
        let matchers: Vec<&RequestMatch> = spec.request_slos().map(|(_, s)| &s.matcher).collect();
        let mut index = MatchIndex {
            nodes: vec![Node::default()],
            any_path: Vec::new(),
            others: Vec::with_capacity(matchers.len()),
        };
        for (slo, matcher) in matchers.iter().enumerate() {
            if matcher.path_prefixes.is_empty() {
                index.any_path.push(slo);
            }
            for prefix in &matcher.path_prefixes {
                let end = index.insert(prefix.as_bytes());
                index.nodes[end].slos.push(slo);
            }
            index.others.push(RequestMatch {
                path_prefixes: Vec::new(),
                ..(*matcher).clone()
            });
        }
        index
    }

    /// The node where `prefix` ends, made along with those before it where missing.
    fn insert(&mut self, prefix: &[u8]) -> usize {
        let mut node = 0;
        for &byte in prefix {
            let children = &self.nodes[node].children;
            node = match children.binary_search_by_key(&byte, |&(b, _)| b) {
                Ok(at) => children[at].1,
                Err(at) => {
                    let new = self.nodes.len();
                    self.nodes[node].children.insert(at, (byte, new));
                    self.nodes.push(Node::default());
                    new
                }
            };
        }
        node
    }

    /// The SLOs whose path prefixes admit the request's path (its query and fragment cut
    /// off, as `matches` does), in spec order: those `RequestMatch::matches` can still
    /// admit once the route, host and method are known (`matching`).
    pub fn path_candidates(&self, request_path: &str) -> Vec<usize> {
        let mut found = self.any_path.clone();
        let mut node = self.nodes.first();
        for &byte in strip_query(request_path).as_bytes() {
            let Some(at) = node else { break };
            for &slo in &at.slos {
                add_sorted(&mut found, slo);
            }
            node = at
                .children
                .binary_search_by_key(&byte, |&(b, _)| b)
                .ok()
                .and_then(|i| self.nodes.get(at.children[i].1));
        }
        for &slo in node.map_or(&[][..], |at| &at.slos) {
            add_sorted(&mut found, slo);
        }
        found
    }

    /// Of `path_candidates(request.path)`, the SLOs whose routes, virtual hosts and methods
    /// admit the request too: exactly those whose `RequestMatch::matches` holds, in order.
    /// Each candidate is asked with `matches` itself (its path part now empty), so those
    /// rules keep one definition; that costs the length of the candidate's own lists (a
    /// handful of names), whatever the spec's size, and no lookup tables in the filter.
    pub fn matching(&self, mut candidates: Vec<usize>, request: &RequestFacts) -> Vec<usize> {
        candidates.retain(|&slo| self.others.get(slo).is_some_and(|m| m.matches(request)));
        candidates
    }
}

/// Adds `id` to the sorted `ids` unless there: a request's lists are short, and a general
/// sort would weigh on the filter's size budget.
fn add_sorted(ids: &mut Vec<usize>, id: usize) {
    if let Err(at) = ids.binary_search(&id) {
        ids.insert(at, id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(matchers: &[&str]) -> Spec {
        let slos: Vec<String> = matchers
            .iter()
            .enumerate()
            .map(|(i, m)| format!(r#"{{"name":"s{i}","target":0.99,"window":"30d","sli":{{"match":{m},"bad":{{"status":["5xx"]}}}}}}"#))
            .collect();
        let text = format!(
            r#"{{"services":[{{"name":"a","slos":[{}]}}]}}"#,
            slos.join(",")
        );
        Spec::from_json(&text).unwrap()
    }

    fn request<'a>(path: &'a str, authority: &'a str, method: &'a str) -> RequestFacts<'a> {
        RequestFacts {
            route: Some("r1"),
            authority,
            path,
            method,
        }
    }

    #[test]
    fn every_prefix_along_the_path_and_the_slos_without_one_are_candidates_in_spec_order() {
        let index = MatchIndex::new(&spec(&[
            r#"{"path_prefixes":["/a/b"]}"#,
            r#"{}"#,
            r#"{"path_prefixes":["/a","/a/b/c"]}"#,
            r#"{"path_prefixes":["/ab"]}"#,
        ]));
        assert_eq!(index.path_candidates("/a/b/c/d"), [0, 1, 2]);
        assert_eq!(index.path_candidates("/a/b?x=/ab"), [0, 1, 2]);
        assert_eq!(index.path_candidates("/a#b"), [1, 2]);
        assert_eq!(index.path_candidates("/abc"), [1, 2, 3]);
        assert_eq!(index.path_candidates("/A/b"), [1]);
        assert_eq!(index.path_candidates(""), [1]);
    }

    #[test]
    fn routes_hosts_and_methods_rule_candidates_out_as_matches_does() {
        let index = MatchIndex::new(&spec(&[
            r#"{"virtual_hosts":["Shop.example"],"methods":["GET"]}"#,
            r#"{"virtual_hosts":["a:1"]}"#,
            r#"{"routes":["r2","r1"],"methods":["POST"]}"#,
        ]));
        let all = || index.path_candidates("/");
        assert_eq!(
            index.matching(all(), &request("/", "shop.EXAMPLE:8080", "GET")),
            [0]
        );
        assert_eq!(index.matching(all(), &request("/", "A:1", "POST")), [1, 2]);
        assert_eq!(
            index.matching(all(), &request("/", "a:2", "get")),
            [] as [usize; 0]
        );
        let no_route = RequestFacts {
            route: None,
            ..request("/", "x", "POST")
        };
        assert_eq!(index.matching(all(), &no_route), [] as [usize; 0]);
    }
}
