//! The supply graph: a bipartite petgraph graph of categories and the suppliers we buy
//! them from, with spend on the edges. The advice reads single sources, suppliers whose
//! loss leaves categories unserved, and backup candidates from it.

use petgraph::graph::{NodeIndex, UnGraph};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// A node of the supply graph, by id, borrowed from the analysis the graph is built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Node<'a> {
    /// A supplier, by id.
    Supplier(&'a str),
    /// A category, by id.
    Category(&'a str),
}

/// Categories ↔ suppliers, edges weighted by spend. The ids are borrowed (from the
/// analysis' pairs), not copied: a big ledger has tens of thousands of them.
#[derive(Debug, Clone, Default)]
pub struct SupplyGraph<'a> {
    graph: UnGraph<Node<'a>, Decimal>,
    suppliers: Nodes<'a>,
    categories: Nodes<'a>,
}

/// The nodes of one kind: by id for lookups, and in id order for the lists. (Kept in
/// a `BTreeMap`, every lookup compared about fifteen ids: on the 10M-row bench ledger a
/// fifth of the advice's time went to building the graph and finding nodes.)
#[derive(Debug, Clone, Default)]
struct Nodes<'a> {
    by_id: FxHashMap<&'a str, NodeIndex>,
    ordered: Vec<(&'a str, NodeIndex)>,
}

impl<'a> Nodes<'a> {
    fn get(&self, id: &str) -> Option<NodeIndex> {
        self.by_id.get(id).copied()
    }

    /// Puts the nodes in id order, once they are all added.
    fn order(&mut self) {
        self.ordered = self.by_id.iter().map(|(&id, &i)| (id, i)).collect();
        self.ordered.sort_unstable_by_key(|&(id, _)| id);
    }
}

impl<'a> SupplyGraph<'a> {
    /// Builds the graph from (supplier, category, spend) edges.
    pub fn new(edges: impl IntoIterator<Item = (&'a str, &'a str, Decimal)>) -> Self {
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
        g.suppliers.order();
        g.categories.order();
        g
    }

    /// The node of a supplier (`supplier` true) or category, added when new.
    fn node(&mut self, supplier: bool, id: &'a str) -> NodeIndex {
        let map = if supplier {
            &mut self.suppliers
        } else {
            &mut self.categories
        };
        if let Some(i) = map.get(id) {
            return i;
        }
        let n = if supplier {
            Node::Supplier(id)
        } else {
            Node::Category(id)
        };
        let i = self.graph.add_node(n);
        map.by_id.insert(id, i);
        i
    }

    /// The other ends of a node's edges with the spend, in no particular order.
    fn edges_of(&self, i: NodeIndex) -> impl Iterator<Item = (&'a str, Decimal)> + '_ {
        self.graph.edges(i).map(move |e| {
            let other = if e.source() == i {
                e.target()
            } else {
                e.source()
            };
            let id = match self.graph[other] {
                Node::Supplier(s) | Node::Category(s) => s,
            };
            (id, *e.weight())
        })
    }

    /// The other ends of a node's edges with the spend, by spend descending, ties by id.
    fn neighbours(&self, i: NodeIndex) -> Vec<(&'a str, Decimal)> {
        let mut out: Vec<(&'a str, Decimal)> = self.edges_of(i).collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        out
    }

    /// The categories of a supplier with the spend, in no particular order: for counts,
    /// where [`SupplyGraph::categories_of`] sorts.
    pub fn category_spends(&self, supplier: &str) -> impl Iterator<Item = (&'a str, Decimal)> + '_ {
        let i = self.suppliers.get(supplier);
        i.into_iter().flat_map(move |i| self.edges_of(i))
    }

    /// The suppliers of a category with their spend, by spend descending, ties by id.
    pub fn suppliers_of(&self, category: &str) -> Vec<(&'a str, Decimal)> {
        self.categories
            .get(category)
            .map(|i| self.neighbours(i))
            .unwrap_or_default()
    }

    /// The categories a supplier serves with their spend, by spend descending, ties by id.
    pub fn categories_of(&self, supplier: &str) -> Vec<(&'a str, Decimal)> {
        self.suppliers
            .get(supplier)
            .map(|i| self.neighbours(i))
            .unwrap_or_default()
    }

    /// Categories served by exactly one supplier, with it, in category id order.
    pub fn single_sourced(&self) -> Vec<(&'a str, &'a str)> {
        self.categories
            .ordered
            .iter()
            .filter_map(|&(c, i)| {
                let mut e = self.edges_of(i);
                match (e.next(), e.next()) {
                    (Some((s, _)), None) => Some((c, s)),
                    _ => None,
                }
            })
            .collect()
    }

    /// Suppliers whose loss would leave at least `min` categories with no supplier, with
    /// those categories; in supplier id order.
    pub fn critical_suppliers(&self, min: usize) -> Vec<(&'a str, Vec<&'a str>)> {
        let mut by_supplier: BTreeMap<&'a str, Vec<&'a str>> = BTreeMap::new();
        for (c, s) in self.single_sourced() {
            by_supplier.entry(s).or_default().push(c);
        }
        by_supplier
            .into_iter()
            .filter(|(_, cs)| cs.len() >= min)
            .collect()
    }

    /// Every supplier id, in order.
    pub fn supplier_ids(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.suppliers.ordered.iter().map(|&(id, _)| id)
    }
}

use petgraph::visit::EdgeRef;

#[cfg(test)]
mod tests {
    use super::*;

    fn g() -> SupplyGraph<'static> {
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
            [("PKG-BOX", "S3"), ("RAW-MEAT", "S1"), ("RAW-SPICE", "S1")]
        );
        assert_eq!(
            g.critical_suppliers(2),
            [("S1", vec!["RAW-MEAT", "RAW-SPICE"])]
        );
        assert_eq!(g.suppliers_of("PKG-FILM")[0].0, "S2");
        assert_eq!(g.categories_of("S3").len(), 2);
    }

    #[test]
    fn lists_come_in_id_order_whatever_the_order_of_the_edges() {
        let g = SupplyGraph::new([
            ("S9", "C2", Decimal::from(1)),
            ("S10", "C1", Decimal::from(2)),
            ("S1", "C3", Decimal::from(3)),
            ("S10", "C3", Decimal::from(4)),
        ]);
        assert_eq!(g.supplier_ids().collect::<Vec<_>>(), ["S1", "S10", "S9"]);
        assert_eq!(g.single_sourced(), [("C1", "S10"), ("C2", "S9")]);
        assert_eq!(
            g.suppliers_of("C3"),
            [("S10", Decimal::from(4)), ("S1", Decimal::from(3))]
        );
        assert!(g.categories_of("S2").is_empty());
    }
}
