//! NodeLabelScore: prefers nodes by the integer value of a label, e.g. `{"label": "tier"}`
//! scores a node labelled tier=3 above one labelled tier=1. A node without the label, or
//! with a value that is not an integer, scores 0. Scores are scaled to 0..=100 by the highest
//! among the feasible nodes (DefaultNormalizeScore); `"reverse": true` prefers low values
//! instead (100 minus the scaled value; a node without the label still scores 0).

use serde_json::Value;

use crate::extension::{NodeView, ScoreExtension};
use crate::intern::parse_int64;
use crate::model::PodQuery;
use crate::scores::{default_normalize, MAX_NODE_SCORE};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeLabelScore {
    pub label: String,
    pub reverse: bool,
}

impl NodeLabelScore {
    pub fn from_args(args: &Value) -> Result<Box<dyn ScoreExtension>, String> {
        let label = args
            .get("label")
            .and_then(Value::as_str)
            .filter(|label| !label.is_empty())
            .ok_or("args.label must name a node label")?;
        let reverse = match args.get("reverse") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(reverse)) => *reverse,
            Some(_) => return Err("args.reverse must be a boolean".into()),
        };
        Ok(Box::new(NodeLabelScore {
            label: label.to_string(),
            reverse,
        }))
    }
}

impl ScoreExtension for NodeLabelScore {
    fn score(&self, _pod: &PodQuery, node: &NodeView<'_>) -> i64 {
        let value = node.label(&self.label).and_then(parse_int64);
        match value {
            // Negative values count as 0: scores start at MinNodeScore.
            Some(value) => value.max(0),
            // Marked so normalize keeps unlabelled nodes at 0 in reverse too.
            None => -1,
        }
    }

    fn normalize(&self, scores: &mut [i64]) {
        let unlabelled: Vec<bool> = scores.iter().map(|score| *score < 0).collect();
        scores.iter_mut().for_each(|score| *score = (*score).max(0));
        default_normalize(scores, false);
        if self.reverse {
            for (score, unlabelled) in scores.iter_mut().zip(unlabelled) {
                *score = if unlabelled {
                    0
                } else {
                    MAX_NODE_SCORE - *score
                };
            }
        }
    }
}
