//! Netfilter tables of a network namespace (iptables' view): chains with their policies and
//! rules, each rule kept as the `iptables -S` spec that adds it, which is what Docker writes
//! (`-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80`).

use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    pub name: String,
    /// Built-in chains have a policy; user chains have none.
    pub policy: Option<String>,
    /// Rule specs without the leading `-A CHAIN`.
    pub rules: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Netfilter {
    /// Table name -> chains in order.
    pub tables: BTreeMap<String, Vec<Chain>>,
}

const BUILTIN: &[(&str, &[&str])] = &[
    ("filter", &["INPUT", "FORWARD", "OUTPUT"]),
    ("nat", &["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"]),
    ("mangle", &["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"]),
    ("raw", &["PREROUTING", "OUTPUT"]),
];

impl Netfilter {
    /// The tables every namespace has, empty, every policy ACCEPT.
    pub fn new() -> Netfilter {
        let mut tables = BTreeMap::new();
        for (t, chains) in BUILTIN {
            let v = chains.iter().map(|c| Chain { name: c.to_string(), policy: Some("ACCEPT".into()), rules: Vec::new() }).collect();
            tables.insert(t.to_string(), v);
        }
        Netfilter { tables }
    }

    fn chains_mut(&mut self, table: &str) -> &mut Vec<Chain> {
        self.tables.entry(table.to_string()).or_default()
    }

    /// `-N CHAIN` (nothing if it exists).
    pub fn new_chain(&mut self, table: &str, name: &str) {
        let chains = self.chains_mut(table);
        if !chains.iter().any(|c| c.name == name) {
            chains.push(Chain { name: name.into(), policy: None, rules: Vec::new() });
        }
    }

    pub fn set_policy(&mut self, table: &str, chain: &str, policy: &str) {
        if let Some(c) = self.chains_mut(table).iter_mut().find(|c| c.name == chain) {
            c.policy = Some(policy.into());
        }
    }

    /// `-A CHAIN spec` (or `-I CHAIN spec` with `first`), once.
    pub fn add(&mut self, table: &str, chain: &str, spec: &str, first: bool) {
        self.new_chain(table, chain);
        if let Some(c) = self.chains_mut(table).iter_mut().find(|c| c.name == chain) {
            if !c.rules.iter().any(|r| r == spec) {
                if first {
                    c.rules.insert(0, spec.into());
                } else {
                    c.rules.push(spec.into());
                }
            }
        }
    }

    /// `-D CHAIN spec`.
    pub fn delete(&mut self, table: &str, chain: &str, spec: &str) {
        if let Some(c) = self.chains_mut(table).iter_mut().find(|c| c.name == chain) {
            c.rules.retain(|r| r != spec);
        }
    }

    /// How many rules jump to `chain` (`Chain DOCKER (2 references)`).
    pub fn references(&self, table: &str, chain: &str) -> usize {
        let jump = format!("-j {chain}");
        self.tables.get(table).map(|cs| cs.iter().flat_map(|c| &c.rules).filter(|r| r.ends_with(&jump) || r.contains(&format!("{jump} "))).count()).unwrap_or(0)
    }
}
