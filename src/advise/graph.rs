//! The supply graph: a bipartite petgraph graph of categories and the suppliers we buy
//! them from, with spend on the edges. The advice reads single sources, suppliers whose
//! loss leaves categories unserved, and backup candidates from it.

use petgraph::graph::{NodeIndex, UnGraph};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A node of the supply graph.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Node {
    /// A supplier, by id.
    Supplier(String),
    /// A category, by id.
    Category(String),
}

/// Categories ↔ suppliers, edges weighted by spend.
#[derive(Debug, Clone, Default)]
pub struct SupplyGraph {
    graph: UnGraph<Node, Decimal>,
    suppliers: BTreeMap<String, NodeIndex>,
    categories: BTreeMap<String, NodeIndex>,
}

impl SupplyGraph {
    /// Builds the graph from (supplier, category, spend) edges.
    pub fn new<'a>(edges: impl IntoIterator<Item = (&'a str, &'a str, Decimal)>) -> Self {
        let mut g = SupplyGraph::default();
        // Edges usually come supplier by supplier: the last supplier's node is kept.
        let mut last: Option<(&str, NodeIndex)> = None;
        for (s, c, spend) in edges {
            let si = match last {
                Some((id, i)) if id == s => i,
                _ => g.node(true, s),
            };
            last = Some((s, si));
            let ci = g.node(false, c);
            g.graph.add_edge(si, ci, spend);
        }
        g
    }

    /// The node of a supplier (`supplier` true) or category, added when new. The id is
    /// copied only for a new node: the graph is built from every pair.
    fn node(&mut self, supplier: bool, id: &str) -> NodeIndex {
        let map = if supplier {
            &mut self.suppliers
        } else {
            &mut self.categories
        };
        if let Some(&i) = map.get(id) {
            return i;
        }
        let n = if supplier {
            Node::Supplier(id.to_string())
        } else {
            Node::Category(id.to_string())
        };
        let i = self.graph.add_node(n);
        map.insert(id.to_string(), i);
        i
    }

    fn neighbours(&self, i: NodeIndex) -> Vec<(String, Decimal)> {
        let mut out: Vec<(String, Decimal)> = self
            .graph
            .edges(i)
            .map(|e| {
                let other = if e.source() == i {
                    e.target()
                } else {
                    e.source()
                };
                let id = match &self.graph[other] {
                    Node::Supplier(s) | Node::Category(s) => s.clone(),
                };
                (id, *e.weight())
            })
            .collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }

    /// The suppliers of a category with their spend, by spend descending, ties by id.
    /// The categories of a supplier with the spend, in no particular order and without
    /// copying ids: for counts, where [`SupplyGraph::categories_of`] sorts and copies.
    pub fn category_spends<'g>(
        &'g self,
        supplier: &str,
    ) -> impl Iterator<Item = (&'g str, Decimal)> + 'g {
        let i = self.suppliers.get(supplier).copied();
        i.into_iter().flat_map(move |i| {
            self.graph.edges(i).map(move |e| {
                let other = if e.source() == i {
                    e.target()
                } else {
                    e.source()
                };
                let id = match &self.graph[other] {
                    Node::Supplier(s) | Node::Category(s) => s.as_str(),
                };
                (id, *e.weight())
            })
        })
    }

    pub fn suppliers_of(&self, category: &str) -> Vec<(String, Decimal)> {
        self.categories
            .get(category)
            .map(|&i| self.neighbours(i))
            .unwrap_or_default()
    }

    /// The categories a supplier serves with their spend, by spend descending, ties by id.
    pub fn categories_of(&self, supplier: &str) -> Vec<(String, Decimal)> {
        self.suppliers
            .get(supplier)
            .map(|&i| self.neighbours(i))
            .unwrap_or_default()
    }

    /// Categories served by exactly one supplier, in id order.
    pub fn single_sourced(&self) -> Vec<(String, String)> {
        self.categories
            .iter()
            .filter_map(|(c, &i)| {
                // Counted first: listing (copying, sorting) every category's suppliers
                // to find the few with one is most of the cost on big ledgers.
                if self.graph.edges(i).nth(1).is_some() {
                    return None;
                }
                let n = self.neighbours(i);
                (n.len() == 1).then(|| (c.clone(), n[0].0.clone()))
            })
            .collect()
    }

    /// Suppliers whose loss would leave at least `min` categories with no supplier, with
    /// those categories; in supplier id order.
    pub fn critical_suppliers(&self, min: usize) -> Vec<(String, Vec<String>)> {
        let mut by_supplier: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (c, s) in self.single_sourced() {
            by_supplier.entry(s).or_default().push(c);
        }
        by_supplier
            .into_iter()
            .filter(|(_, cs)| cs.len() >= min)
            .collect()
    }

    /// Every supplier id, in order.
    pub fn supplier_ids(&self) -> impl Iterator<Item = &str> {
        self.suppliers.keys().map(String::as_str)
    }
}

use petgraph::visit::EdgeRef;

#[cfg(test)]
mod tests {
    use super::*;

    fn g() -> SupplyGraph {
        SupplyGraph::new([
            ("S1", "RAW-MEAT", Decimal::from(100)),
            ("S1", "RAW-SPICE", Decimal::from(10)),
            ("S2", "PKG-FILM", Decimal::from(95)),
            ("S3", "PKG-FILM", Decimal::from(5)),
            ("S3", "PKG-BOX", Decimal::from(7)),
        ])
    }

    #[test]
    fn reads_single_sources_and_critical_suppliers() {
        let g = g();
        assert_eq!(
            g.single_sourced(),
            [
                ("PKG-BOX".to_string(), "S3".to_string()),
                ("RAW-MEAT".to_string(), "S1".to_string()),
                ("RAW-SPICE".to_string(), "S1".to_string())
            ]
        );
        assert_eq!(
            g.critical_suppliers(2),
            [(
                "S1".to_string(),
                vec!["RAW-MEAT".to_string(), "RAW-SPICE".to_string()]
            )]
        );
        assert_eq!(g.suppliers_of("PKG-FILM")[0].0, "S2");
        assert_eq!(g.categories_of("S3").len(), 2);
    }
}
