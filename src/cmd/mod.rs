//! One module per subcommand, each with a short `run`.
pub mod check;
pub mod diff;
pub mod explain;
pub mod sample;
pub mod schemes;
pub mod score;
pub mod test;
pub mod verify;
