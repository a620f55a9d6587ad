//! procura: ABC analysis, supplier relationship types and sourcing advice from purchase
//! ledgers.
//!
//! The data flows one way, each stage a plain function over plain data:
//!
//! ```text
//! ledger ──read──▶ SpendCube ──rank──▶ ABC ──classify──▶ relationship type ──advise──▶ report
//!                                  rules + profiles ─┘                  supply graph ─┘
//! ```
//!
//! - [`ledger`] reads CSV ledgers into a [`spend::SpendCube`];
//! - [`rules`] loads and checks the rule set (the shipped default is [`rules::DEFAULT_RULES`]);
//! - [`profiles`] holds what the buyer knows about categories and suppliers;
//! - [`analysis::analyze`] runs [`abc`], [`classify`] and [`advise`];
//! - [`report`] renders the result as a table, CSV, JSON or Markdown.
//! - [`scorecard`] reads the supplier review that [`advise::apply_scorecard`] places in
//!   the four quadrants.
//!
//! [`pipeline::run`] wires them together as the CLI does. The library never prints or exits.
//!
//! # Example
//!
//! ```
//! use procura::analysis::{analyze, Dimension};
//! use procura::profiles::Profiles;
//! use procura::relationship::RelationshipType;
//! use procura::report::{render, Format};
//! use procura::rules::RuleSet;
//! use procura::spend::{PurchaseLine, SpendCube};
//! use rust_decimal::Decimal;
//!
//! let rules = RuleSet::default_rules()?;
//! let mut cube = SpendCube::default();
//! for (supplier, category, amount) in [("S1", "PKG-FILM", 950), ("S2", "PKG-FILM", 50)] {
//!     cube.add(&PurchaseLine {
//!         supplier_id: supplier,
//!         supplier_name: None,
//!         category,
//!         item_id: "",
//!         amount: Decimal::from(amount),
//!         profit: None,
//!         date: None,
//!         currency: Some("EUR"),
//!     });
//! }
//! let profiles = Profiles::from_toml(
//!     "[categories.PKG-FILM]\ncriticality = \"core\"\nsuppliers_in_market = 8\n",
//!     std::path::Path::new("profiles.toml"),
//!     &rules,
//! )?;
//! let analysis = analyze(&cube, &rules, &profiles)?;
//! let film = analysis.advice.category("PKG-FILM").expect("a plan per category");
//! assert_eq!(film.relationship_type, RelationshipType::PartialCompetition);
//! // The 30:70 principle: the main supplier goes from 950 to 700, the background from 50 to 300.
//! assert_eq!(film.moves[0].amount, Decimal::from(250));
//! let csv = render(&analysis, Dimension::Supplier, Format::Csv)?;
//! assert!(csv.starts_with(b"supplier_id,supplier_name,spend,"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod abc;
pub mod advise;
pub mod analysis;
pub mod classify;
pub mod ledger;
pub mod pipeline;
pub mod profiles;
pub mod profit;
pub mod ratio;
pub mod relationship;
pub mod report;
pub mod rules;
pub mod scorecard;
pub mod spend;
pub mod suggest;
