//! The Rust plugins compiled into the kernel. Add a module and one line in `register`.

mod node_label_score;

pub use node_label_score::NodeLabelScore;

use crate::extension::Registry;

pub fn register(registry: &mut Registry) {
    registry.score("NodeLabelScore", NodeLabelScore::from_args);
}
