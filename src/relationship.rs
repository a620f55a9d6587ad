//! The four relationship types, from opportunism to partnership (DOMAIN section 1).

use serde::{Deserialize, Serialize};
use std::fmt;

/// A step on the scale from opportunism to partnership. Ordered: a later variant is more
/// cooperative (and more expensive to run).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RelationshipType {
    /// Type 1: spend as little effort as possible.
    EconomicOpportunistic,
    /// Type 2: coordinate the best suppliers in the market.
    PartialCompetition,
    /// Type 3: secure the supply with a few selected suppliers.
    SelectiveCooperation,
    /// Type 4: alliances.
    Partnership,
}

impl RelationshipType {
    /// All four, least to most cooperative.
    pub const ALL: [RelationshipType; 4] = [
        RelationshipType::EconomicOpportunistic,
        RelationshipType::PartialCompetition,
        RelationshipType::SelectiveCooperation,
        RelationshipType::Partnership,
    ];

    /// The stable id used in rule files and output.
    pub fn id(self) -> &'static str {
        match self {
            RelationshipType::EconomicOpportunistic => "economic-opportunistic",
            RelationshipType::PartialCompetition => "partial-competition",
            RelationshipType::SelectiveCooperation => "selective-cooperation",
            RelationshipType::Partnership => "partnership",
        }
    }

    /// The type for an id.
    pub fn from_id(id: &str) -> Option<RelationshipType> {
        Self::ALL.into_iter().find(|t| t.id() == id.trim())
    }

    /// 1 to 4 on the scale.
    pub fn step(self) -> u8 {
        self as u8 + 1
    }

    /// The type `n` steps more cooperative, capped at partnership.
    pub fn step_up(self, n: u8) -> RelationshipType {
        let i = (self as usize + n as usize).min(Self::ALL.len() - 1);
        Self::ALL[i]
    }
}

impl fmt::Display for RelationshipType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_order_is_the_scale() {
        for t in RelationshipType::ALL {
            assert_eq!(RelationshipType::from_id(t.id()), Some(t));
        }
        assert!(RelationshipType::EconomicOpportunistic < RelationshipType::Partnership);
        assert_eq!(
            RelationshipType::PartialCompetition.step_up(1),
            RelationshipType::SelectiveCooperation
        );
        assert_eq!(
            RelationshipType::Partnership.step_up(3),
            RelationshipType::Partnership
        );
    }
}
